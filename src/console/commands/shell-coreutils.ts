import type { CommandEnv, CommandResult, CommandSpec, OutputLine } from '../types.ts'
import { out, err, dim, ok, textLines } from '../types.ts'
import { FsError, joinPath, type FsStat, type VirtualFs } from '../../engine/node/vfs.ts'
import { MONTHS, statTime, utcParts } from '../../engine/node/util.ts'
import {
  commandLine,
  memTotalKi,
  nodeProcesses,
  type NodeProcess,
} from '../../engine/node/processes.ts'
import { containerProcesses } from '../../engine/node/containerFs.ts'
import { KERNEL_BUILD } from '../../engine/node/fs.ts'
import { nodeMountTable } from '../../engine/node/mounts.ts'
import { kernelVersionFor, machineOf, nodeArch } from '../../engine/aws/nodeInfo.ts'
import { absPath, runArgv, shellCtx, type ShellCtx } from './shell-context.ts'

// The coreutils a learner uses on a node (GNU coreutils 8.32 on AL2023) and inside containers
// (BusyBox 1.37 on busybox/Alpine images, GNU coreutils on Debian images such as nginx). Each parses
// its own argv (rawArgs) and words its errors as the real tool does.

const BUSYBOX_BANNER = 'BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.'

type Ctx = ShellCtx

/** Gets the shell context and checks the image really has this program. */
export function withCtx(
  env: CommandEnv,
  name: string,
  fn: (ctx: Ctx) => CommandResult,
): CommandResult {
  const c = shellCtx(env)
  if ('gone' in c) {
    if (env.mode.kind !== 'local') env.setMode({ kind: 'local' })
    return { lines: c.gone, exitCode: 137 }
  }
  if (c.view && !c.view.hasExecutable(name)) {
    const sh = c.shellName
    return {
      lines: [err(sh === 'bash' ? `bash: ${name}: command not found` : `sh: ${name}: not found`)],
      exitCode: 127,
    }
  }
  return fn(c)
}

/** Pathname expansion as the shell does it before the command runs; no match leaves the word as is. */
export function expandGlobs(ctx: Ctx, args: readonly string[]): string[] {
  const result: string[] = []
  for (const a of args) {
    if (a.startsWith('-') || !/[*?[]/.test(a)) {
      result.push(a)
      continue
    }
    const abs = a.startsWith('/')
    const parts = a.split('/').filter((x, i) => x !== '' || i === 0)
    let paths = [abs ? '' : '']
    let shown = ['']
    for (let i = abs ? 1 : 0; i < parts.length; i++) {
      const part = parts[i]!
      const nextPaths: string[] = []
      const nextShown: string[] = []
      paths.forEach((base, k) => {
        const dir = joinPath(ctx.cwd, abs ? base || '/' : absPath(ctx, base || '.'))
        const prefix = shown[k]!
        const join = (n: string) => (abs ? `${prefix}/${n}` : prefix ? `${prefix}/${n}` : n)
        if (!/[*?[]/.test(part)) {
          nextPaths.push(abs ? `${base}/${part}` : base ? `${base}/${part}` : part)
          nextShown.push(join(part))
          return
        }
        const names = ctx.fs.readdir(dir)
        if (isErr(names)) return
        const re = globToRegExp(part)
        for (const n of names) {
          if (n.startsWith('.') && !part.startsWith('.')) continue
          if (re.test(n)) {
            nextPaths.push(abs ? `${base}/${n}` : base ? `${base}/${n}` : n)
            nextShown.push(join(n))
          }
        }
      })
      paths = nextPaths
      shown = nextShown
    }
    const existing = shown.filter((x) => !isErr(ctx.fs.lstat(joinPath(ctx.cwd, absPath(ctx, x)))))
    result.push(...(existing.length ? existing : [a]))
  }
  return result
}

/** Like withCtx, with the arguments glob-expanded first. */
function withGlobbed(
  env: CommandEnv,
  name: string,
  args: readonly string[],
  fn: (ctx: Ctx, args: string[]) => CommandResult,
): CommandResult {
  return withCtx(env, name, (ctx) => fn(ctx, expandGlobs(ctx, args)))
}

interface Parsed {
  flags: Set<string>
  values: Record<string, string>
  operands: string[]
  bad?: string
}

/** Short options (grouped), a few long ones, and `--`. `withArg` options take a value. */
function parseOpts(
  args: readonly string[],
  allowed: string,
  withArg = '',
  long: Record<string, string> = {},
): Parsed {
  const p: Parsed = { flags: new Set(), values: {}, operands: [] }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--') {
      p.operands.push(...args.slice(i + 1))
      break
    }
    if (a.startsWith('--') && a.length > 2) {
      const [name, val] = a.slice(2).split('=', 2) as [string, string | undefined]
      const mapped = long[name]
      if (!mapped) return { ...p, bad: `unrecognized option '${a}'` }
      if (withArg.includes(mapped)) p.values[mapped] = val ?? args[++i] ?? ''
      else p.flags.add(mapped)
      continue
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const ch = a[j]!
        if (withArg.includes(ch)) {
          const v = a.slice(j + 1) || args[++i]
          if (v === undefined) return { ...p, bad: `option requires an argument -- '${ch}'` }
          p.values[ch] = v
          break
        }
        if (!allowed.includes(ch)) return { ...p, bad: `invalid option -- '${ch}'` }
        p.flags.add(ch)
      }
      continue
    }
    p.operands.push(a)
  }
  return p
}

function usageError(ctx: Ctx, tool: string, bad: string, code = 1): CommandResult {
  const lines = [err(`${tool}: ${bad}`)]
  lines.push(
    err(ctx.tools === 'gnu' ? `Try '${tool} --help' for more information.` : BUSYBOX_BANNER),
  )
  return { lines, exitCode: code }
}

const isErr = (x: unknown): x is FsError => x instanceof FsError

// ---------------------------------------------------------------------------------------------
// formatting helpers

const TYPE_CHAR: Record<FsStat['type'], string> = {
  file: '-',
  dir: 'd',
  symlink: 'l',
  socket: 's',
  chardev: 'c',
}

