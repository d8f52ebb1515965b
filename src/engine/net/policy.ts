import type { ClusterState } from '../model/state.ts'
import type { NodeRuntime, PodRuntime } from '../model/node.ts'
import { vethName } from '../node/util.ts'
import { vpcDnsAddress } from '../aws/vpc.ts'
import { cidrContains, intToIp, ipToInt, parseCidr } from './ip.ts'
import { eniDevice, eniInterface, eniRouteTable } from './ipam/ipamd.ts'

// A node's policy routing as the VPC CNI leaves it (FIDELITY §5.4; amazon-vpc-cni-k8s
// pkg/networkutils/network.go, cmd/routed-eni-cni-plugin/driver/driver.go): the ip rules and the
// route tables, derived from ipamd's datastore and the pods' runtimes. `ip rule` / `ip route` print
// these (ipam/iproute2.ts) and the packet walker evaluates them (route.ts), so the two can never
// disagree. Nothing here is stored.

export const MAIN_TABLE = 254
export const LOCAL_TABLE = 255
export const DEFAULT_TABLE = 253
/** AWS_VPC_K8S_CNI_CONNMARK's default: the mark CONNMARK --restore-mark puts on a pod's
 * connection to a non-VPC address, which rule 1024 sends out of the primary ENI (SNAT there). */
export const CONNMARK = 0x80

export interface IpRule {
  prio: number
  /** `from <ip>`; absent: from all */
  from?: string
  /** `to <ip>` */
  to?: string
  fwmark?: { value: number; mask: number }
  table: number
}

export interface RouteEntry {
  /** `default` or a prefix (`192.168.32.0/19`, `192.168.7.162`) */
  dst: string
  via?: string
  dev: string
  proto?: 'kernel' | 'dhcp'
  scope?: 'link' | 'host'
  src?: string
  metric?: number
  /** the local table's route type */
  type?: 'local' | 'broadcast'
}

export function tableName(t: number): string {
  return t === MAIN_TABLE
    ? 'main'
    : t === LOCAL_TABLE
      ? 'local'
      : t === DEFAULT_TABLE
        ? 'default'
        : String(t)
}

/** The selector of a rule as `ip rule` prints it, after the priority: `from all fwmark 0x80/0x80`. */
export function ruleSelector(r: IpRule): string {
  return [
    `from ${r.from ?? 'all'}`,
    ...(r.to ? [`to ${r.to}`] : []),
    ...(r.fwmark
      ? [`fwmark 0x${r.fwmark.value.toString(16)}/0x${r.fwmark.mask.toString(16)}`]
      : []),
  ].join(' ')
}

/** A route's line as `ip route` prints it (with iproute2's trailing space). */
export function routeText(r: RouteEntry): string {
  return [
    ...(r.type ? [r.type] : []),
    r.dst,
    ...(r.via ? [`via ${r.via}`] : []),
    `dev ${r.dev}`,
    ...(r.proto ? [`proto ${r.proto}`] : []),
    ...(r.scope ? [`scope ${r.scope}`] : []),
    ...(r.src ? [`src ${r.src}`] : []),
    ...(r.metric !== undefined ? [`metric ${r.metric}`] : []),
    '',
  ].join(' ')
}

function subnetOf(state: ClusterState, node: NodeRuntime) {
  return state.aws.subnets.find((s) => s.subnetId === node.subnetId)
}

/** The subnet's VPC router: its base address + 1. */
export function subnetGateway(cidr: string): string {
  return intToIp(parseCidr(cidr).base + 1)
}

/** Pods with a host veth, in the order the kernel numbered their links. */
export function podsByIndex(node: NodeRuntime): { pod: PodRuntime; index: number; veth: string }[] {
  const idx = node.ipamd?.ifindex ?? {}
  return Object.values(node.pods)
    .filter((p) => !p.hostNetwork)
    .map((pod) => ({ pod, veth: vethName(pod.namespace, pod.name) }))
    .filter((x) => idx[x.veth] !== undefined)
    .map((x) => ({ ...x, index: idx[x.veth]! }))
    .sort((a, b) => a.index - b.index)
}

