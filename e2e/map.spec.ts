import AxeBuilder from '@axe-core/playwright'
import { test, expect } from './fixtures.ts'
import { ClusterMap } from './pages/ClusterMap.ts'
import { createSimulation } from '../src/engine/index.ts'
import { Console } from '../src/console/session.ts'

test('a learner watches a deployment land on the map, inspects a pod and navigates by keyboard', async ({
  terminal,
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 720 })
  const map = new ClusterMap(page)
  await terminal.goto(7)
  await terminal.run('kubectl create deployment web --image=nginx --replicas=3')

  // step the paused clock until the three pods run
  const step = page.getByTestId('playback.forward')
  for (let i = 0; i < 200 && (await map.pods('web-', 'running').count()) < 3; i++)
    await step.click()
  await expect(map.pods('web-', 'running')).toHaveCount(3)

  // each pod is drawn inside the node it runs on (polled: a started container's pulse scales it)
  for (const pod of await map.pods('web-').all()) {
    const parent = (await pod.getAttribute('data-parent'))!
    expect(parent).toMatch(/^Node\/ip-/)
    const node = map.node(parent.slice('Node/'.length))
    await expect
      .poll(async () => {
        const p = (await pod.locator('rect.chip').boundingBox())!
        const n = (await node.locator('rect.box').boundingBox())!
        return (
          p.x >= n.x &&
          p.y >= n.y &&
          p.x + p.width <= n.x + n.width + 0.5 &&
          p.y + p.height <= n.y + n.height + 0.5
        )
      })
      .toBe(true)
  }

  // hover shows a tooltip with the full name; click selects and shows details and YAML
  const first = map.pods('web-').first()
  const podName = (await first.getAttribute('data-testid'))!.slice('pod.'.length)
  await first.hover()
  await expect(map.tooltip).toContainText(`Pod default/${podName}`)
  await first.click()
  await expect(first).toHaveClass(/is-selected/)
  await expect(map.details).toContainText(`default/${podName}`)
  await expect(map.summary).toContainText('Running')
  await expect(map.summary).toContainText('ReplicaSet/web-')
  await expect(map.summary.getByRole('table')).toContainText('nginx')
  await map.tab('Summary').focus()
  await page.keyboard.press('ArrowRight')
  await expect(map.tab('YAML')).toBeFocused()
  await expect(map.yaml.locator('pre')).toContainText('kind: Pod')
  await expect(map.yaml.locator('pre')).toContainText(`name: ${podName}`)
  await page.screenshot({ path: 'screenshots/map-1280x720.png' })

  // the node a pod runs on: select it from the details panel
  await map.tab('Summary').click()
  await map.summary.getByRole('button', { name: /^ip-/ }).click()
  await expect(map.details).toContainText('Allocatable pods')
  await expect(map.svg.locator('.node.is-selected')).toHaveCount(1)

  // keyboard on the map: + zooms in, Reset view returns to the home view
  const home = await map.transform()
  await map.svg.focus()
  await page.keyboard.press('+')
  await page.keyboard.press('ArrowLeft')
  await expect.poll(() => map.transform()).not.toBe(home)
  await map.resetView.click()
  await expect.poll(() => map.transform()).toBe(home)

  // objects are buttons behind one tab stop (roving tabindex): Tab reaches the last one focused,
  // arrow keys move between them, Home goes to the first, the control plane; Enter selects
  const focusables = map.svg.locator('[role="button"]')
  await expect(focusables.and(page.locator('[tabindex="0"]'))).toHaveCount(1)
  expect(await focusables.count()).toBeGreaterThan(10)
  await map.svg.focus()
  await page.keyboard.press('Tab')
  await expect(focusables.and(page.locator(':focus'))).toHaveCount(1)
  await page.keyboard.press('Home')
  await expect(page.getByTestId('map.control-plane')).toBeFocused()
  await page.keyboard.press('ArrowRight')
  await expect(page.getByTestId('map.control-plane')).not.toBeFocused()
  await expect(focusables.and(page.locator(':focus'))).toHaveAttribute('tabindex', '0')
  await page.keyboard.press('ArrowLeft')
  await expect(page.getByTestId('map.control-plane')).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(map.details).toContainText('you cannot ssh to it or read etcd directly')

  // the text view: a WAI-ARIA tree, selected with the keyboard
  await map.textView.click()
  await expect(map.tree).toBeVisible()
  await map.tree.getByRole('treeitem').first().focus()
  await page.keyboard.press('End')
  await page.keyboard.press('Enter')
  await expect(map.details).toContainText('Private subnet')
  await expect(map.summary.getByRole('table')).toContainText('0.0.0.0/0')
  await expect(map.summary.getByRole('table')).toContainText('nat-')
  await page.keyboard.press('Home')
  await page.keyboard.press('ArrowRight') // the control plane is open: go to its first child
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press(' ')
  await expect(map.details).toContainText('etcd member')
  await expect(page.getByRole('treeitem', { name: /etcd member etcd-0/ })).toHaveAttribute(
    'aria-selected',
    'true',
  )
  // back on the map, the same etcd member is highlighted
  await map.textView.click()
  await expect(page.getByTestId('etcd.etcd-0')).toHaveClass(/is-selected/)

  const axe = await new AxeBuilder({ page })
    .include('[data-testid="cluster.map"]')
    .include('[data-testid="details"]')
    .analyze()
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual(
    [],
  )

  await page.setViewportSize({ width: 1920, height: 1080 })
  await map.resetView.click()
  await page.screenshot({ path: 'screenshots/map-1920x1080.png' })
})

test('10 nodes and 300 pods stay readable', async ({ terminal, page }) => {
  const sim = createSimulation({ seed: 1, config: { nodeCount: 10, instanceType: 'm5.xlarge' } })
  new Console(sim, { settleAfterCommands: false }).run(
    'kubectl create deployment big --image=nginx --replicas=290',
  )
  sim.advance(60_000)
  const cluster = JSON.parse(JSON.stringify(sim.state))
  const map = new ClusterMap(page)
  await page.setViewportSize({ width: 1280, height: 720 })
  await terminal.goto(7)
  const ms = await page.evaluate(async (state) => {
    const store = (window as unknown as { __cutaway: { setState(s: unknown): void } }).__cutaway
    const t0 = performance.now()
    store.setState({ cluster: state })
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
    return performance.now() - t0
  }, cluster)
  console.log(`render of 10 nodes / 300 pods (store update to second frame): ${ms.toFixed(0)} ms`)
  await expect(map.svg.locator('.map-item.node')).toHaveCount(10)
  expect(await map.pods('big-').count()).toBe(290)
  for (const [width, height] of [
    [1280, 720],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width, height })
    await map.resetView.click()
    await page.screenshot({ path: `screenshots/map-300-pods-${width}x${height}.png` })
    // names hide on the dots but stay in the accessible name and the tooltip
    const dot = map.pods('big-').first()
    await expect(dot).toHaveAttribute('aria-label', /^Pod default\/big-/)
    await dot.hover()
    await expect(map.tooltip).toContainText('Pod default/big-')
  }
})
