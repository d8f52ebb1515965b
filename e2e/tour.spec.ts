import { test, expect } from '@playwright/test'
import { ScenarioPanel } from './pages/ScenarioPanel.ts'
import { tour as tourData } from '../src/scenarios/tour.ts'
import type { Scenario } from '../src/scenarios/types.ts'

const tour: Scenario = tourData

// A learner completes "Tour of the cluster" with the keyboard alone (Tab, Enter, arrows, typing),
// answers both predict questions, sees the progress on /, and opens the sandbox with the same pods.

/** Pod names (first column) from the last output in a terminal. */
async function podNames(page: import('@playwright/test').Page): Promise<string[]> {
  const lines = await page
    .getByTestId('terminal.output')
    .locator('.entry')
    .last()
    .locator('pre.line')
    .allInnerTexts()
  return lines.slice(1).map((l) => l.split(/\s+/)[0]!)
}

test('a learner completes the tour with the keyboard only', async ({ page }) => {
  test.setTimeout(120_000)
  const lesson = new ScenarioPanel(page)
  await page.goto('/')
  await expect(page.getByTestId('home.progress.tour')).toHaveText('0 of 12 steps')
  const start = page.getByRole('link', { name: 'Start: Tour of the cluster' })
  await lesson.tabTo(start)
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/\/learn\/tour\/1$/)
  await expect(lesson.progress).toHaveText('Step 1 of 12')
  await expect(page).toHaveTitle('Tour of the cluster · step 1 · Cutaway')

  for (const [i, step] of tour.steps.entries()) {
    await expect(lesson.title).toHaveText(step.title)
    await expect(page).toHaveURL(new RegExp(`/learn/tour/${i + 1}$`))
    if ('command' in step.complete) {
      for (const c of (step.solution as { commands: string[] }).commands) await lesson.type(c)
    } else if ('predict' in step.complete) {
      // the first question answered right, the second wrong: both show every explanation
      const right = (step.solution as { answer: number }).answer
      const choice = step.id === 'where-is-etcd' ? right : 0
      await lesson.answer(choice)
      await expect(lesson.verdict).toHaveText(choice === right ? /^Right/ : /^Not quite/)
      const n = step.complete.predict.choices.length
      for (let c = 0; c < n; c++)
        await expect(page.getByTestId(`lesson.explanation.${c}`)).toBeVisible()
      await lesson.pressNext()
    } else if ('event' in step.complete) {
      // the clock runs: the three pods start by themselves
    } else await lesson.pressNext()
    if (i < tour.steps.length - 1)
      await expect(lesson.title).toHaveText(tour.steps[i + 1]!.title, { timeout: 20_000 })
  }
  await expect(lesson.recap).toBeVisible()
  await expect(page).toHaveURL(/\/learn\/tour\/done$/)
  const lessonPods = await podNames(page)
  expect(lessonPods).toHaveLength(3)
  expect(lessonPods.every((n) => /^web-[a-z0-9]+-[a-z0-9]{5}$/.test(n))).toBe(true)

  // "Open in sandbox from here" → the same cluster
  await lesson.tabTo(lesson.openSandbox)
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/\/sandbox\?seed=1&t=\d+&log=/)
  await lesson.type('kubectl get pods -o wide')
  await expect.poll(() => podNames(page)).toEqual(lessonPods)

  // progress on the home page
  await page.goto('/')
  await expect(page.getByTestId('home.progress.tour')).toHaveText('Completed · 12 of 12 steps')
  await expect(page.getByRole('link', { name: 'Review: Tour of the cluster' })).toBeVisible()
})

test('deep link to a step, unknown lessons, corrupted progress', async ({ page }) => {
  await page.goto('/learn/tour/11')
  await expect(page.getByTestId('lesson.step-title')).toHaveText(tour.steps[10]!.title)
  await expect(page).toHaveTitle('Tour of the cluster · step 11 · Cutaway')
  await page.goto('/learn/nope')
  await expect(page.getByRole('heading', { name: 'Lesson not found' })).toBeVisible()
  await expect(page.getByRole('link', { name: 'Back to the lessons' })).toBeVisible()
  await page.evaluate(() => localStorage.setItem('cutaway.progress.v1', '{oops'))
  await page.goto('/')
  await expect(page.getByRole('alert')).toContainText('could not be read')
  await expect(page.getByTestId('home.progress.tour')).toHaveText('0 of 12 steps')
})

test('screenshots of / and a lesson step at 1280x720', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 })
  await page.goto('/')
  await expect(page.getByTestId('home.scenario.tour')).toBeVisible()
  await page.screenshot({ path: 'screenshots/home.png' })
  await page.goto('/learn/tour/3')
  await expect(page.getByTestId('lesson.predict')).toBeVisible()
  await page.screenshot({ path: 'screenshots/lesson-step3.png' })
  await page.getByRole('radio').nth(0).check()
  await page.getByTestId('lesson.check').click()
  await page.screenshot({ path: 'screenshots/lesson-step3-answered.png' })
  await page.goto('/learn/tour/5')
  await expect(page.getByTestId('lesson.step-title')).toBeVisible()
  await page.screenshot({ path: 'screenshots/lesson-step5.png' })
})
