// The iptables command line and rule grammar, parsed as iptables 1.8 (nf_tables) parses it:
// iptables/xshared.c do_parse() (one left-to-right pass, `!` applies to the next option, an option
// unknown to the loaded matches loads the protocol's match implicitly: `-p tcp --dport 80`), and
// the extensions/libxt_*.c parse and final-check functions. Error texts are the real ones, checked
// against iptables 1.8.9 on Debian 12 (differential.test.ts).

import type {
  AddrMatch,
  AddrType,
  CtState,
  IfaceMatch,
  Match,
  PortMatch,
  Rule,
  TableName,
  Target,
} from './model.ts'
import {
  ADDR_TYPES,
  CTSTATE_ORDER,
  LOG_LEVEL_INPUT,
  parseIcmpType,
  protoName,
  protoNumber,
  REJECT_TYPES,
  servicePort,
  TARGET_NAMES,
} from './names.ts'
import { intToIp } from '../ip.ts'

/**
 * An error as iptables reports it. `style` decides the wording around `message`:
 * - param: `iptables v1.8.8 (nf_tables): <message>` + the "Try `iptables -h'" line, exit 2
 * - plain: `iptables: <message>` (libiptc/nft errno texts), exit 1
 * - prefixed: `iptables v1.8.8 (nf_tables): <message>` without the "Try" line (the kernel refused
 *   the batch: exit 4, message starting with a space, as iptables prints it; or no such table: exit 3)
 * - badarg: `Bad argument `x'` + the "Try" line, exit 2
 */
export interface IptError {
  style: 'param' | 'plain' | 'prefixed' | 'badarg'
  message: string
  exit: number
}

export const paramError = (message: string): IptError => ({ style: 'param', message, exit: 2 })
export const plainError = (message: string, exit = 1): IptError => ({
  style: 'plain',
  message,
  exit,
})

/** Renders an error as `prog` (iptables) prints it on stderr. */
export function renderError(e: IptError, version: string, prog = 'iptables'): string {
  const prefix = `${prog} v${version} (nf_tables): `
  const tryLine = `Try \`${prog} -h' or '${prog} --help' for more information.`
  switch (e.style) {
    case 'param':
      return `${prefix}${e.message}\n${tryLine}`
    case 'plain':
      return `${prog}: ${e.message}`
    case 'prefixed':
      return `${prefix}${e.message}`
    case 'badarg':
      return `Bad argument \`${e.message}'\n${tryLine}`
  }
}

// ---------------------------------------------------------------------------------------------
// values

const U32 = 0xffffffff

/** strtoul(…, 0) as xtables_strtoui uses it: decimal, 0x hex or 0 octal, within 0..2^32-1. */
export function parseU32(s: string): number | undefined {
  let v: number
  if (/^0[xX][0-9a-fA-F]+$/.test(s)) v = parseInt(s.slice(2), 16)
  else if (/^0[0-7]*$/.test(s)) v = s.length > 1 ? parseInt(s.slice(1), 8) : 0
  else if (/^[1-9][0-9]*$/.test(s)) v = Number(s)
  else return undefined
  return v <= U32 ? v : undefined
}

function parseIPv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s)
  if (!m) return undefined
  const parts = m.slice(1).map(Number)
  if (parts.some((p) => p > 255)) return undefined
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0
}

const maskOf = (len: number): number => (len === 0 ? 0 : (U32 << (32 - len)) >>> 0)

/** `-s`/`-d` value → the canonical network `a.b.c.d/len` (libxtables xtables_ipparse_any). */
export function parseAddress(s: string): { cidr: string } | IptError {
  const slash = s.indexOf('/')
  const host = slash < 0 ? s : s.slice(0, slash)
  let len = 32
  if (slash >= 0) {
    const m = s.slice(slash + 1)
    if (/^\d+$/.test(m) && Number(m) <= 32) len = Number(m)
    else {
      const dotted = parseIPv4(m)
      const bits = dotted === undefined ? -1 : contiguousLen(dotted)
      if (bits < 0) return paramError(`invalid mask \`${m}' specified`)
      len = bits
    }
  }
  const ip = parseIPv4(host)
  // Simplification: the simulation has no resolver, so a host name is never found.
  if (ip === undefined) return paramError(`host/network \`${host}' not found`)
  return { cidr: `${intToIp((ip & maskOf(len)) >>> 0)}/${len}` }
}

function contiguousLen(mask: number): number {
  for (let len = 0; len <= 32; len++) if (maskOf(len) === mask) return len
  return -1
}

function parsePortValue(s: string): number | IptError {
  // (an empty part of a multiport list or range is a bad port, as in xtables_parse_port)
  if (/^\d+$/.test(s) && Number(s) <= 65535) return Number(s)
  const p = servicePort(s)
  return p ?? paramError(`invalid port/service \`${s}' specified`)
}

