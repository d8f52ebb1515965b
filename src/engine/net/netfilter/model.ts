// The netfilter model of one node: tables of chains of rules, as the kernel holds them after
// `iptables-restore`. Plain data (immer drafts, snapshots, replay), no functions inside.
//
// This file is the contract between three parts:
// - the iptables grammar (parse.ts, restore.ts, save.ts, list.ts, command.ts): text <-> this model,
// - the packet walker (evaluate.ts, conntrack.ts): runs a packet through the hooks of this model,
// - the rule writers (net/kubeproxy, the kubelet and VPC CNI baselines): they write iptables-restore
//   text, exactly as the real programs do, and never build these objects by hand.
//
// Sources: iptables(8), iptables-extensions(8); FIDELITY.md §3-§5.

export type TableName = 'raw' | 'mangle' | 'nat' | 'filter'

export type BuiltinChain = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING'

/** The built-in chains each table has (iptables(8) "TABLES"), in the order iptables-save prints them. */
export const BUILTIN_CHAINS: Record<TableName, readonly BuiltinChain[]> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
}

/** iptables-save prints the tables in the kernel's registration order. */
export const TABLE_ORDER: readonly TableName[] = ['raw', 'mangle', 'nat', 'filter']

export interface Counters {
  packets: number
  bytes: number
}

/** `-s`/`-d`: always held as a canonical network, `a.b.c.d/len` (a host is `/32`). */
export interface AddrMatch {
  cidr: string
  negate?: boolean
}

/** `-i`/`-o`: a name, or a prefix ending in `+` (`eni+`). */
export interface IfaceMatch {
  name: string
  negate?: boolean
}

/** A port or an inclusive range `from:to`. */
export interface PortMatch {
  from: number
  to?: number
  negate?: boolean
}

export type CtState = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'UNTRACKED' | 'SNAT' | 'DNAT'

export type AddrType =
  | 'UNSPEC'
  | 'UNICAST'
  | 'LOCAL'
  | 'BROADCAST'
  | 'ANYCAST'
  | 'MULTICAST'
  | 'BLACKHOLE'
  | 'UNREACHABLE'
  | 'PROHIBIT'
  | 'THROW'
  | 'NAT'
  | 'XRESOLVE'

/** One `-m <module> …` match with its options. Kept in the order the rule gives them. */
export type Match =
  | { module: 'comment'; comment: string }
  | { module: 'tcp' | 'udp'; sport?: PortMatch; dport?: PortMatch }
  | { module: 'icmp'; icmpType: string; negate?: boolean }
  | {
      module: 'multiport'
      dports?: PortMatch[]
      sports?: PortMatch[]
      ports?: PortMatch[]
      negate?: boolean
    }
  | {
      module: 'statistic'
      mode: 'random'
      /** as xt_statistic stores it: lround(p * 2^31); a packet matches when (rand32 & 0x7fffffff) < fixed */
      fixed: number
      negate?: boolean
    }
  | { module: 'mark'; value: number; mask: number; negate?: boolean }
  | { module: 'connmark'; value: number; mask: number; negate?: boolean }
  | {
      module: 'conntrack'
      ctstate: CtState[]
      negate?: boolean
      /** written as `-m state --state …` (the older match, same semantics; iptables-save keeps the spelling) */
      alias?: 'state'
    }
  | {
      module: 'addrtype'
      srcType?: { type: AddrType; negate?: boolean }
      dstType?: { type: AddrType; negate?: boolean }
      limitIfaceIn?: boolean
      limitIfaceOut?: boolean
    }
  | {
      /** kube-proxy's sessionAffinity: ClientIP (`-m recent --name <SEP> --set|--rcheck --seconds N --reap`) */
      module: 'recent'
      name: string
      op: 'set' | 'rcheck' | 'update' | 'remove'
      seconds?: number
      reap?: boolean
      /** --rsource (default) or --rdest */
      side: 'source' | 'dest'
      mask?: string
    }