export function modeString(st: Pick<FsStat, 'type' | 'perm'>): string {
  const p = st.perm
  const rwx = (v: number, special: boolean, ch: string) =>
    `${v & 4 ? 'r' : '-'}${v & 2 ? 'w' : '-'}${special ? (v & 1 ? ch : ch.toUpperCase()) : v & 1 ? 'x' : '-'}`
  return (
    TYPE_CHAR[st.type] +
    rwx((p >> 6) & 7, (p & 0o4000) !== 0, 's') +
    rwx((p >> 3) & 7, (p & 0o2000) !== 0, 's') +
    rwx(p & 7, (p & 0o1000) !== 0, 't')
  )
}

/** GNU human-readable sizes: powers of 1024, rounded up, one decimal below 10. */
export function humanSize(bytes: number): string {
  if (bytes < 1024) return String(bytes)
  const units = ['K', 'M', 'G', 'T', 'P']
  let v = bytes / 1024
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  if (v < 10) {
    const r = Math.ceil(v * 10) / 10
    return r >= 10 ? `${Math.ceil(r)}${units[u]}` : `${r.toFixed(1)}${units[u]}`
  }
  const r = Math.ceil(v)
  return r >= 1024 && u < units.length - 1 ? `1.0${units[u + 1]}` : `${r}${units[u]}`
}

/** `Mar  2 08:46` for the last six months, `Jan 20  2025` otherwise (ls -l). */
export function lsDate(mtime: number, now: number): string {
  const t = utcParts(mtime)
  const recent = now - mtime < 182.5 * 86_400_000 && mtime <= now + 60_000
  const hm = `${String(t.h).padStart(2, '0')}:${String(t.mi).padStart(2, '0')}`
  return `${MONTHS[t.mo]} ${String(t.d).padStart(2, ' ')} ${recent ? hm : ' ' + t.y}`
}

/** GNU ls -C: fill columns top to bottom, as many as fit in 80 characters, two spaces apart. */
export function columns(names: string[], width = 80): string[] {
  if (names.length === 0) return []
  for (let cols = Math.min(names.length, Math.floor(width / 3)); cols >= 1; cols--) {
    const rows = Math.ceil(names.length / cols)
    const realCols = Math.ceil(names.length / rows)
    const widths: number[] = []
    for (let c = 0; c < realCols; c++)
      widths.push(Math.max(...names.slice(c * rows, (c + 1) * rows).map((n) => n.length)))
    const total = widths.reduce((a, w) => a + w + 2, 0) - 2
    if (total <= width || cols === 1) {
      const lines: string[] = []
      for (let r = 0; r < rows; r++) {
        let line = ''
        for (let c = 0; c < realCols; c++) {
          const n = names[c * rows + r]
          if (n === undefined) continue
          const isLast = c === realCols - 1 || names[(c + 1) * rows + r] === undefined
          line += isLast ? n : n.padEnd(widths[c]! + 2)
        }
        lines.push(line)
      }
      return lines
    }
  }
  return names
}

// ---------------------------------------------------------------------------------------------

const pwd: CommandSpec = {
  path: ['pwd'],
  modes: ['node', 'container'],
  summary: 'Print the working directory',
  usage: 'pwd',
  rawArgs: true,
  run: (_inv, env) => withCtx(env, 'pwd', (ctx) => ok([ctx.cwd])),
}

const cd: CommandSpec = {
  path: ['cd'],
  modes: ['node', 'container'],
  summary: 'Change the working directory',
  usage: 'cd [dir]',
  rawArgs: true,
  run(inv, env) {
    const c = shellCtx(env)
    if ('gone' in c) return { lines: c.gone, exitCode: 137 }
    const target = inv.args[0] ?? c.home
    const path = joinPath(c.cwd, absPath(c, target === '-' ? c.cwd : target))
    const st = c.fs.stat(path)
    const prefix =
      c.shellName === 'bash'
        ? 'bash: cd'
        : c.shellName === '-bash'
          ? '-bash: cd'
          : c.shellName === 'sh' && c.kind === 'node'
            ? 'sh: cd'
            : 'sh: cd'
    if (isErr(st))
      return {
        lines: [
          err(
            c.tools === 'busybox'
              ? `sh: cd: can't cd to ${target}: ${st.message}`
              : `${prefix}: ${target}: ${st.message}`,
          ),
        ],
        exitCode: 1,
      }
    if (st.type !== 'dir')
      return {
        lines: [
          err(
            c.tools === 'busybox'
              ? `sh: cd: can't cd to ${target}: Not a directory`
              : `${prefix}: ${target}: Not a directory`,
          ),
        ],
        exitCode: 1,
      }
    if (env.mode.kind === 'node') {
      env.setMode({ ...env.mode, cwd: path })
      return ok()
    }
    // ShellMode 'container' keeps no working directory yet
    return ok(
      path === c.cwd
        ? []
        : [dim(`(Cutaway keeps the container shell in ${c.cwd}; use absolute paths.)`)],
    )
  },
}

const hostname: CommandSpec = {
  path: ['hostname'],
  modes: ['node', 'container'],
  summary: 'Print the host name',
  usage: 'hostname [-s|-i]',
  rawArgs: true,
  run: (inv, env) =>
    withCtx(env, 'hostname', (ctx) => {
      if (inv.args.includes('-s')) return ok([ctx.hostname.split('.')[0]!])
      if (inv.args.includes('-i') || inv.args.includes('-I')) {
        const ip = ctx.view ? ctx.view.rt.ip : ctx.node!.ip
        return ok([inv.args.includes('-I') ? `${ip} ` : ip])
      }
      return ok([ctx.hostname])
    }),
}

const whoami: CommandSpec = {
  path: ['whoami'],
  modes: ['node', 'container'],
  summary: 'Print the current user',
  usage: 'whoami',
  rawArgs: true,
  run: (_inv, env) => withCtx(env, 'whoami', (ctx) => ok([ctx.user])),
}

const id: CommandSpec = {
  path: ['id'],
  modes: ['node', 'container'],
  summary: 'Print user and group IDs',
  usage: 'id',
  rawArgs: true,
  run: (_inv, env) =>
    withCtx(env, 'id', (ctx) => {
      if (ctx.kind === 'node')
        return ok([
          'uid=0(root) gid=0(root) groups=0(root) context=unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023',
        ])
      const v = ctx.view!
      if (v.behaviour === 'busybox') return ok(['uid=0(root) gid=0(root) groups=0(root),10(wheel)'])
      const g = v.user.gid
      const gname = v.fs.groupName(g)
      return ok([`uid=${v.user.uid}(${v.user.name}) gid=${g}(${gname}) groups=${g}(${gname})`])
    }),
}

