import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { netCluster, podRuntime, reinstall } from './testing/netCluster.ts'
import { tcpConnect, type Exchange } from './flow.ts'
import { placeOfPod, type Place } from './path.ts'
import type { TestCluster } from '../testing/TestCluster.ts'
import type { SimEvent } from '../events.ts'

const HTTP = { purpose: 'HTTP GET /', requestBytes: 77, responseBytes: () => 853 }

function connect(
  tc: TestCluster,
  from: Place,
  dst: string,
  port = 80,
  seed?: number,
): { x: Exchange; events: SimEvent[] } {
  const r = tc.sim.transact((ctx) => {
    if (seed !== undefined) ctx.state.rng.s = seed >>> 0
    return tcpConnect(ctx, from, dst, port, HTTP)
  })
  if (!r.ok) throw r.error
  return { x: r.value, events: r.events }
}

function readyEndpoints(tc: TestCluster, svc: string): string[] {
  return tc.state.etcd
    ? Object.values(tc.state.etcd.buckets['endpointslices'] ?? {})
        .map(
          (e) =>
            e.value as unknown as {
              metadata: { labels?: Record<string, string> }
              endpoints: { addresses: string[]; conditions: { ready: boolean } }[]
            },
        )
        .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc)
        .flatMap((s) => s.endpoints.filter((e) => e.conditions.ready).flatMap((e) => e.addresses))
    : []
}

describe('a TCP connection to a ClusterIP', () => {
  it('is DNATed to a web pod and the answer comes back from the ClusterIP', () => {
    const tc = netCluster()
    const ip = tc.get('Service', 'web')!.spec.clusterIP
    const client = podRuntime(tc, 'client-')
    const { x, events } = connect(tc, client.place, ip)
    expect(x.outcome).toBe('answered')
    expect(x.reply).toEqual({
      proto: 'tcp',
      src: ip,
      sport: 80,
      dst: client.pod.ip,
      dport: x.client.port,
    })
    const hops = events.filter((e) => e.type === 'packet.hop')
    const pre = hops.find((e) => e.direction === 'request' && e.label === 'PREROUTING')!
    expect(pre.before.dst).toBe(ip)
    expect(pre.after.dst).toBe(x.server!.ip)
    expect(pre.rules!.map((r) => r.chain)).toEqual([
      'PREROUTING',
      'KUBE-SERVICES',
      expect.stringMatching(/^KUBE-SVC-/),
      expect.stringMatching(/^KUBE-SEP-/),
    ])
    expect(pre.rules!.at(-1)!.target).toBe('DNAT')
    const flow = events.find((e) => e.type === 'packet.flow')!
    expect(flow).toMatchObject({ outcome: 'answered', packets: 8, endpoint: `${x.server!.ip}:80` })
    // the last reply hop hands the un-DNATed packet to the client
    const last = hops.filter((e) => e.direction === 'reply').at(-1)!
    expect(last.after.src).toBe(ip)
  })

  it('is lost without DNAT: no interface owns a ClusterIP', () => {
    const tc = netCluster()
    const ip = tc.get('Service', 'web')!.spec.clusterIP
    tc.sim.transact((ctx) => {
      for (const n of Object.values(ctx.state.nodes)) delete n.netfilter
    })
    const { x, events } = connect(tc, podRuntime(tc, 'client-').place, ip)
    expect(x.outcome).toBe('lost')
    expect(events.some((e) => e.type === 'packet.hop' && e.kind === 'lost')).toBe(true)
  })

  it('is refused by a pod that does not listen on the port (RST)', () => {
    const tc = netCluster()
    const web = podRuntime(tc, 'web-')
    const { x } = connect(tc, podRuntime(tc, 'client-').place, web.pod.ip, 8080)
    expect(x.outcome).toBe('refused')
  })
})

describe('properties', () => {
  it('a new flow always lands on a ready endpoint, and replies reach the client un-NATed', () => {
    const tc = netCluster({ replicas: 3 })
    const ip = tc.get('Service', 'web')!.spec.clusterIP
    const ready = readyEndpoints(tc, 'web')
    expect(ready).toHaveLength(3)
    const client = podRuntime(tc, 'client-')
    // a hostNetwork client too: kube-proxy's pod lives in its node's namespace (OUTPUT path)
    const proxy = podRuntime(tc, 'kube-proxy-', 'kube-system')
    const clients = [client.place, placeOfPod(proxy.node, proxy.pod)]
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.nat(1), (seed, which) => {
        const from = clients[which]!
        const { x } = connect(tc, from, ip, 80, seed)
        expect(x.outcome).toBe('answered')
        expect(ready).toContain(x.server!.ip)
        const clientIp = which === 0 ? client.pod.ip : proxy.node.ip
        expect(x.reply).toEqual({
          proto: 'tcp',
          src: ip,
          sport: 80,
          dst: clientIp,
          dport: x.client.port,
        })
      }),
      { numRuns: 60, seed: 1 },
    )
  })

  it('over many flows the endpoints are chosen uniformly (chi-square, 3 endpoints)', () => {
    const tc = netCluster({ replicas: 3 })
    const ip = tc.get('Service', 'web')!.spec.clusterIP
    const from = podRuntime(tc, 'client-').place
    const counts = new Map<string, number>()
    const N = 600
    const r = tc.sim.transact((ctx) => {
      for (let i = 0; i < N; i++) {
        const x = tcpConnect(ctx, from, ip, 80, HTTP)
        counts.set(x.server!.ip, (counts.get(x.server!.ip) ?? 0) + 1)
      }
    })
    if (!r.ok) throw r.error
    expect(counts.size).toBe(3)
    const expected = N / 3
    const chi2 = [...counts.values()].reduce((s, c) => s + (c - expected) ** 2 / expected, 0)
    // df = 2: p = 0.001 at 13.82
    expect(chi2).toBeLessThan(13.82)
  })

  it('the rules follow the endpoints: scale to 4 and all four are used', () => {
    const tc = netCluster({ replicas: 3 })
    tc.patch('Deployment', 'web', (d) => {
      d.spec.replicas = 4
    })
    tc.settle()
    reinstall(tc)
    const ip = tc.get('Service', 'web')!.spec.clusterIP
    const from = podRuntime(tc, 'client-').place
    const seen = new Set<string>()
    for (let i = 0; i < 60; i++) seen.add(connect(tc, from, ip).x.server!.ip)
    expect([...seen].sort()).toEqual(readyEndpoints(tc, 'web').sort())
  })
})

