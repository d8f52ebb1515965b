import { fnv32a } from '../controllers/hash.ts'

// A read-only virtual filesystem: a pure value built from ClusterState on demand (node disks in
// fs.ts, container root filesystems in containerFs.ts). Paths resolve the way the kernel resolves
// them (symlinks followed component by component, `..` taken physically, at most 40 links), and
// every failure carries the errno a real tool would print. File contents are computed lazily.

export type FsType = 'xfs' | 'tmpfs' | 'proc' | 'devtmpfs' | 'overlay'
export type EntryType = 'file' | 'dir' | 'symlink' | 'socket' | 'chardev'

export interface FsEntry {
  type: EntryType
  /** permission bits, e.g. 0o644 */
  perm: number
  uid: number
  gid: number
  /** simulated ms */
  mtime: number
  fs: FsType
  content?: () => string
  /** apparent size when it is not the content length (binaries we do not model byte by byte) */
  size?: number
  target?: string
}

export type FsErrno = 'ENOENT' | 'ENOTDIR' | 'EISDIR' | 'ELOOP'

export class FsError {
  constructor(
    readonly errno: FsErrno,
    readonly path: string,
  ) {}
  get message(): string {
    return ERRNO_TEXT[this.errno]
  }
}

export const ERRNO_TEXT: Record<FsErrno, string> = {
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ELOOP: 'Too many levels of symbolic links',
}

export interface FsStat {
  /** the canonical path of the entry described */
  path: string
  type: EntryType
  perm: number
  uid: number
  gid: number
  size: number
  /** 512-byte blocks allocated */
  blocks: number
  mtime: number
  ino: number
  nlink: number
  fs: FsType
  target?: string
}

export interface VirtualFs {
  /** stat without following a final symlink */
  lstat(path: string): FsStat | FsError
  stat(path: string): FsStat | FsError
  /** entry names, byte-sorted, without . and .. */
  readdir(path: string): string[] | FsError
  readFile(path: string): string | FsError
  /** the target of a symlink; null when the path is not a symlink (readlink(2) EINVAL) */
  readlink(path: string): string | FsError | null
  /** canonical absolute path with every symlink resolved (readlink -f / realpath) */
  realpath(path: string): string | FsError
  userName(uid: number): string
  groupName(gid: number): string
}

/** Lexical join: resolves `.`, `..` and `//` against a working directory (what bash's `cd` does). */
export function joinPath(cwd: string, p: string): string {
  const parts = (p.startsWith('/') ? p : `${cwd}/${p}`).split('/')
  const out: string[] = []
  for (const part of parts) {
    if (part === '' || part === '.') continue
    if (part === '..') out.pop()
    else out.push(part)
  }
  return '/' + out.join('/')
}

export function utf8Length(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4
      i++
    } else n += 3
  }
  return n
}

