import type { Ctx } from '../context.ts'
import type { ClusterState } from '../model/state.ts'
import { listObjects, getObject } from '../apiserver/store.ts'
import { cidrContains } from './ip.ts'
import { udpExchange, type Exchange } from './flow.ts'
import type { Place } from './path.ts'
import { internetDnsAnswer } from './internet.ts'
import { vpcDnsAddress } from '../aws/vpc.ts'

// Name resolution from a pod: the stub resolver in the client's libc reads /etc/resolv.conf (the
// kubelet writes `nameserver 10.100.0.10`, `search <ns>.svc.cluster.local svc.cluster.local
// cluster.local <region>.compute.internal`, `options ndots:5` for dnsPolicy ClusterFirst), expands
// the name with the search list, and sends each candidate as a UDP query to the kube-dns ClusterIP,
// which kube-proxy's rules DNAT to a CoreDNS pod. CoreDNS answers the cluster.local zone from the
// API (its `kubernetes` plugin) and forwards everything else to the VPC resolver (`forward .
// /etc/resolv.conf`). Sources: resolv.conf(5); kubernetes.io "DNS for Services and Pods";
// coredns/coredns plugin/kubernetes README.
// CoreDNS's forward to the VPC resolver (192.168.0.2, the Route 53 Resolver: a service of the VPC
// that answers EC2's private names and recurses on Cutaway's small internet) is a real UDP flow
// from the CoreDNS pod, made while the client's query waits.
// Simplified: A and AAAA go out as one query per name (the AAAA answer is always empty: the
// cluster is IPv4-only); CoreDNS has no cache; a resolver that hears nothing gives up after its
// timeout (5 s, musl; 10 s, glibc's 2 attempts), not per search-list candidate.

export interface ResolvConf {
  nameservers: string[]
  search: string[]
  ndots: number
}

export const CLUSTER_DOMAIN = 'cluster.local'

export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], search: [], ndots: 1 }
  for (const line of text.split('\n')) {
    const [key, ...rest] = line.trim().split(/\s+/)
    if (key === 'nameserver' && rest[0]) conf.nameservers.push(rest[0])
    else if (key === 'search' || key === 'domain') conf.search = rest
    else if (key === 'options')
      for (const o of rest)
        if (o.startsWith('ndots:')) conf.ndots = Math.min(15, Number(o.slice(6)))
  }
  return conf
}

/**
 * The names a stub resolver tries, in order (resolv.conf(5) "ndots"): fewer dots than ndots means
 * the search list first and the name as given last; otherwise the name first. musl (Alpine,
 * BusyBox images) skips the search list altogether for such names; glibc tries it afterwards.
 */
export function searchCandidates(name: string, conf: ResolvConf, libc: 'musl' | 'glibc'): string[] {
  if (name.endsWith('.')) return [name.slice(0, -1)]
  const dots = name.split('.').length - 1
  const expanded = conf.search.map((d) => `${name}.${d}`)
  if (dots < conf.ndots) return [...expanded, name]
  return libc === 'musl' ? [name] : [name, ...expanded]
}

/** A DNS answer: the A records, and the AAAA records an internet name also has (a pod on an IPv4
 * cluster cannot use them, but `nslookup` prints them). */
export type Answer = { rcode: 'NOERROR'; addrs: string[]; aaaa?: string[] } | { rcode: 'NXDOMAIN' }

/** What CoreDNS answers for an A query, from the cluster's Services, pods and the VPC resolver. */
export function coreDnsAnswer(state: ClusterState, name: string): Answer {
  const q = name.toLowerCase().replace(/\.$/, '')
  const zone = `.${CLUSTER_DOMAIN}`
  if (q === CLUSTER_DOMAIN || q.endsWith(zone)) {
    const labels = q.slice(0, -zone.length).split('.')
    // <service>.<namespace>.svc.cluster.local
    if (labels.length === 3 && labels[2] === 'svc') {
      const svc = getObject(state, 'Service', labels[1], labels[0]!)
      if (!svc) return { rcode: 'NXDOMAIN' }
      if (svc.spec.clusterIP && svc.spec.clusterIP !== 'None')
        return { rcode: 'NOERROR', addrs: [svc.spec.clusterIP] }
      // headless: one A record per ready endpoint
      const addrs = listObjects(state, 'EndpointSlice', labels[1])
        .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name)
        .flatMap((s) => s.endpoints.filter((e) => e.conditions.ready).flatMap((e) => e.addresses))
      return addrs.length ? { rcode: 'NOERROR', addrs } : { rcode: 'NXDOMAIN' }
    }
    // <a-b-c-d>.<namespace>.pod.cluster.local (`pods insecure`: any well-formed address)
    if (labels.length === 3 && labels[2] === 'pod' && /^\d+(-\d+){3}$/.test(labels[0]!))
      return { rcode: 'NOERROR', addrs: [labels[0]!.replaceAll('-', '.')] }
    return { rcode: 'NXDOMAIN' }
  }
  return resolverAnswer(state, q)
}

function inClusterZone(name: string): boolean {
  const q = name.toLowerCase().replace(/\.$/, '')
  return q === CLUSTER_DOMAIN || q.endsWith(`.${CLUSTER_DOMAIN}`)
}

/**
 * What the Route 53 Resolver (AmazonProvidedDNS, the VPC's base + 2) answers: EC2's private names
 * (ip-a-b-c-d.<region>.compute.internal), and the internet's names by recursion.
 */
