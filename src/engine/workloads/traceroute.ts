import type { Ctx } from '../context.ts'
import type { ClusterState } from '../model/state.ts'
import { resolve, type ResolvConf } from '../net/dns.ts'
import { isIpv4 } from '../net/http.ts'
import { addressOf, transmit, type Delivery, type Hop, type Place } from '../net/path.ts'
import type { Output } from './programs.ts'
import type { ProgramRun } from './curl.ts'
import {
  INTERNET_RTT_MS,
  internetNote,
  isInternetName,
  UNSIMULATED_INTERNET_HOPS,
} from '../net/internet.ts'

// BusyBox traceroute (networking/traceroute.c, the applet in busybox, alpine and curlimages/curl)
// over the simulated network. Which hosts answer is derived from one probe's walk through the
// packet walker: every host namespace that routes the probe on (a 'route' hop that is not a local
// delivery) decrements the TTL and answers "time exceeded" from its primary IP; the VPC router does
// not show (AWS's VPC does not decrement the TTL); the NAT gateway answers from its private IP; the
// internet gateway does not answer; the destination answers "port unreachable" (UDP probe) or an
// echo reply (-I). Routers between the AWS internet gateway and an internet host are not simulated:
// their lines are `* * *`, and a dim note says so.
//
// Simplifications: one walk stands for every probe (real traceroute sends 3 per TTL, each its own
// packet and conntrack entry); the answers' way back is assumed open; no reverse (PTR) lookups are
// simulated, so each hop prints its address where the real tool would print the PTR name (on EKS
// `ip-192-168-6-121.us-west-2.compute.internal`). Times are made up from the hop count (no rng,
// no clock), not measured.
//
// Output format (networking/traceroute.c, BusyBox 1.3x traceroute_init/common_traceroute_main): on
// stdout, `traceroute to %s (%s), %d hops max, %d byte packets` with the host as typed (argv[0]);
// each TTL `%2d`, then per probe `  *` for no answer, or `  %s (%s)` for the answering host (`  %s`
// with -n) followed by `  %u.%03u ms`. 46 bytes: IP 20 + UDP 8 (or ICMP 8) + outdata_t 18.

/** What answers the probes sent with one TTL. */
export type TraceHop =
  | {
      kind: 'answer'
      addr: string
      /** this is the destination (traceroute stops after it) */
      final: boolean
      /** `!H`, `!N`, `!A`, `!C`: an ICMP unreachable instead of an answer (BusyBox's marks) */
      mark?: string
    }
  | { kind: 'silent'; reason: 'unsimulated' | 'lost' }

export interface WalkLookup {
  nodeIp(node: string): string | undefined
  /** the private IP of the NAT gateway a 'natgw' hop's label names (`nat-0abc… …`) */
  natPrivateIp(label: string): string | undefined
}

export { UNSIMULATED_INTERNET_HOPS } from '../net/internet.ts'

/** REJECT's --reject-with as the ICMP unreachable BusyBox marks it with (traceroute.c). */
function rejectMark(rejectWith: string | undefined): string | undefined {
  switch (rejectWith) {
    case 'icmp-net-unreachable':
      return '!N'
    case 'icmp-host-unreachable':
      return '!H'
    case 'icmp-net-prohibited':
    case 'icmp-admin-prohibited':
      return '!A'
    case 'icmp-host-prohibited':
      return '!C'
    default:
      // icmp-port-unreachable (REJECT's default) reads as "got there"
      return undefined
  }
}

/**
 * The answering hosts for TTL 1, 2, … from one probe's walk (`hops`, request direction) and where
 * it ended. `dst` is the address the probe was sent to (replies from a DNATed destination come
 * back un-NATed, so the last hop shows it).
 */
