import { ipToInt, parseCidr } from '../ip.ts'
import { nextFloat, type RngState } from '../../random.ts'
import { confirm, lookup, newEntry, update, type Direction, type TcpFlags } from './conntrack.ts'
import type {
  BuiltinChain,
  Chain,
  ConntrackEntry,
  ConntrackState,
  CtState,
  Match,
  NetfilterState,
  PortMatch,
  RecentLists,
  Rule,
  TableName,
  Target,
} from './model.ts'

// The packet walker: one packet through one netfilter hook of one network namespace, as the kernel
// runs it. Tables at a hook run in priority order (FIDELITY §4.1/§4.2): raw -300, conntrack -200,
// mangle -150, nat DNAT -100, filter 0, nat SNAT 100, conntrack confirm last. Inside a table the
// built-in chain runs rule by rule; `-j` pushes a return point, `-g` does not, the end of a user
// chain (or RETURN) goes back, and the end of a built-in chain applies its policy.
// nat chains run only for a connection's first packet; every later packet of the flow, in both
// directions, gets the translation that conntrack remembers (iptables(8) "nat" table).
// The security table and conntrack helpers are not modelled.

export type Hook = BuiltinChain

/** The tables each hook runs, in priority order (conntrack-in runs after raw, confirm at the end). */
export const HOOK_TABLES: Record<Hook, readonly TableName[]> = {
  PREROUTING: ['raw', 'mangle', 'nat'],
  INPUT: ['mangle', 'filter', 'nat'],
  FORWARD: ['mangle', 'filter'],
  OUTPUT: ['raw', 'mangle', 'nat', 'filter'],
  POSTROUTING: ['mangle', 'nat'],
}

export interface Headers {
  proto: 'tcp' | 'udp' | 'icmp'
  src: string
  dst: string
  /** tcp/udp source port; for icmp the echo id */
  sport: number
  /** tcp/udp destination port; for icmp the type (8 echo request, 0 reply, 3 unreachable) */
  dport: number
}

export interface Packet extends Headers {
  /** bytes on the wire from the IP header on (what iptables' byte counters add up) */
  len: number
  /** the skb mark (`-m mark`, `-j MARK`) */
  mark: number
  tcp?: TcpFlags
  /** the interface it came in on (PREROUTING, INPUT, FORWARD) */
  inIface?: string
  /** the interface routing chose (FORWARD, OUTPUT after routing, POSTROUTING) */
  outIface?: string
}

/** The namespace a packet is in: its tables, conntrack, own addresses and the rng for `statistic`. */
export interface NetHost {
  node: string
  nf: NetfilterState
  ct: ConntrackState
  /** xt_recent lists of this netns */
  recent: RecentLists
  /** addrtype LOCAL: the addresses of this namespace's interfaces */
  isLocal(ip: string): boolean
  /** the address MASQUERADE takes (the primary address of the way out) */
  masqueradeAddress: string
  now: number
  rng: RngState
}

/** A packet with the conntrack entry it belongs to, as it moves through the hooks of one host. */
export interface InFlight {
  pkt: Packet
  conn?: { entry: ConntrackEntry; dir: Direction; confirmed: boolean }
}

export type Verdict =
  | { kind: 'ACCEPT' }
  | { kind: 'DROP'; table: TableName; chain: string; index: number }
  | { kind: 'REJECT'; rejectWith: string; table: TableName; chain: string; index: number }

/** One rule the packet was checked against. `index` is 1-based; 0 means the chain's policy. */
export interface RuleStep {
  table: TableName
  chain: string
  index: number
  matched: boolean
  /** what the rule did when it matched: a target name or the chain jumped to */
  target?: string
}

export interface Change {
  what:
    | 'DNAT'
    | 'SNAT'
    | 'MASQUERADE'
    | 'MARK'
    | 'un-DNAT'
    | 'un-SNAT'
    | 'conntrack DNAT'
    | 'conntrack SNAT'
  table?: TableName
  chain?: string
  index?: number
  before: Headers
  after: Headers
}

export interface HookTrace {
  node: string
  hook: Hook
  /** conntrack's view of the packet when it entered the hook */
  ctstate: CtState[]
  steps: RuleStep[]
  /** how many rules the packet was checked against in this hook */
  checked: number
  changes: Change[]
  verdict: Verdict
  /** kernel log lines written by LOG targets */
  logs: string[]
}

export function headersOf(p: Headers): Headers {
  return { proto: p.proto, src: p.src, dst: p.dst, sport: p.sport, dport: p.dport }
}

