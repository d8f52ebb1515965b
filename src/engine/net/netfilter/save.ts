// `iptables-save` and `iptables -S`: the model back to text in iptables' canonical spelling.
// Sources: iptables/nft-ipv4.c nft_ipv4_save_rule (addresses, interfaces, protocol, then the
// matches in their order, then the target), libxtables xtables_save_string (quoting), the
// extensions' save functions (libxt_tcp.c, libxt_statistic.c, libxt_MARK.c …). Checked byte for
// byte against iptables 1.8.9 in differential.test.ts.

import type {
  Chain,
  Match,
  NetfilterState,
  PortMatch,
  Rule,
  Table,
  TableName,
  Target,
} from './model.ts'
import { BUILTIN_CHAINS } from './model.ts'
import { EKS_IPTABLES_VERSION } from './names.ts'
import { EPOCH_MS } from '../../time.ts'

/**
 * The order iptables-nft prints tables in: its table enum (iptables/nft.h: MANGLE, SECURITY, RAW,
 * FILTER, NAT), not the legacy /proc registration order.
 */
export const SAVE_TABLE_ORDER: readonly TableName[] = ['mangle', 'raw', 'filter', 'nat']

export const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`

const SAFE = /^[A-Za-z0-9_-]+$/

/** xtables_save_string: bare when only [A-Za-z0-9_-], else double-quoted with `"`, `\`, `'` escaped. */
export function saveString(s: string): string {
  if (SAFE.test(s)) return s
  return `"${s.replace(/["\\']/g, (c) => '\\' + c)}"`
}

/** A multiport match holds one of --sports, --dports, --ports: its option name and its list. */
export function multiportList(
  m: Extract<Match, { module: 'multiport' }>,
): ['sports' | 'dports' | 'ports', PortMatch[]] {
  return m.sports
    ? ['sports', m.sports]
    : m.dports
      ? ['dports', m.dports]
      : ['ports', m.ports ?? []]
}

/** The kernel keeps lround(p * 2^31); iptables prints it back with %.11f (glibc: exact, half to even). */
export function probabilityString(fixed: number): string {
  const q = BigInt(fixed) * 10n ** 11n
  const d = 1n << 31n
  let n = q / d
  const r = q % d
  if (2n * r > d || (2n * r === d && n % 2n === 1n)) n++
  const s = n.toString().padStart(12, '0')
  return `${s.slice(0, -11)}.${s.slice(-11)}`
}

const portRange = (p: PortMatch, sep = ':') =>
  p.to === undefined ? String(p.from) : `${p.from}${sep}${p.to}`

const fullRange = (p: PortMatch) => p.from === 0 && p.to === 65535

const neg = (b: boolean | undefined) => (b ? ' !' : '')

function markValue(v: number, m: number): string {
  return m === 0xffffffff ? hex(v) : `${hex(v)}/${hex(m)}`
}

