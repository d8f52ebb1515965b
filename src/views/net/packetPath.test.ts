import { describe, expect, it } from 'vitest'
import { curlProbe, netCluster } from '../../engine/net/testing/netCluster.ts'
import type { SimEvent } from '../../engine/index.ts'
import {
  describeHop,
  describeSync,
  flowsOf,
  headerDiff,
  hookChains,
  hopTitle,
  hopsOf,
  latestSyncs,
  layoutPath,
  natKind,
  placeOf,
} from './packetPath.ts'

// A real curl through the engine (web behind a ClusterIP Service, a curl pod), then the model.
function curlEvents() {
  const tc = netCluster({ replicas: 2 })
  curlProbe(tc, ['-s', 'http://web'])
  return { tc, events: tc.events as SimEvent[] }
}

describe('the packet path model', () => {
  const { tc, events } = curlEvents()
  const flows = flowsOf(events)
  const http = flows.find((f) => f.purpose.startsWith('HTTP'))!
  const hops = hopsOf(events, http.flow)

  it('lists flows newest first: the HTTP request after its DNS lookup', () => {
    expect(flows[0]!.purpose).toBe('HTTP GET /')
    expect(flows.some((f) => f.purpose.startsWith('DNS A web.'))).toBe(true)
  })

  it('orders the request hops, then the reply hops', () => {
    const dirs = hops.map((h) => h.direction)
    expect(dirs.indexOf('reply')).toBe(dirs.lastIndexOf('request') + 1)
    expect(hops[0]!.kind).toBe('netns')
    expect(placeOf(hops[0]!).label).toBe('pod probe')
    expect(hops.at(-1)!.direction).toBe('reply')
  })

  it('lays out the request left to right and the reply back under it, ending at the client', () => {
    const { stations, spans } = layoutPath(hops)
    const req = stations.filter((s) => s.hop.direction === 'request')
    const rep = stations.filter((s) => s.hop.direction === 'reply')
    expect(req.map((s) => s.x)).toEqual([...req.map((s) => s.x)].sort((a, b) => a - b))
    expect(rep.map((s) => s.x)).toEqual([...rep.map((s) => s.x)].sort((a, b) => b - a))
    expect(rep.at(-1)!.x).toBe(req[0]!.x)
    expect(new Set(req.map((s) => s.y)).size).toBe(1)
    expect(rep[0]!.y).toBeGreaterThan(req[0]!.y)
    expect(stations.map((s) => s.step)).toEqual(hops.map((_, i) => i))
    // client pod, client node, VPC, endpoint node, endpoint pod
    expect(spans.filter((s) => s.direction === 'request').map((s) => s.key.split(':')[0])).toEqual([
      'pod',
      'node',
      'vpc',
      'node',
      'pod',
    ])
  })

  it('marks DNAT at the client node PREROUTING and the un-NAT of the reply', () => {
    const dnat = hops.find((h) => h.direction === 'request' && natKind(h))!
    expect(dnat.label).toBe('PREROUTING')
    const diff = headerDiff(dnat.before, dnat.after)
    expect(diff.filter((d) => d.changed).map((d) => d.field)).toEqual(['dst'])
    expect(diff.find((d) => d.field === 'dst')!.after).toBe(http.endpoint!.split(':')[0])
    const unnat = hops.find((h) => h.direction === 'reply' && natKind(h))!
    expect(unnat.after.src).toBe(http.dst)
    expect(natKind(unnat)).toMatch(/un-NAT/)
    const stations = layoutPath(hops).stations
    expect(stations.filter((s) => s.changed).map((s) => s.hop)).toEqual([dnat, unnat])
  })

  it('builds the rule tables of a hook with the matched KUBE-SVC and KUBE-SEP rules lit', () => {
    const dnat = hops.find((h) => h.direction === 'request' && natKind(h))!
    const nf = tc.state.nodes[dnat.node!]!.netfilter
    const chains = hookChains(nf, dnat)
    expect(chains.map((c) => c.chain.replace(/-[A-Z0-9]{16}$/, ''))).toEqual([
      'PREROUTING',
      'KUBE-SERVICES',
      'KUBE-SVC',
      'KUBE-SEP',
    ])
    for (const c of chains) {
      expect(c.missing).toBe(false)
      expect(c.rows.every((r) => r.text.startsWith(`-A ${c.chain}`))).toBe(true)
      expect(c.rows.filter((r) => r.matched).length).toBeGreaterThan(0)
    }
    const sep = chains[3]!.rows.find((r) => r.matched)!
    expect(sep.text).toContain(`-j DNAT`)
    expect(sep.text).toContain(`--to-destination ${http.endpoint}`)
    expect(sep.packets).toBeGreaterThan(0)
    // the policy is index 0 in the event
    const pol = hookChains(nf, {
      ...dnat,
      rules: [{ table: 'nat', chain: 'PREROUTING', index: 0, target: 'ACCEPT' }],
    })
    expect(pol[0]!.policyMatched).toBe(true)
    expect(pol[0]!.rows.some((r) => r.matched)).toBe(false)
    // a chain kube-proxy deleted since
    expect(
      hookChains(nf, {
        ...dnat,
        rules: [{ table: 'nat', chain: 'KUBE-SEP-GONE', index: 1, target: 'DNAT' }],
      })[0]!.missing,
    ).toBe(true)
  })

  it('says every hop in words, with the rule count and the DNAT', () => {
    const text = hops.map(describeHop)
    expect(text).toHaveLength(hops.length)
    const pre = text.find((t) => t.includes('hook PREROUTING') && t.includes('DNAT'))!
    expect(pre).toMatch(
      /^Request: node ip-[\d-]+: netfilter hook PREROUTING, checked against \d+ rules, matched nat PREROUTING rule 1 → KUBE-SERVICES/,
    )
    expect(pre).toContain(`now ${http.src}:${http.sport} → ${http.endpoint}`)
    expect(text.find((t) => t.startsWith('Request: the VPC'))).not.toMatch(/compute\.internal/)
  })

  it('titles a hop shortly', () => {
    const pre = hops.find((h) => h.kind === 'hook')!
    expect(hopTitle(pre)).toMatch(/^Request · node ip-[\d-]+ · netfilter hook PREROUTING$/)
    expect(hopTitle(hops[0]!)).toBe('Request · pod probe · probe eth0')
  })

  it('keeps the latest kube-proxy sync per node', () => {
    const syncs = latestSyncs(events)
    expect(syncs.length).toBe(Object.keys(tc.state.nodes).length)
    expect(syncs.every((s) => s.syncs >= 1)).toBe(true)
    expect(
      describeSync({
        type: 'kubeproxy.sync',
        at: 0,
        node: 'n',
        full: false,
        chainsWritten: ['KUBE-SVC-X', 'KUBE-SEP-Y'],
        chainsDeleted: ['KUBE-SEP-Z'],
        rules: 20,
        services: 5,
        endpoints: 9,
      }),
    ).toBe('partial sync · wrote 2 chains · deleted 1 · 20 rules, 5 services, 9 endpoints')
  })
})
