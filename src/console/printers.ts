import type {
  ClusterState,
  DaemonSet,
  Deployment,
  EndpointSlice,
  KEvent,
  KObject,
  LabelSelector,
  Node,
  Pod,
  ReplicaSet,
  Service,
} from '../engine/index.ts'
import { humanDuration, parseRfc3339 } from '../engine/index.ts'
import { RBAC_PRINTERS } from './format/rbac.ts'

// The server-side printers of `kubectl get` (kubernetes/kubernetes pkg/printers/internalversion/printers.go):
// columns, their order, which appear only with -o wide, and how each cell is computed.

export interface Column {
  name: string
  wide?: boolean
}

export interface Printer<T extends KObject = KObject> {
  columns: Column[]
  row(obj: T, now: number, state: ClusterState): string[]
}

export function age(ts: string | undefined, now: number): string {
  if (!ts) return '<unknown>'
  return humanDuration(now - parseRfc3339(ts))
}

export function formatSelector(sel: LabelSelector | undefined): string {
  if (!sel) return '<none>'
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`)
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`)
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`)
    else if (e.operator === 'Exists') parts.push(e.key)
    else parts.push(`!${e.key}`)
  }
  return parts.length ? parts.join(',') : '<none>'
}

export function formatLabels(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(',') : '<none>'
}

/** The STATUS column of `kubectl get pods` (printPod). */
export function podStatusReason(pod: Pod): string {
  let reason: string = pod.status.reason ?? pod.status.phase
  const inits =
    (pod.status as { initContainerStatuses?: Pod['status']['containerStatuses'] })
      .initContainerStatuses ?? []
  let initializing = false
  inits.forEach((c, i) => {
    if (initializing) return
    if (c.state.terminated && c.state.terminated.exitCode === 0) return
    initializing = true
    if (c.state.terminated)
      reason = c.state.terminated.reason
        ? `Init:${c.state.terminated.reason}`
        : `Init:ExitCode:${c.state.terminated.exitCode}`
    else if (c.state.waiting?.reason && c.state.waiting.reason !== 'PodInitializing')
      reason = `Init:${c.state.waiting.reason}`
    else reason = `Init:${i}/${pod.spec.initContainers?.length ?? inits.length}`
  })
  if (!initializing) {
    let hasRunning = false
    const cs = pod.status.containerStatuses ?? []
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i]!
      if (c.state.waiting?.reason) reason = c.state.waiting.reason
      else if (c.state.terminated?.reason) reason = c.state.terminated.reason
      else if (c.state.terminated) reason = `ExitCode:${c.state.terminated.exitCode}`
      else if (c.ready && c.state.running) hasRunning = true
    }
    if (reason === 'Completed' && hasRunning) {
      reason = pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
        ? 'Running'
        : 'NotReady'
    }
  }
  if (pod.metadata.deletionTimestamp && pod.status.reason === 'NodeLost') reason = 'Unknown'
  else if (
    pod.metadata.deletionTimestamp &&
    pod.status.phase !== 'Succeeded' &&
    pod.status.phase !== 'Failed'
  )
    reason = 'Terminating'
  return reason
}

function podRestarts(pod: Pod, now: number): string {
  let restarts = 0
  let last: number | undefined
  for (const c of pod.status.containerStatuses ?? []) {
    restarts += c.restartCount
    const fin = c.lastState.terminated?.finishedAt
    if (fin) last = Math.max(last ?? -Infinity, parseRfc3339(fin))
  }
  return restarts > 0 && last !== undefined
    ? `${restarts} (${humanDuration(now - last)} ago)`
    : String(restarts)
}

const pods: Printer<Pod> = {
  columns: [
    { name: 'NAME' },
    { name: 'READY' },
    { name: 'STATUS' },
    { name: 'RESTARTS' },
    { name: 'AGE' },
    { name: 'IP', wide: true },
    { name: 'NODE', wide: true },
    { name: 'NOMINATED NODE', wide: true },
    { name: 'READINESS GATES', wide: true },
  ],
  row(pod, now) {
    const cs = pod.status.containerStatuses ?? []
    const ready = cs.filter((c) => c.ready && c.state.running).length
    return [
      pod.metadata.name,
      `${ready}/${pod.spec.containers.length}`,
      podStatusReason(pod),
      podRestarts(pod, now),
      age(pod.metadata.creationTimestamp, now),
      pod.status.podIPs?.[0]?.ip ?? pod.status.podIP ?? '<none>',
      pod.spec.nodeName ?? '<none>',
      '<none>',
      '<none>',
    ]
  },
}

function nodeStatus(n: Node): string {
  const ready = n.status.conditions.find((c) => c.type === 'Ready')
  const s = ready?.status === 'True' ? 'Ready' : ready?.status === 'False' ? 'NotReady' : 'Unknown'
  return n.spec.unschedulable ? `${s},SchedulingDisabled` : s
}

function nodeRoles(n: Node): string {
  const roles = Object.keys(n.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
  const legacy = n.metadata.labels?.['kubernetes.io/role']
  if (legacy) roles.push(legacy)
  return roles.length ? roles.sort().join(',') : '<none>'
}

const nodes: Printer<Node> = {
  columns: [
    { name: 'NAME' },
    { name: 'STATUS' },
    { name: 'ROLES' },
    { name: 'AGE' },
    { name: 'VERSION' },
    { name: 'INTERNAL-IP', wide: true },
    { name: 'EXTERNAL-IP', wide: true },
    { name: 'OS-IMAGE', wide: true },
    { name: 'KERNEL-VERSION', wide: true },
    { name: 'CONTAINER-RUNTIME', wide: true },
  ],
  row(n, now) {
    const addr = (t: string) => n.status.addresses.find((a) => a.type === t)?.address ?? '<none>'
    return [
      n.metadata.name,
      nodeStatus(n),
      nodeRoles(n),
      age(n.metadata.creationTimestamp, now),
      n.status.nodeInfo.kubeletVersion,
      addr('InternalIP'),
      addr('ExternalIP'),
      n.status.nodeInfo.osImage,
      n.status.nodeInfo.kernelVersion,
      n.status.nodeInfo.containerRuntimeVersion,
    ]
  },
}

function containersAndImages(spec: Pod['spec']): [string, string] {
  return [
    spec.containers.map((c) => c.name).join(','),
    spec.containers.map((c) => c.image).join(','),
  ]
}

const deployments: Printer<Deployment> = {
  columns: [
    { name: 'NAME' },
    { name: 'READY' },
    { name: 'UP-TO-DATE' },
    { name: 'AVAILABLE' },
    { name: 'AGE' },
    { name: 'CONTAINERS', wide: true },
    { name: 'IMAGES', wide: true },
    { name: 'SELECTOR', wide: true },
  ],
  row(d, now) {
    return [
      d.metadata.name,
      `${d.status.readyReplicas ?? 0}/${d.spec.replicas}`,
      String(d.status.updatedReplicas ?? 0),
      String(d.status.availableReplicas ?? 0),
      age(d.metadata.creationTimestamp, now),
      ...containersAndImages(d.spec.template.spec),
      formatSelector(d.spec.selector),
    ]
  },
}

const replicasets: Printer<ReplicaSet> = {
  columns: [
    { name: 'NAME' },
    { name: 'DESIRED' },
    { name: 'CURRENT' },
    { name: 'READY' },
    { name: 'AGE' },
    { name: 'CONTAINERS', wide: true },
    { name: 'IMAGES', wide: true },
    { name: 'SELECTOR', wide: true },
  ],
  row(rs, now) {
    return [
      rs.metadata.name,
      String(rs.spec.replicas),
      String(rs.status.replicas ?? 0),
      String(rs.status.readyReplicas ?? 0),
      age(rs.metadata.creationTimestamp, now),
      ...containersAndImages(rs.spec.template.spec),
      formatSelector(rs.spec.selector),
    ]
  },
}

const daemonsets: Printer<DaemonSet> = {
  columns: [
    { name: 'NAME' },
    { name: 'DESIRED' },
    { name: 'CURRENT' },
    { name: 'READY' },
    { name: 'UP-TO-DATE' },
    { name: 'AVAILABLE' },
    { name: 'NODE SELECTOR' },
    { name: 'AGE' },
    { name: 'CONTAINERS', wide: true },
    { name: 'IMAGES', wide: true },
    { name: 'SELECTOR', wide: true },
  ],
  row(ds, now) {
    const sel = ds.spec.template.spec.nodeSelector
    return [
      ds.metadata.name,
      String(ds.status.desiredNumberScheduled),
      String(ds.status.currentNumberScheduled),
      String(ds.status.numberReady),
      String(ds.status.updatedNumberScheduled ?? 0),
      String(ds.status.numberAvailable ?? 0),
      sel
        ? Object.entries(sel)
            .map(([k, v]) => `${k}=${v}`)
            .join(',')
        : '<none>',
      age(ds.metadata.creationTimestamp, now),
      ...containersAndImages(ds.spec.template.spec),
      formatSelector(ds.spec.selector),
    ]
  },
}

const services: Printer<Service> = {
  columns: [
    { name: 'NAME' },
    { name: 'TYPE' },
    { name: 'CLUSTER-IP' },
    { name: 'EXTERNAL-IP' },
    { name: 'PORT(S)' },
    { name: 'AGE' },
    { name: 'SELECTOR', wide: true },
  ],
  row(s, now) {
    const ports = s.spec.ports
      .map((p) =>
        p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`,
      )
      .join(',')
    const external =
      s.spec.type === 'LoadBalancer'
        ? '<pending>'
        : s.spec.type === 'ExternalName'
          ? (s.spec.externalName ?? '<none>')
          : '<none>'
    const sel = s.spec.selector
      ? Object.entries(s.spec.selector)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, v]) => `${k}=${v}`)
          .join(',')
      : '<none>'
    return [
      s.metadata.name,
      s.spec.type,
      s.spec.clusterIPs?.[0] ?? s.spec.clusterIP ?? '<none>',
      external,
      ports || '<none>',
      age(s.metadata.creationTimestamp, now),
      sel,
    ]
  },
}

