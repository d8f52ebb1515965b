import type { ClusterState } from '../../model/state.ts'
import { listObjects } from '../../apiserver/store.ts'
import { deepClone } from '../../clone.ts'
import { emptyCounters, emptyNetfilter } from '../netfilter/model.ts'
import type { Match, NetfilterState, Rule, Target } from '../netfilter/model.ts'

// TEST FIXTURE ONLY: the rules of FIDELITY §3.4/§3.5 built directly as model objects, so the packet
// walker can be tested before net/kubeproxy (which writes them as iptables-restore text, with the
// real SHA-256/base32 chain names) is merged. Chain names here use a stand-in hash.

export interface FixtureService {
  namespace: string
  name: string
  portName?: string
  proto: 'tcp' | 'udp'
  clusterIP: string
  port: number
  endpoints: { ip: string; port: number }[]
  /** sessionAffinity: ClientIP, with its timeout in seconds */
  affinitySeconds?: number
}

function standInHash(text: string): string {
  // FNV-1a twice, printed in the base32 alphabet: 16 characters like kube-proxy's
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let h1 = 0x811c9dc5
  let h2 = 0x01000193
  for (let i = 0; i < text.length; i++) {
    h1 = Math.imul(h1 ^ text.charCodeAt(i), 16777619) >>> 0
    h2 = Math.imul(h2 ^ text.charCodeAt(i), 2246822519) >>> 0
  }
  let out = ''
  for (let i = 0; i < 8; i++) out += A[(h1 >>> (i * 4)) & 31]! + A[(h2 >>> (i * 4)) & 31]!
  return out
}

export function svcPortName(s: FixtureService): string {
  return `${s.namespace}/${s.name}${s.portName ? `:${s.portName}` : ''}`
}

export function svcChain(s: FixtureService): string {
  return `KUBE-SVC-${standInHash(svcPortName(s) + s.proto)}`
}

export function sepChain(s: FixtureService, ep: { ip: string; port: number }): string {
  return `KUBE-SEP-${standInHash(svcPortName(s) + s.proto + `${ep.ip}:${ep.port}`)}`
}

const comment = (c: string): Match => ({ module: 'comment', comment: c })
const rule = (r: Partial<Rule> & { target?: Target }): Rule => ({
  matches: [],
  counters: emptyCounters(),
  ...r,
})
const jump = (chain: string): Target => ({ kind: 'jump', chain })

/** xt_statistic's fixed-point probability: lround(p * 2^31) (iptables' libxt_statistic.c) */
export function statisticFixed(p: number): number {
  return Math.round(p * 0x80000000)
}