const uname: CommandSpec = {
  path: ['uname'],
  modes: ['node', 'container'],
  summary: 'Print system information',
  usage: 'uname [-a|-r|-n|-s|-m|-v|-o]',
  rawArgs: true,
  run: (inv, env) =>
    withCtx(env, 'uname', (ctx) => {
      const p = parseOpts(inv.args, 'asnrvmpio', '', {
        all: 'a',
        'kernel-name': 's',
        nodename: 'n',
        'kernel-release': 'r',
        'kernel-version': 'v',
        machine: 'm',
        'operating-system': 'o',
      })
      if (p.bad) return usageError(ctx, 'uname', p.bad)
      const f = p.flags
      const gnuNode = ctx.kind === 'node'
      // a container shares its node's kernel: uname there reports the host's release and machine
      const host = ctx.node ?? ctx.view?.node
      const arch = host ? nodeArch(env.sim.state, host) : 'amd64'
      const kernel = kernelVersionFor(arch)
      const machine = machineOf(arch)
      if (f.has('a')) {
        const tail = gnuNode ? `${machine} ${machine} ${machine} GNU/Linux` : `${machine} GNU/Linux`
        return ok([`Linux ${ctx.hostname} ${kernel} ${KERNEL_BUILD} ${tail}`])
      }
      const parts: string[] = []
      if (f.has('s') || f.size === 0) parts.push('Linux')
      if (f.has('n')) parts.push(ctx.hostname)
      if (f.has('r')) parts.push(kernel)
      if (f.has('v')) parts.push(KERNEL_BUILD)
      if (f.has('m')) parts.push(machine)
      if (f.has('p') && gnuNode) parts.push(machine)
      if (f.has('i') && gnuNode) parts.push(machine)
      if (f.has('o')) parts.push('GNU/Linux')
      return ok([parts.join(' ')])
    }),
}

// ---------------------------------------------------------------------------------------------
// ls

interface LsEntry {
  name: string
  path: string
  st: FsStat
}

function lsLong(ctx: Ctx, entries: LsEntry[], human: boolean, now: number): string[] {
  const fs = ctx.fs
  const rows = entries.map((e) => {
    const st = e.st
    // AL2023 runs SELinux: GNU ls marks files that carry a security context with a '.'
    const mode = modeString(st) + (ctx.kind === 'node' ? '.' : '')
    const size = st.type === 'chardev' ? '1, 3' : human ? humanSize(st.size) : String(st.size)
    const name = st.type === 'symlink' ? `${e.name} -> ${st.target}` : e.name
    return {
      mode,
      nlink: String(st.nlink),
      user: fs.userName(st.uid),
      group: fs.groupName(st.gid),
      size,
      date: lsDate(st.mtime, now),
      name,
    }
  })
  if (ctx.tools === 'busybox')
    return rows.map(
      (r) =>
        `${r.mode.padEnd(10)} ${r.nlink.padStart(4)} ${r.user.padEnd(8)} ${r.group.padEnd(8)} ${r.size.padStart(9)} ${r.date} ${r.name}`,
    )
  const w = (k: 'nlink' | 'user' | 'group' | 'size') => Math.max(...rows.map((r) => r[k].length))
  const [wn, wu, wg, ws] = [w('nlink'), w('user'), w('group'), w('size')]
  return rows.map(
    (r) =>
      `${r.mode} ${r.nlink.padStart(wn)} ${r.user.padEnd(wu)} ${r.group.padEnd(wg)} ${r.size.padStart(ws)} ${r.date} ${r.name}`,
  )
}

function totalLine(entries: LsEntry[], human: boolean): string {
  const kb = entries.reduce((n, e) => n + e.st.blocks / 2, 0)
  return `total ${human ? (kb === 0 ? '0' : humanSize(kb * 1024)) : kb}`
}

const ls: CommandSpec = {
  path: ['ls'],
  modes: ['node', 'container'],
  summary: 'List directory contents (-l -a -A -h -d -1)',
  usage: 'ls [-laAhd1] [path …]',
  rawArgs: true,
  run: (inv, env) =>
    withGlobbed(env, 'ls', inv.args, (ctx, argv) => {
      const p = parseOpts(argv, 'laAhd1FRtrS', '', {
        all: 'a',
        'almost-all': 'A',
        'human-readable': 'h',
        directory: 'd',
      })
      if (p.bad) return usageError(ctx, 'ls', p.bad, ctx.tools === 'gnu' ? 2 : 1)
      const f = p.flags
      const long = f.has('l')
      const human = f.has('h')
      const now = env.sim.state.now
      const operands = p.operands.length ? p.operands : ['.']
      const lines: OutputLine[] = []
      let exitCode = 0
      const files: LsEntry[] = []
      const dirs: { arg: string; path: string }[] = []
      for (const arg of operands) {
        const path = joinPath(ctx.cwd, absPath(ctx, arg))
        const lst = ctx.fs.lstat(arg.endsWith('/') ? path + '/' : path)
        if (isErr(lst)) {
          lines.push(
            err(
              ctx.tools === 'gnu'
                ? `ls: cannot access '${arg}': ${lst.message}`
                : `ls: ${arg}: ${lst.message}`,
            ),
          )
          exitCode = ctx.tools === 'gnu' ? 2 : 1
          continue
        }
        // command-line symlinks are followed unless -l or -d asks for the link itself
        const st = lst.type === 'symlink' && !long && !f.has('d') ? ctx.fs.stat(path) : lst
        if (isErr(st)) {
          files.push({ name: arg, path, st: lst })
          continue
        }
        if (st.type === 'dir' && !f.has('d')) dirs.push({ arg, path })
        else files.push({ name: arg, path, st: lst })
      }
      const show = (entries: LsEntry[]) => {
        if (long) return lsLong(ctx, entries, human, now)
        const names = entries.map((e) => e.name)
        // ls prints one name per line when its output is not a terminal (a pipe)
        return f.has('1') || (env as CommandEnv & { piped?: boolean }).piped
          ? names
          : columns(names)
      }
      if (files.length) lines.push(...show(files).map(out))
      dirs.forEach((d, i) => {
        const names = ctx.fs.readdir(d.path)
        if (isErr(names)) {
          lines.push(err(`ls: cannot open directory '${d.arg}': ${names.message}`))
          exitCode = 2
          return
        }
        const all = f.has('a')
          ? ['.', '..', ...names]
          : f.has('A')
            ? names
            : names.filter((n) => !n.startsWith('.'))
        const entries: LsEntry[] = []
        for (const n of all) {
          const child =
            n === '.'
              ? d.path
              : n === '..'
                ? joinPath(d.path, '..')
                : `${d.path === '/' ? '' : d.path}/${n}`
          const st = ctx.fs.lstat(child)
          if (!isErr(st)) entries.push({ name: n, path: child, st })
        }
        if (operands.length > 1 || files.length) {
          if (files.length || i > 0) lines.push(out(''))
          lines.push(out(`${d.arg}:`))
        }
        if (long) lines.push(out(totalLine(entries, human)))
        lines.push(...show(entries).map(out))
      })
      return { lines, exitCode }
    }),
}

