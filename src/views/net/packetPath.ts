import type { SimEvent } from '../../engine/index.ts'
import type { NetfilterState, TableName } from '../../engine/net/netfilter/model.ts'
import { ruleLine } from '../../engine/net/netfilter/save.ts'

// The packet path view's model (STYLE.md 13: pure, tested; PacketPath.tsx renders). From the
// engine's `packet.flow` / `packet.hop` events: the flows to pick from, one flow's hops laid out as
// two lanes (the request left to right, the reply right to left under it), the header diff at each
// hop, the rule table of a hook with the rules that matched, and every hop in words.

export type FlowEvent = Extract<SimEvent, { type: 'packet.flow' }>
export type HopEvent = Extract<SimEvent, { type: 'packet.hop' }>
export type SyncEvent = Extract<SimEvent, { type: 'kubeproxy.sync' }>
type Headers = HopEvent['before']

/** The flows in the recent events, newest first. */
export function flowsOf(events: readonly SimEvent[]): FlowEvent[] {
  const out: FlowEvent[] = []
  for (const e of events) if (e.type === 'packet.flow') out.push(e)
  return out.reverse()
}

/** One flow's hops: the request's in order, then the reply's. */
export function hopsOf(events: readonly SimEvent[], flow: string): HopEvent[] {
  const hops = events.filter((e): e is HopEvent => e.type === 'packet.hop' && e.flow === flow)
  const req = hops.filter((h) => h.direction === 'request').sort((a, b) => a.seq - b.seq)
  const rep = hops.filter((h) => h.direction === 'reply').sort((a, b) => a.seq - b.seq)
  return [...req, ...rep]
}

/** Short node name as the map shows it: `ip-192-168-14-58` for `ip-192-168-14-58.us-west-2.compute.internal`. */
export const shortNode = (n: string): string => n.split('.')[0] ?? n

/** Where a hop happens: a pod's own network namespace, a node's host namespace, or the VPC. */
export function placeOf(h: HopEvent): { key: string; label: string } {
  if (h.kind === 'netns') {
    const pod = h.label.split(' ')[0] ?? h.label
    return { key: `pod:${h.node}:${pod}`, label: `pod ${pod}` }
  }
  if (h.kind === 'vpc') return { key: 'vpc', label: 'VPC' }
  const node = h.node ?? '?'
  return { key: `node:${node}`, label: `node ${shortNode(node)}` }
}

/** The text on a hop's station: the hook's name, `veth`, `route`, `VPC`, `eth0`… */
export function stationLabel(h: HopEvent): string {
  switch (h.kind) {
    case 'hook':
      return h.label
    case 'netns':
      return 'eth0'
    case 'vpc':
      return 'VPC'
    case 'socket':
      return 'socket'
    case 'lost':
      return 'lost'
    case 'reject':
      return 'REJECT'
    default:
      return h.kind
  }
}

export const LANE_WIDTH = 900
export const STATION_GAP_MIN = 40
/** room left of the first station for the lane titles, and right of the last for a pod's name */
export const MARGIN_LEFT = 90
export const MARGIN_RIGHT = 80
export const LANE_Y = { request: 36, reply: 100 } as const
export const PATH_HEIGHT = 134

export interface Station {
  /** index into the flow's hops (and the step a learner is on) */
  step: number
  hop: HopEvent
  x: number
  y: number
  label: string
  /** the headers changed here (DNAT, SNAT, un-NAT) */
  changed: boolean
}

export interface PlaceSpan {
  key: string
  label: string
  direction: 'request' | 'reply'
  x1: number
  x2: number
}

export interface PathLayout {
  stations: Station[]
  spans: PlaceSpan[]
  width: number
}

/**
 * Stations of the two lanes. The request runs left to right; the reply runs right to left under
 * it, so the reply's hops on a node sit under that node's request hops when the path is symmetric.
 */
