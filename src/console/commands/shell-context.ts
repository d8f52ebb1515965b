import type { ClusterState, NodeRuntime, Pod } from '../../engine/index.ts'
import { getObject, resolveImage } from '../../engine/index.ts'
import type { Ctx } from '../../engine/context.ts'
import { containerEnv } from '../../engine/kubelet/kubelet.ts'
import { nodeFs } from '../../engine/node/fs.ts'
import { containerFs, type ContainerView } from '../../engine/node/containerFs.ts'
import { fieldRefEnv } from '../../engine/node/processes.ts'
import type { VirtualFs } from '../../engine/node/vfs.ts'
import { parseFlags } from '../flags.ts'
import { EXIT_STATUS, parseCommandLine } from '../tokenize.ts'
import type { CommandEnv, CommandResult, OutputLine, ShellMode } from '../types.ts'
import { err, dim } from '../types.ts'
import { resolveCommand } from './index.ts'

// Where a node or container command runs: which filesystem, which user, which working directory,
// and whose wording its errors use (GNU coreutils on AL2023 and Debian, BusyBox on busybox/Alpine).

export interface ShellCtx {
  kind: 'node' | 'container'
  fs: VirtualFs
  cwd: string
  home: string
  uid: number
  user: string
  hostname: string
  /** GNU coreutils (node, Debian images) or BusyBox applets */
  tools: 'gnu' | 'busybox'
  /** the interactive shell's name for error prefixes: `-bash`, `sh`, `bash` */
  shellName: string
  node?: NodeRuntime
  view?: ContainerView
  env(): Record<string, string>
}

export function nodeCwd(mode: Extract<ShellMode, { kind: 'node' }>): string {
  return mode.cwd ?? '/root'
}

/** The context of the current shell, or an error (the container went away under us). */
export function shellCtx(env: CommandEnv): ShellCtx | { gone: OutputLine[] } {
  const state = env.sim.state
  const mode = env.mode
  if (mode.kind === 'node') {
    const fs = nodeFs(state, mode.node)
    const node = state.nodes[mode.node]
    if (!fs || !node) return { gone: [err(`Connection to ${mode.node} closed by remote host.`)] }
    const cwd = nodeCwd(mode)
    return {
      kind: 'node',
      fs,
      cwd,
      home: '/root',
      uid: 0,
      user: 'root',
      hostname: node.name,
      tools: 'gnu',
      shellName: mode.via === 'ssm' ? 'sh' : '-bash',
      node,
      env: () => nodeEnv(node, cwd, mode.via),
    }
  }
  if (mode.kind === 'container') {
    const view = containerFs(state, mode.namespace, mode.pod, mode.container)
    if (!view || view.container.state !== 'running')
      return { gone: [err('command terminated with exit code 137')] }
    return {
      kind: 'container',
      fs: view.fs,
      cwd: view.workdir,
      home: view.user.home,
      uid: view.user.uid,
      user: view.user.name,
      hostname: view.rt.hostNetwork ? view.node.name : view.rt.name,
      tools: view.userland === 'debian' ? 'gnu' : 'busybox',
      shellName: mode.shell,
      view,
      env: () => containerEnvironment(state, view, true),
    }
  }
  return { gone: [err('not in a node or container shell')] }
}

function nodeEnv(node: NodeRuntime, cwd: string, via: 'ssh' | 'ssm'): Record<string, string> {
  return {
    SHELL: '/bin/bash',
    HISTCONTROL: 'ignoredups',
    HISTSIZE: '1000',
    HOSTNAME: node.name,
    PWD: cwd,
    LOGNAME: 'root',
    HOME: '/root',
    LANG: 'C.UTF-8',
    TERM: via === 'ssm' ? 'xterm-256color' : 'xterm-256color',
    USER: 'root',
    SHLVL: '1',
    PATH: '/root/.local/bin:/root/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin',
    MAIL: '/var/spool/mail/root',
    _: '/usr/bin/env',
  }
}

/**
 * A container's environment as `env` prints it: the kubelet's view (kubelet.containerEnv) plus the
 * downward-API values, and TERM when a TTY was allocated.
 */