const NAT_DNAT_HOOKS: readonly Hook[] = ['PREROUTING', 'OUTPUT']

/** Runs `f` through every table of `hook`. Mutates counters, conntrack, the recent lists and `f`. */
export function runHook(host: NetHost, hook: Hook, f: InFlight): HookTrace {
  const trace: HookTrace = {
    node: host.node,
    hook,
    ctstate: [],
    steps: [],
    checked: 0,
    changes: [],
    verdict: { kind: 'ACCEPT' },
    logs: [],
  }
  const tables = HOOK_TABLES[hook]
  if (hook !== 'PREROUTING' && hook !== 'OUTPUT') trace.ctstate = ctstateOf(f)
  for (const table of tables) {
    if (table === 'nat') {
      const fresh = f.conn && !f.conn.confirmed
      if (fresh || !f.conn) {
        const v = walk(host, table, hook, f, trace)
        if (v.kind !== 'ACCEPT') return finish(trace, v)
      } else natFromConntrack(f, hook, trace)
    } else {
      const v = walk(host, table, hook, f, trace)
      if (v.kind !== 'ACCEPT') return finish(trace, v)
    }
    // conntrack (-200) runs right after raw (-300), in the two hooks where packets enter
    // (PREROUTING) or are born (OUTPUT); later hooks use the entry attached there
    if (table === 'raw') attachConntrack(host, f, trace)
  }
  if (hook === 'POSTROUTING' || hook === 'INPUT') {
    // conntrack confirm: the first packet made it out alive, so the entry goes into the table
    if (f.conn && !f.conn.confirmed) {
      confirm(host.ct, f.conn.entry)
      f.conn.confirmed = true
    }
  }
  return trace
}

function finish(trace: HookTrace, v: Verdict): HookTrace {
  trace.verdict = v
  return trace
}

function attachConntrack(host: NetHost, f: InFlight, trace: HookTrace): void {
  if (!f.conn) {
    const t = {
      proto: f.pkt.proto,
      src: f.pkt.src,
      dst: f.pkt.dst,
      sport: f.pkt.sport,
      dport: f.pkt.dport,
    }
    const found = lookup(host.ct, t, host.now)
    f.conn = found
      ? { ...found, confirmed: true }
      : { entry: newEntry(host.ct, t, host.now), dir: 'original', confirmed: false }
  }
  update(f.conn.entry, f.conn.dir, f.pkt.tcp, host.now)
  trace.ctstate = ctstateOf(f)
}

/** The states `-m conntrack --ctstate` sees for this packet (including the virtual SNAT/DNAT). */
export function ctstateOf(f: InFlight): CtState[] {
  if (!f.conn) return ['UNTRACKED']
  const { entry, dir } = f.conn
  const out: CtState[] = [dir === 'reply' || entry.replied ? 'ESTABLISHED' : 'NEW']
  const o = entry.original
  const r = entry.reply
  // icmp "ports" are the type and the id, which the reply changes without any NAT
  const ports = o.proto !== 'icmp'
  if (o.dst !== r.src || (ports && o.dport !== r.sport)) out.push('DNAT')
  if (o.src !== r.dst || (ports && o.sport !== r.dport)) out.push('SNAT')
  return out
}

/**
 * Later packets of a flow: the nat hook rewrites them from the entry, never from the rules.
 * At DNAT hooks the destination is set, at SNAT hooks the source, to the inverse of the other
 * direction's tuple: the original direction gets the DNAT/SNAT, replies get it undone.
 */
function natFromConntrack(f: InFlight, hook: Hook, trace: HookTrace): void {
  const { entry, dir } = f.conn!
  const other = dir === 'original' ? entry.reply : entry.original
  const before = headersOf(f.pkt)
  const isDnatHook = NAT_DNAT_HOOKS.includes(hook)
  if (isDnatHook) {
    f.pkt.dst = other.src
    if (f.pkt.proto !== 'icmp') f.pkt.dport = other.sport
  } else {
    f.pkt.src = other.dst
    if (f.pkt.proto !== 'icmp') f.pkt.sport = other.dport
  }
  // ICMP echo: the id travels unchanged in both directions unless a source NAT rewrote it
  if (f.pkt.proto === 'icmp') f.pkt.sport = other.sport
  const after = headersOf(f.pkt)
  if (
    before.src !== after.src ||
    before.dst !== after.dst ||
    before.sport !== after.sport ||
    before.dport !== after.dport
  )
    trace.changes.push({
      what:
        dir === 'original'
          ? isDnatHook
            ? 'conntrack DNAT'
            : 'conntrack SNAT'
          : isDnatHook
            ? 'un-SNAT'
            : 'un-DNAT',
      before,
      after,
    })
}

