import type { FsStat, VirtualFs } from '../../engine/node/vfs.ts'

// What the node disk view shows: the two log trees of a node, read through the node's virtual
// filesystem (engine/node/fs.ts) the way `ls -l` and `readlink -f` would. Pure: the view renders
// it, tests call it. Paths and names follow FIDELITY.md §1:
//   /var/log/pods/<namespace>_<pod>_<uid>/<container>/<restartCount>.log   (written by containerd)
//   /var/log/containers/<pod>_<namespace>_<container>-<64-hex id>.log       (symlink, kept by the kubelet)
// Rotated files (`0.log.20250314-101500`) and compressed ones (`….gz`) are listed as they appear.

export const PODS_DIR = '/var/log/pods'
export const CONTAINERS_DIR = '/var/log/containers'

/** `live`: the file containerd writes now; `rotated`: renamed by the kubelet; `gz`: rotated and compressed. */
export type LogFileKind = 'live' | 'rotated' | 'gz' | 'other'

export interface DiskFile {
  path: string
  name: string
  /** bytes, as `ls -l` prints them */
  size: number
  /** simulated ms */
  mtime: number
  kind: LogFileKind
}

export interface ContainerDir {
  path: string
  /** the container's name */
  name: string
  files: DiskFile[]
}

export interface PodDir {
  path: string
  /** `<namespace>_<pod>_<uid>` */
  name: string
  namespace: string
  pod: string
  uid: string
  containers: ContainerDir[]
}

export interface DiskLink {
  path: string
  /** `<pod>_<namespace>_<container>-<id>.log` */
  name: string
  pod: string
  namespace: string
  container: string
  /** the 64-hex runtime ID */
  containerId: string
  /** what `readlink` prints */
  target: string
  /** what `readlink -f` prints; null when the link dangles */
  resolved: string | null
}

export interface NodeDisk {
  pods: PodDir[]
  links: DiskLink[]
  /** total bytes of the files under /var/log/pods */
  totalBytes: number
}

const ROTATED = /^\d+\.log\.\d{8}-\d{6}$/
const GZ = /^\d+\.log\.\d{8}-\d{6}\.gz$/
const LIVE = /^\d+\.log$/

export function fileKind(name: string): LogFileKind {
  if (LIVE.test(name)) return 'live'
  if (GZ.test(name)) return 'gz'
  if (ROTATED.test(name)) return 'rotated'
  return 'other'
}

/** Live file first, then rotated files newest first (their names sort by time), then anything else. */
function fileOrder(a: DiskFile, b: DiskFile): number {
  const rank = (f: DiskFile) => (f.kind === 'live' ? 0 : f.kind === 'other' ? 2 : 1)
  const r = rank(a) - rank(b)
  if (r) return r
  const base = (n: string) => n.replace(/\.gz$/, '')
  return base(a.name) < base(b.name) ? 1 : base(a.name) > base(b.name) ? -1 : 0
}

function isStat(x: FsStat | unknown): x is FsStat {
  return typeof x === 'object' && x !== null && 'type' in x && 'size' in x
}

function list(fs: VirtualFs, dir: string): string[] {
  const r = fs.readdir(dir)
  return Array.isArray(r) ? r : []
}

/** `<namespace>_<pod>_<uid>`: Kubernetes names cannot contain `_`, so the split is unambiguous. */
export function parsePodDirName(name: string): { namespace: string; pod: string; uid: string } {
  const [namespace = '', pod = '', ...rest] = name.split('_')
  return { namespace, pod, uid: rest.join('_') }
}

/** `<pod>_<namespace>_<container>-<id>.log` */
export function parseLinkName(
  name: string,
): { pod: string; namespace: string; container: string; containerId: string } | null {
  const m = /^([^_]+)_([^_]+)_(.+)-([0-9a-f]+)\.log$/.exec(name)
  if (!m) return null
  return { pod: m[1]!, namespace: m[2]!, container: m[3]!, containerId: m[4]! }
}

/** Reads both log trees of a node's disk. A missing directory gives an empty list, as `ls` would. */
export function readNodeDisk(fs: VirtualFs): NodeDisk {
  let totalBytes = 0
  const pods: PodDir[] = list(fs, PODS_DIR).map((name) => {
    const path = `${PODS_DIR}/${name}`
    const containers: ContainerDir[] = list(fs, path).flatMap((c) => {
      const cpath = `${path}/${c}`
      const st = fs.lstat(cpath)
      if (!isStat(st) || st.type !== 'dir') return []
      const files: DiskFile[] = list(fs, cpath).flatMap((f) => {
        const fpath = `${cpath}/${f}`
        const fst = fs.lstat(fpath)
        if (!isStat(fst) || fst.type !== 'file') return []
        totalBytes += fst.size
        return [{ path: fpath, name: f, size: fst.size, mtime: fst.mtime, kind: fileKind(f) }]
      })
      files.sort(fileOrder)
      return [{ path: cpath, name: c, files }]
    })
    return { path, name, ...parsePodDirName(name), containers }
  })
  const links: DiskLink[] = list(fs, CONTAINERS_DIR).flatMap((name) => {
    const path = `${CONTAINERS_DIR}/${name}`
    const target = fs.readlink(path)
    if (typeof target !== 'string') return []
    const real = fs.realpath(path)
    const resolved = typeof real === 'string' && isStat(fs.stat(path)) ? real : null
    const parsed = parseLinkName(name) ?? { pod: '', namespace: '', container: '', containerId: '' }
    return [{ path, name, ...parsed, target, resolved }]
  })
  return { pods, links, totalBytes }
}

/** The link whose target is `filePath`, if any (the kubelet links the current instance's file only). */
export function linkTo(disk: NodeDisk, filePath: string): DiskLink | undefined {
  return disk.links.find((l) => l.resolved === filePath || l.target === filePath)
}

/** `ls -lh`-style size: `0`, `812`, `1.2K`, `10M`. */
export function humanSize(bytes: number): string {
  if (bytes < 1024) return String(bytes)
  const units = ['K', 'M', 'G']
  let v = bytes / 1024
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return `${v < 10 ? (Math.ceil(v * 10) / 10).toFixed(1) : Math.ceil(v)}${units[u]}`
}

/** A long runtime ID shortened for the eye (`619e15fcd577…`); the full name stays in the accessible label. */
export function shortId(id: string, keep = 12): string {
  return id.length > keep + 1 ? `${id.slice(0, keep)}…` : id
}

/** The link's name with its 64-hex ID shortened. */
export function shortLinkName(l: DiskLink): string {
  if (!l.containerId) return l.name
  return `${l.pod}_${l.namespace}_${l.container}-${shortId(l.containerId)}.log`
}

/** The pod directory's name with its UID shortened. */
export function shortPodDirName(p: PodDir): string {
  return p.uid ? `${p.namespace}_${p.pod}_${shortId(p.uid, 8)}` : p.name
}
