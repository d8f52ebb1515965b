// Name tables iptables prints and parses: protocols, services, ICMP types, log levels, reject types.
// Sources: iptables libxtables/xtables.c (xtables_chain_protos), extensions/libipt_icmp.c
// (icmp_codes), libxt_LOG.c, libipt_REJECT.c; /etc/services and /etc/protocols.

/**
 * The iptables an EKS AL2023 node runs: the AL2023 package iptables-nft-1.8.8-3.amzn2023.0.2 (seen in
 * public `dnf install` logs on AL2023: iptables-libs and iptables-nft 1.8.8-3.amzn2023.0.2; the nft
 * backend, no iptables-legacy installed). The project's nodes are AL2023 (aws/nodeInfo.ts).
 */
export const EKS_IPTABLES_VERSION = '1.8.8'

/** `-p` names iptables knows without /etc/protocols, and the common /etc/protocols ones. */
export const PROTOCOLS: Record<string, number> = {
  all: 0,
  icmp: 1,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  sctp: 132,
  udplite: 136,
}

export function protoNumber(name: string): number | undefined {
  return PROTOCOLS[name]
}

export function protoName(num: number): string | undefined {
  for (const [n, v] of Object.entries(PROTOCOLS)) if (v === num) return n
  return undefined
}

// A few entries of AL2023's /etc/services (the `setup` package, IANA names: 8080 is `webcache`).
// Simplification: the real file has ~11,000 lines; ports not listed here print as numbers.
const SERVICES: [string, number][] = [
  ['tcpmux', 1],
  ['ftp-data', 20],
  ['ftp', 21],
  ['ssh', 22],
  ['telnet', 23],
  ['smtp', 25],
  ['domain', 53],
  ['bootps', 67],
  ['bootpc', 68],
  ['http', 80],
  ['pop3', 110],
  ['ntp', 123],
  ['imap', 143],
  ['snmp', 161],
  ['bgp', 179],
  ['ldap', 389],
  ['https', 443],
  ['submission', 587],
  ['imaps', 993],
  ['pop3s', 995],
  ['mysql', 3306],
  ['postgresql', 5432],
  ['webcache', 8080],
]

export function serviceName(port: number): string | undefined {
  return SERVICES.find(([, p]) => p === port)?.[0]
}

export function servicePort(name: string): number | undefined {
  if (name === 'http-alt') return 8080
  if (name === 'www') return 80
  return SERVICES.find(([n]) => n === name)?.[1]
}

/** extensions/libipt_icmp.c icmp_codes: name, type, code range (0xFF = any type). */
export const ICMP_CODES: [string, number, number, number][] = [
  ['any', 0xff, 0, 0xff],
  ['echo-reply', 0, 0, 0xff],
  ['destination-unreachable', 3, 0, 0xff],
  ['network-unreachable', 3, 0, 0],
  ['host-unreachable', 3, 1, 1],
  ['protocol-unreachable', 3, 2, 2],
  ['port-unreachable', 3, 3, 3],
  ['fragmentation-needed', 3, 4, 4],
  ['source-route-failed', 3, 5, 5],
  ['network-unknown', 3, 6, 6],
  ['host-unknown', 3, 7, 7],
  ['network-prohibited', 3, 9, 9],
  ['host-prohibited', 3, 10, 10],
  ['TOS-network-unreachable', 3, 11, 11],
  ['TOS-host-unreachable', 3, 12, 12],
  ['communication-prohibited', 3, 13, 13],
  ['host-precedence-violation', 3, 14, 14],
  ['precedence-cutoff', 3, 15, 15],
  ['source-quench', 4, 0, 0xff],
  ['redirect', 5, 0, 0xff],
  ['network-redirect', 5, 0, 0],
  ['host-redirect', 5, 1, 1],
  ['TOS-network-redirect', 5, 2, 2],
  ['TOS-host-redirect', 5, 3, 3],
  ['echo-request', 8, 0, 0xff],
  ['router-advertisement', 9, 0, 0xff],
  ['router-solicitation', 10, 0, 0xff],
  ['time-exceeded', 11, 0, 0xff],
  ['ttl-zero-during-transit', 11, 0, 0],
  ['ttl-zero-during-reassembly', 11, 1, 1],
  ['parameter-problem', 12, 0, 0xff],
  ['ip-header-bad', 12, 0, 0],
  ['required-option-missing', 12, 1, 1],
  ['timestamp-request', 13, 0, 0xff],
  ['timestamp-reply', 14, 0, 0xff],
  ['address-mask-request', 17, 0, 0xff],
  ['address-mask-reply', 18, 0, 0xff],
]