export function saveMatch(m: Match): string {
  switch (m.module) {
    case 'comment':
      return `-m comment --comment ${saveString(m.comment)}`
    case 'tcp':
    case 'udp': {
      let s = `-m ${m.module}`
      if (m.sport && !fullRange(m.sport))
        s += `${neg(m.sport.negate)} --sport ${portRange(m.sport)}`
      if (m.dport && !fullRange(m.dport))
        s += `${neg(m.dport.negate)} --dport ${portRange(m.dport)}`
      return s
    }
    case 'icmp':
      return `-m icmp${neg(m.negate)} --icmp-type ${m.icmpType}`
    case 'multiport': {
      const [key, list] = multiportList(m)
      return `-m multiport${neg(m.negate)} --${key} ${list.map((p) => portRange(p)).join(',')}`
    }
    case 'statistic':
      return `-m statistic --mode random${neg(m.negate)} --probability ${probabilityString(m.fixed)}`
    case 'mark':
    case 'connmark':
      return `-m ${m.module}${neg(m.negate)} --mark ${markValue(m.value, m.mask)}`
    case 'conntrack':
      return m.alias === 'state'
        ? `-m state${neg(m.negate)} --state ${m.ctstate.join(',')}`
        : `-m conntrack${neg(m.negate)} --ctstate ${m.ctstate.join(',')}`
    case 'addrtype': {
      let s = '-m addrtype'
      if (m.srcType) s += `${neg(m.srcType.negate)} --src-type ${m.srcType.type}`
      if (m.dstType) s += `${neg(m.dstType.negate)} --dst-type ${m.dstType.type}`
      if (m.limitIfaceIn) s += ' --limit-iface-in'
      if (m.limitIfaceOut) s += ' --limit-iface-out'
      return s
    }
    case 'recent': {
      let s = `-m recent --${m.op}`
      if (m.seconds !== undefined) s += ` --seconds ${m.seconds}`
      if (m.reap) s += ' --reap'
      s += ` --name ${m.name} --mask ${m.mask ?? '255.255.255.255'}`
      return s + (m.side === 'dest' ? ' --rdest' : ' --rsource')
    }
  }
}

export function saveTarget(t: Target): string {
  switch (t.kind) {
    case 'ACCEPT':
    case 'DROP':
    case 'RETURN':
      return `-j ${t.kind}`
    case 'jump':
      return `-j ${t.chain}`
    case 'goto':
      return `-g ${t.chain}`
    case 'REJECT':
      return `-j REJECT --reject-with ${t.rejectWith}`
    case 'DNAT':
      return `-j DNAT --to-destination ${t.to}${t.random ? ' --random' : ''}${t.persistent ? ' --persistent' : ''}`
    case 'SNAT':
      return (
        `-j SNAT --to-source ${t.to}${t.random ? ' --random' : ''}` +
        `${t.randomFully ? ' --random-fully' : ''}${t.persistent ? ' --persistent' : ''}`
      )
    case 'MASQUERADE':
      return (
        `-j MASQUERADE${t.toPorts ? ` --to-ports ${t.toPorts}` : ''}` +
        `${t.random ? ' --random' : ''}${t.randomFully ? ' --random-fully' : ''}`
      )
    case 'MARK':
      return `-j MARK --set-xmark ${hex(t.value)}/${hex(t.mask)}`
    case 'CONNMARK':
      if (t.op === 'set-xmark')
        return `-j CONNMARK --set-xmark ${hex(t.value ?? 0)}/${hex(t.mask ?? 0)}`
      return `-j CONNMARK --${t.op} --nfmask ${hex(t.nfmask ?? 0xffffffff)} --ctmask ${hex(t.ctmask ?? 0xffffffff)}`
    case 'LOG':
      return (
        '-j LOG' +
        (t.prefix ? ` --log-prefix ${saveString(t.prefix)}` : '') +
        (t.level !== undefined && t.level !== '4' ? ` --log-level ${t.level}` : '')
      )
  }
}

/**
 * The rule's options after `-A CHAIN`, in iptables' canonical order and spelling; `counters`
 * (`iptables -S -v`) go between the matches and the target, as nft_rule_print_save puts them.
 */
export function ruleSpec(rule: Rule, counters = false): string {
  const parts: string[] = []
  const not = (b?: boolean) => (b ? '! ' : '')
  if (rule.src) parts.push(`${not(rule.src.negate)}-s ${rule.src.cidr}`)
  if (rule.dst) parts.push(`${not(rule.dst.negate)}-d ${rule.dst.cidr}`)
  if (rule.inIface) parts.push(`${not(rule.inIface.negate)}-i ${rule.inIface.name}`)
  if (rule.outIface) parts.push(`${not(rule.outIface.negate)}-o ${rule.outIface.name}`)
  if (rule.proto) parts.push(`${not(rule.proto.negate)}-p ${rule.proto.name}`)
  for (const m of rule.matches) parts.push(saveMatch(m))
  if (counters) parts.push(`-c ${rule.counters.packets} ${rule.counters.bytes}`)
  if (rule.target) parts.push(saveTarget(rule.target))
  return parts.join(' ')
}

