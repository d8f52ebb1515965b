import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { TestCluster } from '../../testing/TestCluster.ts'
import type { Ctx } from '../../context.ts'
import type { NodeRuntime } from '../../model/node.ts'
import type { DaemonSet } from '../../model/k8s.ts'
import { getObject, listObjects, putObject } from '../../apiserver/store.ts'
import { deepClone } from '../../clone.ts'
import { INSTANCE_TYPES, maxPods } from '../../aws/instanceTypes.ts'
import { assignPodIp, IP_COOLDOWN_MS, poolStats, releasePodIp, startIpamd } from './ipamd.ts'

// The warm pool against aws/amazon-vpc-cni-k8s docs/eni-and-ip-target.md (its worked examples),
// max pods against misc/eni-max-pods.txt (FIDELITY §5.3).

function setEnv(ctx: Ctx, env: Record<string, string>) {
  const ds = deepClone(getObject(ctx.state, 'DaemonSet', 'kube-system', 'aws-node') as DaemonSet)
  const c = ds.spec.template.spec!.containers.find((x) => x.name === 'aws-node')!
  for (const [name, value] of Object.entries(env)) {
    c.env = (c.env ?? []).filter((e) => e.name !== name)
    c.env.push({ name, value })
  }
  putObject(ctx, ds)
}

/** A node of `type` whose ipamd starts from nothing (no pods) under the given aws-node env. */
function freshIpamd(t: TestCluster, type: string, env: Record<string, string> = {}) {
  const name = Object.keys(t.state.nodes)[0]!
  const r = t.sim.transact((ctx) => {
    setEnv(ctx, env)
    const node = ctx.state.nodes[name]!
    const inst = ctx.state.aws.instances[node.instanceId]!
    inst.instanceType = type
    for (const id of inst.eniIds.slice(1)) delete ctx.state.aws.enis[id]
    inst.eniIds = inst.eniIds.slice(0, 1)
    ctx.state.aws.enis[inst.eniIds[0]!]!.secondaryIps = []
    for (const pod of Object.values(node.pods)) if (!pod.hostNetwork) delete node.pods[pod.uid]
    startIpamd(ctx, node)
  })
  if (!r.ok) throw r.error
  return name
}

function addPods(t: TestCluster, node: string, n: number, from = 0): string[] {
  const ips: string[] = []
  t.sim.transact((ctx) => {
    for (let i = from; i < from + n; i++) {
      const r = assignPodIp(ctx, ctx.state.nodes[node]!, {
        namespace: 'default',
        name: `p-${i}`,
        containerId: `c${i}`,
      })
      if (r.ok) ips.push(r.ip)
    }
  })
  return ips
}

function perEni(t: TestCluster, node: string): number[] {
  const n = t.state.nodes[node]!
  return n.ipamd!.enis.map((id) => t.state.aws.enis[id]!.secondaryIps.length)
}