/** tcp/udp `--dport a[:b]` (empty ends mean 0 and 65535). */
function parsePortRange(s: string, sep = ':'): PortMatch | IptError {
  const i = s.indexOf(sep)
  if (i < 0) {
    const p = parsePortValue(s)
    return typeof p === 'number' ? { from: p } : p
  }
  const a = s.slice(0, i) === '' ? 0 : parsePortValue(s.slice(0, i))
  const b = s.slice(i + 1) === '' ? 65535 : parsePortValue(s.slice(i + 1))
  if (typeof a !== 'number') return a
  if (typeof b !== 'number') return b
  if (a > b) return paramError('invalid portrange (min > max)')
  return a === b ? { from: a } : { from: a, to: b }
}

function parseMarkMask(ext: string, opt: string, s: string): { v: number; m?: number } | IptError {
  const [a, b] = s.split('/', 2) as [string, string | undefined]
  const v = parseU32(a)
  const m = b === undefined ? undefined : parseU32(b)
  if (v === undefined || (b !== undefined && m === undefined))
    return paramError(`${ext}: bad integer value for option "--${opt}", or out of range.\n`)
  return m === undefined ? { v } : { v, m }
}

const isErr = (x: unknown): x is IptError =>
  typeof x === 'object' && x !== null && 'style' in x && 'exit' in x

// ---------------------------------------------------------------------------------------------
// match and target extensions

type State = Record<string, unknown>

interface OptDef {
  /** takes a value */
  arg: boolean
  invert?: boolean
  /** may be given more than once */
  multi?: boolean
  apply(st: State, val: string, inv: boolean, rule: Rule): IptError | void
}

interface ExtDef<T> {
  name: string
  opts: Record<string, OptDef>
  /** long-option aliases → canonical names */
  aliases?: Record<string, string>
  /** null: the extension leaves nothing in the rule */
  finish(st: State, rule: Rule): T | IptError | null
}

const PORT_PROTOS = ['tcp', 'udp', 'udplite', 'sctp', 'dccp']

function portOpt(key: 'sport' | 'dport'): OptDef {
  return {
    arg: true,
    invert: true,
    apply(st, val, inv) {
      const p = parsePortRange(val)
      if (isErr(p)) return p
      st[key] = inv ? { ...p, negate: true } : p
    },
  }
}

function tcpLike(name: 'tcp' | 'udp'): ExtDef<Match> {
  return {
    name,
    opts: { sport: portOpt('sport'), dport: portOpt('dport') },
    aliases: { 'source-port': 'sport', 'destination-port': 'dport' },
    finish(st, rule) {
      if (rule.proto?.name !== name || rule.proto.negate)
        return paramError(`${name.toUpperCase()} match requires '-p ${name}'`)
      const m: Match = { module: name }
      const sport = nftPorts(st.sport as PortMatch | undefined)
      const dport = nftPorts(st.dport as PortMatch | undefined)
      if (sport) m.sport = sport
      if (dport) m.dport = dport
      // `! --dport 0:65535` matches nothing and iptables-nft drops the whole match (sic)
      if ((st.sport && sport === null) || (st.dport && dport === null)) return null
      return m
    },
  }
}

/**
 * What the nft backend stores for a port match, and so what iptables-save prints back:
 * a negated range from 0 becomes the complementary range (`! --dport 0:1` → `--dport 2:65535`).
 */
function nftPorts(p: PortMatch | undefined): PortMatch | undefined | null {
  if (!p || !p.negate || p.from !== 0 || p.to === undefined) return p
  if (p.to === 65535) return null
  return p.to + 1 === 65535 ? { from: 65535 } : { from: p.to + 1, to: 65535 }
}

function multiportOpt(key: 'sports' | 'dports' | 'ports'): OptDef {
  return {
    arg: true,
    invert: true,
    apply(st, val, inv, rule) {
      if (!rule.proto || rule.proto.negate || !PORT_PROTOS.includes(rule.proto.name))
        return paramError(
          "multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'",
        )
      if (st.key) return paramError('multiport can only have one option')
      const list: PortMatch[] = []
      let slots = 0
      for (const part of val.split(',')) {
        // libxt_multiport parse_multi_ports_v1: a range needs min < max
        const [a, b] = part.split(':', 2) as [string, string | undefined]
        const lo = parsePortValue(a)
        if (isErr(lo)) return lo
        const hi = b === undefined ? undefined : parsePortValue(b)
        if (isErr(hi)) return hi
        if (hi !== undefined && lo >= hi) return paramError('invalid portrange specified')
        const p: PortMatch = hi === undefined ? { from: lo } : { from: lo, to: hi }
        list.push(p)
        slots += p.to !== undefined ? 2 : 1
      }
      if (slots > 15) return paramError('too many ports specified')
      st.key = key
      st.list = list
      st.negate = inv
    },
  }
}

function markMatch(module: 'mark' | 'connmark'): ExtDef<Match> {
  return {
    name: module,
    opts: {
      mark: {
        arg: true,
        invert: true,
        apply(st, val, inv) {
          const r = parseMarkMask(module, 'mark', val)
          if (isErr(r)) return r
          st.value = r.v
          st.mask = r.m ?? U32
          st.negate = inv
        },
      },
    },
    finish(st) {
      if (st.value === undefined)
        return paramError(`${module}: option "--mark" must be specified\n`)
      const m = { module, value: st.value as number, mask: st.mask as number }
      return st.negate ? { ...m, negate: true } : m
    },
  }
}