export function resolverAnswer(state: ClusterState, name: string): Answer {
  const q = name.toLowerCase().replace(/\.$/, '')
  const internal = `.${state.config.region}.compute.internal`
  if (q.endsWith(internal) || q.endsWith('.ec2.internal')) {
    const m = /^ip-(\d+)-(\d+)-(\d+)-(\d+)\./.exec(q)
    const ip = m ? m.slice(1, 5).join('.') : undefined
    return ip && cidrContains(state.aws.vpc.cidrBlock, ip)
      ? { rcode: 'NOERROR', addrs: [ip] }
      : { rcode: 'NXDOMAIN' }
  }
  if (q === 'localhost') return { rcode: 'NOERROR', addrs: ['127.0.0.1'] }
  // everything else is the internet's: the few hosts Cutaway's internet has, NXDOMAIN for the rest
  return internetDnsAnswer(q)
}

export type Resolution =
  | { kind: 'ok'; name: string; addrs: string[]; queries: Exchange[]; elapsedMs: number }
  | { kind: 'nxdomain'; queries: Exchange[]; elapsedMs: number }
  /** no answer from the nameserver (dropped, lost): the resolver timed out */
  | { kind: 'timeout'; queries: Exchange[]; elapsedMs: number }
  /** the nameserver's address refused (REJECT, nothing listening) */
  | { kind: 'refused'; queries: Exchange[]; elapsedMs: number }

export { vpcDnsAddress as vpcResolverIp } from '../aws/vpc.ts'

const DNS_QUERY_BYTES = 8 + 12 + 40 // udp header + DNS header + question (typical)

/** /etc/hosts as the kubelet writes it for a pod: localhost and the pod's own name. */
function fromHosts(name: string): string | undefined {
  return name === 'localhost' || name === 'localhost.localdomain' || name === 'ip6-localhost'
    ? '127.0.0.1'
    : undefined
}

/** getaddrinfo(name) from `from`, with every query a real UDP flow. */
export function resolve(
  ctx: Ctx,
  from: Place,
  name: string,
  conf: ResolvConf,
  libc: 'musl' | 'glibc',
): Resolution {
  const local = fromHosts(name)
  if (local) return { kind: 'ok', name, addrs: [local], queries: [], elapsedMs: 0 }
  const server = conf.nameservers[0]
  const queries: Exchange[] = []
  if (!server) return { kind: 'refused', queries, elapsedMs: 0 }
  let elapsedMs = 0
  for (const candidate of searchCandidates(name, conf, libc)) {
    const { exchange: x, answer } = query(ctx, from, server, candidate)
    queries.push(x)
    elapsedMs += x.elapsedMs
    if (x.outcome === 'dropped' || x.outcome === 'lost')
      return { kind: 'timeout', queries, elapsedMs: libc === 'musl' ? 5000 : 10000 }
    if (x.outcome === 'rejected' || x.outcome === 'refused')
      return { kind: 'refused', queries, elapsedMs }
    if (!answer) continue
    if (answer.rcode === 'NOERROR')
      return { kind: 'ok', name: candidate, addrs: answer.addrs, queries, elapsedMs }
  }
  return { kind: 'nxdomain', queries, elapsedMs }
}

/**
 * CoreDNS's answer: the cluster.local zone from the API (its `kubernetes` plugin), everything else
 * forwarded to the upstream in the node's /etc/resolv.conf (`forward . /etc/resolv.conf`: the VPC
 * resolver), as a real UDP flow from the CoreDNS pod while the client's query waits.
 * Simplified: no cache (every query is forwarded again); a forward that gets no answer (a DROP in
 * its way) still yields the resolver's answer instead of CoreDNS's SERVFAIL after its timeout.
 */
function coreDns(ctx: Ctx, place: Place | undefined, name: string): Answer {
  if (!place || inClusterZone(name) || name.toLowerCase().replace(/\.$/, '') === 'localhost')
    return coreDnsAnswer(ctx.state, name)
  const forwarded = query(ctx, place, vpcDnsAddress(ctx.state), name)
  return forwarded.answer ?? resolverAnswer(ctx.state, name)
}

/** One DNS query as a UDP flow to `server`:53; the answer when a DNS server got it. */
export function query(
  ctx: Ctx,
  from: Place,
  server: string,
  name: string,
): { exchange: Exchange; answer?: Answer } {
  const box: { answer?: Answer } = {}
  const exchange = udpExchange(ctx, from, server, 53, {
    purpose: `DNS A ${name}`,
    requestBytes: DNS_QUERY_BYTES + name.length,
    responseBytes: (srv) => {
      // a public resolver (8.8.8.8) knows only the internet's names; the Route 53 Resolver adds
      // EC2's; anything else listening on 53 is CoreDNS
      const a = srv?.place.internet
        ? internetDnsAnswer(name)
        : srv?.place.vpc
          ? resolverAnswer(ctx.state, name)
          : coreDns(ctx, srv?.place, name)
      box.answer = a
      return DNS_QUERY_BYTES + name.length + (a.rcode === 'NOERROR' ? 16 * a.addrs.length : 0)
    },
  })
  return box.answer && exchange.outcome === 'answered'
    ? { exchange, answer: box.answer }
    : { exchange }
}
