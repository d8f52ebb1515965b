import { expect, type Page } from '@playwright/test'
import { ScenarioPanel } from './ScenarioPanel.ts'
import type { Scenario } from '../../src/scenarios/types.ts'

// Plays a scenario as a learner would: its solution commands typed into the console (retried once
// a second while the cluster is still catching up, as a learner would), predict questions answered
// with the keyboard, read steps acknowledged. `onStep` runs after each step for spec-specific checks.

/** The text of the whole console transcript. */
export async function transcript(page: Page): Promise<string> {
  return (await page.getByTestId('terminal.output').innerText()).replace(/\u00a0/g, ' ')
}

export async function playLesson(
  page: Page,
  scenario: Scenario,
  opts: {
    /** the id of a predict step to answer wrongly (the verdict must say so) */
    wrongAt?: string
    onStep?: (stepId: string) => Promise<void>
  } = {},
) {
  const lesson = new ScenarioPanel(page)
  const n = scenario.steps.length
  await page.goto(`/learn/${scenario.id}/1`)
  await expect(lesson.progress).toHaveText(`Step 1 of ${n}`)
  const run = async (c: string) => {
    await lesson.terminalInput.fill(c)
    await lesson.terminalInput.press('Enter')
  }
  for (const [i, step] of scenario.steps.entries()) {
    await expect(lesson.title).toHaveText(step.title)
    if ('command' in step.complete) {
      const commands = (step.solution as { commands: string[] }).commands
      for (const c of commands) await run(c)
      const stillHere = async () =>
        (await lesson.title.count()) > 0 && (await lesson.title.textContent()) === step.title
      for (let tries = 0; tries < 10 && (await stillHere()); tries++) {
        await page.waitForTimeout(1000)
        if (await stillHere()) await run(commands.at(-1)!)
      }
    } else if ('predict' in step.complete) {
      const right = (step.solution as { answer: number }).answer
      const choice =
        step.id === opts.wrongAt ? (right + 1) % step.complete.predict.choices.length : right
      await lesson.answer(choice)
      await expect(lesson.verdict).toHaveText(choice === right ? /^Right/ : /^Not quite/)
      for (let c = 0; c < step.complete.predict.choices.length; c++)
        await expect(page.getByTestId(`lesson.explanation.${c}`)).toBeVisible()
      await lesson.pressNext()
    } else if (!('event' in step.complete)) await lesson.pressNext()
    if (i < n - 1)
      await expect(lesson.title).toHaveText(scenario.steps[i + 1]!.title, { timeout: 20_000 })
    await opts.onStep?.(step.id)
  }
  await expect(lesson.recap).toBeVisible()
  await expect(page).toHaveURL(new RegExp(`/learn/${scenario.id}/done$`))
}