/** -m conntrack --ctstate and its older alias -m state --state: one match, its alias remembered so
 * that iptables -L prints `state` where that was written. */
function ctstateMatch(
  name: 'conntrack' | 'state',
  opt: 'ctstate' | 'state',
  missing: string,
): ExtDef<Match> {
  return {
    name,
    opts: {
      [opt]: {
        arg: true,
        invert: true,
        apply(st, val, inv) {
          const l = stateList(val, opt === 'ctstate' ? 'Bad ctstate' : 'Bad state')
          if (isErr(l)) return l
          st.states = l
          st.negate = inv
        },
      },
    },
    finish(st) {
      if (!st.states) return paramError(missing)
      const m: Match =
        name === 'state'
          ? { module: 'conntrack', ctstate: st.states as CtState[], alias: 'state' }
          : { module: 'conntrack', ctstate: st.states as CtState[] }
      if (st.negate) m.negate = true
      return m
    },
  }
}

function stateList(val: string, bad: string): CtState[] | IptError {
  const out = new Set<CtState>()
  for (const s of val.split(',')) {
    const up = s.toUpperCase()
    if (!(CTSTATE_ORDER as readonly string[]).includes(up)) return paramError(`${bad} "${s}"`)
    out.add(up as CtState)
  }
  return CTSTATE_ORDER.filter((s) => out.has(s))
}

function addrTypeOpt(key: 'src' | 'dst'): OptDef {
  return {
    arg: true,
    invert: true,
    apply(st, val, inv) {
      const up = val.toUpperCase()
      if (!(ADDR_TYPES as readonly string[]).includes(up))
        return paramError(`addrtype: bad type "${val}"`)
      st[key] = inv ? { type: up as AddrType, negate: true } : { type: up as AddrType }
    },
  }
}

function recentOp(op: 'set' | 'rcheck' | 'update' | 'remove'): OptDef {
  return {
    arg: false,
    apply(st) {
      if (st.op)
        return paramError(`recent: option "--${st.op}" cannot be used together with "--${op}".\n`)
      st.op = op
    },
  }
}

const flag = (key: string): OptDef => ({
  arg: false,
  apply(st) {
    st[key] = true
  },
})

const MATCHES: Record<string, ExtDef<Match>> = {
  comment: {
    name: 'comment',
    opts: {
      comment: {
        arg: true,
        apply(st, val) {
          st.comment = val
        },
      },
    },
    finish(st) {
      if (st.comment === undefined)
        return paramError('comment: option "--comment" must be specified\n')
      return { module: 'comment', comment: st.comment as string }
    },
  },
  tcp: tcpLike('tcp'),
  udp: tcpLike('udp'),
  icmp: {
    name: 'icmp',
    opts: {
      'icmp-type': {
        arg: true,
        invert: true,
        apply(st, val, inv) {
          const t = parseIcmpType(val)
          if (t === undefined) return paramError(`Unknown ICMP type \`${val}'`)
          st.type = t
          st.negate = inv
        },
      },
    },
    // without -p icmp the kernel refuses the rule (targetAllowed)
    finish(st) {
      const m: Match = { module: 'icmp', icmpType: (st.type as string | undefined) ?? 'any' }
      if (st.negate) m.negate = true
      return m
    },
  },
  multiport: {
    name: 'multiport',
    opts: {
      sports: multiportOpt('sports'),
      dports: multiportOpt('dports'),
      ports: multiportOpt('ports'),
    },
    aliases: { 'source-ports': 'sports', 'destination-ports': 'dports' },
    finish(st) {
      if (!st.key) return paramError('multiport expects an option')
      const m: Match = { module: 'multiport', [st.key as string]: st.list }
      if (st.negate) m.negate = true
      return m
    },
  },
  statistic: {
    name: 'statistic',
    opts: {
      mode: {
        arg: true,
        apply(st, val) {
          if (val !== 'random' && val !== 'nth') return paramError(`statistic: Bad mode "${val}"\n`)
          st.mode = val
        },
      },
      probability: {
        arg: true,
        invert: true,
        apply(st, val, inv) {
          const p = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(val) ? Number(val) : NaN
          if (!(p >= 0 && p <= 1))
            return paramError(
              'statistic: bad value for option "--probability", or out of range (0-1).\n',
            )
          st.fixed = Math.round(p * 0x80000000)
          st.negate = inv
        },
      },
      every: { arg: true, invert: true, apply: (st) => void (st.every = true) },
      packet: { arg: true, apply: (st) => void (st.packet = true) },
    },
    finish(st) {
      if (st.every && !st.packet)
        return paramError('statistic: option "--every" also requires "--packet".\n')
      // Simplification: kube-proxy and the VPC CNI only use random mode; nth is not modelled.
      if (st.mode === 'nth')
        return paramError('statistic: --mode nth is not supported by this simulation')
      if (st.fixed === undefined)
        return paramError('--probability must be specified when using random mode')
      const m: Match = { module: 'statistic', mode: 'random', fixed: st.fixed as number }
      if (st.negate) m.negate = true
      return m
    },
  },
  mark: markMatch('mark'),
  connmark: markMatch('connmark'),
  // Simplification: only --ctstate is modelled (--ctproto, --ctorigdst … are not).
  conntrack: ctstateMatch('conntrack', 'ctstate', 'conntrack: At least one option is required\n'),
  state: ctstateMatch('state', 'state', 'state: option "--state" must be specified\n'),
  addrtype: {
    name: 'addrtype',
    opts: {
      'src-type': addrTypeOpt('src'),
      'dst-type': addrTypeOpt('dst'),
      'limit-iface-in': flag('in'),
      'limit-iface-out': flag('out'),
    },
    finish(st) {
      if (!st.src && !st.dst)
        return paramError('addrtype: you must specify --src-type or --dst-type')
      if (st.in && st.out)
        return paramError("addrtype: you can't specify both --limit-iface-in and --limit-iface-out")
      const m: Match = { module: 'addrtype' }
      if (st.src) m.srcType = st.src as { type: AddrType }
      if (st.dst) m.dstType = st.dst as { type: AddrType }
      if (st.in) m.limitIfaceIn = true
      if (st.out) m.limitIfaceOut = true
      return m
    },
  },
  recent: {
    name: 'recent',
    opts: {
      set: recentOp('set'),
      rcheck: recentOp('rcheck'),
      update: recentOp('update'),
      remove: recentOp('remove'),
      seconds: {
        arg: true,
        apply(st, val) {
          const n = parseU32(val)
          if (n === undefined)
            return paramError('recent: bad value for option "--seconds", or out of range.\n')
          st.seconds = n
        },
      },
      reap: flag('reap'),
      name: {
        arg: true,
        apply(st, val) {
          st.name = val
        },
      },
      rsource: { arg: false, apply: (st) => void (st.side = 'source') },
      rdest: { arg: false, apply: (st) => void (st.side = 'dest') },
      mask: {
        arg: true,
        apply(st, val) {
          if (parseIPv4(val) === undefined) return paramError(`Bad IP address "${val}"`)
          st.mask = val
        },
      },
    },
    finish(st) {
      if (!st.op)
        return paramError(
          "recent: you must specify one of `--set', `--rcheck' `--update' or `--remove'",
        )
      if (st.reap && st.seconds === undefined)
        return paramError('recent: --reap is only valid with --seconds')
      const m: Match = {
        module: 'recent',
        name: (st.name as string | undefined) ?? 'DEFAULT',
        op: st.op as 'set',
        side: (st.side as 'source' | 'dest' | undefined) ?? 'source',
      }
      if (st.seconds !== undefined) m.seconds = st.seconds as number
      if (st.reap) m.reap = true
      m.mask = (st.mask as string | undefined) ?? '255.255.255.255'
      return m
    },
  },
}