export function containerEnvironment(
  state: ClusterState,
  view: ContainerView,
  tty: boolean,
): Record<string, string> {
  const pod = view.pod
  const spec = (view.container.init ? pod.spec.initContainers : pod.spec.containers)?.find(
    (c) => c.name === view.container.name,
  )
  const image = resolveImage(view.container.image)
  if (!spec) return {}
  // containerEnv only reads ctx.state
  const ctx = { state, agenda: undefined, events: [] } as unknown as Ctx
  const base = containerEnv(ctx, pod, spec, image?.info.env ?? {}, view.container.refEnv)
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(base)) if (k !== 'HOME') out[k] = v
  Object.assign(out, fieldRefEnv(pod, view.node, spec))
  if (tty) out.TERM = 'xterm'
  out.HOME = view.user.home
  return out
}

/** Resolves a path against the shell's cwd; `~` is the home directory. */
export function absPath(ctx: ShellCtx, p: string): string {
  if (p === '~') return ctx.home
  if (p.startsWith('~/')) p = ctx.home + p.slice(1)
  if (p.startsWith('/')) return p
  return (ctx.cwd === '/' ? '' : ctx.cwd) + '/' + p
}

export function podOf(state: ClusterState, namespace: string, name: string): Pod | undefined {
  return getObject(state, 'Pod', namespace, name)
}

/** Expands $VAR and ${VAR} with the given environment (unknown names expand to nothing). */
export function expandEnv(word: string, vars: Record<string, string>): string {
  return word.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, a: string | undefined, b: string | undefined) => vars[(a ?? b)!] ?? '',
  )
}

/**
 * Runs a command line in another mode (`ssh node ls`, `kubectl exec pod -- ls`, `sudo ls`):
 * pipes and `;`/`&&` as in the console, stdout of one command feeding the next.
 */
export function runLine(
  text: string | string[],
  mode: ShellMode,
  env: CommandEnv,
  vars?: Record<string, string>,
): CommandResult {
  const pipelines =
    typeof text === 'string' ? parsePipelines(text) : [{ commands: [text], andThen: false }]
  if (!Array.isArray(pipelines)) return { lines: [err(pipelines.error)], exitCode: 2 }
  const lines: OutputLine[] = []
  let exitCode = 0
  for (const p of pipelines) {
    if (p.andThen && exitCode !== 0) continue
    let stdin: string | undefined
    let last: CommandResult = { lines: [], exitCode: 0 }
    // $? in a new shell is 0, then the status of the pipeline before
    const status = String(exitCode)
    p.commands.forEach((argv0, i) => {
      const argv = argv0.map((a) => (vars ? expandEnv(a, vars) : a).replaceAll(EXIT_STATUS, status))
      const piped = i < p.commands.length - 1
      last = runArgv(argv, mode, piped ? ({ ...env, piped } as CommandEnv) : env, stdin)
      if (i === p.commands.length - 1) lines.push(...last.lines)
      else {
        lines.push(...last.lines.filter((l) => l.tone === 'err' || l.tone === 'warn'))
        const outText = last.lines
          .filter((l) => l.tone !== 'err' && l.tone !== 'warn' && l.tone !== 'dim')
          .map((l) => l.text)
          .join('\n')
        stdin = outText ? outText + '\n' : ''
      }
    })
    exitCode = last.exitCode
  }
  return { lines, exitCode }
}

function parsePipelines(
  text: string,
): { commands: string[][]; andThen: boolean }[] | { error: string } {
  const parsed = parseCommandLine(text)
  if (!parsed.ok) return { error: parsed.error }
  return parsed.pipelines.map((p) => ({
    commands: p.commands.map((c) => c.argv),
    andThen: p.andThen,
  }))
}

export function runArgv(
  argv: string[],
  mode: ShellMode,
  env: CommandEnv,
  stdin?: string,
): CommandResult {
  if (argv.length === 0) return { lines: [], exitCode: 0 }
  const found = resolveCommand(argv, mode)
  if (!found.ok) return { lines: found.lines, exitCode: found.exitCode }
  const { spec, rest } = found
  let inv
  if (spec.rawArgs)
    inv = { args: rest, flags: {}, rest: [], ...(stdin !== undefined ? { stdin } : {}) }
  else {
    const p = parseFlags(rest, spec.flags ?? [])
    if (!p.ok) return { lines: [err(`${spec.path[0]}: ${p.error}`)], exitCode: 1 }
    inv = { args: p.args, flags: p.flags, rest: p.rest, ...(stdin !== undefined ? { stdin } : {}) }
  }
  const sub: CommandEnv = { ...env, mode, setMode: () => {} }
  return spec.run(inv, sub)
}

export const notSimulated = (what: string): OutputLine =>
  dim(`(Cutaway does not simulate \`${what}\` here yet.)`)
