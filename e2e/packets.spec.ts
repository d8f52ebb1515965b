import AxeBuilder from '@axe-core/playwright'
import { test, expect } from './fixtures.ts'
import { Terminal } from './pages/Terminal.ts'
import { expectNoSeriousAxe } from './support/axe.ts'
import type { Page } from '@playwright/test'

// The packet path view in the sandbox: a Deployment behind a Service and a curl pod, made through
// the console; `kubectl exec client -- curl http://web`; the Packet path tab shows the HTTP flow;
// stepping through the hops reaches the client node's PREROUTING where the header diff shows the
// DNAT and the KUBE-SVC/KUBE-SEP rules that matched are lit; the text equivalent lists the hops;
// the node's Network tab lists its chains; axe finds nothing serious. Screenshots: screenshots/.

// the console's page object (pages/Terminal.ts), as these specs call it
const run = (page: Page, command: string) => new Terminal(page).run(command)
const lastOutput = async (page: Page) => (await new Terminal(page).lastOutput()).join('\n')

async function setUp(page: Page) {
  await page.goto('/sandbox?seed=1')
  await page.getByRole('textbox', { name: 'Command' }).waitFor()
  await run(page, 'kubectl create deployment web --image=nginx --replicas=2')
  await run(page, 'kubectl expose deployment web --port=80')
  await run(page, 'kubectl run client --image=curlimages/curl --command -- sleep 3600')
  await expect(page.locator('[data-testid^="pod.client"].cat-running')).toHaveCount(1, {
    timeout: 30_000,
  })
  await expect(page.locator('[data-testid^="pod.web-"].cat-running')).toHaveCount(2, {
    timeout: 30_000,
  })
  await expect
    .poll(
      async () => {
        await run(page, 'kubectl exec client -- curl -s http://web')
        return lastOutput(page)
      },
      { timeout: 30_000 },
    )
    .toContain('Welcome to nginx!')
}

test('the packet path of a curl: hops, DNAT, matched rules, text equivalent, axe', async ({
  page,
}) => {
  test.setTimeout(120_000)
  await page.setViewportSize({ width: 1280, height: 720 })
  await setUp(page)

  // kube-proxy wrote rules on every node: the map shows its syncs for a moment
  await page.getByTestId('main.tab.packets').click()
  const view = page.getByTestId('packets')
  await expect(view.getByTestId('packets.summary')).toContainText('default/client')
  await expect(view.getByTestId('packets.summary')).toContainText('HTTP GET /')
  await page
    .getByTestId('packets.play')
    .filter({ hasText: 'Pause' })
    .click({ timeout: 2000 })
    .catch(() => {})
  await expect(view.getByTestId('packets.count')).toContainText('Hop 1 of')
  await page.screenshot({ path: 'screenshots/packets-start-1280x720.png' })

  // step until the DNAT: the client node's PREROUTING
  for (let i = 0; i < 12; i++) {
    if (await view.getByTestId('packets.changed.dst').isVisible()) break
    await view.getByTestId('packets.next').click()
  }
  await expect(view.getByTestId('packets.hop')).toContainText('hook PREROUTING')
  await expect(view.getByTestId('packets.changed.dst')).toHaveText(/^192\.168\.\d+\.\d+$/)
  await expect(view.getByTestId('packets.nat')).toContainText('DNAT')
  await expect(view.getByTestId('packets.checked')).toContainText(/checked against \d+ rules/)
  const svc = view.locator('[data-testid^="packets.chain.KUBE-SVC-"]')
  const sep = view.locator('[data-testid^="packets.chain.KUBE-SEP-"]')
  await expect(svc.locator('li[data-matched="true"]')).toHaveCount(1)
  await expect(sep.locator('li[data-matched="true"]')).toContainText('-j DNAT --to-destination')
  await expect(sep.locator('li[data-matched="true"] .pp-counter')).not.toHaveText('[0:0]')
  // the dot stands over the station shown
  const current = view.locator('.pp-station.is-current circle')
  await expect
    .poll(async () => (await view.getByTestId('packets.dot').getAttribute('cx')) ?? '')
    .toBe(Number(await current.getAttribute('cx')).toFixed(1))
  await page.screenshot({ path: 'screenshots/packets-dnat-1280x720.png' })

  // keyboard: the main view tabs follow the WAI-ARIA pattern
  await page.getByTestId('main.tab.packets').focus()
  await page.keyboard.press('ArrowLeft')
  await expect(page.getByTestId('main.tab.map')).toBeFocused()
  await expect(page.getByTestId('main.tab.map')).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.press('ArrowRight')
  await expect(page.getByTestId('main.tab.packets')).toHaveAttribute('aria-selected', 'true')

  // the text equivalent: every hop in words, also visible on demand
  const text = view.getByTestId('packets.text')
  const n = Number(/of (\d+)/.exec((await view.getByTestId('packets.count').innerText())!)![1])
  await expect(text.locator('li')).toHaveCount(n)
  await expect(text.locator('li').first()).toContainText('Request: pod client')
  await expect(text).toContainText('DNAT (destination rewritten)')
  await expect(text.locator('li').last()).toContainText('Reply:')
  await view.getByTestId('packets.astext').click()
  await expect(text).toBeVisible()

  await expectNoSeriousAxe(page, '[data-testid="packets"]')

  await page.setViewportSize({ width: 1440, height: 900 })
  await page.screenshot({ path: 'screenshots/packets-text-1440x900.png' })

  // from the event log: a DNS query's event opens that flow's packet path
  await page.getByTestId('main.tab.map').click()
  await page
    .getByTestId('events.list')
    .getByRole('button', { name: /DNS A web\./ })
    .first()
    .click()
  await expect(page.getByTestId('main.tab.packets')).toHaveAttribute('aria-selected', 'true')
  await expect(view.getByTestId('packets.summary')).toContainText('DNS A web.')
  await expect(view.getByTestId('packets.flow')).not.toHaveValue('')
})

