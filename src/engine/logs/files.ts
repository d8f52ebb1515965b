import type { ClusterState } from '../model/state.ts'
import type { ContainerRuntime, LogRecord, PodRuntime } from '../model/node.ts'
import { resolveImage } from '../workloads/images.ts'
import { criBytes, criLogText } from './cri.ts'

// The container log files on a node's disk, as the kubelet and containerd lay them out
// (FIDELITY.md §1.1, §1.3):
//   /var/log/pods/<ns>_<pod>_<uid>/<container>/<restartCount>.log          live file (containerd writes)
//   /var/log/pods/<ns>_<pod>_<uid>/<container>/<restartCount>.log.<YYYYMMDD-hhmmss>     last rotated
//   /var/log/pods/<ns>_<pod>_<uid>/<container>/<restartCount>.log.<YYYYMMDD-hhmmss>.gz  older, gzipped
//   /var/log/containers/<pod>_<ns>_<container>-<64-hex id>.log -> the live file
// Both the current container instance and the previous (dead) one keep their files, so
// `kubectl logs --previous` works; deleting the pod removes the whole pod directory.
//
// This is THE read API for the files: the node filesystem (node/fs.ts), `kubectl logs`, `crictl
// logs` and log shippers (Fluent Bit) all read through containerLogFiles().
// Simplification: a live file remembers only its newest 2000 records (kubelet MAX_LOG_RECORDS);
// its `size` still counts every byte written since the last rotation.

export type LogFileKind = 'live' | 'rotated' | 'compressed'

/** One container log file on a node. */
export interface ContainerLogFile {
  /** absolute path under /var/log/pods */
  path: string
  /** basename: `0.log`, `0.log.20260302-084612`, `0.log.20260302-084602.gz` */
  name: string
  /** /var/log/pods/<ns>_<pod>_<uid>/<container> */
  dir: string
  kind: LogFileKind
  namespace: string
  pod: string
  podUid: string
  container: string
  /** containerd's 64-hex container ID of the instance that wrote it */
  containerId: string
  restartCount: number
  /** whether it belongs to the container's current instance (false: the kept previous instance) */
  current: boolean
  /** the instance is running (only running containers' live files are rotated) */
  running: boolean
  /** live files only: the kubelet's /var/log/containers symlink pointing at this file */
  symlink?: string
  /** bytes on disk (for `.gz` an estimate of the gzip size) */
  size: number
  /** bytes of the CRI text (= size, except for `.gz`) */
  uncompressedSize: number
  /** simulated ms of the last write */
  mtime: number
  /** the records in the file, oldest first; render with criLogText() from engine/logs/cri.ts */
  records: readonly LogRecord[]
  /** image reference and repo@digest of the container (for shippers' metadata) */
  image: string
  imageId: string
}

/** /var/log/pods/<ns>_<pod>_<uid> (kuberuntime BuildPodLogsDirectory) */
export function podLogDir(rt: { namespace: string; name: string; uid: string }): string {
  return `/var/log/pods/${rt.namespace}_${rt.name}_${rt.uid}`
}

/** /var/log/pods/…/<container>/<restartCount>.log (kuberuntime buildContainerLogsPath) */
export function containerLogPath(rt: PodRuntime, c: ContainerRuntime): string {
  return `${podLogDir(rt)}/${c.name}/${c.restartCount}.log`
}

/** /var/log/containers/<pod>_<ns>_<container>-<id>.log, basename cut to 255 bytes (kuberuntime legacy.go). */
export function containerLogSymlink(rt: PodRuntime, c: ContainerRuntime): string {
  let base = `${rt.name}_${rt.namespace}_${c.name}-${c.id}.log`
  if (base.length > 255) base = base.slice(0, 251) + '.log'
  return `/var/log/containers/${base}`
}

/** Every container instance that still has log files: the previous (dead) one and the current one. */
export function containerInstances(rt: PodRuntime): ContainerRuntime[] {
  const out: ContainerRuntime[] = []
  for (const c of rt.containers) {
    const prev = rt.previous[c.name]
    if (prev?.id && prev.id !== c.id) out.push(prev)
    if (c.id) out.push(c)
  }
  return out
}

/** Size in bytes of the live `<restartCount>.log` of a container instance. */
export function liveLogBytes(c: ContainerRuntime): number {
  return c.logBytes ?? criBytes(c.logs)
}

