import type { ClusterState } from '../model/state.ts'
import type { NodeRuntime, PodRuntime } from '../model/node.ts'
import { emptyConntrack, expire } from './netfilter/conntrack.ts'
import {
  headersOf,
  runHook,
  type Headers,
  type Hook,
  type HookTrace,
  type InFlight,
  type NetHost,
  type Packet,
  type Verdict,
} from './netfilter/evaluate.ts'
import { emptyNetfilter } from './netfilter/model.ts'
import { hostVeth, isNodeAddress, routeOnHost, type HostRoute } from './route.ts'
import { decisionLabel } from './policy.ts'
import { eniDevice, eniInterface } from './ipam/ipamd.ts'
import { internetHostByName } from './internet.ts'
import { fromInternet, fromVpcService, vpcForward, type VpcResult } from './vpc.ts'

// One packet's journey through the cluster (FIDELITY §4.3, §6): out of a pod's network namespace
// through its veth into the host, the host's hooks (PREROUTING -> routing -> FORWARD -> POSTROUTING,
// or OUTPUT -> POSTROUTING for host processes, PREROUTING -> INPUT for the host's own sockets),
// across the VPC to the node that holds the destination address, and into the destination's netns.
// The pods' own network namespaces have empty tables (nothing writes rules there), so they are
// crossed without a walk.

/** Where a packet starts or ends: a pod's netns, a node's host netns (pod undefined), or a host on
 * the internet (internet.ts; `node` is '' then). */
export interface Place {
  node: string
  /** pod uid; absent for the host namespace (host processes and hostNetwork pods) */
  pod?: string
  /** an internet host: its name and the address the packet was sent to */
  internet?: { name: string; ip: string }
  /** a service of the VPC itself (the Route 53 Resolver at base + 2); `node` is '' then */
  vpc?: { name: string; ip: string }
}

export type HopKind =
  | 'netns'
  | 'veth'
  | 'hook'
  | 'route'
  | 'vpc'
  | 'socket'
  | 'lost'
  | 'reject'
  | 'rtb'
  | 'igw'
  | 'natgw'
  | 'internet'

/** One step of a packet, with its headers before and after it (they differ at NAT). */
export interface Hop {
  kind: HopKind
  node?: string
  /** what a view labels the step with: `eth0 -> eni1a2b3c4d5e6`, `ens5`, `PREROUTING` … */
  label: string
  before: Headers
  after: Headers
  /** for kind 'hook' */
  trace?: HookTrace
  /**
   * Set where a router forwards the packet and takes one off its TTL (a node's host namespace
   * at FORWARD, the NAT gateway): the host, and the address its ICMP time exceeded would come
   * from. What a traceroute prints, hop by hop.
   */
  forwarder?: { name: string; ip: string }
}

/** The routers a packet crossed, in order (see Hop.forwarder). */
export function forwarders(hops: Hop[]): { hop: number; name: string; ip: string }[] {
  return hops.flatMap((h, i) => (h.forwarder ? [{ hop: i, ...h.forwarder }] : []))
}

export type Delivery =
  | {
      kind: 'delivered'
      place: Place
      /** the receiving pod (absent: the host) */
      pod?: PodRuntime
      pkt: Packet
    }
  | { kind: 'dropped'; node: string; verdict: Extract<Verdict, { kind: 'DROP' }>; pkt: Packet }
  | { kind: 'rejected'; node: string; verdict: Extract<Verdict, { kind: 'REJECT' }>; pkt: Packet }
  | { kind: 'lost'; node?: string; reason: string; pkt: Packet }

/** The host namespace of a node as the packet walker sees it (creating empty tables if none yet). */
export function netHost(state: ClusterState, node: NodeRuntime): NetHost {
  node.netfilter ??= emptyNetfilter()
  node.conntrack ??= emptyConntrack()
  node.xtRecent ??= {}
  expire(node.conntrack, state.now)
  return {
    node: node.name,
    nf: node.netfilter,
    ct: node.conntrack,
    recent: node.xtRecent,
    isLocal: (ip) => isNodeAddress(node, ip),
    masqueradeAddress: node.ip,
    now: state.now,
    rng: state.rng,
  }
}

/** The address a place's sockets use: the pod IP, or the node IP for the host namespace. */
export function addressOf(state: ClusterState, place: Place): string | undefined {
  if (place.internet) return place.internet.ip
  if (place.vpc) return place.vpc.ip
  const node = state.nodes[place.node]
  if (!node) return undefined
  if (!place.pod) return node.ip
  const pod = node.pods[place.pod]
  return pod && !pod.hostNetwork ? pod.ip : node.ip
}

