import type { Ctx } from '../context.ts'
import { emit } from '../context.ts'
import type { ClusterState } from '../model/state.ts'
import type { NodeRuntime, PodRuntime } from '../model/node.ts'
import { nextFloat } from '../random.ts'
import { resolveImage } from '../workloads/images.ts'
import type { TcpFlags } from './netfilter/conntrack.ts'
import { headersOf, type Headers, type Packet } from './netfilter/evaluate.ts'
import { addressOf, forwarders, transmit, type Delivery, type Hop, type Place } from './path.ts'
import { internetHostByName } from './internet.ts'
import { cidrContains } from './ip.ts'

// Connections as programs make them: a TCP connect (handshake, one request, one response, close)
// or a UDP exchange (a query and its answer), each packet sent through `transmit`. The first
// packet and its answer are reported hop by hop (`packet.hop`), the whole exchange once
// (`packet.flow`); the packets in between still walk every hook, so counters and conntrack states
// move as they do on a real node.

export type Outcome =
  /** the server answered (SYN-ACK, or a UDP reply) */
  | 'answered'
  /** the destination host answered with a TCP RST or an ICMP port unreachable: nothing listens */
  | 'refused'
  /** a REJECT rule answered for the destination */
  | 'rejected'
  /** a DROP rule or policy swallowed a packet: the client hears nothing */
  | 'dropped'
  /** no route: the packet left for somewhere nobody answers from */
  | 'lost'

export interface PodRef {
  namespace: string
  name: string
  uid: string
}

export interface Exchange {
  flow: string
  outcome: Outcome
  /** REJECT's --reject-with, for 'rejected' */
  rejectWith?: string
  /** the socket that answered, after DNAT: its pod (plain data, not a state draft) and address */
  server?: {
    place: Place
    pod?: PodRef
    ip: string
    port: number
    /** the client's address as the server saw it (after any SNAT on the way) */
    peer: { ip: string; port: number }
  }
  /** the client's own address and port */
  client: { ip: string; port: number }
  /** the answer's headers as the client received them (un-NATed) */
  reply?: Headers
  /** virtual ms the exchange took, when it did not hang */
  elapsedMs: number
  /** why a lost packet was lost */
  reason?: string
  /** how many routers forwarded the answer (each takes one off its TTL; see Hop.forwarder) */
  answerForwards?: number
}

/** Linux's default net.ipv4.ip_local_port_range */
const EPHEMERAL_LOW = 32768
const EPHEMERAL_HIGH = 60999

function ephemeralPort(state: ClusterState): number {
  return EPHEMERAL_LOW + Math.floor(nextFloat(state.rng) * (EPHEMERAL_HIGH - EPHEMERAL_LOW + 1))
}

/** Does a socket in `place` listen on proto/port? Pod images declare what they serve. */
export function isListening(
  state: ClusterState,
  place: Place,
  proto: 'tcp' | 'udp' | 'icmp',
  port: number,
  /** the address the packet was sent to (after DNAT): a socket bound to one address takes only that */
  ip?: string,
): PodRuntime | 'host' | undefined {
  if (place.internet) {
    const host = internetHostByName(place.internet.name)
    if (!host) return undefined
    return proto === 'icmp' || (proto === 'tcp' ? host.tcp : host.udp).includes(port)
      ? 'host'
      : undefined
  }
  // the Route 53 Resolver: DNS on udp and tcp 53
  if (place.vpc) return proto !== 'icmp' && port === 53 ? 'host' : undefined
  const node = state.nodes[place.node]
  if (!node) return undefined
  const serves = (pod: PodRuntime) =>
    pod.containers.some((c) => {
      if (c.init || c.state !== 'running') return false
      const info = resolveImage(c.image)?.info
      if (!info?.listens.includes(port)) return false
      const bound = info.bindAddress?.[port]
      if (bound && ip !== undefined && bound !== ip) return false
      // CoreDNS serves DNS on udp and tcp; everything else in the catalogue is a TCP server
      return proto === 'tcp' || (proto === 'udp' && info.behaviour === 'coredns')
    })
  if (place.pod) {
    const pod = node.pods[place.pod]
    return pod && serves(pod) ? pod : undefined
  }
  // the host namespace: hostNetwork pods, and the kubelet's API on 10250
  for (const pod of Object.values(node.pods)) if (pod.hostNetwork && serves(pod)) return pod
  return proto === 'tcp' && port === 10250 ? 'host' : undefined
}

function flowId(state: ClusterState, node: NodeRuntime): string {
  return `${node.name}/${state.now}/${node.conntrack?.nextId ?? 1}`
}

function packet(h: Headers, len: number, tcp?: TcpFlags): Packet {
  return { ...h, len, mark: 0, ...(tcp ? { tcp } : {}) }
}

function reverse(h: Headers): Headers {
  // an echo request (type 8) is answered by an echo reply (type 0) with the same id
  if (h.proto === 'icmp') return { proto: 'icmp', src: h.dst, dst: h.src, sport: h.sport, dport: 0 }
  return { proto: h.proto, src: h.dst, dst: h.src, sport: h.dport, dport: h.sport }
}