export function ruleLine(chain: string, rule: Rule, counters = false): string {
  const spec = ruleSpec(rule, counters)
  return spec ? `-A ${chain} ${spec}` : `-A ${chain}`
}

const isBuiltin = (table: TableName, name: string) =>
  (BUILTIN_CHAINS[table] as readonly string[]).includes(name)

/** Built-in chains in their hook order, then user chains sorted by name (strcmp). */
export function orderedChains(table: Table): Chain[] {
  const builtins = BUILTIN_CHAINS[table.name]
    .map((n) => table.chains[n])
    .filter((c): c is Chain => !!c)
  const users = Object.values(table.chains)
    .filter((c) => !isBuiltin(table.name, c.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return [...builtins, ...users]
}

/** Whether the table exists in the kernel (see Table.present). */
export function tablePresent(table: Table): boolean {
  if (table.present) return true
  return Object.values(table.chains).some(
    (c) =>
      !isBuiltin(table.name, c.name) ||
      c.rules.length > 0 ||
      (c.policy !== undefined && c.policy !== 'ACCEPT') ||
      c.counters.packets > 0,
  )
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** ctime(3) of a simulated instant, in UTC (EKS nodes run in UTC): `Thu Nov 26 08:19:37 2026`. */
export function ctime(simMs: number): string {
  const d = new Date(EPOCH_MS + Math.floor(simMs))
  const p2 = (n: number) => String(n).padStart(2, '0')
  return (
    `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ` +
    `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()}`
  )
}

export interface SaveOptions {
  table?: TableName
  counters?: boolean
  /** simulated ms (state.now) for the header date */
  now: number
  version?: string
}

/** `iptables-save [-t table] [-c]`, byte for byte. */
export function iptablesSave(nf: NetfilterState, opts: SaveOptions): string {
  const version = opts.version ?? EKS_IPTABLES_VERSION
  const when = ctime(opts.now)
  let out = ''
  for (const name of SAVE_TABLE_ORDER) {
    if (opts.table && opts.table !== name) continue
    const table = nf.tables[name]
    if (!table || (!opts.table && !tablePresent(table))) continue
    out += `# Generated by iptables-save v${version} (nf_tables) on ${when}\n*${name}\n`
    const chains = orderedChains(table)
    for (const c of chains)
      out += `:${c.name} ${c.policy ?? '-'} [${c.counters.packets}:${c.counters.bytes}]\n`
    for (const c of chains)
      for (const r of c.rules)
        out += `${opts.counters ? `[${r.counters.packets}:${r.counters.bytes}] ` : ''}${ruleLine(c.name, r)}\n`
    out += `COMMIT\n# Completed on ${when}\n`
  }
  return out
}

/** `iptables -S [chain [n]] [-v]`: the rules of one table as commands. */
export function iptablesRules(
  table: Table,
  opts: { chain?: string; ruleNum?: number; verbose?: boolean } = {},
): string[] {
  const chains = opts.chain ? [table.chains[opts.chain]!].filter(Boolean) : orderedChains(table)
  const counters = (c: { packets: number; bytes: number }) =>
    opts.verbose ? ` -c ${c.packets} ${c.bytes}` : ''
  const lines: string[] = []
  if (opts.ruleNum !== undefined) {
    const c = chains[0]
    const r = c?.rules[opts.ruleNum - 1]
    if (c && r) lines.push(ruleLine(c.name, r, opts.verbose))
    return lines
  }
  for (const c of chains)
    lines.push(c.policy ? `-P ${c.name} ${c.policy}${counters(c.counters)}` : `-N ${c.name}`)
  for (const c of chains) for (const r of c.rules) lines.push(ruleLine(c.name, r, opts.verbose))
  return lines
}