export function layoutPath(hops: readonly HopEvent[]): PathLayout {
  const req = hops.filter((h) => h.direction === 'request')
  const rep = hops.filter((h) => h.direction === 'reply')
  const columns = Math.max(req.length, rep.length, 2)
  const inner = LANE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
  const gap = Math.max(STATION_GAP_MIN, inner / (columns - 1))
  const width = MARGIN_LEFT + MARGIN_RIGHT + gap * (columns - 1)
  const xAt = (i: number) => MARGIN_LEFT + i * gap
  const stations: Station[] = []
  req.forEach((hop, i) =>
    stations.push({
      step: i,
      hop,
      x: xAt(i),
      y: LANE_Y.request,
      label: stationLabel(hop),
      changed: headersChanged(hop),
    }),
  )
  rep.forEach((hop, i) =>
    stations.push({
      step: req.length + i,
      hop,
      x: xAt(columns - 1 - i - (columns - rep.length)),
      y: LANE_Y.reply,
      label: stationLabel(hop),
      changed: headersChanged(hop),
    }),
  )
  const spans: PlaceSpan[] = []
  for (const s of stations) {
    const p = placeOf(s.hop)
    const last = spans.at(-1)
    if (last && last.key === p.key && last.direction === s.hop.direction) {
      last.x1 = Math.min(last.x1, s.x)
      last.x2 = Math.max(last.x2, s.x)
    } else spans.push({ ...p, direction: s.hop.direction, x1: s.x, x2: s.x })
  }
  return { stations, spans, width }
}

export type HeaderField = 'src' | 'sport' | 'dst' | 'dport'

export interface HeaderDiff {
  field: HeaderField
  before: string
  after: string
  changed: boolean
}

/** The four header fields before and after a hop, each marked if this hop rewrote it. */
export function headerDiff(before: Headers, after: Headers): HeaderDiff[] {
  return (['src', 'sport', 'dst', 'dport'] as const).map((field) => ({
    field,
    before: String(before[field]),
    after: String(after[field]),
    changed: before[field] !== after[field],
  }))
}

export function headersChanged(h: HopEvent): boolean {
  return headerDiff(h.before, h.after).some((d) => d.changed)
}

export const addr = (h: Headers): string =>
  h.proto === 'icmp' ? `${h.src} → ${h.dst}` : `${h.src}:${h.sport} → ${h.dst}:${h.dport}`

/** What a hook's translation is called: DNAT (destination), SNAT/MASQUERADE (source), or un-NAT on a reply. */
export function natKind(h: HopEvent): string | null {
  const d = headerDiff(h.before, h.after)
  const dst = d.some((x) => x.changed && (x.field === 'dst' || x.field === 'dport'))
  const src = d.some((x) => x.changed && (x.field === 'src' || x.field === 'sport'))
  if (!dst && !src) return null
  if (h.direction === 'reply') return 'conntrack un-NAT (the reply gets the Service address back)'
  const parts: string[] = []
  if (dst) parts.push('DNAT (destination rewritten)')
  if (src) parts.push('SNAT (source rewritten)')
  return parts.join(' and ')
}

/** A hop's heading beside the diagram: `Request · node ip-… · netfilter hook PREROUTING`. */
export function hopTitle(h: HopEvent): string {
  const what =
    h.kind === 'hook'
      ? `netfilter hook ${h.label}`
      : h.kind === 'vpc'
        ? 'across the VPC'
        : h.kind === 'route'
          ? `routing: ${h.label}`
          : h.kind === 'veth'
            ? `veth pair ${h.label}`
            : h.label
  const where = h.kind === 'vpc' ? null : placeOf(h).label
  return [h.direction === 'request' ? 'Request' : 'Reply', where, what].filter(Boolean).join(' · ')
}