/** Virtual ms a one-way trip takes: 1 per crossing of the VPC, a gateway or the internet. */
function crossings(hops: Hop[]): number {
  return hops.filter((h) => h.kind === 'vpc' || h.kind === 'natgw' || h.kind === 'internet').length
}

interface ExchangeOpts {
  /** what the flow is for, shown by views: `DNS A web.default.svc.cluster.local`, `HTTP GET /` */
  purpose: string
  /** bytes of the request payload */
  requestBytes: number
  /** bytes of the answer's payload, once the server is known */
  responseBytes(server: Exchange['server']): number
  /** a fixed source port (DNS resolvers pick one per query) */
  sport?: number
}

/**
 * A TCP connection from `from` to dst:dport: SYN, then what came back. When it is answered, the rest
 * of a short HTTP-like exchange follows (ACK, request, response, FIN both ways, last ACK).
 */
export function tcpConnect(
  ctx: Ctx,
  from: Place,
  dst: string,
  dport: number,
  opts: ExchangeOpts,
): Exchange {
  return exchange(ctx, from, 'tcp', dst, dport, opts)
}

/** An ICMP echo request (ping) with echo id `id`, and its reply. */
export function icmpEcho(ctx: Ctx, from: Place, dst: string, id: number): Exchange {
  return exchange(ctx, from, 'icmp', dst, 0, {
    purpose: 'ICMP echo',
    requestBytes: 56,
    responseBytes: () => 56,
    sport: id,
  })
}

/** A UDP request and its answer (a DNS query), from `from` to dst:dport. */
export function udpExchange(
  ctx: Ctx,
  from: Place,
  dst: string,
  dport: number,
  opts: ExchangeOpts,
): Exchange {
  return exchange(ctx, from, 'udp', dst, dport, opts)
}

const IP_TCP = 40 // IPv4 + TCP headers
const IP_TCP_SYN = 60 // with MSS, SACK, timestamps, window scale options
const IP_UDP = 28