type Outcome = Verdict | { kind: 'RETURN' }

/** One table's built-in chain for this hook, with jumps, gotos, RETURN and the policy. */
function walk(host: NetHost, table: TableName, hook: Hook, f: InFlight, trace: HookTrace): Verdict {
  const t = host.nf.tables[table]
  const base = t?.chains[hook]
  if (!base) return { kind: 'ACCEPT' }
  const stack: { chain: string; next: number }[] = []
  let chain = base
  let i = 0
  // a bound on jumps, as the kernel's loop detection at load time would forbid a cycle
  for (let guard = 0; guard < 100_000; guard++) {
    if (i >= chain.rules.length) {
      const back = stack.pop()
      if (!back) return policy(table, base, f, trace)
      chain = t.chains[back.chain]!
      i = back.next
      continue
    }
    const rule = chain.rules[i]!
    const index = ++i
    trace.checked++
    if (!matches(host, rule, f)) {
      trace.steps.push({ table, chain: chain.name, index, matched: false })
      continue
    }
    rule.counters.packets++
    rule.counters.bytes += f.pkt.len
    const step: RuleStep = { table, chain: chain.name, index, matched: true }
    trace.steps.push(step)
    const target = rule.target
    if (!target) continue
    step.target = targetName(target)
    const r = apply(host, target, f, trace, { table, chain: chain.name, index })
    if (r === 'continue') continue
    if (r.kind === 'jump' || r.kind === 'goto') {
      const next = t.chains[r.chain]
      if (!next) continue
      if (r.kind === 'jump') stack.push({ chain: chain.name, next: i })
      chain = next
      i = 0
      continue
    }
    if (r.kind === 'RETURN') {
      const back = stack.pop()
      if (!back) return policy(table, base, f, trace)
      chain = t.chains[back.chain]!
      i = back.next
      continue
    }
    return r
  }
  return { kind: 'ACCEPT' }
}

/** The end of a built-in chain: its policy decides, and its counters count the packet. */
function policy(table: TableName, chain: Chain, f: InFlight, trace: HookTrace): Verdict {
  chain.counters.packets++
  chain.counters.bytes += f.pkt.len
  const verdict = chain.policy ?? 'ACCEPT'
  trace.steps.push({ table, chain: chain.name, index: 0, matched: true, target: verdict })
  return verdict === 'DROP'
    ? { kind: 'DROP', table, chain: chain.name, index: 0 }
    : { kind: 'ACCEPT' }
}

export function targetName(t: Target): string {
  return t.kind === 'jump' || t.kind === 'goto' ? t.chain : t.kind
}

type Applied =
  'continue' | Outcome | { kind: 'jump'; chain: string } | { kind: 'goto'; chain: string }

function apply(
  host: NetHost,
  target: Target,
  f: InFlight,
  trace: HookTrace,
  at: { table: TableName; chain: string; index: number },
): Applied {
  const p = f.pkt
  switch (target.kind) {
    case 'ACCEPT':
      return { kind: 'ACCEPT' }
    case 'DROP':
      return { kind: 'DROP', ...at }
    case 'REJECT':
      return { kind: 'REJECT', rejectWith: target.rejectWith, ...at }
    case 'RETURN':
      return { kind: 'RETURN' }
    case 'jump':
      return { kind: 'jump', chain: target.chain }
    case 'goto':
      return { kind: 'goto', chain: target.chain }
    case 'DNAT': {
      const [ip, port] = splitTo(target.to)
      const before = headersOf(p)
      p.dst = ip
      if (port !== undefined && p.proto !== 'icmp') p.dport = port
      bindNat(f, 'dst')
      trace.changes.push({ what: 'DNAT', ...at, before, after: headersOf(p) })
      return { kind: 'ACCEPT' }
    }
    case 'SNAT':
    case 'MASQUERADE': {
      const before = headersOf(p)
      if (target.kind === 'SNAT') {
        const [ip, port] = splitTo(target.to)
        p.src = ip
        if (port !== undefined && p.proto !== 'icmp') p.sport = port
      } else p.src = host.masqueradeAddress
      // --random-fully: nf_nat picks the source port from a full-range PRNG draw; without it the
      // port is kept unless it clashes (clashes are not modelled). For ICMP the echo id is the
      // "port" (nf_nat_l4proto_unique_tuple: 0-65535), so a ping's id changes too (FIDELITY §6.5)
      if (target.randomFully)
        p.sport =
          p.proto === 'icmp'
            ? Math.floor(nextFloat(host.rng) * 65536)
            : 1024 + Math.floor(nextFloat(host.rng) * (65535 - 1024 + 1))
      bindNat(f, 'src')
      trace.changes.push({ what: target.kind, ...at, before, after: headersOf(p) })
      return { kind: 'ACCEPT' }
    }
    case 'MARK': {
      p.mark = ((p.mark & ~target.mask) ^ target.value) >>> 0
      return 'continue'
    }
    case 'CONNMARK': {
      const e = f.conn?.entry
      if (!e) return 'continue'
      const nfmask = target.nfmask ?? 0xffffffff
      const ctmask = target.ctmask ?? 0xffffffff
      // xt_connmark.c connmark_tg_shift()
      if (target.op === 'set-xmark')
        e.mark = ((e.mark & ~(target.mask ?? 0xffffffff)) ^ (target.value ?? 0)) >>> 0
      else if (target.op === 'save-mark') e.mark = ((e.mark & ~ctmask) ^ (p.mark & nfmask)) >>> 0
      else p.mark = ((p.mark & ~nfmask) ^ (e.mark & ctmask)) >>> 0
      return 'continue'
    }
    case 'LOG':
      trace.logs.push(logLine(target.prefix ?? '', p))
      return 'continue'
  }
}

