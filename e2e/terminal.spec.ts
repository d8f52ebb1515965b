import { test, expect } from './fixtures.ts'
import { createSimulationStore } from '../src/state/simulationStore.ts'

/** What the same commands print in Node on the same seed with the clock paused. */
function nodeOutput(seed: number, commands: string[], pausedAt: number): string[][] {
  const store = createSimulationStore({ seed, now: pausedAt })
  return commands.map((c) =>
    store
      .getState()
      .run(c)
      .lines.map((l) => l.text || ' '),
  )
}

test('a learner creates a deployment and sees kubectl output identical to the terminal console', async ({
  terminal,
  page,
}) => {
  const commands = [
    'kubectl create deployment web --image=nginx --replicas=3',
    'kubectl rollout status deployment/web',
    'kubectl get pods -o wide',
    'kubectl get nodes',
  ]
  await terminal.goto(7)
  const pausedAt = await page.evaluate(
    () =>
      (
        window as unknown as { __cutaway: { getState(): { cluster: { now: number } } } }
      ).__cutaway.getState().cluster.now,
  )
  const expected = nodeOutput(7, commands, pausedAt)
  for (const [i, cmd] of commands.entries()) {
    await terminal.run(cmd)
    expect(await terminal.lastOutput()).toEqual(expected[i])
  }
  await expect(terminal.output).toContainText('deployment "web" successfully rolled out')
  await expect(
    terminal.output.getByText(/^web-[4-9bcdf]+-[a-z0-9]{5} +1\/1 +Running/).first(),
  ).toBeVisible()
})

test('heredoc apply, history recall and errors that change nothing', async ({ terminal, page }) => {
  await terminal.goto(3)
  await terminal.run(
    'kubectl apply -f - <<EOF\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\nEOF',
  )
  expect(await terminal.lastOutput()).toEqual(['namespace/shop created'])
  await terminal.run('kubectl get pods --bogus')
  expect(await terminal.lastOutput()).toEqual([
    'error: unknown flag: --bogus',
    "See 'kubectl get --help' for usage.",
  ])
  await expect(page.locator('pre.line.err').first()).toBeVisible()
  await terminal.run('kubectl get ns shop')
  expect((await terminal.lastOutput())[1]).toMatch(/^shop +Active +\d+s$/)
  // ArrowUp recalls the previous command
  await terminal.input.press('ArrowUp')
  await expect(terminal.input).toHaveValue('kubectl get ns shop')
})

test('the page has a title, a labelled command input and no console errors', async ({
  page,
  terminal,
}) => {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  await terminal.goto()
  await expect(page).toHaveTitle('Sandbox · Cutaway')
  await terminal.run('help')
  await expect(terminal.output).toContainText('Commands available on your machine')
  await page.screenshot({ path: 'screenshots/terminal.png' })
  expect(errors).toEqual([])
})

test('kubectl logs -f streams as the clock runs and stops on Ctrl+C', async ({
  page,
  terminal,
}) => {
  await terminal.goto(4)
  await terminal.run(
    "kubectl create deployment ticker --image=busybox -- sh -c 'while true; do echo tick; sleep 1; done'",
  )
  await page.getByTestId('playback.play').click()
  await expect(page.locator('[data-testid^="pod.ticker-"].cat-running')).toHaveCount(1, {
    timeout: 15_000,
  })
  await terminal.run('kubectl logs -f deploy/ticker')
  await expect(page.getByRole('status').filter({ hasText: 'Press Ctrl+C to stop' })).toBeVisible()
  const lines = terminal.output.locator('.entry').last().locator('pre.line')
  const first = await lines.count()
  await expect.poll(() => lines.count(), { timeout: 10_000 }).toBeGreaterThan(first + 2)
  await terminal.input.press('Control+c')
  await expect(lines.last()).toHaveText('^C')
  const stopped = await lines.count()
  await page.waitForTimeout(2500)
  expect(await lines.count()).toBe(stopped)
})