/** The ENIs ipamd manages, with their device slot, interface name and primary address. */
export function nodeEnis(
  state: ClusterState,
  node: NodeRuntime,
): { device: number; dev: string; ip: string; eniId: string; subnetId: string }[] {
  return (node.ipamd?.enis ?? []).flatMap((id) => {
    const device = eniDevice(node.ipamd!, id)
    const e = state.aws.enis[id]
    return e
      ? [
          {
            device,
            dev: eniInterface(device),
            ip: e.privateIpAddress,
            eniId: id,
            subnetId: e.subnetId,
          },
        ]
      : []
  })
}

/** The route table a pod's address selects with rule 1536: its ENI's (main for the primary ENI). */
export function podTable(node: NodeRuntime, ip: string): number {
  const a = node.ipamd?.ips[ip]
  return a ? eniRouteTable(eniDevice(node.ipamd!, a.eniId)) : MAIN_TABLE
}

/** `ip rule` of the node's host namespace, in priority order. */
export function nodeRules(state: ClusterState, node: NodeRuntime): IpRule[] {
  const pods = podsByIndex(node)
  return [
    { prio: 0, table: LOCAL_TABLE },
    ...pods.map(({ pod }) => ({ prio: 512, to: pod.ip, table: MAIN_TABLE })),
    { prio: 1024, fwmark: { value: CONNMARK, mask: CONNMARK }, table: MAIN_TABLE },
    ...pods
      .filter(({ pod }) => podTable(node, pod.ip) !== MAIN_TABLE)
      .map(({ pod }) => ({ prio: 1536, from: pod.ip, table: podTable(node, pod.ip) })),
    ...nodeEnis(state, node)
      .filter((e) => e.device > 0)
      .map((e) => ({ prio: 32765, from: e.ip, table: eniRouteTable(e.device) })),
    { prio: 32766, table: MAIN_TABLE },
    { prio: 32767, table: DEFAULT_TABLE },
  ]
}

/** The rules of a pod's own namespace: the kernel's three. */
export const POD_RULES: IpRule[] = [
  { prio: 0, table: LOCAL_TABLE },
  { prio: 32766, table: MAIN_TABLE },
  { prio: 32767, table: DEFAULT_TABLE },
]

/**
 * The routes of table `table` on the node (unsorted; `ip route` sorts them), or undefined when the
 * table does not exist (`Error: ipv4: FIB table does not exist.`).
 */
export function nodeTable(
  state: ClusterState,
  node: NodeRuntime,
  table: number,
): RouteEntry[] | undefined {
  const subnet = subnetOf(state, node)
  if (!subnet) return table === DEFAULT_TABLE ? [] : undefined
  const gw = subnetGateway(subnet.cidrBlock)
  const inSubnet = parseCidr(subnet.cidrBlock)
  if (table === MAIN_TABLE) {
    const vpcDns = vpcDnsAddress(state)
    const dnsLocal = cidrContains(subnet.cidrBlock, vpcDns)
    const dhcp = { dev: 'ens5', proto: 'dhcp', src: node.ip, metric: 512 } as const
    return [
      { dst: 'default', via: gw, ...dhcp },
      // the VPC's DNS server (base + 2), which DHCP gives a host route
      dnsLocal ? { dst: vpcDns, ...dhcp, scope: 'link' } : { dst: vpcDns, via: gw, ...dhcp },
      { dst: subnet.cidrBlock, ...dhcp, proto: 'kernel', scope: 'link' },
      { dst: gw, ...dhcp, scope: 'link' },
      ...podsByIndex(node).map(({ pod, veth }) => ({
        dst: pod.ip,
        dev: veth,
        scope: 'link' as const,
      })),
    ]
  }
  if (table === LOCAL_TABLE) {
    const brd = intToIp(inSubnet.base + inSubnet.size - 1)
    const lo = { dev: 'lo', proto: 'kernel', src: '127.0.0.1' } as const
    return [
      { type: 'local', dst: '127.0.0.0/8', ...lo, scope: 'host' },
      { type: 'local', dst: '127.0.0.1', ...lo, scope: 'host' },
      { type: 'broadcast', dst: '127.255.255.255', ...lo, scope: 'link' },
      ...nodeEnis(state, node)
        .sort((a, b) => ipToInt(a.ip) - ipToInt(b.ip))
        .map((e) => ({
          type: 'local' as const,
          dst: e.ip,
          dev: e.dev,
          proto: 'kernel' as const,
          scope: 'host' as const,
          src: e.ip,
        })),
      { type: 'broadcast', dst: brd, dev: 'ens5', proto: 'kernel', scope: 'link', src: node.ip },
    ]
  }
  if (table === DEFAULT_TABLE) return []
  const eni = nodeEnis(state, node).find((e) => e.device > 0 && eniRouteTable(e.device) === table)
  if (!eni) return undefined
  return [
    { dst: 'default', via: gw, dev: eni.dev },
    { dst: gw, dev: eni.dev, scope: 'link' },
  ]
}