/** One hop in words: the text equivalent of the animation. */
export function describeHop(h: HopEvent): string {
  const where = placeOf(h).label
  const pkt = `${h.before.proto} ${addr(h.before)}`
  let text: string
  switch (h.kind) {
    case 'netns':
      text = `${where}: the packet ${pkt} is at ${h.label}`
      break
    case 'veth':
      text = `${where}: across the veth pair ${h.label}`
      break
    case 'route':
      text = `${where}: routing picks ${h.label}`
      break
    case 'vpc':
      text = `the VPC carries it: ${h.label.replace(/\.[a-z0-9.-]+\.internal/g, '')}`
      break
    case 'hook': {
      const rules = h.rules ?? []
      const matched = rules.length
        ? `, matched ${rules.map((r) => `${r.table} ${r.chain} rule ${r.index} → ${r.target}`).join(', ')}`
        : ''
      text = `${where}: netfilter hook ${h.label}, checked against ${h.checked ?? 0} rules${matched}; verdict ${h.verdict ?? 'ACCEPT'}`
      break
    }
    case 'socket':
      text = `${where}: delivered to the socket ${h.label}`
      break
    case 'lost':
      text = `${where}: lost (${h.label})`
      break
    case 'reject':
      text = `${where}: rejected (${h.label})`
      break
    case 'rtb':
    case 'igw':
    case 'natgw':
    case 'internet':
      text = `${h.label}`
      break
  }
  const nat = natKind(h)
  if (nat) text += `. ${nat}: now ${addr(h.after)}`
  return `${h.direction === 'request' ? 'Request' : 'Reply'}: ${text}.`
}

export interface RuleRow {
  /** 1-based position in the chain (what `iptables -L --line-numbers` shows) */
  num: number
  /** the rule in iptables-save form (`-A KUBE-SVC-… -m comment …`) */
  text: string
  packets: number
  bytes: number
  matched: boolean
}

export interface ChainTable {
  table: TableName
  chain: string
  policy?: string
  policyMatched: boolean
  rows: RuleRow[]
  /** the chain no longer exists on the node (kube-proxy deleted it since) */
  missing: boolean
}

/**
 * The chains a hook walked, in the order the packet entered them, each with all its rules as
 * iptables-save prints them and the live counters; the rules that matched this packet are marked.
 */
export function hookChains(nf: NetfilterState | undefined, h: HopEvent): ChainTable[] {
  const out: ChainTable[] = []
  for (const r of h.rules ?? []) {
    let t = out.find((c) => c.table === r.table && c.chain === r.chain)
    if (!t) {
      const chain = nf?.tables[r.table as TableName]?.chains[r.chain]
      t = {
        table: r.table as TableName,
        chain: r.chain,
        policy: chain?.policy,
        policyMatched: false,
        missing: !chain,
        rows: (chain?.rules ?? []).map((rule, i) => ({
          num: i + 1,
          text: ruleLine(r.chain, rule),
          packets: rule.counters.packets,
          bytes: rule.counters.bytes,
          matched: false,
        })),
      }
      out.push(t)
    }
    if (r.index === 0) t.policyMatched = true
    const row = t.rows[r.index - 1]
    if (row) row.matched = true
  }
  return out
}

export interface NodeSync {
  node: string
  last: SyncEvent
  syncs: number
}

/** The latest kube-proxy sync of each node (nodes in name order). */
export function latestSyncs(events: readonly SimEvent[]): NodeSync[] {
  const by = new Map<string, NodeSync>()
  for (const e of events) {
    if (e.type !== 'kubeproxy.sync') continue
    const prev = by.get(e.node)
    by.set(e.node, { node: e.node, last: e, syncs: (prev?.syncs ?? 0) + 1 })
  }
  return [...by.values()].sort((a, b) => (a.node < b.node ? -1 : 1))
}

/** One sync in words: `partial sync: wrote KUBE-SVC-…, KUBE-SEP-…; deleted KUBE-SEP-…; 14 rules`. */
export function describeSync(e: SyncEvent): string {
  if (e.error) return `restore failed (${e.error}); kube-proxy retries with a full sync`
  const parts = [`${e.full ? 'full' : 'partial'} sync`]
  if (e.chainsWritten.length) parts.push(`wrote ${e.chainsWritten.length} chains`)
  if (e.chainsDeleted.length) parts.push(`deleted ${e.chainsDeleted.length}`)
  if (!e.chainsWritten.length && !e.chainsDeleted.length) parts.push('no service chains changed')
  parts.push(`${e.rules} rules, ${e.services} services, ${e.endpoints} endpoints`)
  return parts.join(' · ')
}