describe('other paths', () => {
  it('hairpin: a pod reaching itself through its Service is masqueraded, and the reply still comes back', () => {
    const tc = netCluster({ replicas: 1 })
    const ip = tc.get('Service', 'web')!.spec.clusterIP
    const web = podRuntime(tc, 'web-')
    const { x, events } = connect(tc, web.place, ip)
    expect(x.outcome).toBe('answered')
    expect(x.server!.ip).toBe(web.pod.ip)
    const post = events.find(
      (e) => e.type === 'packet.hop' && e.direction === 'request' && e.label === 'POSTROUTING',
    )
    // KUBE-SEP's `-s <endpoint> -j KUBE-MARK-MASQ`, then KUBE-POSTROUTING's MASQUERADE
    expect(post?.type === 'packet.hop' && post.after.src).toBe(web.node.ip)
    expect(x.reply).toMatchObject({ src: ip, sport: 80, dst: web.pod.ip })
  })

  it('a host process reaches a ClusterIP through nat OUTPUT', () => {
    const tc = netCluster({ replicas: 2 })
    const ip = tc.get('Service', 'web')!.spec.clusterIP
    const node = Object.values(tc.state.nodes)[0]!
    const { x, events } = connect(tc, { node: node.name }, ip)
    expect(x.outcome).toBe('answered')
    const out = events.find(
      (e) => e.type === 'packet.hop' && e.direction === 'request' && e.label === 'OUTPUT',
    )
    expect(out?.type === 'packet.hop' && out.after.dst).toBe(x.server!.ip)
    expect(x.reply).toMatchObject({ src: ip, dst: node.ip })
  })

  it('a LOG rule writes a kernel line into the hop event, and a later DROP wins', () => {
    const tc = netCluster({ replicas: 1 })
    const ip = tc.get('Service', 'web')!.spec.clusterIP
    tc.sim.transact((ctx) => {
      for (const n of Object.values(ctx.state.nodes)) {
        const fwd = n.netfilter!.tables.filter.chains.FORWARD!
        fwd.rules.unshift(
          {
            matches: [],
            target: { kind: 'LOG', prefix: 'web: ' },
            counters: { packets: 0, bytes: 0 },
          },
          {
            matches: [{ module: 'tcp', dport: { from: 80 } }],
            proto: { name: 'tcp' },
            target: { kind: 'DROP' },
            counters: { packets: 0, bytes: 0 },
          },
        )
      }
    })
    const { x, events } = connect(tc, podRuntime(tc, 'client-').place, ip)
    expect(x.outcome).toBe('dropped')
    const fwd = events.find((e) => e.type === 'packet.hop' && e.label === 'FORWARD')
    expect(fwd?.type === 'packet.hop' && fwd.verdict).toBe('DROP')
    expect(fwd?.type === 'packet.hop' && fwd.logs?.[0]).toMatch(/^web: IN=eni\w+ OUT=/)
  })

  it('a Service without endpoints is rejected at once by the client node, with an ICMP answer', () => {
    const tc = netCluster({ replicas: 1 })
    tc.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'empty', namespace: 'default' },
      spec: { selector: { app: 'nobody' }, ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] },
    } as never)
    tc.settle()
    reinstall(tc)
    const ip = tc.get('Service', 'empty')!.spec.clusterIP
    const client = podRuntime(tc, 'client-')
    const { x, events } = connect(tc, client.place, ip)
    expect(x).toMatchObject({ outcome: 'rejected', rejectWith: 'icmp-port-unreachable' })
    const reject = events.find((e) => e.type === 'packet.hop' && e.kind === 'reject')
    expect(reject).toMatchObject({
      node: client.node.name,
      direction: 'reply',
      before: { proto: 'icmp', src: client.node.ip, dst: client.pod.ip, dport: 3 },
    })
    // the filter rule's counter counted the SYN
    const rule =
      tc.state.nodes[client.node.name]!.netfilter!.tables.filter.chains['KUBE-SERVICES']!.rules[0]!
    expect(rule.counters.packets).toBe(1)
  })

  it('sessionAffinity: ClientIP keeps a client on one endpoint (xt_recent)', () => {
    const tc = netCluster({ replicas: 3 })
    tc.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'sticky', namespace: 'default' },
      spec: {
        selector: { app: 'web' },
        sessionAffinity: 'ClientIP',
        ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }],
      },
    } as never)
    tc.settle()
    reinstall(tc)
    const ip = tc.get('Service', 'sticky')!.spec.clusterIP
    const client = podRuntime(tc, 'client-')
    const seen = new Set<string>()
    for (let i = 0; i < 20; i++) seen.add(connect(tc, client.place, ip).x.server!.ip)
    expect(seen.size).toBe(1)
    const lists = tc.state.nodes[client.node.name]!.xtRecent!
    expect(Object.values(lists).some((l) => l[client.pod.ip] !== undefined)).toBe(true)
  })
})
