import type { ConntrackEntry, ConntrackState, Tuple } from './model.ts'

// The connection tracking table of one network namespace (nf_conntrack): a flow's original and reply
// tuples, its state, and the timeout that the last packet set, in virtual time. An entry is created
// for a connection's first packet and is only inserted ("confirmed") when that packet leaves the
// last hook (POSTROUTING or INPUT) alive; a dropped first packet leaves nothing behind.
// Sources: linux net/netfilter/nf_conntrack_proto_tcp.c (tcp_timeouts, tcp_conntracks),
// nf_conntrack_proto_udp.c (udp_timeouts), conntrack-tools/libnetfilter_conntrack output.

const SECONDS = 1000

/**
 * TCP timeouts per state. The kernel defaults are tcp_timeouts[] (ESTABLISHED 5 days, CLOSE_WAIT
 * 60 s); kube-proxy overrides two sysctls on every node it runs on
 * (`conntrack.tcpEstablishedTimeout: 24h`, `tcpCloseWaitTimeout: 1h`, FIDELITY §7), so an EKS node
 * shows 86400 for an ESTABLISHED entry, not 432000.
 */
export const TCP_TIMEOUTS: Record<string, number> = {
  SYN_SENT: 120 * SECONDS,
  SYN_RECV: 60 * SECONDS,
  ESTABLISHED: 86400 * SECONDS,
  FIN_WAIT: 120 * SECONDS,
  CLOSE_WAIT: 3600 * SECONDS,
  LAST_ACK: 30 * SECONDS,
  TIME_WAIT: 120 * SECONDS,
  CLOSE: 10 * SECONDS,
}
/** nf_conntrack_udp_timeout (unreplied or short-lived) and nf_conntrack_udp_timeout_stream */
export const UDP_TIMEOUT = 30 * SECONDS
export const UDP_STREAM_TIMEOUT = 120 * SECONDS
/** nf_conntrack_icmp_timeout */
export const ICMP_TIMEOUT = 30 * SECONDS

/** conntrack-tools on AL2023 (dnf: conntrack-tools-1.4.6) */
export const CONNTRACK_VERSION = '1.4.6'

export type Direction = 'original' | 'reply'

export interface TcpFlags {
  syn?: boolean
  ack?: boolean
  fin?: boolean
  rst?: boolean
  psh?: boolean
}

export function emptyConntrack(): ConntrackState {
  return { nextId: 1, entries: [] }
}

function same(a: Tuple, b: Tuple): boolean {
  return (
    a.proto === b.proto &&
    a.src === b.src &&
    a.dst === b.dst &&
    a.sport === b.sport &&
    a.dport === b.dport
  )
}

export function invert(t: Tuple): Tuple {
  if (t.proto === 'icmp')
    // echo request (8) <-> echo reply (0); the id stays
    return { proto: 'icmp', src: t.dst, dst: t.src, sport: t.sport, dport: t.dport === 8 ? 0 : 8 }
  return { proto: t.proto, src: t.dst, dst: t.src, sport: t.dport, dport: t.sport }
}

/** Drops the entries whose timeout has run out (the kernel's gc worker). */
export function expire(ct: ConntrackState, now: number): void {
  if (ct.entries.some((e) => e.expiresAt <= now))
    ct.entries = ct.entries.filter((e) => e.expiresAt > now)
}

/** The confirmed entry a packet belongs to, and in which direction it travels. */
export function lookup(
  ct: ConntrackState,
  t: Tuple,
  now: number,
): { entry: ConntrackEntry; dir: Direction } | undefined {
  for (const entry of ct.entries) {
    if (entry.expiresAt <= now) continue
    if (same(entry.original, t)) return { entry, dir: 'original' }
    if (same(entry.reply, t)) return { entry, dir: 'reply' }
  }
  return undefined
}

/** A new, not yet confirmed entry: its reply tuple is the inverse until NAT changes it. */
export function newEntry(ct: ConntrackState, t: Tuple, now: number): ConntrackEntry {
  const entry: ConntrackEntry = {
    id: ct.nextId++,
    original: { ...t },
    reply: invert(t),
    replied: false,
    assured: false,
    mark: 0,
    expiresAt: now + (t.proto === 'udp' ? UDP_TIMEOUT : ICMP_TIMEOUT),
  }
  if (t.proto === 'tcp') entry.tcpState = 'SYN_SENT'
  if (t.proto === 'udp') entry.udpStreamAt = now + 2 * SECONDS
  return entry
}