/** A pod's place: hostNetwork pods live in their node's namespace. */
export function placeOfPod(node: NodeRuntime, pod: PodRuntime): Place {
  return pod.hostNetwork ? { node: node.name } : { node: node.name, pod: pod.uid }
}

const MAX_NODE_CROSSINGS = 8

/**
 * Sends `pkt` from `from` and follows it until it is delivered to a socket's namespace (or an
 * internet host), dropped, rejected or lost. Mutates the draft state (counters, conntrack,
 * xt_recent, the NAT gateway's table, the rng) and appends every step to `hops`.
 */
export function transmit(state: ClusterState, from: Place, pkt: Packet, hops: Hop[]): Delivery {
  let node: NodeRuntime
  let arriving: { iface: string }
  if (from.internet || from.vpc) {
    const host = from.internet && internetHostByName(from.internet.name)
    if (from.internet && !host)
      return { kind: 'lost', reason: `${from.internet.name} is not on the internet`, pkt }
    const r = host
      ? fromInternet(state, host, pkt, hops)
      : fromVpcService(state, from.vpc!.name, pkt, hops)
    if (r.kind !== 'node') return vpcEnd(r, pkt)
    node = r.node
    arriving = { iface: r.iface }
  } else {
    const start = state.nodes[from.node]
    if (!start) return { kind: 'lost', reason: `node ${from.node} is gone`, pkt }
    const srcPod = from.pod ? start.pods[from.pod] : undefined
    node = start
    if (srcPod && !srcPod.hostNetwork) {
      const h = headersOf(pkt)
      hops.push({
        kind: 'netns',
        node: node.name,
        label: `${srcPod.name} eth0`,
        before: h,
        after: h,
      })
      // the pod's own address or loopback never leaves its namespace
      if (pkt.dst === srcPod.ip || pkt.dst.startsWith('127.'))
        return { kind: 'delivered', place: from, pod: srcPod, pkt }
      const veth = hostVeth(srcPod)
      hops.push({ kind: 'veth', node: node.name, label: `eth0 -> ${veth}`, before: h, after: h })
      arriving = { iface: veth }
    } else {
      // a host process: routing, OUTPUT (DNAT for host processes), re-route, then POSTROUTING
      const f: InFlight = { pkt }
      const host = netHost(state, node)
      let route = routeOnHost(state, node, pkt)
      pkt.outIface = ifaceOf(route)
      const out = hook(host, 'OUTPUT', f, hops)
      if (out) return out
      route = routeOnHost(state, node, pkt)
      if (route.kind === 'unreachable') return unreachable(node, pkt, hops)
      pkt.outIface = ifaceOf(route)
      const r = leaveHost(state, node, host, route, f, hops)
      if (r.kind !== 'vpc') return r.delivery
      node = r.next
      arriving = { iface: r.iface }
    }
  }
  for (let crossing = 0; crossing < MAX_NODE_CROSSINGS; crossing++) {
    const host = netHost(state, node)
    const f: InFlight = { pkt }
    pkt.inIface = arriving.iface
    delete pkt.outIface
    const pre = hook(host, 'PREROUTING', f, hops)
    if (pre) return pre
    const route = routeOnHost(state, node, pkt)
    const before = headersOf(pkt)
    if (route.kind === 'unreachable') return unreachable(node, pkt, hops)
    hops.push({
      kind: 'route',
      node: node.name,
      label: routeLabel(route, pkt.dst),
      before,
      after: before,
    })
    if (route.kind === 'local') {
      const input = hook(host, 'INPUT', f, hops)
      if (input) return input
      const h = headersOf(pkt)
      hops.push({
        kind: 'socket',
        node: node.name,
        label: `${node.name} host`,
        before: h,
        after: h,
      })
      return { kind: 'delivered', place: { node: node.name }, pkt }
    }
    pkt.outIface = ifaceOf(route)
    const fwd = hook(host, 'FORWARD', f, hops)
    if (fwd) return fwd
    const r = leaveHost(state, node, host, route, f, hops)
    if (r.kind !== 'vpc') return r.delivery
    node = r.next
    arriving = { iface: r.iface }
  }
  return { kind: 'lost', reason: 'routing loop', pkt }
}

function unreachable(node: NodeRuntime, pkt: Packet, hops: Hop[]): Delivery {
  const h = headersOf(pkt)
  const reason = `${node.name}: no route to ${pkt.dst} (Network is unreachable)`
  hops.push({ kind: 'lost', node: node.name, label: reason, before: h, after: h })
  return { kind: 'lost', node: node.name, reason, pkt }
}

