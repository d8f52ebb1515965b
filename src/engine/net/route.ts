import type { ClusterState } from '../model/state.ts'
import type { NodeRuntime, PodRuntime } from '../model/node.ts'
import { vethName } from '../node/util.ts'
import { cidrContains } from './ip.ts'
import { policyLookup, type PolicyDecision } from './policy.ts'

// Where a packet goes next in a node's host namespace: the kernel's policy routing (fib rules,
// then the table they select), evaluated over the rules and tables the VPC CNI leaves on the node
// (policy.ts, the same data `ip rule` and `ip route` print). The VPC beyond the ENI is vpc.ts.

/** The node's primary ENI as AL2023 names it (FIDELITY §5.4). */
export const PRIMARY_IFACE = 'ens5'

export type HostRoute =
  /** an address of this host: INPUT, then a local socket */
  | { kind: 'local'; decision?: PolicyDecision }
  /** `<podIP> dev eni<hash> scope link`: a pod on this node, behind its veth */
  | { kind: 'pod'; iface: string; pod: PodRuntime; decision: PolicyDecision }
  /** out through an ENI (ens5, ens6 …) into the VPC */
  | { kind: 'vpc'; iface: string; via?: string; decision: PolicyDecision }
  /** no rule's table had a route: `Network is unreachable` */
  | { kind: 'unreachable' }

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

/** The host's routing decision for a packet (`ip route get <dst> from <src> mark <mark>`). */
export function routeOnHost(
  state: ClusterState,
  node: NodeRuntime,
  pkt: { src: string; dst: string; mark: number },
): HostRoute {
  if (cidrContains('127.0.0.0/8', pkt.dst)) return { kind: 'local' }
  const decision = policyLookup(state, node, pkt)
  // a node whose ipamd has not listed its ENIs yet still owns its primary address
  if (isNodeAddress(node, pkt.dst) && decision?.route.type !== 'local') return { kind: 'local' }
  if (!decision) return { kind: 'unreachable' }
  const r = decision.route
  if (r.type === 'local' || r.type === 'broadcast') return { kind: 'local', decision }
  if (/^ens\d+$/.test(r.dev))
    return { kind: 'vpc', iface: r.dev, ...(r.via ? { via: r.via } : {}), decision }
  const pod = Object.values(node.pods).find((p) => !p.hostNetwork && hostVeth(p) === r.dev)
  if (!pod) return { kind: 'unreachable' }
  return { kind: 'pod', iface: r.dev, pod, decision }
}
