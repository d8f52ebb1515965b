import type { ClusterState } from '../model/state.ts'
import type { NodeRuntime, PodRuntime } from '../model/node.ts'
import { vethName } from '../node/util.ts'
import { cidrContains } from './ip.ts'

// Where a packet goes next: the routing decision of a node's host namespace, and the VPC's.
// Simplified on purpose, and kept in this one file so the real ENI / ip rule / route table model
// (a later issue) can replace it: every pod IP is reachable through the node's primary interface
// `ens5`, as it is with the AWS VPC CNI (pod IPs are real VPC addresses, no overlay, FIDELITY §5.1);
// the ip rules (512 to-pod, 1536 from-pod, 1024 fwmark) are not evaluated.

/** The node's primary ENI as AL2023 names it (FIDELITY §5.4). */
export const PRIMARY_IFACE = 'ens5'

export type HostRoute =
  /** an address of this host: INPUT, then a local socket */
  | { kind: 'local' }
  /** `<podIP> dev eni<hash> scope link`: a pod on this node, behind its veth */
  | { kind: 'pod'; iface: string; pod: PodRuntime }
  /** the subnet or the default route: out through the primary ENI into the VPC */
  | { kind: 'vpc'; iface: string; via?: string }

export function isNodeAddress(node: NodeRuntime, ip: string): boolean {
  return ip === node.ip || cidrContains('127.0.0.0/8', ip)
}

/** The pod (not hostNetwork) that holds `ip`, wherever it runs. */
export function podByIp(
  state: ClusterState,
  ip: string,
): { node: NodeRuntime; pod: PodRuntime } | undefined {
  for (const node of Object.values(state.nodes))
    for (const pod of Object.values(node.pods))
      if (!pod.hostNetwork && pod.ip === ip) return { node, pod }
  return undefined
}

export function hostVeth(pod: PodRuntime): string {
  return vethName(pod.namespace, pod.name)
}

/** The host's routing decision for `dst` (ip route get). */
export function routeOnHost(state: ClusterState, node: NodeRuntime, dst: string): HostRoute {
  if (isNodeAddress(node, dst)) return { kind: 'local' }
  for (const pod of Object.values(node.pods))
    if (!pod.hostNetwork && pod.ip === dst) return { kind: 'pod', iface: hostVeth(pod), pod }
  const subnet = state.aws.subnets.find((s) => s.subnetId === node.subnetId)
  if (subnet && cidrContains(subnet.cidrBlock, dst)) return { kind: 'vpc', iface: PRIMARY_IFACE }
  // default via the subnet's router (the first host address, .1)
  const gw = subnet ? gatewayOf(subnet.cidrBlock) : undefined
  return { kind: 'vpc', iface: PRIMARY_IFACE, ...(gw ? { via: gw } : {}) }
}

function gatewayOf(cidr: string): string {
  const [ip] = cidr.split('/')
  const parts = ip!.split('.').map(Number)
  parts[3] = parts[3]! + 1
  return parts.join('.')
}

export type VpcRoute = { kind: 'node'; node: NodeRuntime } | { kind: 'lost'; reason: string }

/**
 * The VPC router: the ENI that holds `dst` (a node's primary IP or a pod's secondary IP) gets the
 * packet through the implicit `local` route; anything else would take the subnet's 0.0.0.0/0 route
 * to an internet or NAT gateway, which this part of the simulation does not model yet.
 */
export function routeInVpc(state: ClusterState, dst: string): VpcRoute {
  for (const node of Object.values(state.nodes)) if (node.ip === dst) return { kind: 'node', node }
  const owner = podByIp(state, dst)
  if (owner) return { kind: 'node', node: owner.node }
  if (cidrContains(state.aws.vpc.cidrBlock, dst))
    return { kind: 'lost', reason: `no network interface in the VPC has the address ${dst}` }
  return {
    kind: 'lost',
    reason: `${dst} is outside the VPC (${state.aws.vpc.cidrBlock}): the subnet's default route leads to a gateway, and traffic beyond the VPC is not simulated yet`,
  }
}
