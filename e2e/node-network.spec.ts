import { readFileSync } from 'node:fs'
import { test, expect } from './fixtures.ts'
import { Terminal } from './pages/Terminal.ts'
import type { Page } from '@playwright/test'
import { expectNoSeriousAxe } from './support/axe.ts'

// A node's plumbing in its Network tab (issue #7): the ENIs in device order with their addresses,
// a pod's network namespace joined by its veth to the host (the same name `ip link` prints on the
// node), the counts following a Deployment scaled from 1 to 5, axe, and screenshots at laptop and
// projector sizes (the projector theme's colours applied to the sandbox's details panel, since the
// presenter's stage has no details panel). Then the packet path's "Compare with…" (pod to pod and
// a DNS query, side by side). Screenshots: screenshots/node-network-*.png.

// the console's page object (pages/Terminal.ts), as these specs call it
const run = (page: Page, command: string) => new Terminal(page).run(command)
const lastOutput = async (page: Page) => (await new Terminal(page).lastOutput()).join('\n')

const used = (text: string) => Number(/^(\d+) of \d+ secondary IPs used/.exec(text)?.[1] ?? NaN)

/** present.css's projector palette and type scale, applied to the page as the presenter does. */
async function projector(page: Page, on = '[data-testid="details"]') {
  const css = readFileSync('src/views/present/present.css', 'utf8')
  const block = (sel: string) => css.slice(css.indexOf(`${sel} {`)).split('\n}')[0] + '\n}'
  await page.addStyleTag({
    content: `${block('.theme-projector')}\n${block('html.projector-root')}`,
  })
  await page.evaluate((sel) => {
    document.documentElement.classList.add('projector-root')
    document.querySelector(sel)?.classList.add('theme-projector')
  }, on)
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
  await plumbing.evaluate((el) => el.scrollIntoView({ block: 'start' }))
  await page.screenshot({ path: 'screenshots/node-network-plumbing-top-1440x900.png' })
  await expectNoSeriousAxe(page, '[data-testid="details"]')

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
  await expectNoSeriousAxe(page, '[data-testid="details"]')
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
  // a station is clickable anywhere near it (its circle or label), whatever place box it sits in
  const play = view.getByTestId('packets.play')
  if ((await play.innerText()) === 'Pause') await play.click()
  await view.getByTestId('packets.station.4').click()
  await expect(view.getByTestId('packets.count')).toContainText('Hop 5 of')
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
  await expectNoSeriousAxe(page, '[data-testid="packets"]')
  await compare.selectOption('')
  await expect(compared).toHaveCount(0)
})