/** The implicit match iptables loads for an unknown option after `-p <proto>`. */
const IMPLICIT: Record<string, string> = { tcp: 'tcp', udp: 'udp', icmp: 'icmp' }

/** `--to-destination`/`--to-source`: ip[-ip][:port[-port]] */
function natRange(val: string): string | IptError {
  const m = /^([^:]+)(?::(.+))?$/.exec(val)
  const ips = m?.[1]?.split('-') ?? []
  for (const ip of ips) if (parseIPv4(ip) === undefined) return paramError(`Bad IP address "${ip}"`)
  if (ips.length === 0 || ips.length > 2) return paramError(`Bad IP address "${val}"`)
  if (m?.[2] !== undefined) {
    const r = parsePortRange(m[2], '-')
    if (isErr(r)) return r
  }
  return val
}

function markTargetOpt(
  op: 'set-xmark' | 'set-mark' | 'and-mark' | 'or-mark' | 'xor-mark',
  ext: string,
): OptDef {
  return {
    arg: true,
    apply(st, val) {
      if (st.op) return paramError(`${ext}: Can only specify one action\n`)
      const r = parseMarkMask(ext, op, val)
      if (isErr(r)) return r
      let value: number
      let mask: number
      switch (op) {
        case 'set-xmark':
          value = r.v
          mask = r.m ?? U32
          break
        case 'set-mark':
          value = r.v
          mask = ((r.m ?? U32) | r.v) >>> 0
          break
        case 'and-mark':
          value = 0
          mask = ~r.v >>> 0
          break
        case 'or-mark':
          value = r.v
          mask = r.v
          break
        case 'xor-mark':
          value = r.v
          mask = 0
          break
      }
      st.op = 'set-xmark'
      st.value = value
      st.mask = mask
    },
  }
}