// ---------------------------------------------------------------------------------------------
// cat, head, tail

function readText(ctx: Ctx, tool: string, arg: string): string | OutputLine {
  const path = joinPath(ctx.cwd, absPath(ctx, arg))
  const text = ctx.fs.readFile(arg.endsWith('/') ? path + '/' : path)
  if (!isErr(text)) return text
  if (ctx.tools === 'busybox') {
    if (text.errno === 'EISDIR')
      return err(
        tool === 'cat'
          ? `${tool}: read error: Is a directory`
          : `${tool}: read error: Is a directory`,
      )
    return err(`${tool}: can't open '${arg}': ${text.message}`)
  }
  if (tool === 'cat') return err(`cat: ${arg}: ${text.message}`)
  if (text.errno === 'EISDIR') return err(`${tool}: error reading '${arg}': Is a directory`)
  return err(`${tool}: cannot open '${arg}' for reading: ${text.message}`)
}

const cat: CommandSpec = {
  path: ['cat'],
  modes: ['node', 'container'],
  summary: 'Print files',
  usage: 'cat [-n] [file …]',
  rawArgs: true,
  run: (inv, env) =>
    withGlobbed(env, 'cat', inv.args, (ctx, argv) => {
      const p = parseOpts(argv, 'nAsEuv', '', { number: 'n' })
      if (p.bad) return usageError(ctx, 'cat', p.bad)
      const lines: OutputLine[] = []
      let exitCode = 0
      let n = 0
      const emit = (text: string) => {
        if (text === '') return
        for (const l of textLines(text))
          lines.push(p.flags.has('n') ? out(`${String(++n).padStart(6)}\t${l.text}`) : l)
      }
      if (p.operands.length === 0) emit(inv.stdin ?? '')
      for (const a of p.operands) {
        if (a === '-') {
          emit(inv.stdin ?? '')
          continue
        }
        const r = readText(ctx, 'cat', a)
        if (typeof r === 'string') emit(r)
        else {
          lines.push(r)
          exitCode = 1
        }
      }
      return { lines, exitCode }
    }),
}

function headTail(tool: 'head' | 'tail'): CommandSpec {
  return {
    path: [tool],
    modes: ['node', 'container'],
    summary:
      tool === 'head'
        ? 'Print the first lines of files (-n N)'
        : 'Print the last lines of files (-n N)',
    usage: `${tool} [-n N] [file …]`,
    rawArgs: true,
    run: (inv, env) =>
      withGlobbed(env, tool, inv.args, (ctx, argv) => {
        // -5 is -n 5
        const args = argv.map((a) => (/^-\d+$/.test(a) ? `-n${a.slice(1)}` : a))
        const p = parseOpts(args, 'fFqv', 'nc', { lines: 'n', follow: 'f', quiet: 'q', bytes: 'c' })
        if (p.bad) return usageError(ctx, tool, p.bad)
        const raw = p.values.n ?? '10'
        const fromStart = tool === 'tail' && raw.startsWith('+')
        const count = Number(raw.replace(/^[+-]/, ''))
        if (!Number.isInteger(count))
          return {
            lines: [
              err(
                ctx.tools === 'gnu'
                  ? `${tool}: invalid number of lines: '${raw}'`
                  : `${tool}: invalid number '${raw}'`,
              ),
            ],
            exitCode: 1,
          }
        const lines: OutputLine[] = []
        let exitCode = 0
        const ops = p.operands.length ? p.operands : ['-']
        ops.forEach((a, i) => {
          const text = a === '-' ? (inv.stdin ?? '') : readText(ctx, tool, a)
          if (typeof text !== 'string') {
            lines.push(text)
            exitCode = 1
            return
          }
          if (ops.length > 1 && !p.flags.has('q')) {
            if (i > 0) lines.push(out(''))
            lines.push(out(`==> ${a} <==`))
          }
          const all = text === '' ? [] : textLines(text)
          const negHead = tool === 'head' && raw.startsWith('-')
          const picked =
            tool === 'head'
              ? negHead
                ? all.slice(0, Math.max(0, all.length - count))
                : all.slice(0, count)
              : fromStart
                ? all.slice(Math.max(0, count - 1))
                : count === 0
                  ? []
                  : all.slice(-count)
          lines.push(...picked)
        })
        if (tool === 'tail' && p.flags.has('f'))
          lines.push(
            dim('(tail -f: following is not simulated; run the command again to see new lines.)'),
          )
        return { lines, exitCode }
      }),
  }
}

// ---------------------------------------------------------------------------------------------
// readlink, realpath, stat, du, find

