import type { ClusterState } from '../model/state.ts'
import type { Service } from '../model/k8s.ts'
import { nextInt } from '../random.ts'
import { invalid } from './errors.ts'
import { listObjects } from './store.ts'

// The API server's NodePort allocator (pkg/registry/core/service/portallocator) over
// --service-node-port-range, default 30000-32767 (EKS does not change it). Dynamic allocation is
// random and prefers the upper band, leaving the lower band for ports users ask for (KEP-3668:
// the lower band is min(max(16, size/32), 128) ports). A port a user asks for must be in range and
// free. The ports in use are those of the Services in etcd, so deleting a Service frees them.

export const NODE_PORT_MIN = 30000
export const NODE_PORT_MAX = 32767

function usedNodePorts(state: ClusterState, except?: Service): Set<number> {
  const used = new Set<number>()
  for (const s of listObjects(state, 'Service')) {
    if (
      except &&
      s.metadata.namespace === except.metadata.namespace &&
      s.metadata.name === except.metadata.name
    )
      continue
    for (const p of s.spec.ports ?? []) if (p.nodePort) used.add(p.nodePort)
    if (s.spec.healthCheckNodePort) used.add(s.spec.healthCheckNodePort)
  }
  return used
}

function pick(state: ClusterState, used: Set<number>): number {
  const size = NODE_PORT_MAX - NODE_PORT_MIN + 1
  const lower = Math.min(Math.max(16, Math.floor(size / 32)), 128)
  for (let attempt = 0; attempt < 1000; attempt++) {
    const port = nextInt(state.rng, NODE_PORT_MIN + lower, NODE_PORT_MAX)
    if (!used.has(port)) return port
  }
  for (let port = NODE_PORT_MIN; port <= NODE_PORT_MAX; port++) if (!used.has(port)) return port
  throw new Error('range is full')
}

const needsNodePorts = (svc: Service) =>
  svc.spec.type === 'NodePort' || svc.spec.type === 'LoadBalancer'

/**
 * Checks the nodePorts a client asked for and fills in the missing ones (and the
 * healthCheckNodePort of a LoadBalancer with externalTrafficPolicy Local). `previous`: the stored
 * Service on update, whose own ports stay allocated to it.
 */
export function allocateNodePorts(state: ClusterState, svc: Service, previous?: Service): void {
  if (!needsNodePorts(svc)) {
    for (const p of svc.spec.ports ?? []) delete p.nodePort
    return
  }
  const used = usedNodePorts(state, previous ?? svc)
  const errors: string[] = []
  const mine = new Set<number>()
  for (const [i, p] of (svc.spec.ports ?? []).entries()) {
    if (!p.nodePort) continue
    const err =
      p.nodePort < NODE_PORT_MIN || p.nodePort > NODE_PORT_MAX
        ? `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`
        : used.has(p.nodePort)
          ? 'provided port is already allocated'
          : undefined
    if (err) errors.push(`spec.ports[${i}].nodePort: Invalid value: ${p.nodePort}: ${err}`)
    mine.add(p.nodePort)
  }
  if (errors.length) throw invalid('Service', svc.metadata.name, errors)
  for (const n of mine) used.add(n)
  for (const p of svc.spec.ports ?? []) {
    if (p.nodePort) continue
    p.nodePort = pick(state, used)
    used.add(p.nodePort)
  }
  if (svc.spec.type === 'LoadBalancer' && svc.spec.externalTrafficPolicy === 'Local')
    svc.spec.healthCheckNodePort ??= pick(state, used)
}