function splitTo(to: string): [string, number | undefined] {
  // ip[-ip][:port[-port]]: the first address and port of a range
  const [addr, ports] = to.split(':')
  const ip = addr!.split('-')[0]!
  return [ip, ports === undefined ? undefined : Number(ports.split('-')[0])]
}

/** A NAT rule on the first packet changes the entry's reply tuple: that is what conntrack remembers. */
function bindNat(f: InFlight, side: 'src' | 'dst'): void {
  const c = f.conn
  if (!c || c.dir !== 'original') return
  const r = c.entry.reply
  if (side === 'dst') {
    r.src = f.pkt.dst
    if (f.pkt.proto !== 'icmp') r.sport = f.pkt.dport
  } else {
    r.dst = f.pkt.src
    // an ICMP echo's id is the same field in both directions: a source NAT that changes it
    // (--random-fully) changes the id the reply carries
    if (f.pkt.proto !== 'icmp') r.dport = f.pkt.sport
    else r.sport = f.pkt.sport
  }
}

function logLine(prefix: string, p: Packet): string {
  // nf_log_syslog's format, without MAC= (the simulation has no link layer)
  const base = `${prefix}IN=${p.inIface ?? ''} OUT=${p.outIface ?? ''} SRC=${p.src} DST=${p.dst} LEN=${p.len} TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=${p.proto.toUpperCase()}`
  if (p.proto === 'icmp') return `${base} TYPE=${p.dport} CODE=0 ID=${p.sport} SEQ=1`
  if (p.proto === 'udp') return `${base} SPT=${p.sport} DPT=${p.dport} LEN=${p.len - 20}`
  const flags = [
    p.tcp?.ack && 'ACK',
    p.tcp?.psh && 'PSH',
    p.tcp?.rst && 'RST',
    p.tcp?.syn && 'SYN',
    p.tcp?.fin && 'FIN',
  ]
    .filter(Boolean)
    .join(' ')
  return `${base} SPT=${p.sport} DPT=${p.dport} WINDOW=62727 RES=0x00 ${flags} URGP=0`
}

// ---- matches -------------------------------------------------------------------------------

// A rule's -s/-d is checked for every packet against thousands of KUBE-SERVICES rules: parse each
// network and address once (pure caches of pure functions, so determinism is untouched).
const cidrCache = new Map<string, { base: number; size: number }>()
const ipCache = new Map<string, number>()

function cidrContains(cidr: string, ip: string): boolean {
  let c = cidrCache.get(cidr)
  if (!c) {
    const p = parseCidr(cidr)
    c = { base: p.base, size: p.size }
    cidrCache.set(cidr, c)
  }
  let n = ipCache.get(ip)
  if (n === undefined) {
    if (ipCache.size > 10_000) ipCache.clear()
    n = ipToInt(ip)
    ipCache.set(ip, n)
  }
  return n >= c.base && n < c.base + c.size
}