const TARGETS: Record<string, ExtDef<Target>> = {
  REJECT: {
    name: 'REJECT',
    opts: {
      'reject-with': {
        arg: true,
        apply(st, val) {
          const hit = REJECT_TYPES.find(([n, a]) => n === val || a === val)
          if (!hit) return paramError(`unknown reject type "${val}"`)
          st.with = hit[0]
        },
      },
    },
    finish: (st) => ({
      kind: 'REJECT',
      rejectWith: (st.with as string | undefined) ?? 'icmp-port-unreachable',
    }),
  },
  DNAT: {
    name: 'DNAT',
    opts: {
      'to-destination': {
        arg: true,
        apply(st, val) {
          const r = natRange(val)
          if (isErr(r)) return r
          st.to = r
        },
      },
      random: flag('random'),
      persistent: flag('persistent'),
    },
    finish(st, rule) {
      if (st.to === undefined)
        return paramError('DNAT: option "--to-destination" must be specified\n')
      if ((st.to as string).includes(':') && !portProto(rule))
        return paramError('Need TCP, UDP, SCTP or DCCP with port specification')
      const t: Target = { kind: 'DNAT', to: st.to as string }
      if (st.random) t.random = true
      if (st.persistent) t.persistent = true
      return t
    },
  },
  SNAT: {
    name: 'SNAT',
    opts: {
      'to-source': {
        arg: true,
        apply(st, val) {
          const r = natRange(val)
          if (isErr(r)) return r
          st.to = r
        },
      },
      random: flag('random'),
      'random-fully': flag('randomFully'),
      persistent: flag('persistent'),
    },
    finish(st, rule) {
      if (st.to === undefined) return paramError('SNAT: option "--to-source" must be specified\n')
      if ((st.to as string).includes(':') && !portProto(rule))
        return paramError('Need TCP, UDP, SCTP or DCCP with port specification')
      const t: Target = { kind: 'SNAT', to: st.to as string }
      if (st.random) t.random = true
      if (st.randomFully) t.randomFully = true
      if (st.persistent) t.persistent = true
      return t
    },
  },
  MASQUERADE: {
    name: 'MASQUERADE',
    opts: {
      'to-ports': {
        arg: true,
        apply(st, val, _inv, rule) {
          if (!portProto(rule))
            return paramError('Need TCP, UDP, SCTP or DCCP with port specification')
          const r = parsePortRange(val, '-')
          if (isErr(r)) return r
          st.ports = r.to === undefined ? String(r.from) : `${r.from}-${r.to}`
        },
      },
      random: flag('random'),
      'random-fully': flag('randomFully'),
    },
    finish(st) {
      const t: Target = { kind: 'MASQUERADE' }
      if (st.ports) t.toPorts = st.ports as string
      if (st.random) t.random = true
      if (st.randomFully) t.randomFully = true
      return t
    },
  },
  MARK: {
    name: 'MARK',
    opts: {
      'set-xmark': markTargetOpt('set-xmark', 'MARK'),
      'set-mark': markTargetOpt('set-mark', 'MARK'),
      'and-mark': markTargetOpt('and-mark', 'MARK'),
      'or-mark': markTargetOpt('or-mark', 'MARK'),
      'xor-mark': markTargetOpt('xor-mark', 'MARK'),
    },
    finish(st) {
      if (!st.op)
        return paramError(
          'MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required',
        )
      return { kind: 'MARK', value: st.value as number, mask: st.mask as number }
    },
  },
  CONNMARK: {
    name: 'CONNMARK',
    opts: {
      'set-xmark': markTargetOpt('set-xmark', 'CONNMARK'),
      'set-mark': markTargetOpt('set-mark', 'CONNMARK'),
      'and-mark': markTargetOpt('and-mark', 'CONNMARK'),
      'or-mark': markTargetOpt('or-mark', 'CONNMARK'),
      'xor-mark': markTargetOpt('xor-mark', 'CONNMARK'),
      'save-mark': { arg: false, apply: (st) => void (st.op = 'save-mark') },
      'restore-mark': { arg: false, apply: (st) => void (st.op = 'restore-mark') },
      mask: maskOpt(['nfmask', 'ctmask']),
      nfmask: maskOpt(['nfmask']),
      ctmask: maskOpt(['ctmask']),
    },
    finish(st) {
      if (!st.op) return paramError('CONNMARK target: No operation specified')
      if (st.op === 'set-xmark')
        return {
          kind: 'CONNMARK',
          op: 'set-xmark',
          value: st.value as number,
          mask: st.mask as number,
        }
      return {
        kind: 'CONNMARK',
        op: st.op as 'save-mark',
        nfmask: (st.nfmask as number | undefined) ?? U32,
        ctmask: (st.ctmask as number | undefined) ?? U32,
      }
    },
  },
  LOG: {
    name: 'LOG',
    opts: {
      'log-level': {
        arg: true,
        apply(st, val) {
          const n = /^[0-7]$/.test(val) ? Number(val) : LOG_LEVEL_INPUT[val]
          if (n === undefined) return paramError(`log level "${val}" unknown\n`)
          st.level = String(n)
        },
      },
      'log-prefix': {
        arg: true,
        apply(st, val) {
          st.prefix = val
        },
      },
    },
    finish(st) {
      const t: Target = { kind: 'LOG' }
      if (st.prefix !== undefined && st.prefix !== '') t.prefix = st.prefix as string
      if (st.level !== undefined && st.level !== '4') t.level = st.level as string
      return t
    },
  },
}

function maskOpt(keys: string[]): OptDef {
  return {
    arg: true,
    apply(st, val) {
      const v = parseU32(val)
      if (v === undefined)
        return paramError(
          `CONNMARK: bad integer value for option "--${keys.join('')}", or out of range.\n`,
        )
      for (const k of keys) st[k] = v
    },
  }
}

function portProto(rule: Rule): boolean {
  return !!rule.proto && !rule.proto.negate && PORT_PROTOS.includes(rule.proto.name)
}

