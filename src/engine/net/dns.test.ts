import { describe, expect, it } from 'vitest'
import { coreDnsAnswer, parseResolvConf, resolve, searchCandidates, vpcResolverIp } from './dns.ts'
import { podResolvConf } from '../node/fs.ts'
import { netCluster, podRuntime } from './testing/netCluster.ts'
import type { Service } from '../model/k8s.ts'

describe('resolv.conf search list', () => {
  const conf = parseResolvConf(
    'search default.svc.cluster.local svc.cluster.local cluster.local us-west-2.compute.internal\nnameserver 10.100.0.10\noptions ndots:5\n',
  )
  it('parses what the kubelet writes', () => {
    expect(conf).toEqual({
      nameservers: ['10.100.0.10'],
      search: [
        'default.svc.cluster.local',
        'svc.cluster.local',
        'cluster.local',
        'us-west-2.compute.internal',
      ],
      ndots: 5,
    })
  })
  it('tries the search list first for names with fewer than 5 dots', () => {
    expect(searchCandidates('web', conf, 'musl')).toEqual([
      'web.default.svc.cluster.local',
      'web.svc.cluster.local',
      'web.cluster.local',
      'web.us-west-2.compute.internal',
      'web',
    ])
    expect(searchCandidates('web.default.svc.cluster.local', conf, 'glibc')[0]).toBe(
      'web.default.svc.cluster.local.default.svc.cluster.local',
    )
  })
  it('a trailing dot or enough dots means the name as given', () => {
    expect(searchCandidates('web.default.svc.cluster.local.', conf, 'glibc')).toEqual([
      'web.default.svc.cluster.local',
    ])
    expect(searchCandidates('a.b.c.d.e.f', conf, 'musl')).toEqual(['a.b.c.d.e.f'])
    expect(searchCandidates('a.b.c.d.e.f', conf, 'glibc')).toHaveLength(5)
  })
})

describe('CoreDNS answers', () => {
  const tc = netCluster({ replicas: 2 })
  tc.create<Service>({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web-headless', namespace: 'default' },
    spec: {
      clusterIP: 'None',
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    },
  } as never)
  tc.settle()
  const s = tc.state
  it('a Service name: its ClusterIP', () => {
    expect(coreDnsAnswer(s, 'kube-dns.kube-system.svc.cluster.local')).toEqual({
      rcode: 'NOERROR',
      addrs: ['10.100.0.10'],
    })
  })
  it('a headless Service: the ready pod IPs', () => {
    const a = coreDnsAnswer(s, 'web-headless.default.svc.cluster.local')
    expect(a.rcode === 'NOERROR' && a.addrs.sort()).toEqual(
      tc
        .pods('web-')
        .map((p) => p.status.podIP)
        .sort(),
    )
  })
  it('NXDOMAIN for unknown names in the zone, and search-list leftovers', () => {
    expect(coreDnsAnswer(s, 'nosuch.default.svc.cluster.local').rcode).toBe('NXDOMAIN')
    expect(coreDnsAnswer(s, 'web.default.svc.cluster.local.svc.cluster.local').rcode).toBe(
      'NXDOMAIN',
    )
    expect(coreDnsAnswer(s, 'web.us-west-2.compute.internal').rcode).toBe('NXDOMAIN')
  })
  it('pods and EC2 names; internet names from the simulated internet, NXDOMAIN otherwise', () => {
    expect(coreDnsAnswer(s, '192-168-1-2.default.pod.cluster.local')).toEqual({
      rcode: 'NOERROR',
      addrs: ['192.168.1.2'],
    })
    const node = Object.values(s.nodes)[0]!
    expect(coreDnsAnswer(s, node.name)).toEqual({ rcode: 'NOERROR', addrs: [node.ip] })
    expect(coreDnsAnswer(s, 'example.com')).toEqual({
      rcode: 'NOERROR',
      addrs: ['104.20.23.154', '172.66.147.243'],
      aaaa: ['2606:4700:10::6814:179a', '2606:4700:10::ac42:93f3'],
    })
    expect(coreDnsAnswer(s, 'no-such-host.example.org').rcode).toBe('NXDOMAIN')
    expect(vpcResolverIp(s)).toBe('192.168.0.2')
  })
})

describe('resolving from a pod', () => {
  it('sends UDP queries to kube-dns, DNATed to a CoreDNS pod, walking the search list', () => {
    const tc = netCluster()
    const client = podRuntime(tc, 'client-')
    const conf = parseResolvConf(podResolvConf(tc.state, 'default'))
    const r = tc.sim.transact((ctx) => resolve(ctx, client.place, 'web', conf, 'musl'))
    if (!r.ok) throw r.error
    expect(r.value).toMatchObject({
      kind: 'ok',
      name: 'web.default.svc.cluster.local',
      addrs: [tc.get('Service', 'web')!.spec.clusterIP],
    })
    const flows = r.events.filter((e) => e.type === 'packet.flow')
    expect(flows).toHaveLength(1)
    const coredns = tc.pods('coredns-', 'kube-system').map((p) => `${p.status.podIP}:53`)
    expect(coredns).toContain(flows[0]!.endpoint)
    expect(flows[0]).toMatchObject({
      proto: 'udp',
      dst: '10.100.0.10',
      dport: 53,
      outcome: 'answered',
    })
  })

  it('an unknown name costs one query per search domain, then NXDOMAIN', () => {
    const tc = netCluster()
    const client = podRuntime(tc, 'client-')
    const conf = parseResolvConf(podResolvConf(tc.state, 'default'))
    const r = tc.sim.transact((ctx) => resolve(ctx, client.place, 'nosuch', conf, 'musl'))
    if (!r.ok) throw r.error
    expect(r.value.kind).toBe('nxdomain')
    expect(r.value.queries).toHaveLength(5)
  })
})