function matches(host: NetHost, r: Rule, f: InFlight): boolean {
  const p = f.pkt
  if (r.src && cidrContains(r.src.cidr, p.src) === !!r.src.negate) return false
  if (r.dst && cidrContains(r.dst.cidr, p.dst) === !!r.dst.negate) return false
  if (r.inIface && ifaceIs(r.inIface.name, p.inIface) === !!r.inIface.negate) return false
  if (r.outIface && ifaceIs(r.outIface.name, p.outIface) === !!r.outIface.negate) return false
  if (r.proto && r.proto.name !== 'all' && (r.proto.name === p.proto) === !!r.proto.negate)
    return false
  for (const m of r.matches) if (!matchOne(host, m, f)) return false
  return true
}

function ifaceIs(pattern: string, iface: string | undefined): boolean {
  if (iface === undefined) return false
  return pattern.endsWith('+') ? iface.startsWith(pattern.slice(0, -1)) : iface === pattern
}

function portIn(m: PortMatch, port: number): boolean {
  const inside = port >= m.from && port <= (m.to ?? m.from)
  return inside !== !!m.negate
}

const ICMP_TYPES: Record<string, number> = {
  'echo-reply': 0,
  pong: 0,
  'destination-unreachable': 3,
  'port-unreachable': 3,
  'echo-request': 8,
  ping: 8,
  'time-exceeded': 11,
}

function matchOne(host: NetHost, m: Match, f: InFlight): boolean {
  const p = f.pkt
  switch (m.module) {
    case 'comment':
      return true
    case 'tcp':
    case 'udp':
      if (p.proto !== m.module) return false
      if (m.sport && !portIn(m.sport, p.sport)) return false
      if (m.dport && !portIn(m.dport, p.dport)) return false
      return true
    case 'icmp': {
      if (p.proto !== 'icmp') return false
      const want =
        m.icmpType === 'any'
          ? p.dport
          : (ICMP_TYPES[m.icmpType] ?? Number(m.icmpType.split('/')[0]))
      return (want === p.dport) !== !!m.negate
    }
    case 'multiport': {
      if (p.proto === 'icmp') return false
      const any = (list: PortMatch[] | undefined, port: number) =>
        !!list?.some((x) => portIn(x, port))
      const hit =
        (m.dports ? any(m.dports, p.dport) : false) ||
        (m.sports ? any(m.sports, p.sport) : false) ||
        (m.ports ? any(m.ports, p.sport) || any(m.ports, p.dport) : false)
      return hit !== !!m.negate
    }
    case 'statistic': {
      // xt_statistic.c: (get_random_u32() & 0x7FFFFFFF) < probability, then XOR the invert flag
      const rand32 = Math.floor(nextFloat(host.rng) * 4294967296) >>> 0
      return (rand32 & 0x7fffffff) < m.fixed !== !!m.negate
    }
    case 'mark':
      return ((p.mark & m.mask) >>> 0 === m.value) !== !!m.negate
    case 'connmark': {
      const mark = f.conn?.entry.mark ?? 0
      return ((mark & m.mask) >>> 0 === m.value) !== !!m.negate
    }
    case 'conntrack': {
      const states = ctstateOf(f)
      return m.ctstate.some((s) => states.includes(s)) !== !!m.negate
    }
    case 'addrtype': {
      if (m.srcType && (addrType(host, p.src) === m.srcType.type) === !!m.srcType.negate)
        return false
      if (m.dstType && (addrType(host, p.dst) === m.dstType.type) === !!m.dstType.negate)
        return false
      return true
    }
    case 'recent':
      return recent(host, m, p)
  }
}

function addrType(host: NetHost, ip: string): string {
  if (host.isLocal(ip) || cidrContains('127.0.0.0/8', ip)) return 'LOCAL'
  if (ip === '255.255.255.255') return 'BROADCAST'
  if (cidrContains('224.0.0.0/4', ip)) return 'MULTICAST'
  return 'UNICAST'
}

/** xt_recent: a named list of addresses with the time each was last seen. */
function recent(host: NetHost, m: Extract<Match, { module: 'recent' }>, p: Packet): boolean {
  const list = (host.recent[m.name] ??= {})
  const addr = m.side === 'dest' ? p.dst : p.src
  const now = host.now
  if (m.reap && m.seconds !== undefined)
    for (const [a, seen] of Object.entries(list)) if (now - seen > m.seconds * 1000) delete list[a]
  const seen = list[addr]
  const fresh = seen !== undefined && (m.seconds === undefined || now - seen <= m.seconds * 1000)
  switch (m.op) {
    case 'set':
      list[addr] = now
      return true
    case 'rcheck':
      return fresh
    case 'update':
      if (fresh) list[addr] = now
      return fresh
    case 'remove':
      if (seen === undefined) return false
      delete list[addr]
      return true
  }
}
