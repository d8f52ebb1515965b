import type { ClusterState } from '../model/state.ts'
import type { NatGateway, NatTranslation, Route, RouteTable } from '../model/aws.ts'
import type { NodeRuntime } from '../model/node.ts'
import { nextFloat } from '../random.ts'
import { cidrContains } from './ip.ts'
import { eniDevice, eniInterface } from './ipam/ipamd.ts'
import { internetHostByIp, type InternetHost } from './internet.ts'
import { vpcDnsAddress } from '../aws/vpc.ts'
import { headersOf, type Headers, type Packet } from './netfilter/evaluate.ts'
import type { Hop } from './path.ts'
import { podByIp } from './route.ts'

// Beyond the node: the VPC router, the internet gateway and the NAT gateway (FIDELITY §6 steps 6,
// 7a, 7b, 8). A packet leaving an ENI is routed by the route table of the ENI's subnet (AWS VPC
// User Guide, "Route tables": the most specific route wins; `local` covers the VPC CIDR); 0.0.0.0/0
// leads to the internet gateway (public subnets) or a NAT gateway (private ones).
// - Internet gateway (VPC User Guide, "Enable internet access for a VPC using an internet
//   gateway"): a 1:1 static NAT between an instance's private IPv4 address and its public IPv4 or
//   Elastic IP address; "instances in the subnet must have a public IPv4 address or an Elastic IP
//   address that's associated with a private IPv4 address". A source with no public association
//   (a pod's secondary IP when AWS_VPC_K8S_CNI_EXTERNALSNAT removed the node's SNAT) is dropped.
// - NAT gateway (VPC User Guide, "NAT gateways" / "NAT gateway basics"): "replaces the source IP
//   address of the instances with the IP address of the NAT gateway. For a public NAT gateway, this
//   is the elastic IP address of the NAT gateway"; ports 1024-65535; each address supports 55,000
//   simultaneous connections to each unique destination (destination IP, port and protocol);
//   an idle connection times out after 350 s (NAT gateway troubleshooting). So the gateway writes
//   the EIP itself and the internet gateway passes it through unchanged.
// Simplified: no network ACLs or security groups; the VPC router and the internet gateway do not
// take one off the TTL (they never show in a traceroute); the NAT gateway does.

/** AWS's per-address, per-destination connection limit (ErrorPortAllocation beyond it). */
export const NAT_CONNECTIONS_PER_DESTINATION = 55_000
export const NAT_PORT_LOW = 1024
export const NAT_PORT_HIGH = 65535
export const NAT_IDLE_TIMEOUT_MS = 350_000

/** Where a packet the VPC carried ends up. */
export type VpcResult =
  | { kind: 'node'; node: NodeRuntime; iface: string }
  | { kind: 'internet'; host: InternetHost; ip: string }
  /** a service the VPC itself answers at an address: the Route 53 Resolver at base + 2 */
  | { kind: 'service'; name: string; ip: string }
  | { kind: 'lost'; reason: string }

/** What answers at the VPC's base + 2: the Amazon-provided DNS server (AmazonProvidedDNS). */
export const VPC_RESOLVER = 'Route 53 Resolver'

/** Who puts the packet on the VPC: a node's ENI, or a gateway. */
export interface VpcSender {
  node?: NodeRuntime
  /** the ENI's interface name on the node (ens5, ens6 …) */
  iface?: string
  subnetId: string
  /** `ip-192-168-6-121… ens5`, `nat-0abc…` */
  label: string
}

export function routeTableOf(state: ClusterState, subnetId: string): RouteTable | undefined {
  return state.aws.routeTables.find((t) => t.subnetIds.includes(subnetId))
}

function prefix(cidr: string): number {
  return Number(cidr.split('/')[1] ?? 32)
}

