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

/** Where a hop happens: a pod's own network namespace, a node's host namespace, the VPC (its
 * router's route tables included), the internet gateway, the NAT gateway, or a host on the internet. */
export function placeOf(h: HopEvent): { key: string; label: string } {
  switch (h.kind) {
    case 'netns': {
      const pod = h.label.split(' ')[0] ?? h.label
      return { key: `pod:${h.node}:${pod}`, label: `pod ${pod}` }
    }
    case 'vpc':
    case 'rtb':
      return { key: 'vpc', label: 'VPC' }
    case 'igw':
      return { key: 'igw', label: 'internet gateway' }
    case 'natgw':
      return { key: 'natgw', label: 'NAT gateway' }
    case 'internet': {
      const host = internetHost(h)
      return { key: `internet:${host}`, label: host }
    }
    default: {
      if (h.node) return { key: `node:${h.node}`, label: `node ${shortNode(h.node)}` }
      // no node: the VPC's own services (the Route 53 Resolver's socket) or a packet lost at a gateway
      if (h.kind === 'socket')
        return { key: `service:${h.label}`, label: h.label.replace(/ \(.*\)$/, '') }
      if (h.label.startsWith('igw-')) return { key: 'igw', label: 'internet gateway' }
      if (h.label.startsWith('nat-')) return { key: 'natgw', label: 'NAT gateway' }
      return { key: 'vpc', label: 'VPC' }
    }
  }
}

/** The host of an 'internet' hop: `example.com` of `example.com (23.192.228.80)`. */
export const internetHost = (h: HopEvent): string => h.label.split(' ')[0] || h.label

/** The hop kinds outside the nodes (issue #7): no netfilter there; HopDetail notes what they do. */
export const isGatewayHop = (h: HopEvent): boolean =>
  h.kind === 'rtb' || h.kind === 'igw' || h.kind === 'natgw' || h.kind === 'internet'

