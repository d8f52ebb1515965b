// `iptables -L [chain] [-n] [-v] [-x] [--line-numbers]`, laid out as iptables 1.8 prints it:
// iptables/nft.c print_header, iptables/xshared.c print_rule_details / print_ipv4_addresses /
// print_ifaces, libxtables xtables_print_num, and the print functions of extensions/libxt_*.c.
// Checked against iptables 1.8.9 in differential.test.ts.
//
// Simplifications (said here because the learner sees them): without -n, real iptables resolves
// addresses to host names through DNS and ports through /etc/services; the simulation has no
// resolver, so addresses stay numeric (except 0.0.0.0/0 = `anywhere`) and only the common service
// names of names.ts are used.

import type { Chain, Match, PortMatch, Rule, Table, Target } from './model.ts'
import { BUILTIN_CHAINS } from './model.ts'
import { icmpParts, ICMP_CODES, LOG_LEVEL_PRINT, protoNumber, serviceName } from './names.ts'
import { hex, multiportList, orderedChains, probabilityString } from './save.ts'
import { EKS_IPTABLES_VERSION } from './names.ts'

export interface ListOptions {
  chain?: string
  ruleNum?: number
  numeric?: boolean
  verbose?: boolean
  /** -x: exact counters instead of K/M/G */
  exact?: boolean
  lineNumbers?: boolean
  version?: string
}

const padR = (s: string, n: number) => s.padEnd(n, ' ')
const padL = (s: string, n: number) => s.padStart(n, ' ')

/** xtables_print_num: `%5llu ` with K/M/G/T above 99999 unless -x (`%8llu `); unpadded in headers. */
export function printNum(n: number, exact: boolean, noTable = false): string {
  if (exact) return noTable ? `${n} ` : `${padL(String(n), 8)} `
  if (n <= 99999) return noTable ? `${n} ` : `${padL(String(n), 5)} `
  let v = n
  for (const unit of ['K', 'M', 'G', 'T']) {
    v = Math.floor((v + 500) / 1000)
    if (v <= 9999 || unit === 'T') return noTable ? `${v}${unit} ` : `${padL(String(v), 4)}${unit} `
  }
  return `${v}T `
}

function port(p: number, numeric: boolean): string {
  return numeric ? String(p) : (serviceName(p) ?? String(p))
}

function printPorts(name: string, p: PortMatch | undefined, numeric: boolean): string {
  if (!p) return ''
  const max = p.to ?? p.from
  if (p.from === 0 && max === 65535 && !p.negate) return ''
  const inv = p.negate ? '!' : ''
  if (p.from === max) return ` ${name}:${inv}${port(p.from, numeric)}`
  return ` ${name}s:${inv}${port(p.from, numeric)}:${port(max, numeric)}`
}

const markValue = (v: number, m: number) => (m === 0xffffffff ? hex(v) : `${hex(v)}/${hex(m)}`)

function printIcmp(canon: string, negate: boolean | undefined, numeric: boolean): string {
  const { type, min, max } = icmpParts(canon)
  if (!numeric) {
    const hit = ICMP_CODES.find(([, t, a, b]) => t === type && a === min && b === max)
    if (hit) return ` ${negate ? '!' : ''}${hit[0]}`
  }
  let s = negate ? ' !' : ''
  s += `type ${type}`
  if (min === max) s += ` code ${min}`
  else if (min !== 0 || max !== 0xff) s += ` codes ${min}-${max}`
  return s
}