function readlinkLike(tool: 'readlink' | 'realpath'): CommandSpec {
  return {
    path: [tool],
    modes: ['node', 'container'],
    summary:
      tool === 'readlink'
        ? 'Print a symlink target (-f: canonical path)'
        : 'Print the canonical path',
    usage: `${tool} ${tool === 'readlink' ? '[-f|-e|-m] ' : ''}path …`,
    rawArgs: true,
    run: (inv, env) =>
      withGlobbed(env, tool, inv.args, (ctx, argv) => {
        const p = parseOpts(argv, 'femnqsvz', '', {
          canonicalize: 'f',
          'canonicalize-existing': 'e',
          'canonicalize-missing': 'm',
          'no-newline': 'n',
        })
        if (p.bad) return usageError(ctx, tool, p.bad)
        if (p.operands.length === 0) return usageError(ctx, tool, 'missing operand')
        const lines: OutputLine[] = []
        let exitCode = 0
        const canon =
          tool === 'realpath' || p.flags.has('f') || p.flags.has('e') || p.flags.has('m')
        for (const a of p.operands) {
          const path = joinPath(ctx.cwd, absPath(ctx, a))
          if (!canon) {
            const t = ctx.fs.readlink(path)
            if (typeof t === 'string') lines.push(out(t))
            else exitCode = 1
            continue
          }
          const r = ctx.fs.realpath(path)
          if (!isErr(r)) {
            lines.push(out(r))
            continue
          }
          // -f tolerates a missing last component (GNU canonicalize_filename_mode CAN_ALL_BUT_LAST)
          const parent = ctx.fs.realpath(joinPath(path, '..'))
          if (
            !p.flags.has('e') &&
            r.errno === 'ENOENT' &&
            !isErr(parent) &&
            (tool === 'readlink' || !p.flags.has('e'))
          ) {
            if (tool === 'realpath' && !p.flags.has('m')) {
              lines.push(err(`realpath: ${a}: ${r.message}`))
              exitCode = 1
            } else lines.push(out(`${parent === '/' ? '' : parent}/${path.split('/').pop()}`))
            continue
          }
          if (tool === 'realpath') lines.push(err(`realpath: ${a}: ${r.message}`))
          exitCode = 1
        }
        return { lines, exitCode }
      }),
  }
}

const DEVICES: Record<FsStat['fs'], [number, number]> = {
  xfs: [259, 1],
  tmpfs: [0, 25],
  proc: [0, 22],
  devtmpfs: [0, 5],
  overlay: [0, 80],
}
const FILE_TYPE: Record<FsStat['type'], string> = {
  file: 'regular file',
  dir: 'directory',
  symlink: 'symbolic link',
  socket: 'socket',
  chardev: 'character special file',
}

const stat: CommandSpec = {
  path: ['stat'],
  modes: ['node', 'container'],
  summary: 'Show file metadata (GNU stat layout)',
  usage: 'stat [-L] path …',
  rawArgs: true,
  run: (inv, env) =>
    withGlobbed(env, 'stat', inv.args, (ctx, argv) => {
      const p = parseOpts(argv, 'Lft', 'c', { dereference: 'L', format: 'c' })
      if (p.bad) return usageError(ctx, 'stat', p.bad)
      if (p.operands.length === 0) return usageError(ctx, 'stat', 'missing operand')
      const lines: OutputLine[] = []
      let exitCode = 0
      for (const a of p.operands) {
        const path = joinPath(ctx.cwd, absPath(ctx, a))
        const st = p.flags.has('L') ? ctx.fs.stat(path) : ctx.fs.lstat(path)
        if (isErr(st)) {
          lines.push(
            err(
              ctx.tools === 'gnu'
                ? `stat: cannot ${ctx.kind === 'node' ? 'statx' : 'statx'} '${a}': ${st.message}`
                : `stat: can't stat '${a}': ${st.message}`,
            ),
          )
          exitCode = 1
          continue
        }
        if (p.values.c !== undefined) {
          lines.push(out(statFormat(p.values.c, st, a, ctx.fs)))
          continue
        }
        const [maj, min] = DEVICES[st.fs]
        const dev = (maj << 8) | min
        const name = st.type === 'symlink' ? `${a} -> ${st.target}` : a
        const type = st.type === 'file' && st.size === 0 ? 'regular empty file' : FILE_TYPE[st.type]
        const oct = st.perm.toString(8).padStart(4, '0')
        const t = statTime(st.mtime, st.path)
        lines.push(out(`  File: ${name}`))
        lines.push(
          out(
            `  Size: ${String(st.size).padEnd(10)}\tBlocks: ${String(st.blocks).padEnd(10)} IO Block: ${String(4096).padEnd(6)} ${type}`,
          ),
        )
        lines.push(
          out(
            `Device: ${dev.toString(16)}h/${dev}d\tInode: ${String(st.ino).padEnd(10)}  Links: ${st.nlink}${st.type === 'chardev' ? '     Device type: 1,3' : ''}`,
          ),
        )
        lines.push(
          out(
            `Access: (${oct}/${modeString(st)})  Uid: (${String(st.uid).padStart(5)}/${ctx.fs.userName(st.uid).padStart(8)})   Gid: (${String(st.gid).padStart(5)}/${ctx.fs.groupName(st.gid).padStart(8)})`,
          ),
        )
        if (ctx.kind === 'node') lines.push(out(`Context: ${selinuxContext(st.path)}`))
        lines.push(out(`Access: ${t}`), out(`Modify: ${t}`), out(`Change: ${t}`))
        if (ctx.tools === 'gnu') lines.push(out(` Birth: ${st.fs === 'xfs' ? t : '-'}`))
      }
      return { lines, exitCode }
    }),
}

function selinuxContext(path: string): string {
  if (path.startsWith('/var/log/pods') || path.startsWith('/var/log/containers'))
    return 'system_u:object_r:container_log_t:s0'
  if (path.startsWith('/var/lib/kubelet')) return 'system_u:object_r:container_var_lib_t:s0'
  if (path.startsWith('/var/log')) return 'system_u:object_r:var_log_t:s0'
  if (path.startsWith('/etc')) return 'system_u:object_r:etc_t:s0'
  if (path.startsWith('/root')) return 'system_u:object_r:admin_home_t:s0'
  if (path.startsWith('/home')) return 'unconfined_u:object_r:user_home_t:s0'
  if (path.startsWith('/proc')) return 'system_u:system_r:kernel_t:s0'
  if (path.startsWith('/run')) return 'system_u:object_r:var_run_t:s0'
  if (path.startsWith('/usr/bin') || path.startsWith('/opt/cni/bin'))
    return 'system_u:object_r:bin_t:s0'
  return 'system_u:object_r:default_t:s0'
}