const ICMP_ALIASES: Record<string, string> = {
  pong: 'echo-reply',
  ping: 'echo-request',
  'ttl-exceeded': 'time-exceeded',
}

/** `--icmp-type` value → canonical `type`, `type/code` or `any`, as iptables-save prints it. */
export function parseIcmpType(s: string): string | undefined {
  const name = ICMP_ALIASES[s] ?? s
  const hit = ICMP_CODES.find(([n]) => n === name)
  if (hit) return icmpCanonical(hit[1], hit[2], hit[3])
  const m = /^(\d+)(?:\/(\d+))?$/.exec(s)
  if (!m) return undefined
  const type = Number(m[1])
  if (type > 255) return undefined
  if (m[2] === undefined) return icmpCanonical(type, 0, 0xff)
  const code = Number(m[2])
  if (code > 255) return undefined
  return icmpCanonical(type, code, code)
}

function icmpCanonical(type: number, min: number, max: number): string {
  if (type === 0xff) return 'any'
  return min === 0 && max === 0xff ? String(type) : `${type}/${min}`
}

/** The canonical string back to type and code range. */
export function icmpParts(canon: string): { type: number; min: number; max: number } {
  if (canon === 'any') return { type: 0xff, min: 0, max: 0xff }
  const [t, c] = canon.split('/')
  return c === undefined
    ? { type: Number(t), min: 0, max: 0xff }
    : { type: Number(t), min: Number(c), max: Number(c) }
}

/** libxt_LOG.c: names accepted by --log-level … */
export const LOG_LEVEL_INPUT: Record<string, number> = {
  alert: 1,
  crit: 2,
  debug: 7,
  emerg: 0,
  error: 3,
  info: 6,
  notice: 5,
  panic: 0,
  warning: 4,
}
/** … and the names `iptables -L` prints for levels 0-7. */
export const LOG_LEVEL_PRINT = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug']

/** libipt_REJECT.c reject_table: name and alias. */
export const REJECT_TYPES: [string, string][] = [
  ['icmp-net-unreachable', 'net-unreach'],
  ['icmp-host-unreachable', 'host-unreach'],
  ['icmp-proto-unreachable', 'proto-unreach'],
  ['icmp-port-unreachable', 'port-unreach'],
  ['icmp-net-prohibited', 'net-prohib'],
  ['icmp-host-prohibited', 'host-prohib'],
  ['tcp-reset', 'tcp-rst'],
  ['icmp-admin-prohibited', 'admin-prohib'],
]

/** libxt_conntrack.c prints states in this bit order, whatever order they were given in. */
export const CTSTATE_ORDER = [
  'INVALID',
  'NEW',
  'RELATED',
  'ESTABLISHED',
  'UNTRACKED',
  'SNAT',
  'DNAT',
] as const

export const ADDR_TYPES = [
  'UNSPEC',
  'UNICAST',
  'LOCAL',
  'BROADCAST',
  'ANYCAST',
  'MULTICAST',
  'BLACKHOLE',
  'UNREACHABLE',
  'PROHIBIT',
  'THROW',
  'NAT',
  'XRESOLVE',
] as const

/** Standard verdicts and the target extensions this model knows (everything else after -j is a chain). */
export const TARGET_NAMES = [
  'ACCEPT',
  'DROP',
  'RETURN',
  'QUEUE',
  'REJECT',
  'DNAT',
  'SNAT',
  'MASQUERADE',
  'MARK',
  'CONNMARK',
  'LOG',
] as const