export function traceHops(
  lookup: WalkLookup,
  hops: readonly Hop[],
  end: Delivery['kind'],
  dst: string,
  reject?: { node: string; rejectWith?: string },
): TraceHop[] {
  const out: TraceHop[] = []
  for (const h of hops) {
    if (h.kind === 'route' && h.node && !h.label.endsWith(': local')) {
      const ip = lookup.nodeIp(h.node)
      if (ip) out.push({ kind: 'answer', addr: ip, final: false })
    } else if (h.kind === 'natgw') {
      const ip = lookup.natPrivateIp(h.label)
      if (ip) out.push({ kind: 'answer', addr: ip, final: false })
    } else if (h.kind === 'internet') {
      for (let i = 0; i < UNSIMULATED_INTERNET_HOPS; i++)
        out.push({ kind: 'silent', reason: 'unsimulated' })
      out.push({ kind: 'answer', addr: dst, final: true })
      return out
    }
  }
  if (end === 'delivered') out.push({ kind: 'answer', addr: dst, final: true })
  else if (end === 'rejected' && reject) {
    // the rejecting host answers the probe that got past its TTL check with an ICMP error
    const ip = lookup.nodeIp(reject.node) ?? dst
    const mark = rejectMark(reject.rejectWith)
    out.push({ kind: 'answer', addr: ip, final: true, ...(mark ? { mark } : {}) })
  }
  return out
}

export interface TracerouteOpts {
  numeric: boolean
  maxTtl: number
  probes: number
  icmp: boolean
  waitSec: number
  host: string
}

const USAGE = [
  'BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.',
  '',
  'Usage: traceroute [-46IFlnrv] [-f 1ST_TTL] [-m MAXTTL] [-q PROBES] [-p PORT]',
  '\t[-t TOS] [-w WAIT_SEC] [-s SRC_IP] [-i IFACE]',
  '\t[-z PAUSE_MSEC] HOST [BYTES]',
  '',
  'Trace the route to HOST',
]

export function parseTraceroute(args: readonly string[]): TracerouteOpts | { error: string[] } {
  const o: Omit<TracerouteOpts, 'host'> & { host?: string } = {
    numeric: false,
    maxTtl: 30,
    probes: 3,
    icmp: false,
    waitSec: 5,
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (!a.startsWith('-') || a.length === 1) {
      o.host ??= a
      continue
    }
    for (let k = 1; k < a.length; k++) {
      const f = a[k]!
      if ('46FlrvU'.includes(f)) continue
      if (f === 'n') o.numeric = true
      else if (f === 'I') o.icmp = true
      else if ('fmqpwtsiz'.includes(f)) {
        const v = a.slice(k + 1) || args[++i]
        const n = Number(v)
        if (v === undefined)
          return { error: [`traceroute: option requires an argument -- '${f}'`, ...USAGE] }
        if ('mqw'.includes(f) && !(Number.isInteger(n) && n >= (f === 'w' ? 0 : 1)))
          return { error: [`traceroute: invalid number '${v}'`] }
        if (f === 'm') o.maxTtl = n
        else if (f === 'q') o.probes = n
        else if (f === 'w') o.waitSec = n
        break
      } else return { error: [`traceroute: invalid option -- '${f}'`, ...USAGE] }
    }
  }
  if (!o.host) return { error: USAGE }
  return { ...o, host: o.host }
}

function lookupFor(state: ClusterState): WalkLookup {
  return {
    nodeIp: (n) => state.nodes[n]?.ip,
    natPrivateIp: (label) => {
      const id = label.split(' ')[0]
      const nat = state.aws.natGateways.find((g) => g.natGatewayId === id)
      return nat?.privateIp ?? state.aws.natGateways[0]?.privateIp
    },
  }
}

/** Made-up but stable round-trip times: a little longer per hop, an internet host further away. */
function rtt(ttl: number, probe: number, internet: boolean): string {
  const base = 0.04 + 0.18 * (ttl - 1) + (internet ? INTERNET_RTT_MS : 0)
  return (base * [1, 0.82, 0.74][probe % 3]!).toFixed(3)
}

/**
 * Runs `traceroute args` from `from` (inside a transaction: the probe walks the netfilter rules).
 * `uid` is the process's user: BusyBox opens raw sockets, which a non-root user may not
 * (curlimages/curl runs as curl_user).
 */