const parentOf = (p: string) => (p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')))
const baseOf = (p: string) => p.slice(p.lastIndexOf('/') + 1)

export interface Defaults {
  uid?: number
  gid?: number
  perm?: number
  mtime?: number
  fs?: FsType
}

/** Builds a VirtualFs; parents are created on demand with the defaults in force. */
export class FsBuilder {
  private readonly entries = new Map<string, FsEntry>()
  private readonly children = new Map<string, Set<string>>()
  private readonly mounts: [string, FsType][] = []

  constructor(
    private readonly defaults: Required<Defaults>,
    private readonly users: Record<number, string> = { 0: 'root' },
    private readonly groups: Record<number, string> = { 0: 'root' },
  ) {
    this.entries.set('/', {
      type: 'dir',
      perm: 0o555,
      uid: 0,
      gid: 0,
      mtime: defaults.mtime,
      fs: defaults.fs,
    })
    this.children.set('/', new Set())
  }

  /** everything at or below `path` lives on this filesystem type */
  mount(path: string, fs: FsType): this {
    this.mounts.push([path, fs])
    this.mounts.sort((a, b) => b[0].length - a[0].length)
    const e = this.entries.get(path)
    if (e) e.fs = fs
    return this
  }

  private fsFor(path: string): FsType {
    for (const [m, t] of this.mounts)
      if (path === m || path.startsWith(m === '/' ? '/' : m + '/')) return t
    return this.defaults.fs
  }

  private put(path: string, e: Omit<FsEntry, 'fs'> & { fs?: FsType }): void {
    const parent = parentOf(path)
    if (!this.entries.has(parent)) this.dir(parent)
    this.entries.set(path, { ...e, fs: e.fs ?? this.fsFor(path) })
    this.children.get(parent)!.add(baseOf(path))
    if (e.type === 'dir' && !this.children.has(path)) this.children.set(path, new Set())
  }

  has(path: string): boolean {
    return this.entries.has(path)
  }

  dir(path: string, a: Defaults = {}): this {
    const existing = this.entries.get(path)
    if (existing?.type === 'dir') {
      Object.assign(existing, stripUndefined(a))
      return this
    }
    this.put(path, {
      type: 'dir',
      perm: a.perm ?? 0o755,
      uid: a.uid ?? this.defaults.uid,
      gid: a.gid ?? this.defaults.gid,
      mtime: a.mtime ?? this.defaults.mtime,
    })
    return this
  }

  file(path: string, content: string | (() => string), a: Defaults & { size?: number } = {}): this {
    this.put(path, {
      type: 'file',
      perm: a.perm ?? 0o644,
      uid: a.uid ?? this.defaults.uid,
      gid: a.gid ?? this.defaults.gid,
      mtime: a.mtime ?? this.defaults.mtime,
      content: typeof content === 'string' ? () => content : content,
      ...(a.size !== undefined ? { size: a.size } : {}),
    })
    return this
  }

  /** an executable we list but do not model byte by byte (cat shows nothing useful for ELF files) */
  binary(path: string, size: number, a: Defaults = {}): this {
    return this.file(path, '', { perm: 0o755, ...a, size })
  }

  link(path: string, target: string, a: Defaults = {}): this {
    this.put(path, {
      type: 'symlink',
      perm: 0o777,
      uid: a.uid ?? this.defaults.uid,
      gid: a.gid ?? this.defaults.gid,
      mtime: a.mtime ?? this.defaults.mtime,
      target,
    })
    return this
  }

  socket(path: string, a: Defaults = {}): this {
    this.put(path, {
      type: 'socket',
      perm: a.perm ?? 0o660,
      uid: a.uid ?? 0,
      gid: a.gid ?? 0,
      mtime: a.mtime ?? this.defaults.mtime,
    })
    return this
  }

  chardev(path: string, a: Defaults = {}): this {
    this.put(path, {
      type: 'chardev',
      perm: a.perm ?? 0o666,
      uid: 0,
      gid: 0,
      mtime: a.mtime ?? this.defaults.mtime,
    })
    return this
  }

  build(): VirtualFs {
    return makeFs(this.entries, this.children, this.users, this.groups)
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

function makeFs(
  entries: Map<string, FsEntry>,
  children: Map<string, Set<string>>,
  users: Record<number, string>,
  groups: Record<number, string>,
): VirtualFs {
  /** Resolves to a canonical path; follows the final symlink when `follow`. */
  function resolve(path: string, follow: boolean): string | FsError {
    let links = 0
    const walk = (start: string, rest: string[], final: boolean): string | FsError => {
      let cur = start
      for (let i = 0; i < rest.length; i++) {
        const part = rest[i]!
        if (part === '' || part === '.') continue
        const here = entries.get(cur)
        if (!here) return new FsError('ENOENT', path)
        if (here.type !== 'dir') return new FsError('ENOTDIR', path)
        if (part === '..') {
          cur = parentOf(cur)
          continue
        }
        const next = cur === '/' ? `/${part}` : `${cur}/${part}`
        const e = entries.get(next)
        if (!e) return new FsError('ENOENT', path)
        const isLast = rest.slice(i + 1).every((x) => x === '' || x === '.')
        if (e.type === 'symlink' && (!isLast || (final && follow))) {
          if (++links > 40) return new FsError('ELOOP', path)
          const t = e.target!
          const r = walk(t.startsWith('/') ? '/' : cur, t.split('/'), true)
          if (r instanceof FsError) return r
          cur = r
          continue
        }
        cur = next
      }
      return cur
    }
    if (!path.startsWith('/')) return new FsError('ENOENT', path)
    // a trailing slash means "must be a directory" (and follows a final symlink)
    const trailing = path.length > 1 && path.endsWith('/')
    const r = walk('/', path.split('/'), true)
    if (r instanceof FsError) return r
    if (trailing && entries.get(r)?.type !== 'dir') {
      if (!follow) return r
      return new FsError('ENOTDIR', path)
    }
    return r
  }

  function statOf(canon: string): FsStat {
    const e = entries.get(canon)!
    const kids = children.get(canon)
    let size: number
    let blocks: number
    switch (e.type) {
      case 'dir': {
        const names = [...(kids ?? [])]
        if (e.fs === 'tmpfs' || e.fs === 'devtmpfs') size = 20 * (names.length + 2)
        else if (e.fs === 'proc') size = 0
        else {
          // XFS keeps small directories inside the inode ("shortform"): 6 header bytes plus
          // name length + 8 per entry; past the inode's literal area (336 bytes) they get blocks.
          const sf = 6 + names.reduce((n, x) => n + utf8Length(x) + 8, 0)
          size = sf <= 336 ? sf : 4096 * Math.ceil(sf / 4096)
        }
        blocks = e.fs === 'xfs' && size >= 4096 ? size / 512 : 0
        break
      }
      case 'symlink':
        size = utf8Length(e.target!)
        blocks = 0
        break
      case 'file':
        size = e.size ?? utf8Length(e.content!())
        blocks = e.fs === 'proc' ? 0 : Math.ceil(size / 4096) * 8
        if (e.fs === 'proc') size = 0
        break
      default:
        size = 0
        blocks = 0
    }
    const nlink =
      e.type === 'dir'
        ? 2 +
          [...(kids ?? [])].filter(
            (k) => entries.get(canon === '/' ? `/${k}` : `${canon}/${k}`)?.type === 'dir',
          ).length
        : 1
    const ino =
      e.fs === 'xfs'
        ? 100 + (fnv32a(canon) % 50_000_000)
        : e.fs === 'proc'
          ? 4026531840 + (fnv32a(canon) % 100_000)
          : 1 + (fnv32a(canon) % 90_000)
    return {
      path: canon,
      type: e.type,
      perm: e.perm,
      uid: e.uid,
      gid: e.gid,
      size,
      blocks,
      mtime: e.mtime,
      ino,
      nlink,
      fs: e.fs,
      ...(e.target !== undefined ? { target: e.target } : {}),
    }
  }

  return {
    lstat(path) {
      const r = resolve(path, false)
      return r instanceof FsError ? r : statOf(r)
    },
    stat(path) {
      const r = resolve(path, true)
      return r instanceof FsError ? r : statOf(r)
    },
    readdir(path) {
      const r = resolve(path, true)
      if (r instanceof FsError) return r
      if (entries.get(r)!.type !== 'dir') return new FsError('ENOTDIR', path)
      return [...children.get(r)!].sort(byteCompare)
    },
    readFile(path) {
      const r = resolve(path, true)
      if (r instanceof FsError) return r
      const e = entries.get(r)!
      if (e.type === 'dir') return new FsError('EISDIR', path)
      return e.content ? e.content() : ''
    },
    readlink(path) {
      const r = resolve(path, false)
      if (r instanceof FsError) return r
      const e = entries.get(r)!
      return e.type === 'symlink' ? e.target! : null
    },
    realpath(path) {
      return resolve(path, true)
    },
    userName: (uid) => users[uid] ?? String(uid),
    groupName: (gid) => groups[gid] ?? String(gid),
  }
}

export function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