/** The most specific route of `table` for `dst`. */
export function vpcRoute(table: RouteTable, dst: string): Route | undefined {
  let best: Route | undefined
  for (const r of table.routes)
    if (
      cidrContains(r.destinationCidrBlock, dst) &&
      (!best || prefix(r.destinationCidrBlock) > prefix(best.destinationCidrBlock))
    )
      best = r
  return best
}

function target(r: Route): string {
  return r.natGatewayId ?? r.gatewayId ?? 'local'
}

/** The node and interface whose ENI holds `ip` (a node's, an ENI's or a pod's address). */
export function eniHolder(
  state: ClusterState,
  ip: string,
): { node: NodeRuntime; iface: string } | undefined {
  for (const node of Object.values(state.nodes)) {
    if (node.ip === ip) return { node, iface: eniInterface(0) }
    const id = (node.ipamd?.enis ?? []).find((id) => state.aws.enis[id]?.privateIpAddress === ip)
    if (id) return { node, iface: eniInterface(eniDevice(node.ipamd!, id)) }
  }
  const owner = podByIp(state, ip)
  if (!owner) return undefined
  const a = owner.node.ipamd?.ips[ip]
  const device = a ? eniDevice(owner.node.ipamd!, a.eniId) : 0
  return { node: owner.node, iface: eniInterface(Math.max(0, device)) }
}

function hop(
  hops: Hop[],
  kind: Hop['kind'],
  label: string,
  before: Headers,
  pkt: Packet,
  node?: string,
  forwarder?: Hop['forwarder'],
) {
  hops.push({
    kind,
    ...(node ? { node } : {}),
    label,
    before,
    after: headersOf(pkt),
    ...(forwarder ? { forwarder } : {}),
  })
}

function lost(hops: Hop[], reason: string, pkt: Packet, node?: string): VpcResult {
  const h = headersOf(pkt)
  hops.push({ kind: 'lost', ...(node ? { node } : {}), label: reason, before: h, after: h })
  return { kind: 'lost', reason }
}

/** A packet put on the VPC by `from`: the route table of its subnet decides where it goes. */
export function vpcForward(
  state: ClusterState,
  from: VpcSender,
  pkt: Packet,
  hops: Hop[],
): VpcResult {
  // the skb mark and interfaces stay behind on the sending host
  pkt.mark = 0
  delete pkt.inIface
  delete pkt.outIface
  const nodeName = from.node?.name
  const table = routeTableOf(state, from.subnetId)
  const route = table && vpcRoute(table, pkt.dst)
  if (!table || !route)
    return lost(hops, `no route to ${pkt.dst} in the subnet's route table`, pkt, nodeName)
  const to = target(route)
  if (to === 'local') {
    if (pkt.dst === vpcDnsAddress(state)) {
      const h = headersOf(pkt)
      hop(hops, 'vpc', `${from.label} -> VPC -> ${VPC_RESOLVER} ${pkt.dst}`, h, pkt, nodeName)
      hop(hops, 'socket', `${VPC_RESOLVER} (AmazonProvidedDNS)`, h, pkt)
      return { kind: 'service', name: VPC_RESOLVER, ip: pkt.dst }
    }
    const holder = eniHolder(state, pkt.dst)
    if (!holder)
      return lost(hops, `no network interface in the VPC has the address ${pkt.dst}`, pkt, nodeName)
    const h = headersOf(pkt)
    hop(
      hops,
      'vpc',
      `${from.label} -> VPC -> ${holder.node.name} ${holder.iface}`,
      h,
      pkt,
      nodeName,
    )
    return { kind: 'node', ...holder }
  }
  hop(
    hops,
    'rtb',
    `${table.routeTableId} ${route.destinationCidrBlock} -> ${to}`,
    headersOf(pkt),
    pkt,
    nodeName,
  )
  if (route.natGatewayId) {
    const nat = state.aws.natGateways.find((n) => n.natGatewayId === route.natGatewayId)
    if (!nat) return lost(hops, `${route.natGatewayId} does not exist (blackhole route)`, pkt)
    return natOutbound(state, nat, pkt, hops)
  }
  return igwOutbound(state, pkt, hops)
}

