import { describe, expect, it } from 'vitest'
import { TestCluster } from '../../testing/TestCluster.ts'
import type { Ctx } from '../../context.ts'
import type { DaemonSet } from '../../model/k8s.ts'
import { getObject, putObject } from '../../apiserver/store.ts'
import { deepClone } from '../../clone.ts'
import { IP_COOLDOWN_MS, MIN_ENI_LIFE_MS, poolStats } from './ipamd.ts'
import { ipamdEnis } from './introspect.ts'
import { ipAddr, ipRule } from './iproute2.ts'
import { cniLogText } from './cniLogs.ts'

// ipamd shrinking its warm pool (pkg/ipamd/ipamd.go tryFreeENI / decreaseDatastorePool; FIDELITY
// §5.2: "Observed t3.medium with 1 pod and defaults: 2 ENIs, 10 secondary IPs").

function setEnv(ctx: Ctx, env: Record<string, string>) {
  const ds = deepClone(getObject(ctx.state, 'DaemonSet', 'kube-system', 'aws-node') as DaemonSet)
  const c = ds.spec.template.spec!.containers.find((x) => x.name === 'aws-node')!
  for (const [name, value] of Object.entries(env)) {
    c.env = (c.env ?? []).filter((e) => e.name !== name)
    c.env.push({ name, value })
  }
  putObject(ctx, ds)
}

function scale(t: TestCluster, replicas: number) {
  t.patch('Deployment', 'web', (d) => {
    d.spec.replicas = replicas
  })
  t.settle()
}

/** one t3.medium node, `web` at 12 replicas: 3 ENIs (15 secondary IPs, 14 pods with CoreDNS) */
function fullNode() {
  const t = new TestCluster({ seed: 3, config: { nodeCount: 1, instanceType: 't3.medium' } })
  const name = Object.keys(t.state.nodes)[0]!
  t.deployment('web', 'nginx', 12)
  t.settle()
  t.advance(2 * MIN_ENI_LIFE_MS) // the ENIs are past their first minute
  return { t, name, node: () => t.state.nodes[name]! }
}