function prefixLen(dst: string): number {
  if (dst === 'default') return 0
  const [, len] = dst.split('/')
  return len === undefined ? 32 : Number(len)
}

function routeMatches(r: RouteEntry, ip: string): boolean {
  if (r.type === 'broadcast') return r.dst === ip
  if (r.dst === 'default') return true
  return r.dst.includes('/') ? cidrContains(r.dst, ip) : r.dst === ip
}

/** Longest-prefix match in one table (the kernel's fib_table_lookup); undefined: no route. */
export function lookupTable(routes: RouteEntry[], ip: string): RouteEntry | undefined {
  let best: RouteEntry | undefined
  for (const r of routes)
    if (routeMatches(r, ip) && (!best || prefixLen(r.dst) > prefixLen(best.dst))) best = r
  return best
}

export function ruleMatches(r: IpRule, pkt: { src: string; dst: string; mark: number }): boolean {
  if (r.from && r.from !== pkt.src) return false
  if (r.to && r.to !== pkt.dst) return false
  if (r.fwmark && (pkt.mark & r.fwmark.mask) >>> 0 !== r.fwmark.value) return false
  return true
}

export interface PolicyDecision {
  rule: IpRule
  table: number
  route: RouteEntry
}

/**
 * fib_rules_lookup: the rules in priority order; the first whose selector matches and whose table
 * has a route for the destination decides (a table without one falls through to the next rule).
 */
export function policyLookup(
  state: ClusterState,
  node: NodeRuntime,
  pkt: { src: string; dst: string; mark: number },
): PolicyDecision | undefined {
  for (const rule of nodeRules(state, node)) {
    if (!ruleMatches(rule, pkt)) continue
    const route = lookupTable(nodeTable(state, node, rule.table) ?? [], pkt.dst)
    if (route) return { rule, table: rule.table, route }
  }
  return undefined
}

/** `ip rule 1024 fwmark 0x80/0x80 -> main: default via 192.168.32.1 dev ens5`: a route hop's label. */
export function decisionLabel(d: PolicyDecision): string {
  const sel = [
    ...(d.rule.from ? [`from ${d.rule.from}`] : []),
    ...(d.rule.to ? [`to ${d.rule.to}`] : []),
    ...(d.rule.fwmark
      ? [`fwmark 0x${d.rule.fwmark.value.toString(16)}/0x${d.rule.fwmark.mask.toString(16)}`]
      : []),
  ]
  const r = d.route
  const route = [
    ...(r.type === 'local' ? ['local'] : []),
    r.dst,
    ...(r.via ? [`via ${r.via}`] : []),
    `dev ${r.dev}`,
  ].join(' ')
  return `ip rule ${d.rule.prio}${sel.length ? ` ${sel.join(' ')}` : ''} -> ${tableName(d.table)}: ${route}`
}