/** The public address the internet gateway maps `ip` to, if it has one. */
export function publicAddressOf(state: ClusterState, ip: string): string | undefined {
  for (const i of Object.values(state.aws.instances))
    if (i.state === 'running' && i.privateIpAddress === ip && i.publicIpAddress)
      return i.publicIpAddress
  return undefined
}

function igwOutbound(state: ClusterState, pkt: Packet, hops: Hop[]): VpcResult {
  const igw = state.aws.internetGateway.internetGatewayId
  const before = headersOf(pkt)
  const nat = state.aws.natGateways.find((n) => n.publicIp === pkt.src)
  if (nat) {
    // the NAT gateway already wrote its Elastic IP: nothing left to translate
    hop(
      hops,
      'igw',
      `${igw} ${pkt.src} (Elastic IP of ${nat.natGatewayId}) -> internet`,
      before,
      pkt,
    )
  } else {
    const pub = publicAddressOf(state, pkt.src)
    if (!pub)
      return lost(
        hops,
        `${igw} dropped the packet: its source ${pkt.src} has no public IPv4 address associated (an internet gateway translates only a private address that has a public IPv4 or Elastic IP address; a pod's secondary IP never has one)`,
        pkt,
      )
    pkt.src = pub
    hop(hops, 'igw', `${igw} ${before.src} -> ${pub}`, before, pkt)
  }
  const host = internetHostByIp(pkt.dst)
  if (!host)
    return lost(
      hops,
      `nothing answers at ${pkt.dst}: Cutaway's internet has only a few hosts (internet.ts)`,
      pkt,
    )
  const h = headersOf(pkt)
  hop(hops, 'internet', `${host.name} (${pkt.dst})`, h, pkt)
  return { kind: 'internet', host, ip: pkt.dst }
}

function destinationKey(t: { proto: string; dst: string; dport: number }): string {
  return `${t.proto} ${t.dst}:${t.proto === 'icmp' ? 0 : t.dport}`
}

/**
 * The translation for an outbound packet: the existing one for its connection, or a new port
 * drawn from state.rng that no other connection to the same destination uses. undefined: the
 * 55,000 ports for that destination are taken (ErrorPortAllocation).
 */
export function natTranslate(
  state: ClusterState,
  nat: NatGateway,
  h: Headers,
): NatTranslation | undefined {
  const table = (nat.translations ??= [])
  for (let i = table.length - 1; i >= 0; i--)
    if (table[i]!.lastUsed + NAT_IDLE_TIMEOUT_MS <= state.now) table.splice(i, 1)
  const dport = h.proto === 'icmp' ? 0 : h.dport
  const same = table.find(
    (t) =>
      t.proto === h.proto &&
      t.src === h.src &&
      t.sport === h.sport &&
      t.dst === h.dst &&
      t.dport === dport,
  )
  if (same) {
    same.lastUsed = state.now
    return same
  }
  const key = destinationKey(h)
  const used = new Set(table.filter((t) => destinationKey(t) === key).map((t) => t.natPort))
  if (used.size >= NAT_CONNECTIONS_PER_DESTINATION) return undefined
  const span = NAT_PORT_HIGH - NAT_PORT_LOW + 1
  let port = NAT_PORT_LOW + Math.floor(nextFloat(state.rng) * span)
  // a taken port: the next free one up (wrapping), so the draw count stays one per connection
  while (used.has(port)) port = port === NAT_PORT_HIGH ? NAT_PORT_LOW : port + 1
  const t: NatTranslation = {
    proto: h.proto,
    src: h.src,
    sport: h.sport,
    dst: h.dst,
    dport,
    natPort: port,
    lastUsed: state.now,
  }
  table.push(t)
  return t
}

