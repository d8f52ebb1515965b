import type { Ctx } from '../context.ts'
import { emit, schedule } from '../context.ts'
import type { ContainerRuntime, LogRecord, NodeRuntime, PodRuntime } from '../model/node.ts'
import { EPOCH_MS } from '../time.ts'
import { SAME_INSTANT_NS, recordBytes } from './cri.ts'
import { containerLogPath, liveLogBytes, podLogDir } from './files.ts'

// Writing container output to the log file (containerd) and rotating it (the kubelet's container
// log manager, pkg/kubelet/logs/container_log_manager.go; FIDELITY.md §1.3).
//
// The kubelet checks every containerLogMonitorInterval (10 s, ticks since the kubelet started) the
// RUNNING containers; when `N.log` >= containerLogMaxSize it
//   1. deletes the oldest rotated files beyond containerLogMaxFiles-2,
//   2. gzips every uncompressed rotated file (`.gz`, through a `.tmp` file),
//   3. renames `N.log` to `N.log.<YYYYMMDD-hhmmss>` (kubelet clock) and has containerd reopen `N.log`.
// Rather than a tick every 10 s on every node, a check is scheduled at the first monitor tick
// after a write makes the file reach the limit, which is exactly the tick that rotates it.

/** kubelet default containerLogMonitorInterval */
export const LOG_MONITOR_INTERVAL_MS = 10_000
/** the kubelet process starts this long after boot (node/processes.ts), and its log monitor with it */
const KUBELET_START_MS = 12_000
/** records a live file remembers (the bytes of older ones still count in its size) */
export const MAX_LOG_RECORDS = 2000

export interface LogLine {
  stream: 'stdout' | 'stderr'
  text: string
}

/** The next tick of the kubelet's log monitor strictly after `now`. */
export function nextMonitorTick(node: NodeRuntime, now: number): number {
  const start = node.bootTime + KUBELET_START_MS
  if (now < start) return start
  return start + (Math.floor((now - start) / LOG_MONITOR_INTERVAL_MS) + 1) * LOG_MONITOR_INTERVAL_MS
}

/** containerd writes a container's output lines to its live log file. */
export function writeContainerLog(
  ctx: Ctx,
  node: NodeRuntime,
  rt: PodRuntime,
  c: ContainerRuntime,
  lines: readonly LogLine[],
): void {
  const now = ctx.state.now
  let bytes = liveLogBytes(c)
  for (const o of lines) {
    const last = c.logs.at(-1) ?? c.rotated?.at(-1)?.records.at(-1)
    const ns = last && last.time === now ? (last.ns ?? 0) + SAME_INSTANT_NS : 0
    const r: LogRecord = { time: now, stream: o.stream, text: o.text, ns }
    c.logs.push(r)
    bytes += recordBytes(r)
    emit(ctx, {
      type: 'log.append',
      node: node.name,
      namespace: rt.namespace,
      pod: rt.name,
      container: c.name,
      stream: o.stream,
      text: o.text,
    })
  }
  c.logBytes = bytes
  if (c.logs.length > MAX_LOG_RECORDS) c.logs.splice(0, c.logs.length - MAX_LOG_RECORDS)
  if (bytes >= ctx.state.config.containerLogMaxSize && c.id && c.rotateCheckAt === undefined) {
    const at = nextMonitorTick(node, now)
    c.rotateCheckAt = at
    schedule(
      ctx,
      at - now,
      {
        kind: 'kubelet.logRotate',
        node: node.name,
        podUid: rt.uid,
        container: c.name,
        containerId: c.id,
      },
      { background: true, dedupKey: `kubelet.logRotate|${c.id}` },
    )
  }
}

/** `20060102-150405` of the simulated clock (UTC). */
export function rotationStamp(simMs: number): string {
  const iso = new Date(EPOCH_MS + Math.floor(simMs)).toISOString()
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`
}

/** The kubelet's log monitor tick for one container (WorkItem `kubelet.logRotate`). */
export function logMonitorTick(
  ctx: Ctx,
  nodeName: string,
  podUid: string,
  container: string,
  containerId: string,
): void {
  const node = ctx.state.nodes[nodeName]
  const rt = node?.pods[podUid]
  const c = rt?.containers.find((x) => x.name === container && x.id === containerId)
  if (!node || !rt || !c) return
  c.rotateCheckAt = undefined
  // only running containers are rotated; a later start gets a fresh file anyway
  if (c.state !== 'running' || !node.ready) return
  if (liveLogBytes(c) < ctx.state.config.containerLogMaxSize) return
  rotateContainerLog(ctx, node, rt, c)
}

/** kubelet rotateLog(): prune, compress, rename, reopen. */
export function rotateContainerLog(
  ctx: Ctx,
  node: NodeRuntime,
  rt: PodRuntime,
  c: ContainerRuntime,
): void {
  const now = ctx.state.now
  const maxRotated = Math.max(0, ctx.state.config.containerLogMaxFiles - 2)
  const rotated = c.rotated ?? []
  // removeExcessLogs: sorted oldest to newest (names sort by their timestamp)
  rotated.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const excess = Math.max(0, rotated.length - maxRotated)
  const deleted = rotated.splice(0, excess).map((r) => r.name)
  const compressed: string[] = []
  for (const r of rotated) {
    if (r.compressed) continue
    r.compressed = true
    r.name += '.gz'
    r.mtime = now
    compressed.push(r.name)
  }
  const name = `${c.restartCount}.log.${rotationStamp(now)}`
  const last = c.logs.at(-1)
  rotated.push({
    name,
    compressed: false,
    rotatedAt: now,
    bytes: liveLogBytes(c),
    mtime: last ? last.time : now,
    records: c.logs,
  })
  c.rotated = rotated
  c.logs = []
  c.logBytes = 0
  const dir = `${podLogDir(rt)}/${c.name}`
  emit(ctx, {
    type: 'log.rotate',
    node: node.name,
    namespace: rt.namespace,
    pod: rt.name,
    container: c.name,
    file: containerLogPath(rt, c),
    rotatedTo: `${dir}/${name}`,
    compressed: compressed.map((n) => `${dir}/${n}`),
    deleted: deleted.map((n) => `${dir}/${n}`),
  })
}