function firstThree(items: string[]): string {
  if (items.length === 0) return '<unset>'
  return items.length > 3
    ? `${items.slice(0, 3).join(',')} + ${items.length - 3} more...`
    : items.join(',')
}

const endpointslices: Printer<EndpointSlice> = {
  columns: [
    { name: 'NAME' },
    { name: 'ADDRESSTYPE' },
    { name: 'PORTS' },
    { name: 'ENDPOINTS' },
    { name: 'AGE' },
  ],
  row(s, now) {
    const ports =
      s.ports.length === 0 ? '<unset>' : firstThree(s.ports.map((p) => String(p.port ?? '*')))
    return [
      s.metadata.name,
      s.addressType,
      ports,
      firstThree(s.endpoints.flatMap((e) => e.addresses)),
      age(s.metadata.creationTimestamp, now),
    ]
  },
}

const namespaces: Printer = {
  columns: [{ name: 'NAME' }, { name: 'STATUS' }, { name: 'AGE' }],
  row(ns, now) {
    return [
      ns.metadata.name,
      (ns as { status: { phase: string } }).status.phase,
      age(ns.metadata.creationTimestamp, now),
    ]
  },
}

const events: Printer<KEvent> = {
  columns: [
    { name: 'LAST SEEN' },
    { name: 'TYPE' },
    { name: 'REASON' },
    { name: 'OBJECT' },
    { name: 'SUBOBJECT', wide: true },
    { name: 'SOURCE', wide: true },
    { name: 'MESSAGE' },
    { name: 'FIRST SEEN', wide: true },
    { name: 'COUNT', wide: true },
    { name: 'NAME', wide: true },
  ],
  row(e, now) {
    return [
      age(e.lastTimestamp, now),
      e.type,
      e.reason,
      `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`,
      e.involvedObject.fieldPath ?? '',
      e.source.host ? `${e.source.component}, ${e.source.host}` : e.source.component,
      e.message.trim(),
      age(e.firstTimestamp, now),
      String(e.count),
      e.metadata.name,
    ]
  },
}