/** The files of one container instance: rotated ones oldest first, then the live file. */
export function instanceLogFiles(rt: PodRuntime, c: ContainerRuntime): ContainerLogFile[] {
  if (!c.id) return []
  const dir = `${podLogDir(rt)}/${c.name}`
  const image = resolveImage(c.image)
  const current = rt.containers.some((x) => x.name === c.name && x.id === c.id)
  const base = {
    dir,
    namespace: rt.namespace,
    pod: rt.name,
    podUid: rt.uid,
    container: c.name,
    containerId: c.id,
    restartCount: c.restartCount,
    current,
    running: current && c.state === 'running',
    image: c.imageRef ?? image?.ref ?? c.image,
    imageId: c.imageId ?? image?.id ?? '',
  }
  const out: ContainerLogFile[] = []
  for (const r of c.rotated ?? []) {
    out.push({
      ...base,
      path: `${dir}/${r.name}`,
      name: r.name,
      kind: r.compressed ? 'compressed' : 'rotated',
      size: r.compressed ? gzipSize(r.records, r.bytes) : r.bytes,
      uncompressedSize: r.bytes,
      mtime: r.mtime,
      records: r.records,
    })
  }
  const started = c.startedAt ?? c.finishedAt ?? rt.startedAt
  const last = c.logs.length ? c.logs[c.logs.length - 1]!.time : started
  const size = liveLogBytes(c)
  out.push({
    ...base,
    path: containerLogPath(rt, c),
    name: `${c.restartCount}.log`,
    kind: 'live',
    symlink: containerLogSymlink(rt, c),
    size,
    uncompressedSize: size,
    mtime: Math.max(started, last, c.rotated?.at(-1)?.rotatedAt ?? started),
    records: c.logs,
  })
  return out
}

/**
 * Every container log file on a node, pods in uid order, per pod the previous instance's files
 * before the current instance's, each instance's rotated files (oldest first) before its live file.
 * Pure: reads state only. Log shippers tail the `live` files through their `symlink`; after a
 * rotation the lines written before it are in the same instance's `rotated` file.
 */
export function containerLogFiles(state: ClusterState, nodeName: string): ContainerLogFile[] {
  const node = state.nodes[nodeName]
  if (!node) return []
  const out: ContainerLogFile[] = []
  for (const uid of Object.keys(node.pods).sort()) {
    const rt = node.pods[uid]!
    for (const c of containerInstances(rt)) out.push(...instanceLogFiles(rt, c))
  }
  return out
}

/** The file at `path` (a /var/log/pods path, or a /var/log/containers symlink) on a node. */
export function findContainerLogFile(
  state: ClusterState,
  nodeName: string,
  path: string,
): ContainerLogFile | undefined {
  return containerLogFiles(state, nodeName).find((f) => f.path === path || f.symlink === path)
}

/** The text of a log file: CRI lines, or for `.gz` the bytes `cat` shows (gzip header + noise). */
export function logFileContent(f: ContainerLogFile): string {
  return f.kind === 'compressed' ? gzipNoise(f) : criLogText(f.records)
}

/**
 * What `zcat`/`gunzip -c` prints for a file on a node: the original CRI text of a rotated `.gz`
 * log, or undefined when `path` is not a gzipped container log (zcat then says "not in gzip format").
 */
export function gunzipNodeFile(
  state: ClusterState,
  nodeName: string,
  path: string,
): string | undefined {
  const f = containerLogFiles(state, nodeName).find((x) => x.path === path)
  return f?.kind === 'compressed' ? criLogText(f.records) : undefined
}

/**
 * A deterministic stand-in for the gzip size of log text: 18 bytes of header and trailer, about
 * 12 bytes per line for its timestamp, and messages cost ~45% of their bytes the first time they
 * are seen and a few bytes when repeated (LZ77 finds them in the window). Logs typically shrink 5-15x.
 */
export function gzipSize(records: readonly LogRecord[], rawBytes: number): number {
  const seen = new Set<string>()
  let n = 18
  for (const r of records) {
    n += 12
    if (seen.has(r.text)) n += 4
    else {
      seen.add(r.text)
      n += Math.ceil(r.text.length * 0.45) + 2
    }
  }
  return Math.min(n, rawBytes + 18 + 5 * Math.ceil(rawBytes / 65535 + 1))
}

/** The bytes of a .gz as text: Go's gzip header (1f 8b 08, mtime 0, OS 255) then compressed-looking noise. */
function gzipNoise(f: ContainerLogFile): string {
  let out = '\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff'
  let h = 2166136261
  for (const ch of f.path) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0
  while (out.length < f.size) {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0
    h = Math.imul(h ^ (h >>> 12), 0x297a2d39) >>> 0
    h = (h ^ (h >>> 15)) >>> 0
    const b = h & 0xff
    // printable latin-1 only, so a terminal is not sent escape sequences
    out +=
      b < 0x21 || (b >= 0x7f && b < 0xa1)
        ? String.fromCharCode(0xa1 + (b % 0x5e))
        : String.fromCharCode(b)
  }
  return out.slice(0, f.size)
}