// The egress hops come from the engine on another branch (issue #7, contract part 1); until then
// the view is checked with synthetic packet.flow/packet.hop events put in the store, shaped as the
// contract writes them: a private node's pod out through the NAT gateway, a public node's pod out
// through the internet gateway.
function egressEvents(first: number) {
  const POD = '192.168.170.17'
  const PUB_POD = '192.168.70.9'
  const HOST = '23.192.228.80'
  const node = 'ip-192-168-170-12.us-west-2.compute.internal'
  const pubNode = 'ip-192-168-83-74.us-west-2.compute.internal'
  type H = [string, number, string, number]
  const h = ([src, sport, dst, dport]: H) => ({ proto: 'tcp', src, sport, dst, dport })
  let id = first
  const events: unknown[] = []
  const flow = (
    name: string,
    client: string,
    at: string,
    src: string,
    hops: ['request' | 'reply', string, string, H, H, string?][],
  ) => {
    events.push({
      id: id++,
      event: {
        type: 'packet.flow',
        at: 0,
        flow: name,
        node: at,
        client,
        purpose: 'HTTP GET /',
        proto: 'tcp',
        src,
        sport: 40112,
        dst: HOST,
        dport: 80,
        outcome: 'answered',
        packets: 10,
      },
    })
    const seq = { request: 0, reply: 0 }
    for (const [direction, kind, label, before, after, n] of hops)
      events.push({
        id: id++,
        event: {
          type: 'packet.hop',
          at: 0,
          flow: name,
          direction,
          seq: seq[direction]++,
          kind,
          label,
          before: h(before),
          after: h(after),
          ...(n ? { node: n } : {}),
        },
      })
  }
  const o = (s: string, p = 40112): H => [s, p, HOST, 80]
  const b = (d: string, p = 40112): H => [HOST, 80, d, p]
  const N = '192.168.170.12'
  const G = '192.168.22.45'
  const E = '34.104.138.73'
  flow('egress/igw', 'default/curl-pub', pubNode, PUB_POD, [
    ['request', 'netns', 'curl-pub eth0', o(PUB_POD), o(PUB_POD), pubNode],
    ['request', 'veth', 'eth0 -> eni1a2b3c4d5e6', o(PUB_POD), o(PUB_POD), pubNode],
    ['request', 'hook', 'PREROUTING', o(PUB_POD), o(PUB_POD), pubNode],
    ['request', 'route', 'default via 192.168.64.1 dev ens5', o(PUB_POD), o(PUB_POD), pubNode],
    ['request', 'hook', 'FORWARD', o(PUB_POD), o(PUB_POD), pubNode],
    ['request', 'hook', 'POSTROUTING', o(PUB_POD), o('192.168.83.74'), pubNode],
    [
      'request',
      'rtb',
      'rtb-0a1b2c3d4e5f60718 0.0.0.0/0 -> igw-0a8c3b7cf3c25632b',
      o('192.168.83.74'),
      o('192.168.83.74'),
      pubNode,
    ],
    [
      'request',
      'igw',
      'igw-0a8c3b7cf3c25632b 192.168.83.74 -> 54.187.21.9',
      o('192.168.83.74'),
      o('54.187.21.9'),
    ],
    ['request', 'internet', `example.com (${HOST})`, o('54.187.21.9'), o('54.187.21.9')],
    ['reply', 'internet', `example.com (${HOST})`, b('54.187.21.9'), b('54.187.21.9')],
    [
      'reply',
      'igw',
      'igw-0a8c3b7cf3c25632b 54.187.21.9 -> 192.168.83.74',
      b('54.187.21.9'),
      b('192.168.83.74'),
    ],
    ['reply', 'hook', 'PREROUTING', b('192.168.83.74'), b(PUB_POD), pubNode],
    ['reply', 'veth', 'eni1a2b3c4d5e6 -> eth0', b(PUB_POD), b(PUB_POD), pubNode],
    ['reply', 'netns', 'curl-pub eth0', b(PUB_POD), b(PUB_POD), pubNode],
  ])
  flow('egress/nat', 'default/curl', node, POD, [
    ['request', 'netns', 'curl eth0', o(POD), o(POD), node],
    ['request', 'veth', 'eth0 -> eni9f8e7d6c5b4', o(POD), o(POD), node],
    ['request', 'hook', 'PREROUTING', o(POD), o(POD), node],
    ['request', 'route', 'default via 192.168.160.1 dev ens5', o(POD), o(POD), node],
    ['request', 'hook', 'FORWARD', o(POD), o(POD), node],
    ['request', 'hook', 'POSTROUTING', o(POD), o(N), node],
    [
      'request',
      'rtb',
      'rtb-0aaaaaaaaaaaaaaa1 0.0.0.0/0 -> nat-0fd020f5bd14dcc31',
      o(N),
      o(N),
      node,
    ],
    ['request', 'natgw', `nat-0fd020f5bd14dcc31 ${N}:40112 -> ${G}:1024`, o(N), o(G, 1024)],
    [
      'request',
      'rtb',
      'rtb-0a1b2c3d4e5f60718 0.0.0.0/0 -> igw-0a8c3b7cf3c25632b',
      o(G, 1024),
      o(G, 1024),
    ],
    ['request', 'igw', `igw-0a8c3b7cf3c25632b ${G} -> ${E}`, o(G, 1024), o(E, 1024)],
    ['request', 'internet', `example.com (${HOST})`, o(E, 1024), o(E, 1024)],
    ['reply', 'internet', `example.com (${HOST})`, b(E, 1024), b(E, 1024)],
    ['reply', 'igw', `igw-0a8c3b7cf3c25632b ${E} -> ${G}`, b(E, 1024), b(G, 1024)],
    ['reply', 'natgw', `nat-0fd020f5bd14dcc31 ${G}:1024 -> ${N}:40112`, b(G, 1024), b(N)],
    ['reply', 'vpc', `${N} (${node})`, b(N), b(N)],
    ['reply', 'hook', 'PREROUTING', b(N), b(POD), node],
    ['reply', 'veth', 'eni9f8e7d6c5b4 -> eth0', b(POD), b(POD), node],
    ['reply', 'netns', 'curl eth0', b(POD), b(POD), node],
  ])
  return events
}