describe('ipamd shrinks the warm pool (WARM_ENI_TARGET=1)', () => {
  it('12 pods -> 1 on a t3.medium: after the cooldown one ENI goes, back to 2 ENIs and 10 IPs', () => {
    const { t, node } = fullNode()
    expect(poolStats(node(), t.state.now)).toMatchObject({ enis: 3, total: 15, assigned: 14 })
    const third = node().ipamd!.enis[2]!
    const addressesBefore = Object.keys(t.state.aws.addresses).length
    scale(t, 1)
    t.advance(120_000)
    const s = poolStats(node(), t.state.now)
    expect(s).toMatchObject({ enis: 2, total: 10, assigned: 3 })
    const detach = t.events.filter((e) => e.type === 'ec2.detachEni')
    expect(detach).toHaveLength(1)
    const freed = detach[0]!
    if (freed.type !== 'ec2.detachEni') throw new Error()
    expect(freed.ips).toHaveLength(5)
    expect(freed.attachmentId).toMatch(/^eni-attach-0[0-9a-f]{16}$/)
    // EC2: the ENI is gone, its 6 addresses are back in the subnet
    expect(t.state.aws.enis[freed.networkInterfaceId]).toBeUndefined()
    expect(Object.keys(t.state.aws.addresses).length).toBe(addressesBefore - 6)
    for (const ip of [freed.privateIp, ...freed.ips])
      expect(t.state.aws.addresses[ip]).toBeUndefined()
    const inst = t.state.aws.instances[node().instanceId]!
    expect(inst.eniIds).toHaveLength(2)
    expect(inst.eniIds).not.toContain(freed.networkInterfaceId)
    // what the node shows follows: its interface, table and rules are gone
    const n = node()
    const dev = freed.interface
    expect(ipAddr({ state: t.state, node: n }, 'iproute2', dev)).toEqual({
      error: `Device "${dev}" does not exist.`,
    })
    expect(ipRule({ state: t.state, node: n }, 'iproute2').join('\n')).not.toMatch(
      new RegExp(`lookup ${freed.deviceIndex + 1}$`, 'm'),
    )
    const intro = JSON.parse(ipamdEnis(t.state, n)) as { TotalIPs: number; ENIs: object }
    expect(intro.TotalIPs).toBe(10)
    expect(Object.keys(intro.ENIs)).not.toContain(freed.networkInterfaceId)
    // ipamd.log: the real messages of a freed ENI
    const log = cniLogText(n, 'ipamd')
    for (const msg of [
      `Trying to free ENI: ${freed.networkInterfaceId}`,
      `Successfully detached ENI: ${freed.networkInterfaceId}`,
      `Successfully deleted ENI: ${freed.networkInterfaceId}`,
      `Successfully freed ENI: ${freed.networkInterfaceId}`,
    ])
      expect(log).toContain(msg)
    // which ENI went depends on where the surviving pod runs; never the primary
    expect(freed.deviceIndex).toBeGreaterThan(0)
    expect(node().ipamd!.enis).not.toContain(freed.networkInterfaceId)
    if (freed.networkInterfaceId !== third)
      // ens6 went, ens7 stays ens7 (table 3): device numbers keep their holes, as on a real node
      expect(ipRule({ state: t.state, node: n }, 'iproute2').join('\n')).toMatch(/lookup 3$/m)
    // the pool is not too low afterwards: no ENI comes back
    const attaches = () => t.events.filter((e) => e.type === 'ec2.attachEni').length
    const attached = attaches()
    t.advance(120_000)
    expect(attaches()).toBe(attached)
    expect(poolStats(node(), t.state.now).enis).toBe(2)
  })

  it('nothing is freed while an address on the ENI cools down', () => {
    const { t, node } = fullNode()
    scale(t, 1)
    const dels = t.events.filter((e) => e.type === 'cni.del')
    expect(dels.length).toBe(11)
    const lastDel = Math.max(...dels.map((e) => e.at))
    const firstDel = Math.min(...dels.map((e) => e.at))
    t.sim.runUntil(() => false, firstDel + IP_COOLDOWN_MS - 1 - t.state.now)
    expect(poolStats(node(), t.state.now).enis).toBe(3)
    t.advance(lastDel + IP_COOLDOWN_MS + 10_000 - t.state.now)
    const detach = t.events.filter((e) => e.type === 'ec2.detachEni')
    expect(detach).toHaveLength(1)
    // every address of the freed ENI had cooled down when it went
    const freed = detach[0]!
    for (const d of dels)
      if (
        d.type === 'cni.del' &&
        d.networkInterfaceId === (freed as { networkInterfaceId: string }).networkInterfaceId
      )
        expect(freed.at - d.at).toBeGreaterThanOrEqual(IP_COOLDOWN_MS)
  })

  it('the primary ENI is never freed, even with no pods at all', () => {
    const { t, node } = fullNode()
    const primary = node().ipamd!.enis[0]!
    scale(t, 0)
    t.delete('Deployment', 'coredns', 'kube-system')
    t.settle()
    t.advance(300_000)
    expect(node().ipamd!.enis[0]).toBe(primary)
    expect(t.state.aws.enis[primary]).toBeDefined()
    expect(
      t.events
        .filter((e) => e.type === 'ec2.detachEni')
        .every((e) => e.type === 'ec2.detachEni' && e.deviceIndex > 0),
    ).toBe(true)
  })
})

describe('ipamd shrinks the warm pool (WARM_IP_TARGET)', () => {
  it('unassigns the surplus free IPs down to WARM_IP_TARGET, at most once per 30 s', () => {
    const t = new TestCluster({ seed: 3, config: { nodeCount: 1, instanceType: 't3.medium' } })
    const name = Object.keys(t.state.nodes)[0]!
    t.sim.transact((ctx) => setEnv(ctx, { WARM_IP_TARGET: '2' }))
    t.deployment('web', 'nginx', 10)
    t.settle()
    t.advance(2 * MIN_ENI_LIFE_MS)
    const before = poolStats(t.state.nodes[name]!, t.state.now)
    expect(before.assigned).toBe(12)
    expect(before.available).toBeGreaterThanOrEqual(2)
    scale(t, 2)
    t.advance(180_000)
    const after = poolStats(t.state.nodes[name]!, t.state.now)
    expect(after).toMatchObject({ assigned: 4, available: 2, total: 6 })
    const un = t.events.filter((e) => e.type === 'ec2.unassignPrivateIps')
    expect(un.length).toBeGreaterThan(0)
    // EC2 agrees: every secondary IP left on the node's ENIs is one ipamd holds
    const n = t.state.nodes[name]!
    const onEnis = n.ipamd!.enis.flatMap((id) => t.state.aws.enis[id]!.secondaryIps).sort()
    expect(onEnis).toEqual(Object.keys(n.ipamd!.ips).sort())
    for (const ip of un.flatMap((e) => (e.type === 'ec2.unassignPrivateIps' ? e.ips : [])))
      expect(t.state.aws.addresses[ip]).toBeUndefined()
    expect(cniLogText(n, 'ipamd')).toMatch(
      /Trying to unassign the following IPs \[[\d. ]+\] from ENI eni-/,
    )
    // decreases are at least 30 s apart
    const times = [...new Set(un.map((e) => e.at))]
    for (let i = 1; i < times.length; i++)
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(30_000)
  })
})