/** An 'rtb' hop's label `rtb-0abc… 0.0.0.0/0 -> igw-0def…` as the table and the route it matched. */
export function rtbRoute(label: string): { table: string; route: string } {
  const m = /^(\S+)\s+(.*)$/.exec(label)
  return m ? { table: m[1]!, route: m[2]! } : { table: label, route: '' }
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
    case 'rtb':
      return 'rtb'
    case 'igw':
      return 'IGW'
    case 'natgw':
      return 'NAT'
    case 'internet':
      return 'host'
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

/** a second row of place labels, this far from the first (px) */
export const ROW = 12
/** a place label's width estimate: px per character at the lanes' 11-12px type */
const CHAR_PX = 6.6

export interface PlaceLabel {
  span: PlaceSpan
  anchor: 'start' | 'middle' | 'end'
  x: number
  /** 0: beside the lane; 1: one row further out, where it would overlap the label before it */
  row: 0 | 1
}

/**
 * Where each place's label goes. Labels start at their span's left edge (the last place's ends at
 * its right edge), a one-station place is centred on it; a label that would run into the one
 * before it in its lane (the gateways and the internet host sit one station apart) moves a row out.
 */
export function placeLabels(layout: PathLayout): PlaceLabel[] {
  const xs = layout.stations.map((s) => s.x)
  const minX = Math.min(...xs)
  const maxX = Math.max(...xs)
  const lastRight: Record<string, number[]> = {
    request: [-Infinity, -Infinity],
    reply: [-Infinity, -Infinity],
  }
  const spans = [...layout.spans].sort((a, b) => a.x1 - b.x1)
  const out = new Map<PlaceSpan, PlaceLabel>()
  for (const s of spans) {
    const single = s.x1 === s.x2
    const anchor =
      single && s.x2 === maxX && s.x1 !== minX
        ? 'end'
        : single && s.x1 !== minX
          ? 'middle'
          : 'start'
    const x = anchor === 'start' ? s.x1 - 16 : anchor === 'end' ? s.x2 + 16 : s.x1
    const w = s.label.length * CHAR_PX
    const left = anchor === 'start' ? x : anchor === 'end' ? x - w : x - w / 2
    const rows = lastRight[s.direction]!
    const row = left < rows[0]! && left >= rows[1]! ? 1 : 0
    rows[row] = left + w
    out.set(s, { span: s, anchor, x, row })
  }
  return layout.spans.map((s) => out.get(s)!)
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

/** What a hop's translation is called: DNAT (destination), SNAT/MASQUERADE (source), the gateways'
 * NAT, or the un-NAT of a reply. */
export function natKind(h: HopEvent): string | null {
  const d = headerDiff(h.before, h.after)
  const dst = d.some((x) => x.changed && (x.field === 'dst' || x.field === 'dport'))
  const src = d.some((x) => x.changed && (x.field === 'src' || x.field === 'sport'))
  if (!dst && !src) return null
  const reply = h.direction === 'reply'
  if (h.kind === 'igw')
    return reply
      ? 'internet gateway 1:1 NAT back (the public destination becomes the private address)'
      : 'internet gateway 1:1 NAT (the private source becomes its public IPv4 address)'
  if (h.kind === 'natgw')
    return reply
      ? "NAT gateway un-NAT (the destination becomes the sender's address again)"
      : "NAT gateway SNAT (the source becomes the NAT gateway's address)"
  if (reply)
    return dst && !src
      ? "conntrack un-NAT (the reply's destination becomes the pod's address again)"
      : 'conntrack un-NAT (the reply gets the Service address back)'
  const parts: string[] = []
  if (dst) parts.push('DNAT (destination rewritten)')
  if (src) parts.push('SNAT (source rewritten)')
  return parts.join(' and ')
}

export interface Translation {
  step: number
  where: string
  from: string
  to: string
}

/** The request's source translations in order: SNAT at the node, then the NAT gateway, the IGW. */
export function sourceTranslations(hops: readonly HopEvent[]): Translation[] {
  const out: Translation[] = []
  hops.forEach((h, step) => {
    if (h.direction !== 'request' || h.before.src === h.after.src) return
    const where =
      h.kind === 'hook'
        ? `${placeOf(h).label} ${h.label}`
        : h.kind === 'igw'
          ? 'the internet gateway'
          : h.kind === 'natgw'
            ? 'the NAT gateway'
            : placeOf(h).label
    out.push({ step, where, from: h.before.src, to: h.after.src })
  })
  return out
}

const COUNT = ['No', 'One', 'Two', 'Three', 'Four']

/** What the receiver sees as the source, in words: the point of comparing egress with pod to pod. */
export function describeTranslations(hops: readonly HopEvent[]): string {
  const ts = sourceTranslations(hops)
  const first = hops.find((h) => h.direction === 'request')
  if (!first) return ''
  if (ts.length === 0)
    return `No source translation: the receiver sees ${first.before.src} as the source, end to end.`
  const steps = ts.map((t) => `${t.from} → ${t.to} at ${t.where}`).join(', then ')
  const n = COUNT[ts.length] ?? String(ts.length)
  return ts.length === 1
    ? `One source translation: ${steps}.`
    : `${n} translations in a row: ${steps}. The receiver sees ${ts.at(-1)!.to}.`
}

/** A hop's heading beside the diagram: `Request · node ip-… · netfilter hook PREROUTING`. */
export function hopTitle(h: HopEvent): string {
  let what: string
  let where: string | null = placeOf(h).label
  switch (h.kind) {
    case 'hook':
      what = `netfilter hook ${h.label}`
      break
    case 'vpc':
      what = 'across the VPC'
      where = null
      break
    case 'route':
      what = `routing: ${h.label}`
      break
    case 'veth':
      what = `veth pair ${h.label}`
      break
    case 'rtb': {
      const r = rtbRoute(h.label)
      what = `route table ${r.table}: ${r.route}`
      break
    }
    case 'igw':
    case 'natgw':
      what = h.label
      break
    case 'internet':
      what = `a host on the internet: ${h.label}`
      where = null
      break
    default:
      what = h.label
  }
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
    case 'rtb': {
      const r = rtbRoute(h.label)
      text = `the VPC router looks up route table ${r.table}${r.route ? `, matched route ${r.route}` : ''}`
      break
    }
    case 'igw':
      text = `the internet gateway ${h.label}`
      break
    case 'natgw':
      text = `the NAT gateway ${h.label}`
      break
    case 'internet':
      text =
        h.direction === 'request'
          ? `${h.label} on the internet receives ${pkt}`
          : `${h.label} on the internet answers: ${pkt}`
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