function natOutbound(state: ClusterState, nat: NatGateway, pkt: Packet, hops: Hop[]): VpcResult {
  const before = headersOf(pkt)
  const t = natTranslate(state, nat, before)
  if (!t)
    return lost(
      hops,
      `${nat.natGatewayId} has no free port to ${pkt.dst}:${pkt.dport} (55,000 connections per address to one destination: ErrorPortAllocation)`,
      pkt,
    )
  pkt.src = nat.publicIp
  pkt.sport = t.natPort
  hop(
    hops,
    'natgw',
    `${nat.natGatewayId} ${before.src}:${before.sport} -> ${nat.publicIp}:${t.natPort}`,
    before,
    pkt,
    undefined,
    { name: nat.natGatewayId, ip: nat.privateIp },
  )
  return vpcForward(state, { subnetId: nat.subnetId, label: nat.natGatewayId }, pkt, hops)
}

/** A packet an internet host sends back toward a public address in the VPC. */
export function fromInternet(
  state: ClusterState,
  host: InternetHost,
  pkt: Packet,
  hops: Hop[],
): VpcResult {
  const igw = state.aws.internetGateway.internetGatewayId
  let h = headersOf(pkt)
  hop(hops, 'internet', `${host.name} (${pkt.src})`, h, pkt)
  const nat = state.aws.natGateways.find((n) => n.publicIp === pkt.dst)
  if (nat) {
    hop(hops, 'igw', `${igw} ${pkt.dst} -> ${nat.natGatewayId}`, h, pkt)
    const dport = pkt.proto === 'icmp' ? 0 : pkt.sport
    const t = (nat.translations ?? []).find(
      (x) =>
        x.proto === pkt.proto &&
        x.dst === pkt.src &&
        x.dport === dport &&
        x.natPort === (pkt.proto === 'icmp' ? pkt.sport : pkt.dport) &&
        x.lastUsed + NAT_IDLE_TIMEOUT_MS > state.now,
    )
    if (!t)
      return lost(
        hops,
        `${nat.natGatewayId} has no connection for this packet in its translation table: a NAT gateway drops unsolicited inbound traffic`,
        pkt,
      )
    t.lastUsed = state.now
    h = headersOf(pkt)
    pkt.dst = t.src
    if (pkt.proto === 'icmp') pkt.sport = t.sport
    else pkt.dport = t.sport
    hop(
      hops,
      'natgw',
      `${nat.natGatewayId} ${h.dst}:${t.natPort} -> ${t.src}:${t.sport}`,
      h,
      pkt,
      undefined,
      { name: nat.natGatewayId, ip: nat.privateIp },
    )
    return deliverInVpc(state, nat.natGatewayId, pkt, hops)
  }
  const inst = Object.values(state.aws.instances).find(
    (i) => i.state === 'running' && i.publicIpAddress === pkt.dst,
  )
  if (!inst)
    return lost(hops, `${pkt.dst} is no public address of this VPC: nothing takes the packet`, pkt)
  pkt.dst = inst.privateIpAddress
  hop(hops, 'igw', `${igw} ${h.dst} -> ${inst.privateIpAddress}`, h, pkt)
  return deliverInVpc(state, igw, pkt, hops)
}

/** The Route 53 Resolver answers: its packet goes to the ENI holding the destination. */
export function fromVpcService(
  state: ClusterState,
  name: string,
  pkt: Packet,
  hops: Hop[],
): VpcResult {
  return deliverInVpc(state, name, pkt, hops)
}

/** A gateway hands a packet to the ENI holding its destination (the `local` route). */
function deliverInVpc(state: ClusterState, from: string, pkt: Packet, hops: Hop[]): VpcResult {
  pkt.mark = 0
  const holder = eniHolder(state, pkt.dst)
  if (!holder) return lost(hops, `no network interface in the VPC has the address ${pkt.dst}`, pkt)
  const h = headersOf(pkt)
  hop(hops, 'vpc', `${from} -> VPC -> ${holder.node.name} ${holder.iface}`, h, pkt)
  return { kind: 'node', ...holder }
}
