import AxeBuilder from '@axe-core/playwright'
import { test, expect, type Page } from '@playwright/test'
import { ClusterMap } from './pages/ClusterMap.ts'
import { ScenarioPanel } from './pages/ScenarioPanel.ts'
import { logs as logsData } from '../src/scenarios/logs.ts'
import type { Scenario } from '../src/scenarios/types.ts'

const logs: Scenario = logsData
const TICKER = (logs.steps[0]!.solution as { commands: string[] }).commands[0]!

// A learner plays "Where do my pod's logs go?" in Chromium: types every command, answers the
// predict questions with the keyboard, clicks the ticker pod and its node on the map, opens the
// node's Disk tab and follows the symlink to its file. The lesson page with the disk view open has
// no serious or critical axe violations. Screenshots at 1280x720 go to screenshots/.

/** Output lines of the last command in the console. */
async function lastOutput(page: Page): Promise<string[]> {
  return page
    .getByTestId('terminal.output')
    .locator('.entry')
    .last()
    .locator('pre.line')
    .allInnerTexts()
}

/** The ticker pod's node, from `kubectl get pods -o wide` (the browser's cluster may differ from the headless one). */
async function tickerNode(page: Page, lesson: ScenarioPanel): Promise<string> {
  await lesson.type('kubectl get pods -l app=ticker -o wide')
  await expect.poll(async () => (await lastOutput(page)).length).toBeGreaterThan(1)
  const row = (await lastOutput(page)).find((l) => l.startsWith('ticker-'))!
  return row.split(/\s+/)[6]!
}

/** The given step's commands, with the node name and instance ID this browser's cluster uses. */
async function commandsFor(page: Page, lesson: ScenarioPanel, step: Scenario['steps'][number]) {
  const commands = [...(step.solution as { commands: string[] }).commands]
  if (step.id === 'ssh') {
    const node = await tickerNode(page, lesson)
    return commands.map((c) => c.replace(/^ssh \S+/, `ssh ${node}`))
  }
  if (step.id === 'terminate') {
    // back on the laptop first (the solution starts with `exit`), then find the instance
    for (const c of commands.slice(0, -1)) await lesson.type(c)
    commands.splice(0, commands.length - 1)
    const node = await tickerNode(page, lesson)
    await lesson.type(`kubectl get node ${node} -o jsonpath='{.spec.providerID}'`)
    await expect.poll(async () => (await lastOutput(page)).join('')).toMatch(/i-[0-9a-f]+/)
    const id = /i-[0-9a-f]+/.exec((await lastOutput(page)).join(''))![0]
    return commands.map((c) => c.replace(/i-[0-9a-f]+/, id))
  }
  return commands
}

test('the node disk view in the sandbox: trees, symlink, growing file, pipeline, axe', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 720 })
  const map = new ClusterMap(page)
  await page.goto('/sandbox?seed=1')
  const input = page.getByRole('textbox', { name: 'Command' })
  await input.click()
  await page.keyboard.type(TICKER)
  await page.keyboard.press('Enter')
  await expect(page.locator('[data-testid^="pod.ticker-"].cat-running')).toHaveCount(1, {
    timeout: 20_000,
  })
  await diskView(page, map)
})