test("a node's Network tab lists its chains with live counters", async ({ page }) => {
  test.setTimeout(120_000)
  await page.setViewportSize({ width: 1280, height: 720 })
  await setUp(page)
  await page.locator('[data-testid^="pod.client"]').first().click()
  await page.getByTestId('details').getByRole('button', { name: /^ip-/ }).click()
  await page.getByTestId('details.tab.network').click()
  const net = page.getByTestId('details.network')
  await expect(net.getByTestId('proxy.syncs')).toContainText('kube-proxy writes rules')
  const svcChain = net.locator('[data-testid^="network.chain.KUBE-SVC-"]').first()
  await svcChain.locator('summary').click()
  await expect(svcChain.locator('li').first()).toContainText('-A KUBE-SVC-')
  // scaling the Deployment: every node's kube-proxy rewrites the Service's KUBE-SVC chain
  await run(page, 'kubectl scale deployment web --replicas=3')
  await expect(net.getByTestId('proxy.syncs')).toContainText(/partial \d+ chains written/, {
    timeout: 20_000,
  })
  await expect(net.locator('.proxy-chains')).toContainText('KUBE-SVC-', { timeout: 20_000 })
  await page.screenshot({ path: 'screenshots/packets-network-tab-1280x720.png' })
  await expectNoSeriousAxe(page, '[data-testid="details"]')
})

test('the packet path in the projector theme of a presentation', async ({ page }) => {
  test.setTimeout(120_000)
  await page.setViewportSize({ width: 1280, height: 720 })
  await page.goto('/present/tour/1?theme=projector')
  await page.getByRole('textbox', { name: 'Command' }).waitFor()
  await page.getByRole('button', { name: 'Play clock' }).click()
  await run(page, 'kubectl create deployment web --image=nginx')
  await run(page, 'kubectl expose deployment web --port=80')
  await run(page, 'kubectl run client --image=curlimages/curl --command -- sleep 3600')
  await expect
    .poll(
      async () => {
        await run(page, 'kubectl exec client -- curl -s http://web')
        return lastOutput(page)
      },
      { timeout: 30_000 },
    )
    .toContain('Welcome to nginx!')
  await page.getByRole('tab', { name: 'Packet path' }).click()
  const view = page.getByTestId('packets')
  await expect(view.getByTestId('packets.summary')).toContainText('HTTP GET /')
  await view.getByTestId('packets.next').click()
  await view.getByTestId('packets.next').click()
  await page.screenshot({ path: 'screenshots/packets-projector-1280x720.png' })
  await page.setViewportSize({ width: 1920, height: 1080 })
  await page.screenshot({ path: 'screenshots/packets-projector-1920x1080.png' })
  for (const theme of ['projector', 'dark', 'light']) {
    const results = await new AxeBuilder({ page }).include('.stage-map').analyze()
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    expect(
      bad.map((v) => `${theme}: ${v.id}: ${v.help} (${v.nodes[0]?.target.join(' ')})`),
    ).toEqual([])
    if (theme === 'light') {
      await page.setViewportSize({ width: 1280, height: 720 })
      await page.screenshot({ path: 'screenshots/packets-light-1280x720.png' })
      break
    }
    // T cycles the theme: projector, dark, light (keys.ts); not while typing in the console
    await page.getByTestId('stage.title').click()
    await page.keyboard.press('t')
  }
})

test('reduced motion: the dot jumps from station to station; Play walks the hops', async ({
  page,
}) => {
  test.setTimeout(120_000)
  await page.emulateMedia({ reducedMotion: 'reduce' })
  await page.setViewportSize({ width: 1280, height: 720 })
  await setUp(page)
  await page.getByTestId('main.tab.packets').click()
  const view = page.getByTestId('packets')
  await expect(view.getByTestId('packets.count')).toContainText('Hop 1 of')
  // a new flow plays by itself when the view follows the latest; pause, then play from here
  const play = view.getByTestId('packets.play')
  if ((await play.innerText()) === 'Pause') await play.click()
  await view.getByTestId('packets.station.4').click()
  const cx = Number(await view.locator('.pp-station.is-current circle').getAttribute('cx'))
  // no glide: the dot is there at the next frame, not 600 ms later
  await page.waitForTimeout(100)
  expect(await view.getByTestId('packets.dot').getAttribute('cx')).toBe(cx.toFixed(1))
  await play.click()
  await expect(view.getByTestId('packets.count')).toContainText('Hop 6 of', { timeout: 3000 })
  await play.click()
  await expect(play).toHaveText('Play')
})
