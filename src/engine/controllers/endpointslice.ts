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

function targetPortOf(svcPort: Service['spec']['ports'][number], pod: Pod): number | undefined {
  if (typeof svcPort.targetPort === 'number') return svcPort.targetPort
  for (const c of pod.spec.containers)
    for (const p of c.ports ?? []) if (p.name === svcPort.targetPort) return p.containerPort
  return undefined
}

export function reconcileEndpointSlices(ctx: Ctx, key: string): void {
  const [ns, name] = key.split('/') as [string, string]
  const svc = getObject(ctx.state, 'Service', ns, name)
  if (!svc) {
    // the garbage collector removes slices owned by a deleted Service
    return
  }
  if (!svc.spec.selector || Object.keys(svc.spec.selector).length === 0) return
  const pods = listObjects(ctx.state, 'Pod', ns).filter(
    (p) =>
      selects(svc.spec.selector, p.metadata.labels) &&
      p.status.podIP &&
      p.status.phase !== 'Succeeded' &&
      p.status.phase !== 'Failed',
  )
  const endpoints = pods.map((p) => {
    const terminating = !!p.metadata.deletionTimestamp
    const ready = isPodReady(p)
    const node = p.spec.nodeName
      ? getObject(ctx.state, 'Node', undefined, p.spec.nodeName)
      : undefined
    return {
      addresses: [p.status.podIP!],
      conditions: { ready: ready && !terminating, serving: ready, terminating },
      ...(p.spec.nodeName ? { nodeName: p.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', name: p.metadata.name, namespace: ns, uid: p.metadata.uid },
      ...(node?.metadata.labels?.['topology.kubernetes.io/zone']
        ? { zone: node.metadata.labels['topology.kubernetes.io/zone'] }
        : {}),
    }
  })
  // a port entry per Service port (named ports resolved per pod; we use the first pod's resolution)
  const ports = svc.spec.ports.map((p) => ({
    name: p.name ?? '',
    port:
      (pods[0] && targetPortOf(p, pods[0])) ??
      (typeof p.targetPort === 'number' ? p.targetPort : p.port),
    protocol: p.protocol,
  }))
  const chunks: (typeof endpoints)[] = []
  for (let i = 0; i < endpoints.length; i += MAX_ENDPOINTS_PER_SLICE)
    chunks.push(endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE))
  if (chunks.length === 0) chunks.push([])
  const existing = slicesOf(ctx, svc)
  chunks.forEach((eps, i) => {
    const slice = existing[i]
    const body = { endpoints: eps, ports }
    if (slice) {
      if (
        JSON.stringify({ endpoints: slice.endpoints, ports: slice.ports }) === JSON.stringify(body)
      )
        return
      const copy = deepClone(slice)
      copy.endpoints = eps
      copy.ports = ports
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
            'endpointslice.kubernetes.io/managed-by': MANAGED_BY,
            'kubernetes.io/service-name': svc.metadata.name,
            ...(svc.metadata.labels ?? {}),
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
        ...body,
      } as never)
    }
  })
  for (const extra of existing.slice(chunks.length))
    deleteObjectGracefully(ctx, 'EndpointSlice', ns, extra.metadata.name)
}