test('a learner plays the logs lesson and opens the node disk view', async ({ page }) => {
  test.setTimeout(240_000)
  await page.setViewportSize({ width: 1280, height: 720 })
  const lesson = new ScenarioPanel(page)
  const map = new ClusterMap(page)
  const n = logs.steps.length

  await page.goto('/')
  await page.getByRole('link', { name: `Start: ${logs.title}` }).click()
  await expect(page).toHaveURL(/\/learn\/logs\/1$/)
  await expect(lesson.progress).toHaveText(`Step 1 of ${n}`)

  for (const [i, step] of logs.steps.entries()) {
    await expect(lesson.title).toHaveText(step.title)
    if ('command' in step.complete) {
      const commands = await commandsFor(page, lesson, step)
      for (const c of commands) await lesson.type(c)
      // a command typed before the cluster is ready (a pod still starting) is retried, as a learner would
      const stillHere = async () =>
        (await lesson.title.count()) > 0 && (await lesson.title.textContent()) === step.title
      for (let tries = 0; tries < 10 && (await stillHere()); tries++) {
        await page.waitForTimeout(1000)
        if (await stillHere()) await lesson.type(commands.at(-1)!)
      }
    } else if ('predict' in step.complete) {
      if (step.id === 'which-file') {
        // the disk view would give the answer away: open it now and see it concealed
        await page.locator('[data-testid^="pod.ticker-"]').first().click()
        await map.details.getByRole('button', { name: /^ip-/ }).click()
        await map.details.getByRole('tab', { name: 'Disk' }).click()
        await expect(page.getByTestId('disk.concealed')).toBeVisible()
        await page.screenshot({ path: 'screenshots/logs-predict-concealed.png' })
      }
      const right = (step.solution as { answer: number }).answer
      const choice = step.id === 'where-is-the-line' ? 0 : right // one wrong answer, the rest right
      await lesson.answer(choice)
      await expect(lesson.verdict).toHaveText(choice === right ? /^Right/ : /^Not quite/)
      for (let c = 0; c < step.complete.predict.choices.length; c++)
        await expect(page.getByTestId(`lesson.explanation.${c}`)).toBeVisible()
      await lesson.pressNext()
    } else if ('event' in step.complete) {
      // the clock runs: the fluent-bit pods start by themselves
    } else await lesson.pressNext()

    if (step.id === 'readlink') await diskView(page, map)
    if (i < n - 1)
      await expect(lesson.title).toHaveText(logs.steps[i + 1]!.title, { timeout: 30_000 })
    if (step.id === 'cloudwatch') await page.screenshot({ path: 'screenshots/logs-cloudwatch.png' })
  }
  await expect(lesson.recap).toBeVisible()
  await expect(page).toHaveURL(/\/learn\/logs\/done$/)
  await expect(page.getByTestId('terminal.output')).toContainText('tick ')
  await page.screenshot({ path: 'screenshots/logs-recap.png' })
})

/** The node's Disk tab: the symlink, its target, the line between them, the CRI record; axe. */
async function diskView(page: Page, map: ClusterMap) {
  // mouse: the ticker pod on the map, then its node from the details
  await page.locator('[data-testid^="pod.ticker-"]').first().click()
  await map.details.getByRole('button', { name: /^ip-/ }).click()
  await expect(map.details).toContainText('Node')
  // keyboard: the tabs follow the WAI-ARIA pattern (arrow keys)
  await map.tab('Summary').focus()
  await page.keyboard.press('End')
  const disk = map.details.getByRole('tab', { name: 'Disk' })
  await expect(disk).toHaveAttribute('aria-selected', 'true')
  await expect(disk).toBeFocused()
  await expect(page.getByTestId('disk.view')).toBeVisible()

  const link = page.locator('[data-testid^="disk.link.ticker-"]')
  const file = page.locator('[data-testid^="disk.file.ticker-"][data-kind="live"]')
  await expect(link).toHaveCount(1)
  await expect(link).toContainText('→')
  await expect(link).toContainText(/_default_busybox-[0-9a-f]{12}….log/)
  await expect(link).toHaveAccessibleName(
    /^symlink ticker-\S+_default_busybox-[0-9a-f]{64}\.log, points to \/var\/log\/pods\/default_ticker-\S+\/busybox\/0\.log$/,
  )
  await expect(file).toHaveText(/0\.log/)

  // Tab to the symlink: it and its file are paired, and a line joins them
  for (let i = 0; i < 40 && !(await link.evaluate((el) => el === document.activeElement)); i++)
    await page.keyboard.press('Tab')
  await expect(link).toBeFocused()
  await expect(link).toHaveClass(/is-paired/)
  await expect(file).toHaveClass(/is-paired/)
  await expect(page.getByTestId('disk.connector').locator('path.disk-link-line')).toHaveCount(1)
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('disk.info.target')).toHaveText(
    /^\/var\/log\/pods\/default_ticker-[a-z0-9-]+_[0-9a-f-]{36}\/busybox\/0\.log$/,
  )
  await page.screenshot({ path: 'screenshots/logs-disk-link.png' })

  // the file grows as lines arrive
  const size = async () => Number(/(\d+) bytes/.exec((await file.getAttribute('aria-label'))!)![1])
  const before = await size()
  await expect.poll(size, { timeout: 15_000 }).toBeGreaterThan(before)

  // the mouse on the file: its CRI record, parsed
  await file.click()
  await expect(page.getByTestId('disk.info.cri')).toContainText('stdout')
  await expect(page.getByTestId('disk.info.cri')).toContainText('tick ')
  await expect(page.getByTestId('disk.pipeline.last')).toContainText('tick ', { timeout: 10_000 })
  await page.getByTestId('details').screenshot({ path: 'screenshots/logs-disk-file.png' })

  // the whole page, console included (its scroll region is focusable)
  const axe = await new AxeBuilder({ page }).analyze()
  const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(
    bad.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.length} nodes, e.g. ${v.nodes[0]?.target.join(' ')})`,
    ),
  ).toEqual([])
}