export function listMatch(m: Match, numeric: boolean): string {
  switch (m.module) {
    case 'comment':
      return ` /* ${m.comment} */`
    case 'tcp':
    case 'udp':
      return (
        ` ${m.module}` + printPorts('spt', m.sport, numeric) + printPorts('dpt', m.dport, numeric)
      )
    case 'icmp':
      return ` icmp${printIcmp(m.icmpType, m.negate, numeric)}`
    case 'multiport': {
      const [key, list] = multiportList(m)
      const ports = list
        .map((p) =>
          p.to === undefined
            ? port(p.from, numeric)
            : `${port(p.from, numeric)}:${port(p.to, numeric)}`,
        )
        .join(',')
      return ` multiport ${key} ${m.negate ? ' !' : ''}${ports}`
    }
    case 'statistic':
      return ` statistic mode random${m.negate ? ' !' : ''} probability ${probabilityString(m.fixed)}`
    case 'mark':
      return ` mark match${m.negate ? ' !' : ''} ${markValue(m.value, m.mask)}`
    case 'connmark':
      return ` connmark match ${m.negate ? '!' : ''} ${markValue(m.value, m.mask)}`
    case 'conntrack':
      return ` ${m.negate ? '! ' : ''}${m.alias === 'state' ? 'state' : 'ctstate'} ${m.ctstate.join(',')}`
    case 'addrtype': {
      let s = ' ADDRTYPE match'
      if (m.srcType) s += ` src-type ${m.srcType.negate ? '!' : ''}${m.srcType.type}`
      if (m.dstType) s += ` dst-type ${m.dstType.negate ? '!' : ''}${m.dstType.type}`
      if (m.limitIfaceIn) s += ' limit-in'
      if (m.limitIfaceOut) s += ' limit-out'
      return s
    }
    case 'recent': {
      const op = { set: 'SET', rcheck: 'CHECK', update: 'UPDATE', remove: 'REMOVE' }[m.op]
      let s = ` recent: ${op}`
      if (m.seconds !== undefined) s += ` seconds: ${m.seconds}`
      if (m.reap) s += ' reap'
      return s + ` name: ${m.name} side: ${m.side} mask: ${m.mask ?? '255.255.255.255'}`
    }
  }
}

function xmark(prefix: string, value: number, mask: number): string {
  if (value === 0) return ` ${prefix} and ${hex(~mask >>> 0)}`
  if (value === mask) return ` ${prefix} or ${hex(value)}`
  if (mask === 0) return ` ${prefix} xor ${hex(value)}`
  if (mask === 0xffffffff) return ` ${prefix} set ${hex(value)}`
  return ` ${prefix} xset ${hex(value)}/${hex(mask)}`
}

export function listTarget(t: Target, numeric: boolean): string {
  switch (t.kind) {
    case 'REJECT':
      return ` reject-with ${t.rejectWith}`
    case 'DNAT':
    case 'SNAT':
      return (
        ` to:${t.to}${t.random ? ' random' : ''}` +
        `${t.kind === 'SNAT' && t.randomFully ? ' random-fully' : ''}${t.persistent ? ' persistent' : ''}`
      )
    case 'MASQUERADE':
      return (
        (t.toPorts ? ` masq ports: ${t.toPorts}` : '') +
        (t.random ? ' random' : '') +
        (t.randomFully ? ' random-fully' : '')
      )
    case 'MARK':
      return xmark('MARK', t.value, t.mask)
    case 'CONNMARK': {
      if (t.op === 'set-xmark') return xmark('CONNMARK', t.value ?? 0, t.mask ?? 0)
      const nf = t.nfmask ?? 0xffffffff
      const ct = t.ctmask ?? 0xffffffff
      if (t.op === 'save-mark') {
        if (nf === 0xffffffff && ct === 0xffffffff) return ' CONNMARK save'
        if (nf === ct) return ` CONNMARK save mask ${hex(nf)}`
        return ` CONNMARK save nfmask ${hex(nf)} ctmask ~${hex(ct)}`
      }
      if (nf === 0xffffffff && ct === 0xffffffff) return ' CONNMARK restore'
      if (nf === ct) return ` CONNMARK restore mask ${hex(ct)}`
      return ` CONNMARK restore ctmask ${hex(ct)} nfmask ~${hex(nf)}`
    }
    case 'LOG': {
      const level = Number(t.level ?? '4')
      let s = numeric ? ` LOG flags 0 level ${level}` : ` LOG level ${LOG_LEVEL_PRINT[level]}`
      if (t.prefix) s += ` prefix "${t.prefix}"`
      return s
    }
    default:
      return ''
  }
}

function targetName(t: Target | undefined): string {
  if (!t) return ''
  return t.kind === 'jump' || t.kind === 'goto' ? t.chain : t.kind
}

function address(a: { cidr: string; negate?: boolean } | undefined, numeric: boolean): string {
  const cidr = a?.cidr ?? '0.0.0.0/0'
  const [ip, len] = cidr.split('/')
  const text = len === '0' && !numeric ? 'anywhere' : len === '32' ? ip! : cidr
  return (a?.negate ? '!' : ' ') + padR(text, 19) + ' '
}

