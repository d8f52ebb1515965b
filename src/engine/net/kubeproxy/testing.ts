import type { EndpointSlice, Service } from '../../model/k8s.ts'
import { emptyCounters, emptyNetfilter } from '../netfilter/model.ts'
import type { NetfilterState, TableName } from '../netfilter/model.ts'

// Small builders of API objects for kube-proxy's tests and bench (shaped as the API server stores them).

export function svc(
  ns: string,
  name: string,
  spec: Partial<Service['spec']> & { ports: Service['spec']['ports'] },
  lbIngress?: string[],
): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: {
      type: 'ClusterIP',
      clusterIP: '',
      clusterIPs: [],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ...spec,
    },
    status: { loadBalancer: lbIngress ? { ingress: lbIngress.map((ip) => ({ ip })) } : {} },
  } as unknown as Service
}

export interface EpSpec {
  ip: string
  node?: string
  ready?: boolean
  serving?: boolean
  terminating?: boolean
}

export function slice(
  ns: string,
  service: string,
  ports: EndpointSlice['ports'],
  eps: EpSpec[],
  name = `${service}-abcde`,
): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: ns, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ports,
    endpoints: eps.map((e) => ({
      addresses: [e.ip],
      conditions: {
        ready: e.ready ?? true,
        serving: e.serving ?? e.ready ?? true,
        terminating: e.terminating ?? false,
      },
      ...(e.node ? { nodeName: e.node } : {}),
    })),
  } as unknown as EndpointSlice
}

const tcp = (port: number, name = '') => ({ name, port, protocol: 'TCP' as const })
export const ports = { tcp }

/**
 * kube-proxy's test helper sortIPTablesRules (proxier_test.go): tables by name, chains with
 * KUBE-NODEPORTS and KUBE-SERVICES first then by name, rules grouped by chain in that order,
 * keeping their relative order within a chain.
 */
export function sortRestore(text: string): string {
  const out: string[] = []
  const tables: { name: string; chains: string[]; rules: string[] }[] = []
  let cur: (typeof tables)[number] | undefined
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) tables.push((cur = { name: line, chains: [], rules: [] }))
    else if (line.startsWith(':')) cur!.chains.push(line)
    else if (line.startsWith('-')) cur!.rules.push(line)
  }
  const rank = (c: string) => (c === 'KUBE-NODEPORTS' ? '0' : c === 'KUBE-SERVICES' ? '1' : `2${c}`)
  const chainOf = (l: string) => (l.startsWith(':') ? l.slice(1).split(' ')[0]! : l.split(' ')[1]!)
  const cmp = (a: string, b: string) => {
    const x = rank(chainOf(a))
    const y = rank(chainOf(b))
    return x < y ? -1 : x > y ? 1 : 0
  }
  for (const t of tables.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    out.push(t.name, ...[...t.chains].sort(cmp), ...[...t.rules].sort(cmp), 'COMMIT')
  }
  return out.join('\n') + '\n'
}

/**
 * Just enough of a NetfilterState, read from `iptables-save` text, for kubeProxyEnsureRules to see
 * which chains and jumps exist (tests against real iptables, before the netfilter parser exists).
 */
export function chainsAndJumpsFromSave(saved: string): NetfilterState {
  const nf = emptyNetfilter()
  let table: TableName | undefined
  for (const line of saved.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1) as TableName
    else if (line.startsWith(':') && table) {
      const name = line.slice(1).split(' ')[0]!
      nf.tables[table].chains[name] ??= { name, counters: emptyCounters(), rules: [] }
    } else if (line.startsWith('-A ') && table) {
      const chain = line.split(' ')[1]!
      const j = line.match(/ -j (\S+)/)?.[1]
      nf.tables[table].chains[chain]?.rules.push({
        matches: [],
        counters: emptyCounters(),
        ...(j ? { target: { kind: 'jump' as const, chain: j } } : {}),
      })
    }
  }
  return nf
}