describe('ipamd warm pool (docs/eni-and-ip-target.md examples)', () => {
  const cases: [Record<string, string>, number, number, number[]][] = [
    // WARM_ENI_TARGET=1 (the default)
    [{}, 0, 3, [3]],
    [{}, 5, 9, [3, 3, 3]],
    [{}, 9, 9, [3, 3, 3]],
    // WARM_IP_TARGET=1, MINIMUM_IP_TARGET=1
    [{ WARM_IP_TARGET: '1', MINIMUM_IP_TARGET: '1' }, 0, 1, [1]],
    [{ WARM_IP_TARGET: '1', MINIMUM_IP_TARGET: '1' }, 5, 6, [3, 3]],
    [{ WARM_IP_TARGET: '1', MINIMUM_IP_TARGET: '1' }, 9, 9, [3, 3, 3]],
    // WARM_IP_TARGET=2, MINIMUM_IP_TARGET=5 (the doc lists 0 pods as "2,3": which ENI holds 2 is map order)
    [{ WARM_IP_TARGET: '2', MINIMUM_IP_TARGET: '5' }, 0, 5, [3, 2]],
    [{ WARM_IP_TARGET: '2', MINIMUM_IP_TARGET: '5' }, 5, 7, [3, 3, 1]],
    [{ WARM_IP_TARGET: '2', MINIMUM_IP_TARGET: '5' }, 9, 9, [3, 3, 3]],
  ]
  it.each(cases)('t3.small %j with %i pods: %i secondary IPs %j', (env, pods, total, enis) => {
    const t = new TestCluster({ seed: 3, config: { nodeCount: 1 } })
    const node = freshIpamd(t, 't3.small', env)
    expect(addPods(t, node, pods)).toHaveLength(pods)
    expect(poolStats(t.state.nodes[node]!, t.state.now).total).toBe(total)
    expect(perEni(t, node)).toEqual(enis)
  })

  it('t3.medium with one pod and the defaults: 2 ENIs, 10 secondary IPs (observed, FIDELITY §5.2)', () => {
    const t = new TestCluster({ seed: 3, config: { nodeCount: 1 } })
    const node = freshIpamd(t, 't3.medium')
    expect(perEni(t, node)).toEqual([5])
    addPods(t, node, 1)
    expect(perEni(t, node)).toEqual([5, 5])
    const ev = t.events.filter((e) => e.type === 'ec2.attachEni')
    expect(ev.at(-1)).toMatchObject({ deviceIndex: 1, interface: 'ens6' })
  })

  it('the ENI limit bounds the pool; a pod beyond it gets the aws-cni error', () => {
    const t = new TestCluster({ seed: 3, config: { nodeCount: 1 } })
    const node = freshIpamd(t, 't3.small')
    expect(addPods(t, node, 10)).toHaveLength(9)
    const r = t.sim.transact((ctx) =>
      assignPodIp(ctx, ctx.state.nodes[node]!, { namespace: 'a', name: 'b', containerId: 'c' }),
    )
    expect(r.ok && r.value).toEqual({
      ok: false,
      error: 'add cmd: failed to assign an IP address to container',
    })
  })

  it('reads WARM_IP_TARGET from the aws-node DaemonSet', () => {
    const t = new TestCluster({ seed: 3, config: { nodeCount: 1 } })
    const node = freshIpamd(t, 'm5.large', { WARM_IP_TARGET: '5' })
    expect(perEni(t, node)).toEqual([5])
    addPods(t, node, 3)
    expect(poolStats(t.state.nodes[node]!, t.state.now)).toMatchObject({
      total: 8,
      assigned: 3,
      available: 5,
    })
  })
})