export type Target =
  | { kind: 'ACCEPT' }
  | { kind: 'DROP' }
  | { kind: 'RETURN' }
  /** `-j <user chain>` */
  | { kind: 'jump'; chain: string }
  /** `-g <user chain>` */
  | { kind: 'goto'; chain: string }
  /** default `--reject-with icmp-port-unreachable` */
  | { kind: 'REJECT'; rejectWith: string }
  /** `--to-destination ip[:port]` */
  | { kind: 'DNAT'; to: string; random?: boolean; persistent?: boolean }
  /** `--to-source ip[:port]` */
  | { kind: 'SNAT'; to: string; random?: boolean; randomFully?: boolean; persistent?: boolean }
  | { kind: 'MASQUERADE'; toPorts?: string; random?: boolean; randomFully?: boolean }
  /** canonical form of --set-mark/--or-mark/--xor-mark/--and-mark: mark = (mark & ~mask) ^ value */
  | { kind: 'MARK'; value: number; mask: number }
  | {
      kind: 'CONNMARK'
      /** set-xmark: ctmark = (ctmark & ~mask) ^ value; save/restore copy between packet and conntrack */
      op: 'set-xmark' | 'save-mark' | 'restore-mark'
      value?: number
      mask?: number
      nfmask?: number
      ctmask?: number
    }
  | { kind: 'LOG'; prefix?: string; level?: string }

export interface Rule {
  src?: AddrMatch
  dst?: AddrMatch
  inIface?: IfaceMatch
  outIface?: IfaceMatch
  /** `-p tcp|udp|icmp|sctp|all`, lower-case */
  proto?: { name: string; negate?: boolean }
  matches: Match[]
  /** absent: a rule that only counts */
  target?: Target
  counters: Counters
}

export interface Chain {
  name: string
  /** built-in chains only */
  policy?: 'ACCEPT' | 'DROP'
  /** the policy's counters for a built-in chain; [0:0] for user chains */
  counters: Counters
  rules: Rule[]
}

export interface Table {
  name: TableName
  /**
   * iptables-nft creates a table in the kernel only when something writes to it (a restore, -A, -N,
   * -P, -F …); `iptables-save` prints only tables that exist. Absent = not created yet (unless it holds
   * rules, user chains or a non-default policy, which imply it was).
   */
  present?: boolean
  /** by name; iptables-save sorts, so insertion order carries no meaning */
  chains: Record<string, Chain>
}

export interface NetfilterState {
  tables: Record<TableName, Table>
}

/** xt_recent's lists (`/proc/net/xt_recent/<name>`): list name -> address -> virtual ms last seen.
 * Kernel state of the netns, not part of the tables: an iptables-restore keeps it. */
export type RecentLists = Record<string, Record<string, number>>

/** The connection tracking table of a node (`conntrack -L`). */
export interface Tuple {
  proto: 'tcp' | 'udp' | 'icmp'
  src: string
  dst: string
  /** tcp/udp ports; for icmp `sport` is the echo id and `dport` is `type` */
  sport: number
  dport: number
}

export interface ConntrackEntry {
  /** a per-node counter, stable across snapshots */
  id: number
  original: Tuple
  reply: Tuple
  /** TCP state as `conntrack -L` prints it (SYN_SENT, ESTABLISHED, TIME_WAIT …); absent for udp/icmp */
  tcpState?: string
  /** seen traffic in both directions */
  replied: boolean
  assured: boolean
  /** connmark (the VPC CNI's 0x80) */
  mark: number
  /** virtual ms at which the entry expires */
  expiresAt: number
  /** udp: the kernel's stream_ts (creation + 2 s); replies after it make the flow a stream */
  udpStreamAt?: number
}

export interface ConntrackState {
  nextId: number
  entries: ConntrackEntry[]
}

export function emptyCounters(): Counters {
  return { packets: 0, bytes: 0 }
}

/** A netns's tables as the kernel creates them: built-in chains, ACCEPT policies, no rules. */
export function emptyNetfilter(): NetfilterState {
  const tables = {} as Record<TableName, Table>
  for (const name of TABLE_ORDER) {
    const chains: Record<string, Chain> = {}
    for (const c of BUILTIN_CHAINS[name])
      chains[c] = { name: c, policy: 'ACCEPT', counters: emptyCounters(), rules: [] }
    tables[name] = { name, chains }
  }
  return { tables }
}