const configmaps: Printer = {
  columns: [{ name: 'NAME' }, { name: 'DATA' }, { name: 'AGE' }],
  row(o, now) {
    return [
      o.metadata.name,
      String(Object.keys((o as { data?: object }).data ?? {}).length),
      age(o.metadata.creationTimestamp, now),
    ]
  },
}

const secrets: Printer = {
  columns: [{ name: 'NAME' }, { name: 'TYPE' }, { name: 'DATA' }, { name: 'AGE' }],
  row(o, now) {
    const s = o as { type?: string; data?: object }
    return [
      o.metadata.name,
      s.type ?? 'Opaque',
      String(Object.keys(s.data ?? {}).length),
      age(o.metadata.creationTimestamp, now),
    ]
  },
}

const serviceaccounts: Printer = {
  columns: [{ name: 'NAME' }, { name: 'SECRETS' }, { name: 'AGE' }],
  row(o, now) {
    return [o.metadata.name, '0', age(o.metadata.creationTimestamp, now)]
  },
}

export const PRINTERS: Record<string, Printer> = {
  pods: pods as Printer,
  nodes: nodes as Printer,
  deployments: deployments as Printer,
  replicasets: replicasets as Printer,
  daemonsets: daemonsets as Printer,
  services: services as Printer,
  endpointslices: endpointslices as Printer,
  namespaces,
  events: events as Printer,
  configmaps,
  secrets,
  serviceaccounts,
  ...RBAC_PRINTERS,
}