describe('ipamd addresses', () => {
  it('a released IP cools down for 30 s before another pod gets it', () => {
    const t = new TestCluster({ seed: 3, config: { nodeCount: 1 } })
    // MINIMUM_IP_TARGET=3 (the primary ENI's 3 secondary IPs) keeps ipamd from unassigning the
    // cooled-down surplus, which it would with MINIMUM_IP_TARGET=1 (shrink.test.ts)
    const node = freshIpamd(t, 't3.small', { WARM_IP_TARGET: '1', MINIMUM_IP_TARGET: '3' })
    const [ip] = addPods(t, node, 1)
    t.sim.transact((ctx) => releasePodIp(ctx, ctx.state.nodes[node]!, ip!))
    const next = addPods(t, node, 1, 1)
    expect(next[0]).not.toBe(ip)
    t.sim.transact((ctx) => releasePodIp(ctx, ctx.state.nodes[node]!, next[0]!))
    t.advance(IP_COOLDOWN_MS)
    expect(addPods(t, node, 1, 2)[0]).toBe(ip)
  })

  it.each([
    ['WARM_ENI_TARGET=1', {}],
    ['WARM_IP_TARGET=2', { WARM_IP_TARGET: '2' }],
  ])(
    'never hands out an ENI primary IP, nor one address twice (random churn with growing and shrinking, several nodes, %s)',
    (_mode, env: Record<string, string>) => {
      const t = new TestCluster({ seed: 5, config: { nodeCount: 2, instanceType: 't3.small' } })
      t.sim.transact((ctx) => setEnv(ctx, env))
      const nodes = Object.keys(t.state.nodes)
      fc.assert(
        fc.property(
          // t3.small (3 IPs per ENI) grows and shrinks often; waits up to 100 s: past the cooldown, the 30 s decrease interval and an ENI's first minute
          fc.array(fc.tuple(fc.boolean(), fc.nat(1), fc.nat(100)), { maxLength: 60 }),
          (ops) => {
            const held: Record<string, string> = {}
            let i = 0
            for (const [add, n, wait] of ops) {
              const node = nodes[n]!
              if (add) {
                const got = addPods(t, node, 1, 1000 + i++)
                if (got[0]) held[got[0]] = node
              } else {
                const ip = Object.keys(held).find((k) => held[k] === node)
                if (ip) {
                  t.sim.transact((ctx) => releasePodIp(ctx, ctx.state.nodes[node]!, ip))
                  delete held[ip]
                }
              }
              t.advance(wait * 1000)
            }
            const primaries = new Set(
              Object.values(t.state.aws.enis).map((e) => e.privateIpAddress),
            )
            const seen = new Set<string>()
            for (const nd of Object.values(t.state.nodes) as NodeRuntime[])
              for (const [ip, a] of Object.entries(nd.ipamd!.ips)) {
                if (!a.pod) continue
                expect(primaries.has(ip)).toBe(false)
                expect(seen.has(ip)).toBe(false)
                seen.add(ip)
              }
            // and every pod IP the kubelet holds is a secondary IP of its own node's ENIs
            for (const nd of Object.values(t.state.nodes) as NodeRuntime[])
              for (const p of Object.values(nd.pods))
                if (!p.hostNetwork) expect(nd.ipamd!.ips[p.ip]?.pod?.name).toBe(p.name)
            // after shrinking, ipamd and EC2 still agree: the primary ENI stays, every ENI ipamd
            // holds exists, is attached to the instance and carries exactly ipamd's addresses, each
            // one recorded as taken in the subnet; device numbers are distinct
            for (const nd of Object.values(t.state.nodes) as NodeRuntime[]) {
              const ipamd = nd.ipamd!
              const inst = t.state.aws.instances[nd.instanceId]!
              expect(ipamd.enis[0]).toBe(inst.eniIds[0])
              expect([...ipamd.enis].sort()).toEqual([...inst.eniIds].sort())
              const devices = ipamd.enis.map((id) => t.state.aws.enis[id]!.deviceIndex)
              expect(new Set(devices).size).toBe(devices.length)
              expect(devices).toEqual([...devices].sort((a, b) => a - b))
              for (const id of ipamd.enis) {
                const eni = t.state.aws.enis[id]!
                const mine = Object.keys(ipamd.ips).filter((ip) => ipamd.ips[ip]!.eniId === id)
                expect([...eni.secondaryIps].sort()).toEqual(mine.sort())
                for (const ip of [eni.privateIpAddress, ...mine])
                  expect(t.state.aws.addresses[ip]).toBeDefined()
              }
            }
            // a freed ENI's addresses went back to the subnet, unless EC2 handed them out again
            for (const e of t.events)
              if (e.type === 'ec2.detachEni')
                for (const ip of [e.privateIp, ...e.ips])
                  for (const nd of Object.values(t.state.nodes) as NodeRuntime[])
                    if (nd.ipamd!.ips[ip])
                      expect(t.state.aws.enis[nd.ipamd!.ips[ip]!.eniId]).toBeDefined()
            // cleanup for the next run
            for (const [ip, node] of Object.entries(held))
              t.sim.transact((ctx) => releasePodIp(ctx, ctx.state.nodes[node]!, ip))
          },
        ),
        { numRuns: 25 },
      )
      // the churn did shrink the pool at some point
      expect(
        t.events.some((e) => e.type === 'ec2.detachEni' || e.type === 'ec2.unassignPrivateIps'),
      ).toBe(true)
    },
  )
})

