import { test, expect } from './fixtures.ts'
import { tour as tourData } from '../src/scenarios/tour.ts'
import type { Scenario } from '../src/scenarios/types.ts'

const tour: Scenario = tourData
const N = tour.steps.length

// Presenter mode (/present) and the speaker-notes window (/notes), as an instructor uses them:
// a clicker (PageUp/PageDown) alone, and two windows kept in sync over a BroadcastChannel.

test('a clicker-only run through the tour: PageDown to the recap, PageUp back, B blanks', async ({
  page,
}) => {
  test.setTimeout(60_000)
  await page.setViewportSize({ width: 1280, height: 720 })
  await page.goto('/present/tour')
  const count = page.getByTestId('stage.count')
  const title = page.getByTestId('stage.title')
  await expect(count).toHaveText(`Step 1 of ${N}`)
  await expect(page).toHaveTitle(/Presenting: Tour of the cluster/)
  for (const [i, step] of tour.steps.entries()) {
    await expect(title).toHaveText(step.title)
    await expect(page).toHaveURL(new RegExp(`/present/tour/${i + 1}$`))
    if ('predict' in step.complete) {
      // the first press reveals the answer on screen, the second moves on
      await page.keyboard.press('PageDown')
      const right = (step.solution as { answer: number }).answer
      await expect(page.getByTestId(`stage.choice.${right}`)).toHaveClass(/choice-right/)
      await expect(count).toHaveText(`Step ${i + 1} of ${N}`)
    }
    if (i === 0) await page.screenshot({ path: 'screenshots/present-1280x720.png' })
    await page.keyboard.press('PageDown')
  }
  await expect(count).toHaveText(`Recap · ${N} of ${N} steps done`)
  await expect(page).toHaveURL(/\/present\/tour\/done$/)
  // a command step's solution was typed for the audience
  await expect(page.getByTestId('terminal.output')).toContainText('kubectl')

  await page.keyboard.press('PageUp')
  await expect(count).toHaveText(`Step ${N} of ${N}`)
  await page.keyboard.press('Home')
  await expect(count).toHaveText(`Step 1 of ${N}`)
  await page.keyboard.press('3')
  await expect(count).toHaveText(`Step 3 of ${N}`)

  await page.keyboard.press('b')
  await expect(page.getByTestId('present.blank')).toBeVisible()
  await page.keyboard.press('b')
  await expect(page.getByTestId('present.blank')).toHaveCount(0)

  await page.keyboard.press('?')
  await expect(page.getByTestId('keymap')).toBeVisible()
  await expect(page.getByTestId('keymap')).toContainText('Blank the screen')
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('keymap')).toBeHidden()
  // keys typed into the console are the console's
  await page.getByRole('textbox', { name: 'Command' }).fill('')
  await page.getByRole('textbox', { name: 'Command' }).press('PageDown')
  await expect(count).toHaveText(`Step 3 of ${N}`)
  await page.keyboard.press('Escape')
  await page.keyboard.press('PageDown') // (step 3's question was answered on the way through)
  await expect(count).toHaveText(`Step 4 of ${N}`)
})

test('the presenter and speaker-notes windows stay in sync both ways', async ({
  page,
  context,
}) => {
  test.setTimeout(45_000)
  await page.goto('/present/tour')
  await expect(page.getByTestId('stage.count')).toHaveText(`Step 1 of ${N}`)
  const popup = context.waitForEvent('page')
  await page.keyboard.press('s')
  const notes = await popup
  await expect(notes).toHaveURL(/\/notes\/tour$/)
  await expect(notes.getByTestId('notes.status')).toHaveText('In sync with the presenter window')
  await expect(notes.getByTestId('notes.current')).toContainText(`step 1 of ${N}`)
  await expect(notes.getByText(tour.steps[0]!.notes.say.slice(0, 15))).toBeVisible()

  // presenter → notes: the clicker moves both
  await page.bringToFront()
  await page.keyboard.press('PageDown')
  await expect(notes.getByTestId('notes.current')).toContainText(
    `step 2 of ${N}, ${tour.steps[1]!.title}`,
  )
  // the first step's solution was typed in the presenter window; the notes show its console
  await expect(notes.getByTestId('notes.transcript')).toContainText('kubectl get nodes -o wide')

  // notes → presenter
  await notes.getByTestId('notes.next').click()
  await expect(page.getByTestId('stage.count')).toHaveText(`Step 3 of ${N}`)
  await expect(notes.getByTestId('notes.current')).toContainText(`step 3 of ${N}`)
  // the clicker, pointed at the notes window on the laptop
  await notes.locator('body').press('PageDown')
  await expect(page.getByTestId('stage.count')).toHaveText(/Step 3 of/) // a question: answer first
  await notes.locator('body').press('PageDown')
  await expect(page.getByTestId('stage.count')).toHaveText(`Step 4 of ${N}`)
  await notes.locator('body').press('PageUp')
  await expect(page.getByTestId('stage.count')).toHaveText(`Step 3 of ${N}`)
  await notes.getByTestId('notes.jump').selectOption(String(4))
  await expect(page.getByTestId('stage.count')).toHaveText(`Step 5 of ${N}`)

  // a command typed in the notes window runs in the presenter's cluster, and both consoles show it
  await notes.getByTestId('notes.command').fill('kubectl get ns')
  await notes.getByTestId('notes.command').press('Enter')
  const audience = page.getByTestId('terminal.output').locator('.entry').last()
  await expect(audience).toContainText('kubectl get ns')
  await expect(audience).toContainText('kube-system')
  await expect(notes.getByTestId('notes.transcript')).toContainText('kube-system')

  // and one typed in the presenter window shows in the notes
  await page.bringToFront()
  await page.getByRole('textbox', { name: 'Command' }).fill('kubectl get deployments -A')
  await page.getByRole('textbox', { name: 'Command' }).press('Enter')
  await expect(notes.getByTestId('notes.transcript')).toContainText('coredns')

  // the clock: play from the notes, the presenter plays
  await notes.getByTestId('notes.play').click()
  await expect(page.getByRole('button', { name: 'Pause clock' })).toBeVisible()
  await notes.setViewportSize({ width: 1280, height: 720 })
  await notes.screenshot({ path: 'screenshots/notes-1280x720.png' })
})
