import { readFileSync } from 'node:fs'
import AxeBuilder from '@axe-core/playwright'
import { test, expect } from './fixtures.ts'
import type { Page } from '@playwright/test'

// A node's plumbing in its Network tab (issue #7): the ENIs in device order with their addresses,
// a pod's network namespace joined by its veth to the host (the same name `ip link` prints on the
// node), the counts following a Deployment scaled from 1 to 5, axe, and screenshots at laptop and
// projector sizes (the projector theme's colours applied to the sandbox's details panel, since the
// presenter's stage has no details panel). Then the packet path's "Compare with…" (pod to pod and
// a DNS query, side by side). Screenshots: screenshots/node-network-*.png.

async function run(page: Page, command: string) {
  const input = page.getByRole('textbox', { name: 'Command' })
  const entries = page.getByTestId('terminal.output').locator('.entry')
  const before = await entries.count()
  await input.fill(command)
  await input.press('Enter')
  await entries.nth(before).waitFor()
}

async function lastOutput(page: Page): Promise<string> {
  return (
    await page
      .getByTestId('terminal.output')
      .locator('.entry')
      .last()
      .locator('pre.line')
      .allInnerTexts()
  ).join('\n')
}

async function axe(page: Page, selector: string) {
  const results = await new AxeBuilder({ page }).include(selector).analyze()
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes[0]?.target.join(' ')})`)).toEqual([])
}

const used = (text: string) => Number(/^(\d+) of \d+ secondary IPs used/.exec(text)?.[1] ?? NaN)

/** present.css's projector palette and type scale, applied to the page as the presenter does. */
async function projector(page: Page) {
  const css = readFileSync('src/views/present/present.css', 'utf8')
  const block = (sel: string) => css.slice(css.indexOf(`${sel} {`)).split('\n}')[0] + '\n}'
  await page.addStyleTag({
    content: `${block('.theme-projector')}\n${block('html.projector-root')}`,
  })
  await page.evaluate(() => {
    document.documentElement.classList.add('projector-root')
    document.querySelector('[data-testid="details"]')?.classList.add('theme-projector')
  })
}

test("a node's plumbing: ENIs, a pod's veth as ip link names it, counts that follow a scale", async ({
  page,
}) => {
  test.setTimeout(150_000)
  await page.setViewportSize({ width: 1440, height: 900 })
  await page.goto('/sandbox?seed=1')
  await page.getByRole('textbox', { name: 'Command' }).waitFor()
  await run(page, 'kubectl create deployment web --image=nginx --replicas=1')
  await expect(page.locator('[data-testid^="pod.web-"].cat-running')).toHaveCount(1, {
    timeout: 30_000,
  })

  // the web pod's node, its Network tab
  await page.locator('[data-testid^="pod.web-"]').first().click()
  const nodeButton = page.getByTestId('details').getByRole('button', { name: /^ip-/ })
  const nodeName = (await nodeButton.innerText()).trim()
  await nodeButton.click()
  await page.getByTestId('details.tab.network').click()
  const plumbing = page.getByTestId('details.network').getByTestId('network.plumbing')
  await expect(plumbing.getByRole('heading', { name: 'Plumbing' })).toBeVisible()

  // ENIs in device order: ens5 first, its primary address the node's, never a pod's
  const enis = plumbing.getByTestId('network.enis').locator(':scope > li')
  await expect(enis.first()).toHaveAttribute('data-testid', 'network.eni.ens5')
  await expect(enis.first()).toHaveAttribute('data-eni-id', /^eni-0[0-9a-f]{16}$/)
  await expect(enis.first()).toContainText(
    /subnet-0[0-9a-f]+ \(192\.168\.\d+\.0\/19\) · table main/,
  )
  await expect(enis.first().locator('.nn-ip.is-primary')).toContainText('node IP / never a pod’s')
  await expect(plumbing.getByTestId('network.plumbing.counts')).toContainText(
    /^\d+ of \d+ secondary IPs used, \d+ warm.*; max pods 17 \(t3\.medium: 3 ENIs × \(6 − 1\) \+ 2\)$/,
  )
  await expect(plumbing.getByTestId('network.hostns')).toContainText('kube-system/aws-node-')
  await expect(plumbing.getByTestId('network.hostns')).toContainText('kube-system/kube-proxy-')

  // the web pod: eth0 with its /32, joined to a host veth whose name `ip link` on the node prints
  const pod = plumbing.locator('[data-testid^="network.pod.web-"]')
  await expect(pod).toHaveCount(1)
  await expect(pod).toContainText(/eth0 192\.168\.\d+\.\d+\/32/)
  const veth = (await plumbing.locator('[data-testid^="network.veth.web-"]').innerText()).trim()
  expect(veth).toMatch(/^eni[0-9a-f]{11}$/)
  const podIp = /eth0 (192\.168\.\d+\.\d+)\/32/.exec(await pod.innerText())![1]!
  await expect(plumbing.getByTestId(`network.ip.${podIp}`)).toContainText(/used by default\/web-/)
  await run(page, `ssh ${nodeName} ip link`)
  const link = await lastOutput(page)
  expect(link).toContain(`${veth}@if3:`)
  const ifindex = new RegExp(`(\\d+): ${veth}@if3:`).exec(link)![1]
  await expect(pod).toContainText(`if${ifindex}`)
  // the routing, as ip rule prints it: the pod's address looked up in main
  await plumbing.getByTestId('network.routing').locator('summary').click()
  await expect(plumbing.getByTestId('network.rules')).toContainText(
    `512:\tfrom all to ${podIp} lookup main`,
  )
  await expect(plumbing.getByTestId('network.routes.main')).toContainText(
    `${podIp} dev ${veth} scope link`,
  )
  await page.screenshot({ path: 'screenshots/node-network-plumbing-1440x900.png' })
  await plumbing.screenshot({ path: 'screenshots/node-network-plumbing-panel-1440x900.png' })
  await axe(page, '[data-testid="details"]')

  // scale 1 -> 5: the node's used count grows by the web pods it got; every one has a veth
  const before = used(await plumbing.getByTestId('network.plumbing.counts').innerText())
  await run(page, 'kubectl scale deployment web --replicas=5')
  await expect(page.locator('[data-testid^="pod.web-"].cat-running')).toHaveCount(5, {
    timeout: 30_000,
  })
  await expect
    .poll(async () => {
      const webs = await plumbing.locator('[data-testid^="network.pod.web-"]').count()
      const now = used(await plumbing.getByTestId('network.plumbing.counts').innerText())
      return webs > 1 && now === before + webs - 1
    })
    .toBe(true)
  await expect(plumbing.locator('[data-testid^="network.veth.web-"]')).toHaveCount(
    await plumbing.locator('[data-testid^="network.pod.web-"]').count(),
  )
  await page.setViewportSize({ width: 1280, height: 720 })
  await plumbing.scrollIntoViewIfNeeded()
  await page.screenshot({ path: 'screenshots/node-network-scaled-1280x720.png' })

  // scale back: the released addresses cool down (simulated seconds left)
  await run(page, 'kubectl scale deployment web --replicas=1')
  await expect(plumbing.locator('[data-testid^="network.pod.web-"]')).toHaveCount(
    await plumbing.locator('[data-testid^="network.pod.web-"]').count(),
  )
  await expect
    .poll(async () => used(await plumbing.getByTestId('network.plumbing.counts').innerText()), {
      timeout: 60_000,
    })
    .toBeLessThanOrEqual(before)
  await expect(plumbing.locator('.nn-ip.is-cooling').first()).toContainText(
    /cooling down, \d+ s left/,
  )
  await page.screenshot({ path: 'screenshots/node-network-cooling-1280x720.png' })

  await projector(page)
  await plumbing.scrollIntoViewIfNeeded()
  await page.screenshot({ path: 'screenshots/node-network-projector-1280x720.png' })
  await axe(page, '[data-testid="details"]')
})

test('the packet path compares two flows: a pod-to-pod curl under its DNS query', async ({
  page,
}) => {
  test.setTimeout(120_000)
  await page.setViewportSize({ width: 1280, height: 720 })
  await page.goto('/sandbox?seed=1')
  await page.getByRole('textbox', { name: 'Command' }).waitFor()
  await run(page, 'kubectl create deployment web --image=nginx --replicas=2')
  await run(page, 'kubectl expose deployment web --port=80')
  await run(page, 'kubectl run client --image=curlimages/curl --command -- sleep 3600')
  await expect(page.locator('[data-testid^="pod.client"].cat-running')).toHaveCount(1, {
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
  await page.getByTestId('main.tab.packets').click()
  const view = page.getByTestId('packets')
  await expect(view.getByTestId('packets.summary')).toContainText('HTTP GET /')
  await expect(view.getByTestId('packets.translations')).toContainText(
    /^No source translation: the receiver sees 192\.168\.\d+\.\d+ as the source, end to end\.$/,
  )
  const compare = view.getByTestId('packets.compare')
  const dns = compare.locator('option', { hasText: 'DNS A web.' }).first()
  await compare.selectOption((await dns.getAttribute('value'))!)
  const compared = view.getByTestId('packets.compared')
  await expect(compared).toContainText('Compared with:')
  await expect(compared).toContainText('DNS A web.')
  await expect(compared.getByTestId('packets.compared.svg')).toBeVisible()
  await expect(compared.getByTestId('packets.compared.text').locator('li').first()).toContainText(
    'Request:',
  )
  await page.screenshot({ path: 'screenshots/node-network-compare-1280x720.png' })
  await axe(page, '[data-testid="packets"]')
  await compare.selectOption('')
  await expect(compared).toHaveCount(0)
})