test('egress flows: route tables, the NAT gateway and the IGW, two translations in a row', async ({
  page,
}) => {
  test.setTimeout(60_000)
  await page.setViewportSize({ width: 1280, height: 720 })
  await page.goto('/sandbox?seed=1')
  await page.getByRole('textbox', { name: 'Command' }).waitFor()
  await page.getByTestId('playback.play').filter({ hasText: 'Pause' }).click()
  await page.evaluate((evs) => {
    const store = (window as unknown as { __cutaway: { setState(s: object): void } }).__cutaway
    store.setState({ events: evs })
  }, egressEvents(1_000_000))
  await page.getByTestId('main.tab.packets').click()
  const view = page.getByTestId('packets')
  const play = view.getByTestId('packets.play')
  if ((await play.innerText()) === 'Pause') await play.click()
  await expect(view.getByTestId('packets.summary')).toContainText('default/curl HTTP GET /')
  await expect(view.getByTestId('packets.translations')).toHaveText(
    'Three translations in a row: 192.168.170.17 → 192.168.170.12 at node ip-192-168-170-12 POSTROUTING, then 192.168.170.12 → 192.168.22.45 at the NAT gateway, then 192.168.22.45 → 34.104.138.73 at the internet gateway. The receiver sees 34.104.138.73.',
  )
  for (const place of ['NAT gateway', 'internet gateway', 'example.com'])
    await expect(
      view.getByTestId('packets.svg').locator('.pp-span-label', { hasText: place }).first(),
    ).toBeVisible()
  // the route table, then the NAT gateway's translation
  await view.getByTestId('packets.station.6').click()
  await expect(view.getByTestId('packets.hop')).toContainText(
    'Request · VPC · route table rtb-0aaaaaaaaaaaaaaa1: 0.0.0.0/0 -> nat-0fd020f5bd14dcc31',
  )
  await expect(view.getByTestId('packets.gateway')).toContainText('most specific route')
  await view.getByTestId('packets.next').click()
  await expect(view.getByTestId('packets.changed.src')).toHaveText('192.168.22.45')
  await expect(view.getByTestId('packets.nat')).toContainText('NAT gateway SNAT')
  await page.screenshot({ path: 'screenshots/node-network-egress-natgw-1280x720.png' })
  // beside the public node's flow: node SNAT, then the IGW
  const compare = view.getByTestId('packets.compare')
  await compare.selectOption('egress/igw')
  await expect(view.getByTestId('packets.compared.translations')).toContainText(
    'Two translations in a row: 192.168.70.9 → 192.168.83.74 at node ip-192-168-83-74 POSTROUTING, then 192.168.83.74 → 54.187.21.9 at the internet gateway.',
  )
  await page.setViewportSize({ width: 1440, height: 900 })
  await page.screenshot({ path: 'screenshots/node-network-egress-compare-1440x900.png' })
  await expectNoSeriousAxe(page, '[data-testid="packets"]')
  await page.setViewportSize({ width: 1280, height: 720 })
  await projector(page, '.main-view')
  await page.screenshot({ path: 'screenshots/node-network-egress-projector-1280x720.png' })
  await expectNoSeriousAxe(page, '[data-testid="packets"]')
})
