import type { Ctx } from '../context.ts'
import { emit } from '../context.ts'
import type { ClusterState } from '../model/state.ts'
import type { Pod } from '../model/k8s.ts'
import type { ContainerRuntime, PodRuntime } from '../model/node.ts'
import { criLines, type CriLine } from './cri.ts'
import { containerLogPath } from './files.ts'

// `kubectl logs` as the cluster serves it: kubectl -> API server (GET pods/<pod>/log) -> the kubelet on
// the pod's node (GET /containerLogs/<ns>/<pod>/<container>) -> the container's LIVE log file
// (its status LogPath, `<restartCount>.log`). Rotated files are NOT read: after a rotation
// `kubectl logs` shows only what was written since (kubernetes/kubernetes#59902).
// The kubelet picks the container instance as validateContainerLogStatus (pkg/kubelet/kubelet_pods.go) does.

export interface LogQuery {
  namespace: string
  pod: string
  container: string
  previous?: boolean
  /** --tail: the last N lines (-1 = all) */
  tailLines?: number
  /** --since: only lines newer than this many ms before now */
  sinceMs?: number
}

/** One line as the kubelet streams it (P records joined with their F). */
export interface LogLineOut {
  /** the RFC3339Nano timestamp of the line's first record, as in the file */
  timestamp: string
  message: string
  stream: 'stdout' | 'stderr'
  /** simulated ms (ordering / follow) */
  time: number
  ns: number
}

export type LogReadResult =
  | { ok: true; node: string; file: string; lines: LogLineOut[] }
  /** BadRequest messages of the kubelet/apiserver (kubectl prints `Error from server (BadRequest): …`) */
  | { ok: false; message: string }
  /** the pod has no node yet: the API server returns an empty body */
  | { ok: true; node: undefined; file: undefined; lines: [] }

function runtimeOf(state: ClusterState, pod: Pod): { node: string; rt: PodRuntime } | undefined {
  const node = pod.spec.nodeName
  const rt = node ? state.nodes[node]?.pods[pod.metadata.uid!] : undefined
  return rt ? { node: node!, rt } : undefined
}

/** Joins P records to their F into whole lines, as the kubelet's ReadLogs writes them out. */
export function wholeLines(lines: readonly CriLine[]): LogLineOut[] {
  const out: LogLineOut[] = []
  let open: LogLineOut | undefined
  for (const l of lines) {
    if (!open)
      open = {
        timestamp: l.timestamp,
        message: '',
        stream: l.stream,
        time: l.record.time,
        ns: l.record.ns ?? 0,
      }
    open.message += l.message
    if (l.tag === 'F') {
      out.push(open)
      open = undefined
    }
  }
  if (open) out.push(open)
  return out
}

/** Which container instance's file the kubelet reads, or the error it answers. */
export function pickInstance(
  pod: Pod,
  rt: PodRuntime | undefined,
  container: string,
  previous: boolean,
): ContainerRuntime | string {
  const name = pod.metadata.name
  const c = rt?.containers.find((x) => x.name === container)
  const prev = rt?.previous[container]
  const lastTerminated = prev?.id && prev.id !== c?.id ? prev : undefined
  if (!rt || !c) {
    if (previous) return `previous terminated container "${container}" in pod "${name}" not found`
    return `container "${container}" in pod "${name}" is waiting to start: ${c?.waitingReason ?? 'ContainerCreating'}`
  }
  if (previous) {
    if (!lastTerminated)
      return `previous terminated container "${container}" in pod "${name}" not found`
    return lastTerminated
  }
  if (c.state === 'running' || (c.state === 'exited' && c.id)) return c
  if (lastTerminated) return lastTerminated
  // the reason the kubelet reported in the pod status (what validateContainerLogStatus reads)
  const status = [
    ...(pod.status.containerStatuses ?? []),
    ...(pod.status.initContainerStatuses ?? []),
  ].find((s) => s.name === container)
  const reason =
    status?.state?.waiting?.reason ??
    (c.state === 'pulling' ? 'ContainerCreating' : (c.waitingReason ?? 'ContainerCreating'))
  if (reason === 'ErrImagePull')
    return `container "${container}" in pod "${name}" is waiting to start: image can't be pulled`
  if (reason === 'ImagePullBackOff')
    return `container "${container}" in pod "${name}" is waiting to start: trying and failing to pull image`
  return `container "${container}" in pod "${name}" is waiting to start: ${reason}`
}

/** What the kubelet streams back for `q` (pure). */
export function readPodLogs(state: ClusterState, pod: Pod, q: LogQuery): LogReadResult {
  const found = runtimeOf(state, pod)
  if (!pod.spec.nodeName) return { ok: true, node: undefined, file: undefined, lines: [] }
  const inst = pickInstance(pod, found?.rt, q.container, !!q.previous)
  if (typeof inst === 'string') return { ok: false, message: inst }
  const rt = found!.rt
  let lines = wholeLines(criLines(inst.logs))
  if (q.sinceMs !== undefined) {
    const from = state.now - q.sinceMs
    lines = lines.filter((l) => l.time >= from)
  }
  if (q.tailLines !== undefined && q.tailLines >= 0)
    lines = q.tailLines === 0 ? [] : lines.slice(-q.tailLines)
  return { ok: true, node: found!.node, file: containerLogPath(rt, inst), lines }
}

/** Records the request's path for views: client -> API server -> kubelet -> file. */
export function emitLogsRequest(
  ctx: Ctx,
  r: {
    namespace: string
    pod: string
    container: string
    node: string
    file: string
    previous: boolean
    follow: boolean
    lines: number
  },
): void {
  emit(ctx, {
    type: 'logs.request',
    ...r,
    hops: ['kubectl', 'kube-apiserver', `kubelet@${r.node}`, r.file],
  })
}