function exchange(
  ctx: Ctx,
  from: Place,
  proto: 'tcp' | 'udp' | 'icmp',
  dst: string,
  dport: number,
  opts: ExchangeOpts,
): Exchange {
  const { state } = ctx
  const node = state.nodes[from.node]!
  const flow = flowId(state, node)
  // source address selection: to a loopback address the kernel picks the route's `src 127.0.0.1`
  // (local table: `local 127.0.0.0/8 dev lo ... src 127.0.0.1`)
  const clientIp =
    !from.internet && !from.vpc && cidrContains('127.0.0.0/8', dst)
      ? '127.0.0.1'
      : (addressOf(state, from) ?? node.ip)
  const sport = opts.sport ?? ephemeralPort(state)
  const client = { ip: clientIp, port: sport }
  const first: Headers =
    proto === 'icmp'
      ? { proto, src: clientIp, dst, sport: opts.sport ?? 0, dport: 8 }
      : { proto, src: clientIp, dst, sport, dport }
  const hops: Hop[] = []
  const out = transmit(
    state,
    from,
    packet(
      first,
      proto === 'tcp' ? IP_TCP_SYN : IP_UDP + opts.requestBytes,
      proto === 'tcp' ? { syn: true } : undefined,
    ),
    hops,
  )
  report(ctx, flow, 'request', hops)
  const base = { flow, client }
  const summary = (x: Exchange, packets: number) => {
    emit(ctx, {
      type: 'packet.flow',
      flow,
      node: node.name,
      client: clientLabel(node, from),
      purpose: opts.purpose,
      proto,
      src: clientIp,
      sport,
      dst,
      dport,
      ...(x.server ? { endpoint: `${x.server.ip}:${x.server.port}` } : {}),
      outcome: x.outcome,
      packets,
    })
    return x
  }
  if (out.kind === 'rejected') {
    // REJECT answers in the rejecting node's name: an ICMP error from its address, or a TCP RST
    // that seems to come from the address the client asked for (ipt_REJECT.c). The answer is
    // generated by the kernel and not walked through the hooks here.
    const rejectNode = state.nodes[out.node]
    const h: Headers =
      out.verdict.rejectWith === 'tcp-reset'
        ? reverse(first)
        : { proto: 'icmp', src: rejectNode?.ip ?? dst, dst: clientIp, sport: 0, dport: 3 }
    report(ctx, flow, 'reply', [
      {
        kind: 'reject',
        node: out.node,
        label: `${out.verdict.rejectWith} (${out.verdict.table} ${out.verdict.chain} rule ${out.verdict.index})`,
        before: h,
        after: h,
      },
    ])
    return summary({ ...base, ...failure(out), elapsedMs: crossings(hops) }, 2)
  }
  if (out.kind !== 'delivered') return summary({ ...base, ...failure(out), elapsedMs: 0 }, 1)

  const serverPlace = out.place
  // every host answers an echo request; ports need a socket
  const listener =
    proto === 'icmp' ? 'host' : isListening(state, serverPlace, proto, out.pkt.dport, out.pkt.dst)
  const server = {
    place: serverPlace,
    ...(out.pod
      ? { pod: { namespace: out.pod.namespace, name: out.pod.name, uid: out.pod.uid } }
      : // a hostNetwork pod's socket in the node's namespace (aws-node's ipamd on :61679)
        listener && listener !== 'host'
        ? { pod: { namespace: listener.namespace, name: listener.name, uid: listener.uid } }
        : {}),
    ip: out.pkt.dst,
    port: out.pkt.dport,
    peer: { ip: out.pkt.src, port: out.pkt.sport },
  }
  const answerHeaders = reverse(headersOf(out.pkt))
  const replyHops: Hop[] = []
  if (!listener && serverPlace.internet) {
    // internet hosts sit behind firewalls that drop what they do not serve: no RST, no ICMP
    // error, the client waits for its timeout (simplified: every host here does that)
    return summary({ ...base, outcome: 'dropped', server, elapsedMs: 0 }, 1)
  }
  if (!listener) {
    // the destination's kernel answers: RST for TCP, ICMP port unreachable for UDP
    const back = transmit(
      state,
      serverPlace,
      proto === 'tcp'
        ? packet(answerHeaders, IP_TCP, { rst: true, ack: true })
        : packet(answerHeaders, 56),
      replyHops,
    )
    report(ctx, flow, 'reply', replyHops)
    const elapsedMs = crossings(hops) + crossings(replyHops)
    return summary(
      {
        ...base,
        outcome: back.kind === 'delivered' ? 'refused' : 'dropped',
        server,
        ...(back.kind === 'delivered' ? { reply: headersOf(back.pkt) } : {}),
        elapsedMs,
      },
      2,
    )
  }
  const answer = transmit(
    state,
    serverPlace,
    proto === 'tcp'
      ? packet(answerHeaders, IP_TCP_SYN, { syn: true, ack: true })
      : packet(answerHeaders, IP_UDP + opts.responseBytes(server)),
    replyHops,
  )
  report(ctx, flow, 'reply', replyHops)
  if (answer.kind !== 'delivered')
    return summary({ ...base, outcome: 'dropped', server, elapsedMs: 0 }, 2)
  const elapsedMs = crossings(hops) + crossings(replyHops)
  const result: Exchange = {
    ...base,
    outcome: 'answered',
    server,
    reply: headersOf(answer.pkt),
    elapsedMs,
    answerForwards: forwarders(replyHops).length,
  }
  if (proto !== 'tcp') return summary(result, 2)
  // the rest of the connection: each packet walks the hooks (counters, conntrack states) quietly
  const c = first
  const s = answerHeaders
  const rest: [Place, Headers, number, TcpFlags][] = [
    [from, c, IP_TCP, { ack: true }],
    [from, c, IP_TCP + opts.requestBytes, { psh: true, ack: true }],
    [serverPlace, s, IP_TCP + opts.responseBytes(server), { psh: true, ack: true }],
    [from, c, IP_TCP, { fin: true, ack: true }],
    [serverPlace, s, IP_TCP, { fin: true, ack: true }],
    [from, c, IP_TCP, { ack: true }],
  ]
  for (const [place, h, len, flags] of rest) {
    const d = transmit(state, place, packet(h, len, flags), [])
    if (d.kind !== 'delivered') return summary({ ...result, outcome: 'dropped' }, 2)
  }
  return summary(result, 2 + rest.length)
}

function failure(d: Exclude<Delivery, { kind: 'delivered' }>): {
  outcome: Outcome
  rejectWith?: string
  reason?: string
} {
  if (d.kind === 'rejected') return { outcome: 'rejected', rejectWith: d.verdict.rejectWith }
  if (d.kind === 'dropped') return { outcome: 'dropped' }
  return { outcome: 'lost', reason: d.reason }
}

function clientLabel(node: NodeRuntime, from: Place): string {
  const pod = from.pod ? node.pods[from.pod] : undefined
  return pod ? `${pod.namespace}/${pod.name}` : node.name
}

/** Hop events: compact, with only the rules that matched (and how many were checked). */
function report(ctx: Ctx, flow: string, direction: 'request' | 'reply', hops: Hop[]): void {
  hops.forEach((h, seq) => {
    const t = h.trace
    emit(ctx, {
      type: 'packet.hop',
      flow,
      direction,
      seq,
      kind: h.kind,
      ...(h.node ? { node: h.node } : {}),
      label: h.label,
      before: h.before,
      after: h.after,
      ...(t
        ? {
            rules: t.steps
              // a policy that let the packet through is not news; one that dropped it is
              .filter((s) => s.matched && s.target && !(s.index === 0 && s.target === 'ACCEPT'))
              .map((s) => ({ table: s.table, chain: s.chain, index: s.index, target: s.target! })),
            checked: t.checked,
            verdict: t.verdict.kind,
            ...(t.logs.length ? { logs: t.logs } : {}),
          }
        : {}),
    })
  })
}