function statFormat(fmt: string, st: FsStat, name: string, fs: VirtualFs): string {
  return fmt.replace(/%[nsaAUGuFiyh%]/g, (m) => {
    switch (m[1]) {
      case 'n':
        return name
      case 's':
        return String(st.size)
      case 'a':
        return st.perm.toString(8)
      case 'A':
        return modeString(st)
      case 'U':
        return fs.userName(st.uid)
      case 'G':
        return fs.groupName(st.gid)
      case 'u':
        return String(st.uid)
      case 'F':
        return st.type === 'file' && st.size === 0 ? 'regular empty file' : FILE_TYPE[st.type]
      case 'i':
        return String(st.ino)
      case 'y':
        return statTime(st.mtime, st.path)
      case 'h':
        return String(st.nlink)
      default:
        return '%'
    }
  })
}

/** Disk usage of a tree in 1 KiB units (symlinks are not followed). */
function duKb(fs: VirtualFs, path: string, each?: (p: string, kb: number) => void): number {
  const st = fs.lstat(path)
  if (isErr(st)) return 0
  let kb = st.blocks / 2
  if (st.type === 'dir') {
    const names = fs.readdir(path)
    if (!isErr(names))
      for (const n of names) kb += duKb(fs, `${path === '/' ? '' : path}/${n}`, each)
    each?.(path, kb)
  }
  return kb
}

const du: CommandSpec = {
  path: ['du'],
  modes: ['node', 'container'],
  summary: 'Disk usage (-s summary, -h human-readable)',
  usage: 'du [-sh] [path …]',
  rawArgs: true,
  run: (inv, env) =>
    withGlobbed(env, 'du', inv.args, (ctx, argv) => {
      const p = parseOpts(argv, 'shack', 'd', {
        summarize: 's',
        'human-readable': 'h',
        total: 'c',
        'max-depth': 'd',
      })
      if (p.bad) return usageError(ctx, 'du', p.bad)
      const fmt = (kb: number) =>
        p.flags.has('h') ? (kb === 0 ? '0' : humanSize(kb * 1024)) : String(kb)
      const lines: OutputLine[] = []
      let exitCode = 0
      let total = 0
      for (const a of p.operands.length ? p.operands : ['.']) {
        const path = joinPath(ctx.cwd, absPath(ctx, a))
        const st = ctx.fs.lstat(path)
        if (isErr(st)) {
          lines.push(
            err(
              ctx.tools === 'gnu'
                ? `du: cannot access '${a}': ${st.message}`
                : `du: can't open '${a}': ${st.message}`,
            ),
          )
          exitCode = 1
          continue
        }
        const show = (pth: string) =>
          a === '.' ? '.' + pth.slice(path.length) : a.replace(/\/$/, '') + pth.slice(path.length)
        const kb = duKb(
          ctx.fs,
          path,
          p.flags.has('s') ? undefined : (pth, k) => lines.push(out(`${fmt(k)}\t${show(pth)}`)),
        )
        if (p.flags.has('s') || st.type !== 'dir') lines.push(out(`${fmt(kb)}\t${a}`))
        total += kb
      }
      if (p.flags.has('c')) lines.push(out(`${fmt(total)}\ttotal`))
      return { lines, exitCode }
    }),
}

function globToRegExp(glob: string): RegExp {
  let re = ''
  for (const ch of glob)
    re += ch === '*' ? '.*' : ch === '?' ? '.' : /[\\^$+.()|{}[\]]/.test(ch) ? '\\' + ch : ch
  return new RegExp(`^${re}$`)
}

const find: CommandSpec = {
  path: ['find'],
  modes: ['node', 'container'],
  summary: 'Find files (-name PATTERN, -type f|d|l, -maxdepth N)',
  usage: 'find [path …] [-name pattern] [-type f|d|l] [-maxdepth N]',
  rawArgs: true,
  run: (inv, env) =>
    withCtx(env, 'find', (ctx) => {
      const starts: string[] = []
      let i = 0
      while (i < inv.args.length && !inv.args[i]!.startsWith('-')) starts.push(inv.args[i++]!)
      let name: RegExp | undefined
      let type: string | undefined
      let maxdepth = Infinity
      let mindepth = 0
      for (; i < inv.args.length; i++) {
        const a = inv.args[i]!
        const v = inv.args[i + 1]
        if (a === '-name' || a === '-iname') {
          if (v === undefined)
            return { lines: [err(`find: missing argument to \`${a}'`)], exitCode: 1 }
          name = a === '-iname' ? new RegExp(globToRegExp(v).source, 'i') : globToRegExp(v)
          i++
        } else if (a === '-type') {
          if (v === undefined)
            return { lines: [err("find: missing argument to `-type'")], exitCode: 1 }
          if (!/^[fdls]$/.test(v))
            return { lines: [err(`find: Unknown argument to -type: ${v}`)], exitCode: 1 }
          type = v
          i++
        } else if (a === '-maxdepth' || a === '-mindepth') {
          if (v === undefined || !/^\d+$/.test(v))
            return {
              lines: [
                err(
                  `find: Expected a positive decimal integer argument to ${a}, but got ‘${v ?? ''}’`,
                ),
              ],
              exitCode: 1,
            }
          if (a === '-maxdepth') maxdepth = Number(v)
          else mindepth = Number(v)
          i++
        } else if (a === '-print') continue
        else
          return {
            lines: [
              err(
                ctx.tools === 'gnu'
                  ? `find: unknown predicate \`${a}'`
                  : `find: unrecognized: ${a}`,
              ),
            ],
            exitCode: 1,
          }
      }
      const lines: OutputLine[] = []
      let exitCode = 0
      const typeChar: Record<string, string> = {
        file: 'f',
        dir: 'd',
        symlink: 'l',
        socket: 's',
        chardev: 'c',
      }
      const walk = (path: string, shown: string, depth: number) => {
        const st = ctx.fs.lstat(path)
        if (isErr(st)) {
          lines.push(err(`find: '${shown}': ${st.message}`))
          exitCode = 1
          return
        }
        const base = shown.split('/').filter(Boolean).pop() ?? shown
        if (
          depth >= mindepth &&
          (!name || name.test(base)) &&
          (!type || typeChar[st.type] === type)
        )
          lines.push(out(shown))
        if (st.type !== 'dir' || depth >= maxdepth) return
        const names = ctx.fs.readdir(path)
        if (isErr(names)) return
        for (const n of names)
          walk(
            `${path === '/' ? '' : path}/${n}`,
            `${shown.endsWith('/') ? shown : shown + '/'}${n}`,
            depth + 1,
          )
      }
      for (const s of starts.length ? starts : ['.']) walk(joinPath(ctx.cwd, absPath(ctx, s)), s, 0)
      return { lines, exitCode }
    }),
}