export function runTraceroute(
  ctx: Ctx,
  from: Place,
  args: readonly string[],
  env: { resolv: ResolvConf; libc: 'musl' | 'glibc'; uid: number },
): ProgramRun {
  const stderr = (text: string): Output => ({ stream: 'stderr', text })
  const stdout = (text: string): Output => ({ stream: 'stdout', text })
  const o = parseTraceroute(args)
  if ('error' in o) return { output: o.error.map(stderr), exitCode: 1, waitedMs: 0 }
  // xsocket(AF_INET, SOCK_RAW, IPPROTO_ICMP) fails for a non-root user: bb_perror_msg_and_die with
  // the verbose form (CONFIG_VERBOSE_RESOLUTION_ERRORS; unconfirmed for Alpine's build)
  if (env.uid !== 0)
    return {
      output: [stderr('traceroute: socket(AF_INET,3,1): Operation not permitted')],
      exitCode: 1,
      waitedMs: 0,
    }
  const state = ctx.state
  let dst = o.host
  const lines: Output[] = []
  let waited = 0
  if (!isIpv4(o.host)) {
    const r = resolve(ctx, from, o.host, env.resolv, env.libc)
    waited += r.elapsedMs
    if (r.kind !== 'ok')
      return {
        output: [
          stderr(`traceroute: bad address '${o.host}'`),
          ...(r.kind === 'nxdomain' && isInternetName(state, o.host)
            ? [stderr(internetNote(o.host))]
            : []),
        ],
        exitCode: 1,
        waitedMs: waited,
      }
    dst = r.addrs[0]!
  }
  lines.push(stdout(`traceroute to ${o.host} (${dst}), ${o.maxTtl} hops max, 46 byte packets`))
  const src = addressOf(state, from) ?? ''
  // BusyBox: ident = htons(getpid()) marks its probes; they go to port 33434 + seq
  const ident = 1 + (ctx.state.now % 0x7fff)
  const hops: Hop[] = []
  const end = transmit(
    state,
    from,
    o.icmp
      ? { proto: 'icmp', src, dst, sport: ident, dport: 8, len: 46, mark: 0 }
      : { proto: 'udp', src, dst, sport: ident, dport: 33434 + 1, len: 46, mark: 0 },
    hops,
  )
  const trace = traceHops(
    lookupFor(state),
    hops,
    end.kind,
    dst,
    end.kind === 'rejected' ? { node: end.node, rejectWith: end.verdict.rejectWith } : undefined,
  )
  const printed = traceLines(
    o,
    trace,
    hops.some((h) => h.kind === 'internet'),
  )
  return { output: [...lines, ...printed.output], exitCode: 0, waitedMs: waited + printed.waitedMs }
}

/**
 * The hop lines for `trace` (BusyBox's format), the time the silent probes made it wait (-w per
 * probe), and the note when routers on the internet were left out.
 */
export function traceLines(
  o: Pick<TracerouteOpts, 'maxTtl' | 'probes' | 'numeric' | 'waitSec' | 'host'>,
  trace: readonly TraceHop[],
  internet: boolean,
): { output: Output[]; waitedMs: number } {
  const output: Output[] = []
  let waitedMs = 0
  let unsimulated = false
  for (let ttl = 1; ttl <= o.maxTtl; ttl++) {
    const h = trace[ttl - 1]
    let line = String(ttl).padStart(2)
    if (!h || h.kind === 'silent') {
      line += '  *'.repeat(o.probes)
      waitedMs += o.waitSec * 1000 * o.probes
      if (h?.reason === 'unsimulated') unsimulated = true
      output.push({ stream: 'stdout', text: line })
      continue
    }
    line += o.numeric ? `  ${h.addr}` : `  ${h.addr} (${h.addr})`
    for (let p = 0; p < o.probes; p++) {
      line += `  ${rtt(ttl, p, internet && h.final)} ms`
      if (h.mark) line += ` ${h.mark}`
    }
    output.push({ stream: 'stdout', text: line })
    if (h.final) break
  }
  if (unsimulated)
    output.push({
      stream: 'stderr',
      text: `(Cutaway does not simulate the routers between the AWS internet gateway and ${o.host}: their hops print * * *.)`,
    })
  return { output, waitedMs }
}