/** The end of a journey the VPC decided: an internet host or the VPC's resolver got it, or it
 * was lost. */
function vpcEnd(r: Exclude<VpcResult, { kind: 'node' }>, pkt: Packet, node?: string): Delivery {
  if (r.kind === 'internet')
    return {
      kind: 'delivered',
      place: { node: '', internet: { name: r.host.name, ip: r.ip } },
      pkt,
    }
  if (r.kind === 'service')
    return { kind: 'delivered', place: { node: '', vpc: { name: r.name, ip: r.ip } }, pkt }
  return { kind: 'lost', ...(node ? { node } : {}), reason: r.reason, pkt }
}

function ifaceOf(route: HostRoute): string {
  return route.kind === 'local' || route.kind === 'unreachable' ? 'lo' : route.iface
}

function routeLabel(route: Exclude<HostRoute, { kind: 'unreachable' }>, dst: string): string {
  if (route.decision) return decisionLabel(route.decision)
  return `${dst}: local`
}

/** Runs a hook and records it; returns the end of the journey if the packet did not survive. */
function hook(host: NetHost, name: Hook, f: InFlight, hops: Hop[]): Delivery | undefined {
  const before = headersOf(f.pkt)
  const trace = runHook(host, name, f)
  hops.push({
    kind: 'hook',
    node: host.node,
    label: name,
    before,
    after: headersOf(f.pkt),
    trace,
    // ip_forward() takes one off the TTL (and answers time exceeded from the node's address)
    ...(name === 'FORWARD' ? { forwarder: { name: host.node, ip: host.masqueradeAddress } } : {}),
  })
  const v = trace.verdict
  if (v.kind === 'DROP') return { kind: 'dropped', node: host.node, verdict: v, pkt: f.pkt }
  if (v.kind === 'REJECT') return { kind: 'rejected', node: host.node, verdict: v, pkt: f.pkt }
  return undefined
}

/** POSTROUTING, then out of the host: into a local pod's veth, or onto the VPC. */
function leaveHost(
  state: ClusterState,
  node: NodeRuntime,
  host: NetHost,
  route: Exclude<HostRoute, { kind: 'unreachable' }>,
  f: InFlight,
  hops: Hop[],
): { kind: 'done'; delivery: Delivery } | { kind: 'vpc'; next: NodeRuntime; iface: string } {
  if (route.kind === 'local') {
    // a host process talking to its own host (127.0.0.0/8 or one of its addresses): POSTROUTING,
    // then back in through lo (loopback_xmit -> netif_rx), which skips PREROUTING: INPUT
    const post = hook(host, 'POSTROUTING', f, hops)
    if (post) return { kind: 'done', delivery: post }
    const h = headersOf(f.pkt)
    // the label ends in ': local' as every local route hop's does (traceroute counts no router)
    hops.push({
      kind: 'route',
      node: node.name,
      label: `${h.dst} dev lo: local`,
      before: h,
      after: h,
    })
    f.pkt.inIface = 'lo'
    const input = hook(host, 'INPUT', f, hops)
    if (input) return { kind: 'done', delivery: input }
    const at = headersOf(f.pkt)
    hops.push({
      kind: 'socket',
      node: node.name,
      label: `${node.name} host`,
      before: at,
      after: at,
    })
    return { kind: 'done', delivery: { kind: 'delivered', place: { node: node.name }, pkt: f.pkt } }
  }
  const post = hook(host, 'POSTROUTING', f, hops)
  if (post) return { kind: 'done', delivery: post }
  const pkt = f.pkt
  const h = headersOf(pkt)
  if (route.kind === 'pod') {
    const pod = route.pod
    hops.push({
      kind: 'veth',
      node: node.name,
      label: `${route.iface} -> eth0`,
      before: h,
      after: h,
    })
    hops.push({ kind: 'netns', node: node.name, label: `${pod.name} eth0`, before: h, after: h })
    return {
      kind: 'done',
      delivery: { kind: 'delivered', place: { node: node.name, pod: pod.uid }, pod, pkt },
    }
  }
  const eni = (node.ipamd?.enis ?? [])
    .filter((id) => eniInterface(eniDevice(node.ipamd!, id)) === route.iface)
    .map((id) => state.aws.enis[id])
    .find((e) => e)
  const r = vpcForward(
    state,
    {
      node,
      iface: route.iface,
      subnetId: eni?.subnetId ?? node.subnetId,
      label: `${node.name} ${route.iface}`,
    },
    pkt,
    hops,
  )
  if (r.kind !== 'node') return { kind: 'done', delivery: vpcEnd(r, pkt, node.name) }
  return { kind: 'vpc', next: r.node, iface: r.iface }
}
