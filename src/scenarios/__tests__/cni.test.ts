import { describe, expect, it } from 'vitest'
import { createSimulationStore } from '../../state/simulationStore.ts'
import { createScenarioPlayer } from '../../state/scenarioPlayer.ts'
import { replayScenario } from './replay.ts'
import { cni, EIGHTEENTH } from '../cni.ts'

// Every number and name the CNI lesson's narration states is what the seed-1 replay shows: the
// pod's address and veth, the 10 warm addresses on 2 ENIs, max pods 17, the third ENI, the 18th
// pod's `Too many pods`, the CNI ADD failing while bb's address cools down, then taking it.

describe('scenario cni: what the learner sees', () => {
  const { sim, player, out, eventsOf } = replayScenario(cni)
  const cluster = () => sim.getState().cluster

  it('runs one t3.medium node and finishes', () => {
    expect(Object.keys(cluster().nodes)).toEqual(['ip-192-168-20-109.us-west-2.compute.internal'])
    expect(
      Object.values(cluster().aws.instances).map((i) => [i.instanceId, i.instanceType]),
    ).toEqual([['i-05b448430f7f557e8', 't3.medium']])
    expect(player.getState().index).toBe(cni.steps.length)
    expect(player.getState().error).toBeNull()
  })

  it('bb gets 192.168.21.196 through a CNI ADD; hostNetwork pods show the node IP', () => {
    const add = eventsOf.run!.find((e) => e.type === 'cni.add' && e.pod === 'bb')
    expect(add).toMatchObject({ ip: '192.168.21.196', hostVeth: 'eni521b6c62951' })
    const table = out.run!
    expect(table).toMatch(/^default +bb +1\/1 +Running .* 192\.168\.21\.196 /m)
    expect(table).toMatch(/^kube-system +aws-node-\w+ .* 192\.168\.20\.109 /m)
    expect(table).toMatch(/^kube-system +kube-proxy-\w+ .* 192\.168\.20\.109 /m)
    expect(table).toMatch(/coredns-\S+ .* 192\.168\.9\.177 /)
    expect(table).toMatch(/coredns-\S+ .* 192\.168\.25\.236 /)
  })

  it('the node: plugin log, the veth in another netns, the /32 route', () => {
    const t = out['node-side']!
    expect(t).toContain('K8S_POD_NAMESPACE=default;K8S_POD_NAME=bb')
    expect(t).toContain('IPv4Addr:\\"192.168.21.196\\"')
    expect(t).toContain('SetupPodNetwork: hostVethName=eni521b6c62951, contVethName=eth0')
    expect(t).toMatch(/^6: eni521b6c62951@if3: .*\n.*link-netns cni-/m)
    expect(t).toContain('192.168.21.196 dev eni521b6c62951 scope link')
  })

  it('the pod: /32 on eth0, default via 169.254.1.1, a permanent neighbour', () => {
    const t = out['pod-side']!
    expect(t).toContain('inet 192.168.21.196/32 scope global eth0')
    expect(t).toContain('default via 169.254.1.1 dev eth0')
    const mac = t.match(/^169\.254\.1\.1 dev eth0 lladdr ([0-9a-f:]{17}) .*PERMANENT$/m)?.[1]
    expect(mac).toBeDefined()
    // …the MAC of the host end of the veth, as `ip link` on the node printed it
    expect(out['node-side']).toMatch(
      new RegExp(`^6: eni521b6c62951@if3: .*\\n +link/ether ${mac} `, 'm'),
    )
  })

  it('EC2: 2 ENIs, the node IP primary, 10 secondary IPs, bb among them', () => {
    const lines = out.enis!.split('\n')
    expect(lines).toEqual([
      'eni-048fc4d3adbf0f5fd',
      expect.stringMatching(/^192\.168\.20\.109(\t192\.168\.\d+\.\d+){5}$/),
      'eni-07c37d2874a908f18',
      expect.stringMatching(/^192\.168\.31\.6(\t192\.168\.\d+\.\d+){5}$/),
    ])
    expect(lines[1]).toContain('\t192.168.21.196')
  })

  it('max pods 17; the third ENI comes with 12 web pods', () => {
    expect(out.fill!).toMatch(/^Capacity:[\s\S]*? pods: +17$/m)
    expect(out.fill!).toMatch(/^Allocatable:[\s\S]*? pods: +17$/m)
    const attach = eventsOf.fill!.filter((e) => e.type === 'ec2.attachEni')
    expect(attach).toHaveLength(1)
    expect(attach[0]).toMatchObject({ interface: 'ens7', deviceIndex: 2 })
  })

  it('the 18th pod: Too many pods, then no address during the cooldown, then bb’s address', () => {
    expect(out.pending!).toMatch(new RegExp(`^${EIGHTEENTH} +0/1 +Pending`, 'm'))
    expect(out.pending!).toContain(
      '0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    )
    const freed = eventsOf['free-a-slot']!
    expect(freed.find((e) => e.type === 'cni.del')).toMatchObject({
      pod: 'bb',
      ip: '192.168.21.196',
    })
    expect(out['free-a-slot']!).toContain(
      'plugin type="aws-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container',
    )
    const adds = [...freed, ...eventsOf.cooldown!].filter(
      (e) => e.type === 'cni.add' && e.pod === EIGHTEENTH,
    )
    expect(adds.at(-1)).toMatchObject({ ip: '192.168.21.196' })
    expect(adds.slice(0, -1).every((e) => e.type === 'cni.add' && e.error)).toBe(true)
    // it got the address only once the 30 s cooldown after the CNI DEL had passed
    const del = sim.getState().events.find((e) => e.event.type === 'cni.del')!
    const ok = sim
      .getState()
      .events.find((e) => e.event.type === 'cni.add' && e.event.pod === EIGHTEENTH && e.event.ip)!
    expect(ok.event.at - del.event.at).toBeGreaterThanOrEqual(30_000)
    expect(ok.event.at - del.event.at).toBeLessThan(31_000)
    // the narration's "retries every 10 s": one failed ADD right away, then one every 10 s
    const failed = sim
      .getState()
      .events.filter((e) => e.event.type === 'cni.add' && e.event.pod === EIGHTEENTH && !e.event.ip)
      .map((e) => Math.round((e.event.at - del.event.at) / 1000))
    expect(failed).toEqual([0, 10, 20])
  })

  it('the try-it: the node holds 18 subnet addresses (3 ENIs × 6), the NAT gateway one', () => {
    const r = sim.getState().run(cni.tryIt.commands![0]!)
    expect(r.lines.map((l) => l.text).join('')).toMatch(/^\[\s*8168\s*\]$/)
  })

  it('the hints: ipamd introspection counts 10 and 3; after the fill, ip rule has tables 2 and 3', () => {
    expect(lookAt('max-pods', `curl -s localhost:61679/v1/enis`)).toMatch(
      /^\{"TotalIPs":10,"AssignedIPs":3,"ENIs":/,
    )
    expect(lookAt('max-pods', `curl http://192.168.20.109:61679/v1/enis`)).toBe(
      'curl: (7) Failed to connect to 192.168.20.109 port 61679 after 0 ms: Could not connect to server',
    )
    const rules = lookAt('eighteenth', 'ip rule')
    expect(rules).toMatch(/^1536:\tfrom 192\.168\.\d+\.\d+ lookup 2$/m)
    expect(rules).toMatch(/^1536:\tfrom 192\.168\.\d+\.\d+ lookup 3$/m)
    expect(rules).toMatch(/^512:\tfrom all to 192\.168\.21\.196 lookup main$/m)
  })
})

/** What `command` prints on the node with the lesson replayed up to (not including) step `id`. */
function lookAt(id: string, command: string): string {
  const sim = createSimulationStore({ seed: cni.seed })
  const player = createScenarioPlayer(cni, sim, {
    startStep: cni.steps.findIndex((s) => s.id === id),
  })
  expect(player.getState().error).toBeNull()
  sim.getState().run('ssh ip-192-168-20-109.us-west-2.compute.internal')
  const text = sim
    .getState()
    .run(command)
    .lines.map((l) => l.text)
    .join('\n')
  player.getState().dispose()
  return text
}