// ---------------------------------------------------------------------------------------------
// ps

function fmtStart(startedAt: number, now: number): string {
  const s = utcParts(startedAt)
  const n = utcParts(now)
  if (now - startedAt < 86_400_000 && s.d === n.d)
    return `${String(s.h).padStart(2, '0')}:${String(s.mi).padStart(2, '0')}`
  if (s.y === n.y) return `${MONTHS[s.mo]}${String(s.d).padStart(2, '0')}`
  return String(s.y)
}

const psUser = (name: string) => (name.length > 8 ? name.slice(0, 7) + '+' : name)

export function psAux(
  procs: NodeProcess[],
  users: (uid: number) => string,
  now: number,
  memKi: number,
): string[] {
  const lines = ['USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND']
  for (const p of procs) {
    const elapsed = Math.max(1, now - p.startedAt)
    const cpu = Math.min(99.9, (p.cpuMs / elapsed) * 100)
    const mem = (p.rss / memKi) * 100
    const t = Math.floor(p.cpuMs / 1000)
    const time = `${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}`
    lines.push(
      `${psUser(users(p.uid)).padEnd(8)} ${String(p.pid).padStart(7)} ${cpu.toFixed(1).padStart(4)} ${mem.toFixed(1).padStart(4)} ${String(p.vsz).padStart(6)} ${String(p.rss).padStart(5)} ${p.tty.padEnd(8)} ${p.stat.padEnd(4)} ${fmtStart(p.startedAt, now).padStart(5)} ${time.padStart(6)} ${commandLine(p)}`,
    )
  }
  return lines
}

export function psEf(procs: NodeProcess[], users: (uid: number) => string, now: number): string[] {
  const lines = ['UID          PID    PPID  C STIME TTY          TIME CMD']
  for (const p of procs) {
    const elapsed = Math.max(1, now - p.startedAt)
    const c = Math.floor((p.cpuMs / elapsed) * 100)
    const t = Math.floor(p.cpuMs / 1000)
    const time = `${String(Math.floor(t / 3600)).padStart(2, '0')}:${String(Math.floor(t / 60) % 60).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`
    lines.push(
      `${psUser(users(p.uid)).padEnd(8)} ${String(p.pid).padStart(7)} ${String(p.ppid).padStart(7)} ${String(c).padStart(2)} ${fmtStart(p.startedAt, now).padStart(5)} ${p.tty.padEnd(8)} ${time} ${commandLine(p)}`,
    )
  }
  return lines
}

const ps: CommandSpec = {
  path: ['ps'],
  modes: ['node', 'container'],
  summary: 'List processes (ps aux, ps -ef)',
  usage: 'ps [aux | -ef | -e]',
  rawArgs: true,
  run: (inv, env) =>
    withCtx(env, 'ps', (ctx) => {
      const state = env.sim.state
      if (ctx.view) {
        const execs =
          env.mode.kind === 'container'
            ? [[env.mode.shell === 'bash' ? 'bash' : 'sh'], ['ps', ...inv.args]]
            : [['ps', ...inv.args]]
        const procs = containerProcesses(state, ctx.view, execs)
        const lines = ['PID   USER     TIME  COMMAND']
        for (const p of procs) {
          const t = Math.floor(p.timeMs / 1000)
          lines.push(
            `${String(p.pid).padStart(5)} ${p.user.slice(0, 8).padEnd(8)} ${`${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}`.padStart(5)} ${p.args}`,
          )
        }
        return ok(lines)
      }
      const node = ctx.node!
      const via = env.mode.kind === 'node' ? env.mode.via : 'ssh'
      const procs = nodeProcesses(state, node.name, { via, command: ['ps', ...inv.args] })
      const users = (uid: number) => ctx.fs.userName(uid)
      const a = inv.args.join(' ')
      if (a === '') {
        const mine = procs.filter((p) => p.tty === 'pts/0' && p.uid === 0)
        return ok([
          '    PID TTY          TIME CMD',
          ...mine.map((p) => `${String(p.pid).padStart(7)} ${p.tty.padEnd(8)} 00:00:00 ${p.comm}`),
        ])
      }
      if (/^-?(aux|aux[wf]*|auxww|axu|uax)$/.test(a))
        return ok(psAux(procs, users, state.now, memTotalKi(state, node)))
      if (/^-(ef|eF|eLf|efww|efw)$/.test(a) || a === '-e -f' || a === '-f -e')
        return ok(psEf(procs, users, state.now))
      if (a === '-e' || a === '-A')
        return ok([
          '    PID TTY          TIME CMD',
          ...procs.map(
            (p) => `${String(p.pid).padStart(7)} ${p.tty.padEnd(8)} ${fmtCpu(p.cpuMs)} ${p.comm}`,
          ),
        ])
      return {
        lines: [
          err('error: unsupported option (Cutaway simulates ps, ps aux, ps -ef and ps -e)'),
          err(''),
          err('Usage:'),
          err(' ps [options]'),
        ],
        exitCode: 1,
      }
    }),
}

/** kubectl exec without -t runs commands with no terminal (no TERM); the interactive shell has one. */
function ttyOf(env: CommandEnv): boolean {
  return (env as CommandEnv & { tty?: boolean }).tty ?? true
}

function fmtCpu(ms: number): string {
  const t = Math.floor(ms / 1000)
  return `${String(Math.floor(t / 3600)).padStart(2, '0')}:${String(Math.floor(t / 60) % 60).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`
}

// ---------------------------------------------------------------------------------------------
// env, df, sudo