/** How many rules of the table jump or go to the chain (`(N references)`). */
export function references(table: Table, chain: string): number {
  return referenceCounts(table).get(chain) ?? 0
}

/** All chains' reference counts in one pass (a node with 1,000 Services has thousands of chains). */
export function referenceCounts(table: Table): Map<string, number> {
  const counts = new Map<string, number>()
  for (const c of Object.values(table.chains))
    for (const r of c.rules)
      if (r.target?.kind === 'jump' || r.target?.kind === 'goto')
        counts.set(r.target.chain, (counts.get(r.target.chain) ?? 0) + 1)
  return counts
}

function header(
  table: Table,
  refs: Map<string, number>,
  c: Chain,
  o: Required<Omit<ListOptions, 'chain' | 'ruleNum'>>,
): string[] {
  const builtin = (BUILTIN_CHAINS[table.name] as readonly string[]).includes(c.name)
  let first = `Chain ${c.name}`
  if (builtin) {
    first += ` (policy ${c.policy ?? 'ACCEPT'}`
    if (o.verbose)
      first += ` ${printNum(c.counters.packets, o.exact, true)}packets, ${printNum(c.counters.bytes, o.exact, true)}bytes`
    first += ')'
  } else first += ` (${refs.get(c.name) ?? 0} references)`
  let cols = ''
  if (o.lineNumbers) cols += padR('num', 4) + ' '
  if (o.verbose)
    // nft.c print_header uses %8s %10s under -x while the rows use %8llu for both
    cols += o.exact
      ? `${padL('pkts', 8)} ${padL('bytes', 10)} `
      : `${padL('pkts', 5)} ${padL('bytes', 5)} `
  cols += padR('target', 9) + ' '
  cols += ' prot opt'
  if (o.verbose) cols += ` ${padR('in', 6)} ${padR('out', 6)} `
  cols += ` ${padR('source', 19)} `
  cols += ` ${padR('destination', 19)} `
  return [first, cols]
}

export function listRule(
  rule: Rule,
  num: number,
  o: Required<Omit<ListOptions, 'chain' | 'ruleNum'>>,
): string {
  let s = ''
  if (o.lineNumbers) s += padR(String(num), 4) + ' '
  if (o.verbose)
    s += printNum(rule.counters.packets, o.exact) + printNum(rule.counters.bytes, o.exact)
  s += padR(targetName(rule.target), 9) + ' '
  s += rule.proto?.negate ? '!' : ' '
  const pname = rule.proto?.name ?? 'all'
  // iptables 1.8.9 printed protocol numbers under -n (netfilter bugzilla #1729, fixed in 1.8.10)
  const numericProto = o.numeric && o.version === '1.8.9'
  s += padR(numericProto ? String(protoNumber(pname) ?? pname) : pname, 5)
  s += '-- '
  if (o.verbose) {
    const iface = (i: { name: string; negate?: boolean } | undefined) =>
      i ? (i.negate ? '!' : '') + i.name : o.numeric ? '*' : 'any'
    s += ` ${padR(iface(rule.inIface), 6)} ${padR(iface(rule.outIface), 6)} `
  }
  s += address(rule.src, o.numeric) + address(rule.dst, o.numeric)
  if (rule.target?.kind === 'goto') s += '[goto] '
  for (const m of rule.matches) s += listMatch(m, o.numeric)
  if (rule.target) s += listTarget(rule.target, o.numeric)
  return s
}

/** `iptables -L`: the listing of the table (or one chain) as lines. */
export function iptablesList(table: Table, opts: ListOptions = {}): string[] {
  const o = {
    numeric: !!opts.numeric,
    verbose: !!opts.verbose,
    exact: !!opts.exact,
    lineNumbers: !!opts.lineNumbers,
    version: opts.version ?? EKS_IPTABLES_VERSION,
  }
  const chains = opts.chain
    ? [table.chains[opts.chain]].filter((c): c is Chain => !!c)
    : orderedChains(table)
  const lines: string[] = []
  const refs = referenceCounts(table)
  chains.forEach((c, i) => {
    if (i > 0) lines.push('')
    lines.push(...header(table, refs, c, o))
    c.rules.forEach((r, k) => {
      if (opts.ruleNum !== undefined && opts.ruleNum !== k + 1) return
      lines.push(listRule(r, k + 1, o))
    })
  })
  return lines
}