// ---------------------------------------------------------------------------------------------
// the command line

export type CommandLetter =
  'A' | 'I' | 'D' | 'R' | 'C' | 'F' | 'L' | 'S' | 'Z' | 'N' | 'X' | 'P' | 'E'

export interface ParsedCommand {
  commands: CommandLetter[]
  chain?: string
  ruleNum?: number
  /** -P policy, -E new name */
  arg2?: string
  table: string
  numeric: boolean
  verbose: boolean
  exact: boolean
  lineNumbers: boolean
  /** whether any rule option was given (`-D chain <rule>` vs `-D chain <num>`) */
  hasRuleSpec: boolean
  rule: Rule
}

const LONG_COMMANDS: Record<string, CommandLetter> = {
  '--append': 'A',
  '--insert': 'I',
  '--delete': 'D',
  '--replace': 'R',
  '--check': 'C',
  '--flush': 'F',
  '--list': 'L',
  '--list-rules': 'S',
  '--zero': 'Z',
  '--new-chain': 'N',
  '--new': 'N',
  '--delete-chain': 'X',
  '--policy': 'P',
  '--rename-chain': 'E',
}

const LONG_RULE: Record<string, string> = {
  '--source': '-s',
  '--src': '-s',
  '--destination': '-d',
  '--dst': '-d',
  '--in-interface': '-i',
  '--out-interface': '-o',
  '--protocol': '-p',
  '--match': '-m',
  '--jump': '-j',
  '--goto': '-g',
  '--table': '-t',
  '--numeric': '-n',
  '--verbose': '-v',
  '--exact': '-x',
  '--wait': '-w',
}

const NOARG_SHORT = new Set(['n', 'v', 'x'])

/** `-nvL` → `-n -v -L`: getopt's grouping of short options. */
function expandGroups(argv: readonly string[]): string[] {
  const out: string[] = []
  for (const a of argv) {
    if (/^-[a-zA-Z]{2,}$/.test(a) && [...a.slice(1, -1)].every((c) => NOARG_SHORT.has(c)))
      for (const c of a.slice(1)) out.push('-' + c)
    else out.push(a)
  }
  return out
}

const isOptionLike = (s: string | undefined) => s === undefined || s.startsWith('-') || s === '!'

interface Loaded<T> {
  def: ExtDef<T>
  st: State
  seen: Set<string>
}

/**
 * Parses an iptables command line (argv after `iptables`), or a restore line (`-A CHAIN …`).
 * With `ruleOnly`, argv is only a rule specification (no command options).
 */
