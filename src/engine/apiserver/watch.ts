import type { Ctx } from '../context.ts'
import { schedule } from '../context.ts'
import type { KObject, Node, Pod } from '../model/k8s.ts'
import { getObject, listObjects } from './store.ts'
import type { ControllerName } from '../model/state.ts'
import { notifyKubeProxies } from '../net/kubeproxy/sync.ts'

// Watches: each controller and each node's kubelet watches the resources it reconciles, as their
// informers do; a write enqueues the affected keys. Delivery takes a few ms, like a real watch.
export const WATCH_LATENCY_MS = 5

export function enqueue(
  ctx: Ctx,
  controller: ControllerName,
  key: string,
  delayMs = WATCH_LATENCY_MS,
  background = false,
): void {
  schedule(
    ctx,
    delayMs,
    { kind: 'reconcile', controller, key },
    { background, dedupKey: `${controller}|${key}` },
  )
}

/** `namespace/name` for namespaced objects, `name` for cluster-scoped ones (client-go's MetaNamespaceKeyFunc). */
export function objectKey(obj: Pick<KObject, 'metadata'>): string {
  return obj.metadata.namespace
    ? `${obj.metadata.namespace}/${obj.metadata.name}`
    : obj.metadata.name
}

function ownerKey(obj: KObject, kind: string): string | undefined {
  const ref = obj.metadata.ownerReferences?.find((o) => o.controller && o.kind === kind)
  return ref ? `${obj.metadata.namespace}/${ref.name}` : undefined
}

function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v)
}

export function notifyWatchers(
  ctx: Ctx,
  obj: KObject | undefined,
  prev: KObject | undefined,
): void {
  const o = (obj ?? prev)!
  const key = objectKey(o)
  switch (o.kind) {
    case 'Pod': {
      const pod = o as Pod
      const rs = ownerKey(o, 'ReplicaSet')
      if (rs) enqueue(ctx, 'replicaset', rs)
      const ds = ownerKey(o, 'DaemonSet')
      if (ds) enqueue(ctx, 'daemonset', ds)
      if (obj && !pod.spec.nodeName && !pod.metadata.deletionTimestamp)
        enqueue(ctx, 'scheduler', '*') // one scheduling pass picks up every pending pod
      if (pod.spec.nodeName) enqueue(ctx, 'kubelet', key, WATCH_LATENCY_MS)
      // Services whose selector matches the pod, before or after the change
      const labelsNow = (obj as Pod | undefined)?.metadata.labels
      const labelsBefore = (prev as Pod | undefined)?.metadata.labels
      for (const svc of listObjects(ctx.state, 'Service', o.metadata.namespace)) {
        if (selects(svc.spec.selector, labelsNow) || selects(svc.spec.selector, labelsBefore))
          enqueue(ctx, 'endpointslice', objectKey(svc))
      }
      if (!obj) {
        enqueue(ctx, 'scheduler', '*') // freed capacity: retry pending pods
        if (
          getObject(ctx.state, 'Namespace', undefined, o.metadata.namespace!)?.metadata
            .deletionTimestamp
        )
          enqueue(ctx, 'namespace', o.metadata.namespace!)
      }
      break
    }
    case 'ReplicaSet': {
      enqueue(ctx, 'replicaset', key)
      const d = ownerKey(o, 'Deployment')
      if (d) enqueue(ctx, 'deployment', d)
      break
    }
    case 'Deployment':
      enqueue(ctx, 'deployment', key)
      break
    case 'DaemonSet':
      enqueue(ctx, 'daemonset', key)
      break
    case 'Service':
      enqueue(ctx, 'endpointslice', key)
      notifyKubeProxies(ctx)
      break
    case 'EndpointSlice':
      notifyKubeProxies(ctx)
      break
    case 'Node': {
      // a heartbeat (only timestamps changed) matters to nobody that reconciles
      const strip = (n: KObject | undefined) =>
        n &&
        JSON.stringify({
          spec: (n as Node).spec,
          allocatable: (n as Node).status.allocatable,
          ready: (n as Node).status.conditions.map((c) => c.status),
        })
      if (obj && prev && strip(obj) === strip(prev)) break
      for (const ds of listObjects(ctx.state, 'DaemonSet')) enqueue(ctx, 'daemonset', objectKey(ds))
      enqueue(ctx, 'scheduler', '*')
      break
    }
    case 'Namespace':
      if (obj) enqueue(ctx, 'namespace', key)
      break
    case 'Event':
    case 'ServiceAccount':
    case 'ConfigMap':
    case 'Secret':
      break
  }
}