const envCmd: CommandSpec = {
  path: ['env'],
  modes: ['node', 'container'],
  summary: 'Print the environment',
  usage: 'env',
  rawArgs: true,
  run: (inv, env) =>
    withCtx(env, 'env', (ctx) => {
      if (inv.args.length) return runArgv(inv.args, env.mode, env, inv.stdin)
      const vars = ctx.env()
      if (ctx.view && !ttyOf(env)) delete vars.TERM
      return ok(Object.entries(vars).map(([k, v]) => `${k}=${v}`))
    }),
}

const printenv: CommandSpec = {
  path: ['printenv'],
  modes: ['node', 'container'],
  summary: 'Print environment variables',
  usage: 'printenv [NAME …]',
  rawArgs: true,
  run: (inv, env) =>
    withCtx(env, 'printenv', (ctx) => {
      const vars = ctx.env()
      if (ctx.view && !ttyOf(env)) delete vars.TERM
      if (inv.args.length === 0) return ok(Object.entries(vars).map(([k, v]) => `${k}=${v}`))
      const found = inv.args.filter((n) => vars[n] !== undefined)
      return {
        lines: found.map((n) => out(vars[n]!)),
        exitCode: found.length === inv.args.length ? 0 : 1,
      }
    }),
}

const df: CommandSpec = {
  path: ['df'],
  modes: ['node'],
  summary: 'File system disk space usage (-h)',
  usage: 'df [-h]',
  rawArgs: true,
  run: (inv, env) =>
    withCtx(env, 'df', (ctx) => {
      const p = parseOpts(inv.args, 'hTak', '', { 'human-readable': 'h' })
      if (p.bad) return usageError(ctx, 'df', p.bad)
      const state = env.sim.state
      const memKb = memTotalKi(state, ctx.node!)
      const pods = Object.values(ctx.node!.pods)
      const rootUsed = 4_300_000 + pods.length * 61_000
      const rows: [string, number, number, string][] = [
        ['devtmpfs', 4096, 0, '/dev'],
        ['tmpfs', Math.floor(memKb / 2), 0, '/dev/shm'],
        ['tmpfs', Math.floor(memKb / 5), 1100 + pods.length * 12, '/run'],
        ['/dev/nvme0n1p1', 20_893_676, rootUsed, '/'],
        ['tmpfs', Math.floor(memKb / 2), 0, '/tmp'],
        ['/dev/nvme0n1p128', 10_202, 1_318, '/boot/efi'],
      ]
      for (const rt of pods.sort((a, b) => a.startedAt - b.startedAt)) {
        // the kubelet's tmpfs volumes of this pod (tokens, Secrets), as the mount table has them
        for (const m of nodeMountTable(state, ctx.node!.name))
          if (m.fstype === 'tmpfs' && m.target.startsWith(`/var/lib/kubelet/pods/${rt.uid}/`))
            rows.push(['tmpfs', Number(/size=(\d+)k/.exec(m.options)?.[1] ?? 0), 12, m.target])
        rows.push([
          'shm',
          65_536,
          0,
          `/run/containerd/io.containerd.grpc.v1.cri/sandboxes/${rt.sandboxId}/shm`,
        ])
        rows.push([
          'overlay',
          20_893_676,
          rootUsed,
          `/run/containerd/io.containerd.runtime.v2.task/k8s.io/${rt.sandboxId}/rootfs`,
        ])
        for (const c of rt.containers)
          if (c.state === 'running' && c.id)
            rows.push([
              'overlay',
              20_893_676,
              rootUsed,
              `/run/containerd/io.containerd.runtime.v2.task/k8s.io/${c.id}/rootfs`,
            ])
      }
      const h = p.flags.has('h')
      const fmt = (kb: number) => (h ? (kb === 0 ? '0' : humanSize(kb * 1024)) : String(kb))
      const table = rows.map(([fsName, size, used, mnt]) => [
        fsName,
        fmt(size),
        fmt(used),
        fmt(size - used),
        size ? `${Math.ceil((used / size) * 100)}%` : '-',
        mnt,
      ])
      const head = ['Filesystem', h ? 'Size' : '1K-blocks', 'Used', 'Avail', 'Use%', 'Mounted on']
      // GNU df's minimum field widths (src/df.c field_data): 14 for the source, 5 for sizes, 4 for Use%
      const minW = [14, h ? 5 : 9, 5, 5, 4, 0]
      const w = head.map((hd, i) =>
        Math.max(minW[i]!, hd.length, ...table.map((r) => r[i]!.length)),
      )
      const line = (r: string[]) =>
        [r[0]!.padEnd(w[0]!), ...r.slice(1, 5).map((c, i) => c.padStart(w[i + 1]!)), r[5]].join(' ')
      return ok([line(head), ...table.map(line)])
    }),
}

const sudo: CommandSpec = {
  path: ['sudo'],
  modes: ['node'],
  summary: 'Run a command as root (you already are root here)',
  usage: 'sudo <command …>',
  rawArgs: true,
  run(inv, env) {
    const args = [...inv.args]
    while (args[0]?.startsWith('-') && args[0] !== '-i' && args[0] !== '-s') args.shift()
    if (args[0] === '-i' || args[0] === '-s') {
      if (args.length === 1) return ok()
      args.shift()
    }
    if (args.length === 0)
      return {
        lines: [
          err('usage: sudo -h | -K | -k | -V'),
          err('usage: sudo -v [-ABkNnS] [-g group] [-h host] [-p prompt] [-u user]'),
          err(
            'usage: sudo [-ABbEHkNnPS] [-C num] [-D directory] [-g group] [-h host] [-p prompt] [-R directory] [-T timeout] [-u user] [VAR=value] [-i | -s] [<command>]',
          ),
        ],
        exitCode: 1,
      }
    if (args[0] === 'su' || args[0] === 'bash' || args[0] === 'sh') return ok()
    return runArgv(args, env.mode, { ...env }, inv.stdin)
  },
}

export const COREUTILS_COMMANDS: CommandSpec[] = [
  ls,
  cat,
  headTail('head'),
  headTail('tail'),
  readlinkLike('readlink'),
  readlinkLike('realpath'),
  stat,
  du,
  find,
  ps,
  pwd,
  cd,
  hostname,
  whoami,
  id,
  uname,
  envCmd,
  printenv,
  df,
  sudo,
]
