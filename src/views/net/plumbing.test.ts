import { describe, expect, it } from 'vitest'
import { TestCluster } from '../../engine/testing/TestCluster.ts'
import type { NodeRuntime } from '../../engine/model/node.ts'
import { ipLink, ipRoute, ipRule } from '../../engine/net/ipam/iproute2.ts'
import { countsLine, describeIp, plumbingOf, type Plumbing } from './plumbing.ts'

// The Plumbing model from a real engine run: one t3.medium node, a Deployment scaled up and down.

function oneNode(replicas: number) {
  const tc = new TestCluster({ seed: 11, config: { nodeCount: 1 } })
  tc.settle()
  tc.deployment('web', 'nginx', replicas)
  tc.settle()
  const node = () => Object.values(tc.state.nodes)[0] as NodeRuntime
  const model = () => plumbingOf(tc.state, node())
  return { tc, node, model }
}

function consistent(p: Plumbing, node: NodeRuntime) {
  const { total, used, warm, cooling } = p.counts
  expect(used + warm + cooling).toBe(total)
  // every used address belongs to a pod shown with its veth, and no ENI primary is a pod's
  const primaries = new Set(p.enis.map((e) => e.primaryIp))
  for (const e of p.enis)
    for (const a of e.secondary) {
      expect(primaries.has(a.ip)).toBe(false)
      if (a.use === 'used') expect(p.pods.map((x) => `${x.namespace}/${x.name}`)).toContain(a.pod)
    }
  expect(p.enis[0]!.primaryIp).toBe(node.ip)
}

describe('the node plumbing model', () => {
  it('lists the ENIs in device order, the pods with their veths, the host-network pods', () => {
    const { tc, node, model } = oneNode(1)
    const p = model()
    consistent(p, node())
    expect(p.enis.map((e) => e.ifname)).toEqual(p.enis.map((_, i) => `ens${5 + i}`))
    expect(p.enis[0]).toMatchObject({ device: 0, table: 'main' })
    expect(p.enis[0]!.eniId).toMatch(/^eni-0[0-9a-f]{16}$/)
    expect(p.enis[0]!.subnetCidr).toMatch(/^192\.168\.\d+\.\d+\/\d+$/)
    const web = p.pods.find((x) => x.name.startsWith('web-'))!
    expect(web.veth).toMatch(/^eni[0-9a-f]{11}$/)
    expect(web.ip).not.toBe(node().ip)
    // the veth is the one `ip link` on the node prints, with the same index
    const link = ipLink({ state: tc.state, node: node() }, 'iproute2')
    expect(Array.isArray(link) && link.join('\n')).toContain(`${web.ifindex}: ${web.veth}@if3:`)
    expect(p.hostPods.map((x) => x.name).join(' ')).toMatch(/aws-node-.*kube-proxy-/)
    expect(
      p.pods.some((x) => x.name.startsWith('aws-node') || x.name.startsWith('kube-proxy')),
    ).toBe(false)
    expect(p.maxPods).toEqual({ value: 17, formula: 't3.medium: 3 ENIs × (6 − 1) + 2' })
    expect(countsLine(p)).toMatch(
      /^\d+ of \d+ secondary IPs used, \d+ warm; max pods 17 \(t3\.medium: 3 ENIs × \(6 − 1\) \+ 2\)$/,
    )
  })

  it('shows the routing exactly as the ip commands print it', () => {
    const { tc, node, model } = oneNode(12)
    const p = model()
    consistent(p, node())
    expect(p.enis.length).toBeGreaterThan(1)
    const place = { state: tc.state, node: node() }
    expect(p.rules).toEqual(ipRule(place, 'iproute2'))
    expect(p.routes.map((r) => r.table)).toEqual(p.enis.map((e) => e.table))
    expect(p.routes[1]).toMatchObject({ table: '2', ifname: 'ens6' })
    expect(p.routes[1]!.command).toBe('ip route show table 2')
    expect(p.routes[1]!.lines).toEqual(ipRoute(place, 'iproute2', '2'))
    expect(p.routes[0]!.lines).toEqual(ipRoute(place, 'iproute2', 'main'))
    // a pod on the second ENI leaves by its table
    const onEns6 = p.pods.find((x) => x.ifname === 'ens6')!
    expect(onEns6.table).toBe('2')
    expect(p.rules).toContain(`1536:\tfrom ${onEns6.ip} lookup 2`)
  })

  it('counts change as a Deployment scales from 1 to 5 and back; released IPs cool down 30 s', () => {
    const { tc, node, model } = oneNode(1)
    const used = (p: Plumbing) => p.counts.used
    const before = used(model())
    tc.patch('Deployment', 'web', (d) => void (d.spec.replicas = 5))
    tc.settle()
    expect(used(model())).toBe(before + 4)
    consistent(model(), node())
    tc.patch('Deployment', 'web', (d) => void (d.spec.replicas = 1))
    tc.settle()
    const p = model()
    consistent(p, node())
    expect(used(p)).toBe(before)
    const cooling = p.enis.flatMap((e) => e.secondary).filter((a) => a.use === 'cooling')
    expect(cooling.length).toBeGreaterThan(0)
    for (const a of cooling) {
      expect(a.coolingLeftS).toBeGreaterThan(0)
      expect(a.coolingLeftS).toBeLessThanOrEqual(30)
      expect(describeIp(a)).toMatch(/^cooling down, \d+ s left$/)
    }
    expect(countsLine(p)).toContain(`${cooling.length} cooling down`)
    tc.advance(31_000)
    expect(model().counts.cooling).toBe(0)
  })

  it('follows ipamd when it frees a surplus ENI after a scale-down', () => {
    const { tc, node, model } = oneNode(12)
    expect(model().enis).toHaveLength(3)
    tc.patch('Deployment', 'web', (d) => void (d.spec.replicas = 1))
    tc.settle()
    tc.advance(120_000)
    const p = model()
    expect(p.enis.map((e) => e.eniId)).toEqual(node().ipamd!.enis)
    expect(p.enis).toHaveLength(2)
    consistent(p, node())
  })
})