describe('max pods (misc/eni-max-pods.txt)', () => {
  it.each([
    ['t3.micro', 4],
    ['t3.small', 11],
    ['t3.medium', 17],
    ['t3.large', 35],
    ['t3.xlarge', 58],
    ['m5.large', 29],
    ['m5.xlarge', 58],
    ['m5.2xlarge', 58],
    ['m5.4xlarge', 234],
    ['m5.8xlarge', 234],
    ['m5.24xlarge', 737],
    ['c5.xlarge', 58],
    ['c5.4xlarge', 234],
    ['c5.18xlarge', 737],
    ['m6g.large', 29],
    ['m6g.4xlarge', 234],
    ['m6g.16xlarge', 737],
    ['t3.nano', 4],
    ['t3.2xlarge', 58],
    ['c5.large', 29],
    ['m6g.medium', 8],
  ])('%s: %i', (type, pods) => {
    expect(maxPods(INSTANCE_TYPES[type]!)).toBe(pods)
  })

  it("the kubelet's allocatable pods follow it; the pod over the limit stays Pending", () => {
    const t = new TestCluster({ seed: 3, config: { nodeCount: 1, instanceType: 't3.small' } })
    const node = Object.values(t.state.nodes)[0]!
    const n = getObject(t.state, 'Node', undefined, node.name)!
    expect(n.status.allocatable!.pods).toBe('11')
    t.deployment('web', 'nginx', 12)
    t.settle()
    t.advance(30_000)
    const onNode = listObjects(t.state, 'Pod').filter((p) => p.spec.nodeName === node.name)
    expect(onNode).toHaveLength(11)
    const pending = t.pods('web-').filter((p) => !p.spec.nodeName)
    // aws-node, kube-proxy (host network) and 2 coredns leave room for 7 of the 12
    expect(pending.length).toBe(5)
    const ev = listObjects(t.state, 'Event', 'default').find((e) => e.reason === 'FailedScheduling')
    expect(ev?.message).toBe(
      '0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    )
    const running = t.pods('web-').filter((p) => p.status.phase === 'Running')
    expect(running).toHaveLength(7) // 9 pod IPs on 3 ENIs, 2 taken by coredns
    expect(perEni(t, node.name)).toEqual([3, 3, 3])
  })
})

describe('CNI ADD failure', () => {
  it('a subnet with no free address: ContainerCreating and the aws-cni error event', () => {
    const t = new TestCluster({ seed: 3, config: { nodeCount: 1 } })
    const node = Object.values(t.state.nodes)[0]!
    // fill the node's subnet and the warm pool, as if other nodes had taken every address
    t.sim.transact((ctx) => {
      const nd = ctx.state.nodes[node.name]!
      for (const a of Object.values(nd.ipamd!.ips))
        a.pod ??= { namespace: 'x', name: 'y', containerId: 'z' }
      const s = ctx.state.aws.subnets.find((x) => x.subnetId === nd.subnetId)!
      const [base, bits] = s.cidrBlock.split('/')
      const b = base!.split('.').map(Number)
      const start = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0
      for (let i = 0; i < 2 ** (32 - Number(bits)); i++) {
        const n = start + i
        const ip = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
        ctx.state.aws.addresses[ip] ??= 'someone else'
      }
    })
    t.deployment('web', 'nginx', 1)
    t.settle()
    t.advance(5_000)
    const pod = t.pods('web-')[0]!
    expect(pod.spec.nodeName).toBe(node.name)
    expect(pod.status.containerStatuses?.[0]?.state?.waiting?.reason).toBe('ContainerCreating')
    const ev = listObjects(t.state, 'Event', 'default').find(
      (e) => e.reason === 'FailedCreatePodSandBox',
    )
    expect(ev?.message).toMatch(
      /^Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "[0-9a-f]{64}": plugin type="aws-cni" name="aws-cni" failed \(add\): add cmd: failed to assign an IP address to container$/,
    )
    const cni = t.events.find((e) => e.type === 'cni.add' && e.error)
    expect(cni).toBeDefined()
  })

  it('the pod worker retries a failed sandbox once per back-off period (kubelet.go backOffPeriod)', () => {
    const t = new TestCluster({ seed: 3, config: { nodeCount: 1 } })
    const node = Object.values(t.state.nodes)[0]!
    t.sim.transact((ctx) => {
      const nd = ctx.state.nodes[node.name]!
      for (const a of Object.values(nd.ipamd!.ips))
        a.pod ??= { namespace: 'x', name: 'y', containerId: 'z' }
      const s = ctx.state.aws.subnets.find((x) => x.subnetId === nd.subnetId)!
      const [base, bits] = s.cidrBlock.split('/')
      const b = base!.split('.').map(Number)
      const start = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0
      for (let i = 0; i < 2 ** (32 - Number(bits)); i++) {
        const n = start + i
        const ip = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
        ctx.state.aws.addresses[ip] ??= 'someone else'
      }
    })
    t.deployment('web', 'nginx', 1)
    // listeners hear a whole run at once: step a second at a time to see when each ADD failed
    const at: number[] = []
    const failed = () => t.events.filter((e) => e.type === 'cni.add' && e.error).length
    for (let i = 0; i < 36; i++) {
      const before = failed()
      t.advance(1_000)
      for (let n = before; n < failed(); n++) at.push(t.state.now)
    }
    expect(at.length).toBeGreaterThanOrEqual(3)
    expect(at.slice(1).map((x, i) => x - at[i]!)).toEqual(Array(at.length - 1).fill(10_000))
  })

  it('a pod start emits the CNI ADD steps; its deletion the DEL', () => {
    const t = new TestCluster({ seed: 3, config: { nodeCount: 1 } })
    t.deployment('web', 'nginx', 1)
    t.settle()
    const pod = t.pods('web-')[0]!
    const add = t.events.find((e) => e.type === 'cni.add' && e.pod === pod.metadata.name)
    expect(add && add.type === 'cni.add' && add.ip).toBe(pod.status.podIP)
    expect(add && add.type === 'cni.add' && add.steps.map((s) => s.actor)).toEqual([
      'kubelet',
      'containerd',
      'containerd',
      'aws-cni',
      'ipamd',
      ...Array(6).fill('aws-cni'),
      ...(add && add.type === 'cni.add' && add.steps.length === 12 ? ['aws-cni'] : []),
    ])
    t.delete('Pod', pod.metadata.name)
    t.settle()
    expect(t.events.some((e) => e.type === 'cni.del' && e.pod === pod.metadata.name)).toBe(true)
  })
})

describe('aws-node env changes', () => {
  it('a new WARM_IP_TARGET in the DaemonSet grows the pool once aws-node restarts', () => {
    const t = new TestCluster({ seed: 3, config: { nodeCount: 1, instanceType: 'm5.large' } })
    const node = Object.keys(t.state.nodes)[0]!
    const before = poolStats(t.state.nodes[node]!, t.state.now)
    expect(before).toMatchObject({ enis: 2, total: 18 }) // 2 coredns pods: WARM_ENI_TARGET=1
    t.sim.transact((ctx) => setEnv(ctx, { WARM_IP_TARGET: '20' }))
    // the simulated DaemonSet controller does not roll pods on a template change: restart by hand
    const awsNode = t.pods('aws-node-', 'kube-system')[0]!
    t.delete('Pod', awsNode.metadata.name, 'kube-system')
    t.settle()
    t.advance(60_000)
    t.settle()
    expect(t.pods('aws-node-', 'kube-system')[0]!.metadata.name).not.toBe(awsNode.metadata.name)
    const after = poolStats(t.state.nodes[node]!, t.state.now)
    expect(after.available).toBeGreaterThanOrEqual(20)
    expect(after.enis).toBe(3)
  })
})