export function confirm(ct: ConntrackState, entry: ConntrackEntry): void {
  if (!ct.entries.includes(entry)) ct.entries.push(entry)
}

/**
 * What one packet does to its entry: the TCP state machine (tcp_conntracks, the handful of moves a
 * normal open and close make), "seen reply", ASSURED, and the timeout.
 */
export function update(
  entry: ConntrackEntry,
  dir: Direction,
  flags: TcpFlags | undefined,
  now: number,
): void {
  if (dir === 'reply') entry.replied = true
  if (entry.original.proto === 'tcp') {
    const s = entry.tcpState ?? 'SYN_SENT'
    const f = flags ?? {}
    let next = s
    if (f.rst) next = 'CLOSE'
    else if (f.syn && f.ack && dir === 'reply' && s === 'SYN_SENT') next = 'SYN_RECV'
    else if (f.syn && !f.ack) next = s === 'CLOSE' || s === 'TIME_WAIT' ? 'SYN_SENT' : s
    else if (f.fin) {
      if (s === 'ESTABLISHED') next = 'FIN_WAIT'
      else if (s === 'FIN_WAIT' || s === 'CLOSE_WAIT') next = 'LAST_ACK'
    } else if (f.ack) {
      if (s === 'SYN_RECV' && dir === 'original') next = 'ESTABLISHED'
      else if (s === 'LAST_ACK') next = 'TIME_WAIT'
    }
    // tcp_packet(): a connection that completed the handshake is assured
    if (s === 'SYN_RECV' && next === 'ESTABLISHED') entry.assured = true
    entry.tcpState = next
    entry.expiresAt = now + (TCP_TIMEOUTS[next] ?? TCP_TIMEOUTS.ESTABLISHED!)
    return
  }
  if (entry.original.proto === 'udp') {
    // nf_conntrack_udp_packet(): traffic both ways extends the timeout; still active after 2 s of
    // replies it is a stream (120 s) and ASSURED. A DNS query and its answer stay at 30 s.
    if (entry.replied) {
      if (now > (entry.udpStreamAt ?? now)) {
        entry.assured = true
        entry.expiresAt = now + UDP_STREAM_TIMEOUT
      } else entry.expiresAt = now + UDP_TIMEOUT
    } else entry.expiresAt = now + UDP_TIMEOUT
    return
  }
  entry.expiresAt = now + ICMP_TIMEOUT
}

const PROTO_NUMBER = { tcp: 6, udp: 17, icmp: 1 } as const

function tupleText(t: Tuple): string {
  if (t.proto === 'icmp') return `src=${t.src} dst=${t.dst} type=${t.dport} code=0 id=${t.sport}`
  return `src=${t.src} dst=${t.dst} sport=${t.sport} dport=${t.dport}`
}

/**
 * One line of `conntrack -L`, as libnetfilter_conntrack's default output prints it: the protocol
 * name padded to 8, its number, the seconds left, the TCP state, the original tuple, `[UNREPLIED]`,
 * the reply tuple, `[ASSURED]`, the connmark and the use count.
 */
export function formatEntry(e: ConntrackEntry, now: number): string {
  const parts = [
    `${e.original.proto.padEnd(8)} ${PROTO_NUMBER[e.original.proto]}`,
    String(Math.max(0, Math.floor((e.expiresAt - now) / 1000))),
  ]
  if (e.tcpState) parts.push(e.tcpState)
  parts.push(tupleText(e.original))
  if (!e.replied) parts.push('[UNREPLIED]')
  parts.push(tupleText(e.reply))
  if (e.assured) parts.push('[ASSURED]')
  parts.push(`mark=${e.mark}`, 'use=1')
  return parts.join(' ')
}

export interface ConntrackFilter {
  proto?: string
  src?: string
  dst?: string
}

/** `conntrack -L`'s stdout lines and its stderr summary (which real conntrack prints on stderr). */
export function listConntrack(
  ct: ConntrackState | undefined,
  now: number,
  filter: ConntrackFilter = {},
): { lines: string[]; summary: string } {
  const shown = (ct?.entries ?? []).filter(
    (e) =>
      e.expiresAt > now &&
      (!filter.proto || e.original.proto === filter.proto) &&
      (!filter.src || e.original.src === filter.src) &&
      (!filter.dst || e.original.dst === filter.dst),
  )
  return {
    lines: shown.map((e) => formatEntry(e, now)),
    summary: `conntrack v${CONNTRACK_VERSION} (conntrack-tools): ${shown.length} flow entries have been shown.`,
  }
}