export function parseCommand(
  argv: readonly string[],
  opts: { ruleOnly?: boolean; defaultTable?: string } = {},
): ParsedCommand | IptError {
  const args = expandGroups(argv)
  const rule: Rule = { matches: [], counters: { packets: 0, bytes: 0 } }
  const pc: ParsedCommand = {
    commands: [],
    table: opts.defaultTable ?? 'filter',
    numeric: false,
    verbose: false,
    exact: false,
    lineNumbers: false,
    hasRuleSpec: false,
    rule,
  }
  const matches: Loaded<Match>[] = []
  let target: Loaded<Target> | undefined
  let targetName: string | undefined
  let goto = false
  let invert = false
  const seenBasic = new Set<string>()

  const need = (i: number, name: string): string | IptError => {
    const v = args[i + 1]
    if (v === undefined) return paramError(`option "${name}" requires an argument`)
    return v
  }
  const addCommand = (c: CommandLetter): IptError | void => {
    for (const prev of pc.commands) {
      const ok = (prev === 'L' && c === 'Z') || (prev === 'Z' && c === 'L')
      if (!ok) return paramError(`Cannot use -${c} with -${prev}`)
    }
    pc.commands.push(c)
  }

  for (let i = 0; i < args.length; i++) {
    let a = args[i]!
    if (a === '!') {
      if (invert) return paramError('multiple consecutive ! not allowed')
      invert = true
      continue
    }
    if (LONG_RULE[a]) a = LONG_RULE[a]!
    const longCmd = LONG_COMMANDS[a]
    const cmd: CommandLetter | undefined =
      longCmd ?? (/^-[AIDRCFLSZNXPE]$/.test(a) ? (a[1] as CommandLetter) : undefined)
    if (cmd && !opts.ruleOnly) {
      if (invert) return paramError(`cannot have ! before -${cmd}`)
      const e = addCommand(cmd)
      if (e) return e
      if ('AIDRCNP'.includes(cmd)) {
        const v = need(i, `-${cmd}`)
        if (isErr(v)) return v
        pc.chain = v
        i++
      } else if ('FLSZX'.includes(cmd) && !isOptionLike(args[i + 1])) {
        pc.chain = args[++i]
      }
      if (cmd === 'E') {
        if (args[i + 1] === undefined || args[i + 2] === undefined)
          return paramError('-E requires old-chain-name and new-chain-name')
        pc.chain = args[i + 1]
        pc.arg2 = args[i + 2]
        i += 2
      }
      if (cmd === 'P') {
        if (isOptionLike(args[i + 1])) return paramError('-P requires a chain and a policy')
        pc.arg2 = args[++i]
      }
      const numOptional =
        cmd === 'I' || cmd === 'D' || ((cmd === 'L' || cmd === 'S' || cmd === 'Z') && pc.chain)
      if (cmd === 'R' || (numOptional && !isOptionLike(args[i + 1]))) {
        const v = args[i + 1]
        if (v === undefined) return paramError('-R requires a rule number')
        const n = /^\d+$/.test(v) ? Number(v) : NaN
        if (!(n >= 1)) return paramError(`Invalid rule number \`${v}'`)
        pc.ruleNum = n
        i++
      }
      continue
    }
    switch (a) {
      case '-t': {
        const v = need(i, '-t')
        if (isErr(v)) return v
        if (invert) return paramError('unexpected ! flag before --table')
        pc.table = v
        i++
        continue
      }
      case '-n':
        pc.numeric = true
        continue
      case '-v':
        pc.verbose = true
        continue
      case '-x':
        pc.exact = true
        continue
      case '--line-numbers':
        pc.lineNumbers = true
        continue
      case '-w':
        if (/^\d+$/.test(args[i + 1] ?? '')) i++
        continue
      case '-s':
      case '-d': {
        const v = need(i, a)
        if (isErr(v)) return v
        if (seenBasic.has(a)) return paramError(`multiple ${a} flags not allowed`)
        seenBasic.add(a)
        const r = parseAddress(v)
        if (isErr(r)) return r
        const m: AddrMatch = invert ? { cidr: r.cidr, negate: true } : { cidr: r.cidr }
        if (r.cidr !== '0.0.0.0/0' || invert) rule[a === '-s' ? 'src' : 'dst'] = m
        pc.hasRuleSpec = true
        invert = false
        i++
        continue
      }
      case '-i':
      case '-o': {
        const v = need(i, a)
        if (isErr(v)) return v
        if (seenBasic.has(a)) return paramError(`multiple ${a} flags not allowed`)
        seenBasic.add(a)
        if (v.length >= 16)
          return paramError(`interface name \`${v}' must be shorter than IFNAMSIZ (15)`)
        const m: IfaceMatch = invert ? { name: v, negate: true } : { name: v }
        rule[a === '-i' ? 'inIface' : 'outIface'] = m
        pc.hasRuleSpec = true
        invert = false
        i++
        continue
      }
      case '-p': {
        const v = need(i, a)
        if (isErr(v)) return v
        if (seenBasic.has(a)) return paramError('multiple -p flags not allowed')
        seenBasic.add(a)
        const lower = v.toLowerCase()
        let name: string | undefined
        if (/^\d+$/.test(v) && Number(v) <= 255) name = protoName(Number(v)) ?? v
        else if (protoNumber(lower) !== undefined) name = lower
        if (name === undefined) return paramError(`unknown protocol "${v}" specified`)
        if (name !== 'all' || invert) rule.proto = invert ? { name, negate: true } : { name }
        pc.hasRuleSpec = true
        invert = false
        i++
        continue
      }
      case '-m': {
        const v = need(i, a)
        if (isErr(v)) return v
        if (invert) return paramError('unexpected ! flag before --match')
        const def = MATCHES[v]
        if (!def) return paramError(`Couldn't load match \`${v}':No such file or directory\n`)
        matches.push({ def, st: {}, seen: new Set() })
        pc.hasRuleSpec = true
        i++
        continue
      }
      case '-j':
      case '-g': {
        const v = need(i, a)
        if (isErr(v)) return v
        if (invert) return paramError(`cannot have ! before ${a}`)
        if (targetName !== undefined) return paramError(`multiple ${a} flags not allowed`)
        targetName = v
        goto = a === '-g'
        if (!goto && TARGETS[v]) target = { def: TARGETS[v]!, st: {}, seen: new Set() }
        pc.hasRuleSpec = true
        i++
        continue
      }
      case '-c': {
        const p = args[i + 1]
        const b = args[i + 2]
        if (p === undefined || b === undefined)
          return paramError('-c requires packet and byte counter')
        const pn = Number(p)
        const bn = Number(b)
        if (!/^\d+$/.test(p)) return paramError(`-c packet counter not numeric`)
        if (!/^\d+$/.test(b)) return paramError(`-c byte counter not numeric`)
        rule.counters = { packets: pn, bytes: bn }
        i += 2
        continue
      }
    }
    if (a.startsWith('--') && a.length > 2) {
      let name = a.slice(2)
      let inlineVal: string | undefined
      const eq = name.indexOf('=')
      if (eq >= 0) {
        inlineVal = name.slice(eq + 1)
        name = name.slice(0, eq)
      }
      // getopt finds the name in the merged option table, where each extension's options were
      // added in front when it was first loaded (xtables_options_xfrm); the option then goes to
      // the latest instance of that extension (`-m mark --mark 1 -m mark --mark 2` is fine)
      const loaded: Loaded<Match | Target>[] = target ? [...matches, target] : [...matches]
      const firstLoad = [...new Set(loaded.map((l) => l.def))]
      let owner: Loaded<Match | Target> | undefined
      let canon = name
      const find = () => {
        for (const def of firstLoad.reverse()) {
          const c = def.aliases?.[name] ?? name
          if (def.opts[c]) {
            owner = loaded.filter((l) => l.def === def).pop()
            canon = c
            return
          }
        }
      }
      find()
      if (!owner && rule.proto && !rule.proto.negate && IMPLICIT[rule.proto.name]) {
        const def = MATCHES[IMPLICIT[rule.proto.name]!]!
        const already = matches.some((m) => m.def === def)
        const c = def.aliases?.[name] ?? name
        if (!already && def.opts[c]) {
          const l: Loaded<Match> = { def, st: {}, seen: new Set() }
          matches.push(l)
          owner = l
          canon = c
        }
      }
      if (!owner) return paramError(`unknown option "${a}"`)
      const od = owner.def.opts[canon]!
      if (invert && !od.invert)
        return paramError(`${owner.def.name}: option "--${canon}" cannot be inverted.\n`)
      if (owner.seen.has(canon) && !od.multi)
        return paramError(`${owner.def.name}: option "--${canon}" can only be used once.\n`)
      owner.seen.add(canon)
      let val = ''
      if (od.arg) {
        if (inlineVal !== undefined) val = inlineVal
        else {
          const v = need(i, a)
          if (isErr(v)) return v
          val = v
          i++
        }
      }
      const e = od.apply(owner.st, val, invert, rule)
      if (e) return e
      invert = false
      continue
    }
    if (a.startsWith('-') && a.length > 1) return paramError(`unknown option "${a}"`)
    return { style: 'badarg', message: a, exit: 2 }
  }
  if (invert) return paramError('no command specified')

  for (const m of matches) {
    const r = m.def.finish(m.st, rule)
    if (isErr(r)) return r
    if (r) rule.matches.push(r)
  }
  if (targetName !== undefined) {
    if (target) {
      const t = target.def.finish(target.st, rule)
      if (isErr(t)) return t
      if (t) rule.target = t
    } else if (targetName === 'ACCEPT' || targetName === 'DROP' || targetName === 'RETURN') {
      rule.target = goto ? { kind: 'goto', chain: targetName } : { kind: targetName }
    } else rule.target = { kind: goto ? 'goto' : 'jump', chain: targetName }
  }
  return pc
}