/** A node's nat and filter tables as kube-proxy (iptables mode, EKS: no clusterCIDR) writes them. */
export function kubeProxyTables(services: FixtureService[]): NetfilterState {
  const nf = emptyNetfilter()
  const nat = nf.tables.nat.chains
  const filter = nf.tables.filter.chains
  const chain = (t: typeof nat, name: string) =>
    (t[name] ??= { name, counters: emptyCounters(), rules: [] })
  for (const n of ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'])
    chain(nat, n)
  for (const n of ['KUBE-SERVICES', 'KUBE-FORWARD', 'KUBE-EXTERNAL-SERVICES']) chain(filter, n)
  nat.PREROUTING!.rules.push(
    rule({ matches: [comment('kubernetes service portals')], target: jump('KUBE-SERVICES') }),
  )
  nat.OUTPUT!.rules.push(
    rule({ matches: [comment('kubernetes service portals')], target: jump('KUBE-SERVICES') }),
  )
  nat.POSTROUTING!.rules.push(
    rule({ matches: [comment('kubernetes postrouting rules')], target: jump('KUBE-POSTROUTING') }),
  )
  nat['KUBE-MARK-MASQ']!.rules.push(rule({ target: { kind: 'MARK', value: 0x4000, mask: 0x4000 } }))
  nat['KUBE-POSTROUTING']!.rules.push(
    rule({
      matches: [{ module: 'mark', value: 0x4000, mask: 0x4000, negate: true }],
      target: { kind: 'RETURN' },
    }),
    rule({ target: { kind: 'MARK', value: 0x4000, mask: 0 } }),
    rule({
      matches: [comment('kubernetes service traffic requiring SNAT')],
      target: { kind: 'MASQUERADE', randomFully: true },
    }),
  )
  const newOnly: Match = { module: 'conntrack', ctstate: ['NEW'] }
  filter.FORWARD!.rules.push(
    rule({
      matches: [newOnly, comment('kubernetes service portals')],
      target: jump('KUBE-SERVICES'),
    }),
    rule({ matches: [comment('kubernetes forwarding rules')], target: jump('KUBE-FORWARD') }),
  )
  filter.OUTPUT!.rules.push(
    rule({
      matches: [newOnly, comment('kubernetes service portals')],
      target: jump('KUBE-SERVICES'),
    }),
  )
  filter['KUBE-FORWARD']!.rules.push(
    rule({
      matches: [{ module: 'conntrack', ctstate: ['INVALID'] }],
      target: { kind: 'DROP' },
    }),
    rule({
      matches: [
        comment('kubernetes forwarding rules'),
        { module: 'mark', value: 0x4000, mask: 0x4000 },
      ],
      target: { kind: 'ACCEPT' },
    }),
    rule({
      matches: [
        comment('kubernetes forwarding conntrack rule'),
        { module: 'conntrack', ctstate: ['RELATED', 'ESTABLISHED'] },
      ],
      target: { kind: 'ACCEPT' },
    }),
  )
  for (const s of services) {
    const name = svcPortName(s)
    const dst = { cidr: `${s.clusterIP}/32` }
    const proto = { name: s.proto }
    const portMatch: Match = { module: s.proto, dport: { from: s.port } }
    if (s.endpoints.length === 0) {
      filter['KUBE-SERVICES']!.rules.push(
        rule({
          dst,
          proto,
          matches: [comment(`${name} has no endpoints`), portMatch],
          target: { kind: 'REJECT', rejectWith: 'icmp-port-unreachable' },
        }),
      )
      continue
    }
    const svc = svcChain(s)
    nat['KUBE-SERVICES']!.rules.push(
      rule({ dst, proto, matches: [comment(`${name} cluster IP`), portMatch], target: jump(svc) }),
    )
    const svcRules = chain(nat, svc).rules
    const n = s.endpoints.length
    if (s.affinitySeconds !== undefined)
      for (const ep of s.endpoints)
        svcRules.push(
          rule({
            matches: [
              comment(`${name} -> ${ep.ip}:${ep.port}`),
              {
                module: 'recent',
                name: sepChain(s, ep),
                op: 'rcheck',
                seconds: s.affinitySeconds,
                reap: true,
                side: 'source',
              },
            ],
            target: jump(sepChain(s, ep)),
          }),
        )
    s.endpoints.forEach((ep, i) => {
      const sep = sepChain(s, ep)
      const matches: Match[] = [comment(`${name} -> ${ep.ip}:${ep.port}`)]
      if (i < n - 1)
        matches.push({ module: 'statistic', mode: 'random', fixed: statisticFixed(1 / (n - i)) })
      svcRules.push(rule({ matches, target: jump(sep) }))
      chain(nat, sep).rules.push(
        rule({
          src: { cidr: `${ep.ip}/32` },
          matches: [comment(name)],
          target: jump('KUBE-MARK-MASQ'),
        }),
        rule({
          proto,
          matches: [
            comment(name),
            ...(s.affinitySeconds !== undefined
              ? [{ module: 'recent', name: sep, op: 'set', side: 'source' } as Match]
              : []),
            { module: s.proto },
          ],
          target: { kind: 'DNAT', to: `${ep.ip}:${ep.port}` },
        }),
      )
    })
  }
  nat['KUBE-SERVICES']!.rules.push(
    rule({
      matches: [
        comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain'),
        { module: 'addrtype', dstType: { type: 'LOCAL' } },
      ],
      target: jump('KUBE-NODEPORTS'),
    }),
  )
  return nf
}

/** The Services of a cluster with their ready endpoints, as kube-proxy would see them. */
export function clusterServices(state: ClusterState): FixtureService[] {
  const out: FixtureService[] = []
  for (const svc of listObjects(state, 'Service')) {
    if (!svc.spec.clusterIP || svc.spec.clusterIP === 'None') continue
    const slices = listObjects(state, 'EndpointSlice', svc.metadata.namespace).filter(
      (s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name,
    )
    for (const p of svc.spec.ports) {
      const endpoints: { ip: string; port: number }[] = []
      for (const sl of slices) {
        const sp = sl.ports.find((x) => x.name === (p.name ?? ''))
        if (!sp) continue
        for (const e of sl.endpoints)
          if (e.conditions.ready)
            for (const ip of e.addresses) endpoints.push({ ip, port: sp.port })
      }
      out.push({
        namespace: svc.metadata.namespace!,
        name: svc.metadata.name,
        ...(p.name ? { portName: p.name } : {}),
        proto: p.protocol === 'UDP' ? 'udp' : 'tcp',
        clusterIP: svc.spec.clusterIP,
        port: p.port,
        endpoints,
        ...(svc.spec.sessionAffinity === 'ClientIP' ? { affinitySeconds: 10800 } : {}),
      })
    }
  }
  return out
}

/** Writes the fixture rules into every node of a (draft) state. */
export function installKubeProxyFixture(state: ClusterState): void {
  const tables = kubeProxyTables(clusterServices(state))
  for (const node of Object.values(state.nodes)) node.netfilter = deepClone(tables)
}
