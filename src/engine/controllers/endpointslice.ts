import { deepClone } from '../clone.ts'
import type { Ctx } from '../context.ts'
import type { EndpointSlice, Pod, Service } from '../model/k8s.ts'
import { createObject, deleteObjectGracefully } from '../apiserver/api.ts'
import { getObject, listObjects, putObject } from '../apiserver/store.ts'
import { isPodReady } from './replicaset.ts'

// The EndpointSlice controller (pkg/controller/endpointslice): for every Service with a selector,
// slices named <service>-<5 chars> listing the matching pods' IPs with ready/serving/terminating
// conditions, at most 100 endpoints per slice, labelled with the service name and the manager.

const MAX_ENDPOINTS_PER_SLICE = 100
export const MANAGED_BY = 'endpointslice-controller.k8s.io'

function selects(
  sel: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!sel || Object.keys(sel).length === 0) return false
  return Object.entries(sel).every(([k, v]) => labels?.[k] === v)
}

function slicesOf(ctx: Ctx, svc: Service): EndpointSlice[] {
  return listObjects(ctx.state, 'EndpointSlice', svc.metadata.namespace).filter(
    (s) =>
      s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name &&
      s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === MANAGED_BY,
  )
}

/**
 * podutil.FindPort: a numeric targetPort as is; a named one is looked up in the pod's containers
 * (name and protocol must match). Undefined when the pod does not have that port.
 */
function targetPortOf(svcPort: Service['spec']['ports'][number], pod: Pod): number | undefined {
  if (typeof svcPort.targetPort === 'number') return svcPort.targetPort
  if (/^\d+$/.test(svcPort.targetPort)) return Number(svcPort.targetPort)
  for (const c of pod.spec.containers)
    for (const p of c.ports ?? [])
      if (p.name === svcPort.targetPort && (p.protocol ?? 'TCP') === svcPort.protocol)
        return p.containerPort
  return undefined
}

type SlicePort = EndpointSlice['ports'][number]
type SliceEndpoint = EndpointSlice['endpoints'][number]

export function reconcileEndpointSlices(ctx: Ctx, key: string): void {
  const [ns, name] = key.split('/') as [string, string]
  const svc = getObject(ctx.state, 'Service', ns, name)
  if (!svc) {
    // the garbage collector removes slices owned by a deleted Service
    return
  }
  if (!svc.spec.selector || Object.keys(svc.spec.selector).length === 0) return
  // ShouldPodBeInEndpoints: an IP, not finished; terminating pods stay (with terminating: true)
  const pods = listObjects(ctx.state, 'Pod', ns).filter(
    (p) =>
      selects(svc.spec.selector, p.metadata.labels) &&
      p.status.podIP &&
      p.status.phase !== 'Succeeded' &&
      p.status.phase !== 'Failed',
  )
  // Pods are grouped by the ports their endpoints resolve to (named target ports can differ per
  // pod); each group gets its own slices (the reconciler's endpointMeta / PortMapKey).
  const groups = new Map<string, { ports: SlicePort[]; endpoints: SliceEndpoint[] }>()
  for (const p of pods) {
    const ports: SlicePort[] = []
    for (const sp of svc.spec.ports) {
      const port = targetPortOf(sp, p)
      // getEndpointPorts skips a Service port the pod does not have
      if (port === undefined) continue
      ports.push({ name: sp.name ?? '', port, protocol: sp.protocol })
    }
    const terminating = !!p.metadata.deletionTimestamp
    const ready = isPodReady(p)
    const node = p.spec.nodeName
      ? getObject(ctx.state, 'Node', undefined, p.spec.nodeName)
      : undefined
    // podToEndpoint: ready follows the Ready condition but is never true while terminating
    const endpoint: SliceEndpoint = {
      addresses: [p.status.podIP!],
      conditions: { ready: ready && !terminating, serving: ready, terminating },
      ...(p.spec.nodeName ? { nodeName: p.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', name: p.metadata.name, namespace: ns, uid: p.metadata.uid },
      ...(node?.metadata.labels?.['topology.kubernetes.io/zone']
        ? { zone: node.metadata.labels['topology.kubernetes.io/zone'] }
        : {}),
    }
    const k = JSON.stringify(ports)
    const g = groups.get(k) ?? { ports, endpoints: [] }
    g.endpoints.push(endpoint)
    groups.set(k, g)
  }
  const desired: { ports: SlicePort[]; endpoints: SliceEndpoint[] }[] = []
  for (const g of groups.values())
    for (let i = 0; i < g.endpoints.length; i += MAX_ENDPOINTS_PER_SLICE)
      desired.push({ ports: g.ports, endpoints: g.endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE) })
  // no endpoints at all: one placeholder slice with neither ports nor endpoints
  // (`kubectl get endpointslices` shows <unset> <unset>)
  if (desired.length === 0) desired.push({ ports: [], endpoints: [] })

  // reuse existing slices with the same ports first, then any other, then create
  const existing = slicesOf(ctx, svc)
  const unused = new Set(existing)
  const plan: [EndpointSlice | undefined, (typeof desired)[number]][] = desired.map((d) => {
    const same = [...unused].find((s) => JSON.stringify(s.ports) === JSON.stringify(d.ports))
    if (same) unused.delete(same)
    return [same, d]
  })
  for (const entry of plan) {
    if (entry[0] || unused.size === 0) continue
    const any = unused.values().next().value!
    unused.delete(any)
    entry[0] = any
  }
  for (const [slice, body] of plan) {
    if (slice) {
      if (
        JSON.stringify({ endpoints: slice.endpoints, ports: slice.ports }) ===
        JSON.stringify({ endpoints: body.endpoints, ports: body.ports })
      )
        continue
      const copy = deepClone(slice)
      copy.endpoints = body.endpoints
      copy.ports = body.ports
      copy.metadata.generation = (copy.metadata.generation ?? 1) + 1
      putObject(ctx, copy)
    } else {
      createObject<EndpointSlice>(ctx, {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        addressType: 'IPv4',
        metadata: {
          generateName: `${svc.metadata.name}-`,
          namespace: ns,
          generation: 1,
          labels: {
            ...(svc.metadata.labels ?? {}),
            'endpointslice.kubernetes.io/managed-by': MANAGED_BY,
            'kubernetes.io/service-name': svc.metadata.name,
          },
          annotations: {
            'endpoints.kubernetes.io/last-change-trigger-time': svc.metadata.creationTimestamp,
          },
          ownerReferences: [
            {
              apiVersion: 'v1',
              kind: 'Service',
              name: svc.metadata.name,
              uid: svc.metadata.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        endpoints: body.endpoints,
        ports: body.ports,
      } as never)
    }
  }
  for (const extra of unused) deleteObjectGracefully(ctx, 'EndpointSlice', ns, extra.metadata.name)
}