/** One rule's argument list (`-A CHAIN <args>` without `-A CHAIN`) into a Rule. */
export function parseRule(
  args: readonly string[],
): { ok: true; rule: Rule } | { ok: false; error: IptError } {
  const r = parseCommand(args, { ruleOnly: true })
  if (isErr(r)) return { ok: false, error: r }
  return { ok: true, rule: r.rule }
}

export { isErr as isIptError }

/**
 * The kernel's checks of one rule (checkentry of the NAT and REJECT targets, and what nft cannot
 * express), for a rule that runs at `hook` (a built-in chain; undefined for a user chain no
 * built-in chain reaches, where only the table is checked).
 */
export function targetAllowed(table: TableName, hook: string | undefined, rule: Rule): boolean {
  const t = rule.target
  const hookOk = (hooks: string[]) => hook === undefined || hooks.includes(hook)
  if (
    rule.matches.some((m) => m.module === 'icmp') &&
    (rule.proto?.name !== 'icmp' || rule.proto.negate)
  )
    return false
  // nft cannot express a negated zero-length prefix: `! -s 0.0.0.0/0` is refused
  if (
    (rule.src?.negate && rule.src.cidr.endsWith('/0')) ||
    (rule.dst?.negate && rule.dst.cidr.endsWith('/0'))
  )
    return false
  if (!t) return true
  switch (t.kind) {
    case 'DNAT':
      return table === 'nat' && hookOk(['PREROUTING', 'OUTPUT'])
    case 'SNAT':
      return table === 'nat' && hookOk(['POSTROUTING', 'INPUT'])
    case 'MASQUERADE':
      return table === 'nat' && hookOk(['POSTROUTING'])
    case 'REJECT':
      if (t.rejectWith === 'tcp-reset' && (rule.proto?.name !== 'tcp' || rule.proto.negate))
        return false
      return table === 'filter' && hookOk(['INPUT', 'FORWARD', 'OUTPUT'])
    default:
      return true
  }
}

/** xshared.c: an input interface means nothing in OUTPUT/POSTROUTING, an output one in PREROUTING/INPUT. */
export function checkIfaceForChain(chain: string | undefined, rule: Rule): IptError | undefined {
  if ((chain === 'PREROUTING' || chain === 'INPUT') && rule.outIface)
    return paramError(`Can't use -o with ${chain}\n`)
  if ((chain === 'POSTROUTING' || chain === 'OUTPUT') && rule.inIface)
    return paramError(`Can't use -i with ${chain}\n`)
  return undefined
}

/** Names a chain may not take (`iptables -N`). */
export function checkChainName(name: string): IptError | undefined {
  if (name.startsWith('-')) return paramError("chain name not allowed to start with `-'")
  if (name.length >= 29)
    return paramError(`chain name \`${name}' too long (must be under 29 chars)`)
  if ((TARGET_NAMES as readonly string[]).includes(name))
    return paramError('chain name may not clash with target name')
  if (/[\s!]/.test(name) || name === '') return paramError(`Invalid chain name \`${name}'`)
  return undefined
}
