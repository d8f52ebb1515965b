import type { Simulation } from '../engine/index.ts'
import { COMMANDS, resolveCommand, commandsForMode } from './commands/index.ts'
import { parseFlags } from './flags.ts'
import { EXIT_STATUS, needsMoreInput, parseCommandLine } from './tokenize.ts'
import { shellCtx } from './commands/shell-context.ts'
import type {
  CommandEnv,
  CommandResult,
  CommandSource,
  CommandSpec,
  OutputLine,
  OutputStream,
  ShellMode,
} from './types.ts'
import { err, dim, isStdout } from './types.ts'
import { pipedBytes } from './bytes.ts'
import { complete as completeInput } from './complete.ts'
import { helpFor } from './help.ts'
import { AWS_USAGE, usageError } from './aws/cli.ts'

// One console session: the interpreter behind both the web terminal and `npm run console`.
// Text in, structured lines out; the caller decides how to render them.

export interface ConsoleOptions {
  /** The terminal console lets the cluster settle after every command so a script's output is deterministic. */
  settleAfterCommands?: boolean
}

export interface RunResult {
  lines: OutputLine[]
  exitCode: number
  /** the last command keeps printing (see CommandResult.stream) */
  stream?: OutputStream
  /** the learner asked for `clear` */
  cleared: boolean
}

export interface LoggedCommand {
  input: string
  at: number
  source: CommandSource
  exitCode: number
}

export class Console {
  mode: ShellMode = { kind: 'local' }
  readonly history: string[] = []
  /** every command run, with the simulated time it ran at: the replayable source of truth */
  readonly log: LoggedCommand[] = []
  private readonly settle: boolean

  constructor(
    readonly sim: Simulation,
    opts: ConsoleOptions = {},
  ) {
    this.settle = opts.settleAfterCommands ?? false
  }

  prompt(): string {
    return promptFor(this.mode)
  }

  needsMoreInput(text: string): boolean {
    return needsMoreInput(text)
  }

  complete(input: string): string[] {
    return completeInput(input, this.mode, this.sim.state)
  }

  run(input: string, source: CommandSource = 'terminal'): RunResult {
    const trimmed = input.trim()
    const at = this.sim.state.now
    if (!trimmed) return { lines: [], exitCode: 0, cleared: false }
    this.history.push(trimmed.split('\n')[0]!.length < trimmed.length ? trimmed : trimmed)
    let cleared = false
    const lines: OutputLine[] = []
    let stream: OutputStream | undefined
    // command substitution first, as the shell does: $(kubectl get pods -o name | head -1)
    const substituted = this.substitute(input, source, lines)
    const parsed = parseCommandLine(substituted, this.shellVars())
    // $?: the status of the last command line, then of each pipeline of this one as it ends
    let exitCode = this.log[this.log.length - 1]?.exitCode ?? 0
    if (!parsed.ok) {
      lines.push(err(parsed.error))
      exitCode = 2
    } else {
      for (const [n, pipeline] of parsed.pipelines.entries()) {
        // `a && b; c`: when `a` fails, `b` is skipped (the status stays a's) but `c` still runs
        if (n > 0 && pipeline.andThen && exitCode !== 0) continue
        let stdin: string | undefined
        let stdinBytes: string | undefined
        let last: CommandResult = { lines: [], exitCode: 0 }
        for (let i = 0; i < pipeline.commands.length; i++) {
          const cmd = pipeline.commands[i]!
          const isLast = i === pipeline.commands.length - 1
          last = this.runOne(
            withStatus(cmd.argv, exitCode),
            cmd.heredoc ?? stdin,
            source,
            () => {
              cleared = true
              lines.length = 0
            },
            cmd.heredoc === undefined ? stdinBytes : undefined,
          )
          if (isLast) for (const l of last.lines) lines.push(l)
          else {
            // stdout flows to the next command; stderr still reaches the screen
            lines.push(...last.lines.filter((l) => !isStdout(l)))
            const piped = last.lines.filter(isStdout)
            stdin = piped.map((l) => l.text).join('\n')
            if (piped.length && !piped[piped.length - 1]!.noNewline) stdin += '\n'
            stdinBytes = pipedBytes(piped)
          }
        }
        exitCode = last.exitCode
        // only the very last command of the line may keep streaming to the screen
        stream = pipeline.commands.length === 1 ? last.stream : undefined
      }
    }
    this.log.push({ input, at, source, exitCode })
    return { lines, exitCode, cleared, ...(stream ? { stream } : {}) }
  }

  /**
   * Expands `$(…)` outside single quotes and heredoc bodies by running the inner command line.
   * Its stdout replaces it (trailing newlines removed; unquoted, newlines become spaces); its
   * stderr is shown. Not nested.
   */
  private substitute(input: string, source: CommandSource, lines: OutputLine[]): string {
    const firstLineEnd =
      input.includes('\n') && /<<-?\s*['"]?\w+/.test(input.split('\n')[0]!)
        ? input.indexOf('\n')
        : input.length
    const head = input.slice(0, firstLineEnd)
    if (!head.includes('$(')) return input
    let out = ''
    let quote: string | null = null
    for (let i = 0; i < head.length; i++) {
      const c = head[i]!
      if (quote === "'") {
        if (c === "'") quote = null
        out += c
        continue
      }
      if (c === "'" && !quote) quote = "'"
      else if (c === '"') quote = quote === '"' ? null : '"'
      if (c === '$' && head[i + 1] === '(') {
        let depth = 0
        let j = i + 1
        for (; j < head.length; j++) {
          if (head[j] === '(') depth++
          else if (head[j] === ')' && --depth === 0) break
        }
        if (j >= head.length) return input // unbalanced: let the parser report it
        const inner = head.slice(i + 2, j)
        const r = this.runLine(inner, source)
        for (const l of r.lines) if (!isStdout(l)) lines.push(l)
        const text = r.lines
          .filter(isStdout)
          .map((l) => l.text)
          .join('\n')
          .replace(/\n+$/, '')
        out += quote === '"' ? text : text.split(/\s+/).join(' ')
        i = j
        continue
      }
      out += c
    }
    return out + input.slice(firstLineEnd)
  }

  /** The variables of the shell the learner is in (bash on the node, the container's shell). */
  private shellVars(): Record<string, string> {
    if (this.mode.kind === 'local') return {}
    const ctx = shellCtx({ sim: this.sim, mode: this.mode } as CommandEnv)
    return 'gone' in ctx ? {} : ctx.env()
  }

  /** Runs a command line without recording it (for command substitution). */
  private runLine(input: string, source: CommandSource): CommandResult {
    const parsed = parseCommandLine(input, this.shellVars())
    if (!parsed.ok) return { lines: [err(parsed.error)], exitCode: 2 }
    let last: CommandResult = { lines: [], exitCode: this.log[this.log.length - 1]?.exitCode ?? 0 }
    for (const pipeline of parsed.pipelines) {
      let stdin: string | undefined
      let stdinBytes: string | undefined
      const status = last.exitCode
      for (const cmd of pipeline.commands) {
        last = this.runOne(
          withStatus(cmd.argv, status),
          cmd.heredoc ?? stdin,
          source,
          () => {},
          cmd.heredoc === undefined ? stdinBytes : undefined,
        )
        const piped = last.lines.filter(isStdout)
        stdin = piped.map((l) => l.text).join('\n') + '\n'
        stdinBytes = pipedBytes(piped)
      }
    }
    return last
  }

  private runOne(
    argv: string[],
    stdin: string | undefined,
    source: CommandSource,
    clear: () => void,
    stdinBytes?: string,
  ): CommandResult {
    const found = resolveCommand(argv, this.mode)
    if (!found.ok) return { lines: found.lines, exitCode: found.exitCode }
    const { spec, rest } = found
    const beforeDashDash = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest
    if (!spec.rawArgs && (beforeDashDash.includes('--help') || beforeDashDash.includes('-h')))
      return { lines: helpFor(spec), exitCode: 0 }
    let inv
    if (spec.rawArgs)
      inv = {
        args: rest,
        flags: {},
        rest: [],
        ...(stdin !== undefined ? { stdin } : {}),
        ...(stdinBytes !== undefined ? { stdinBytes } : {}),
      }
    else {
      const p = parseFlags(rest, spec.flags ?? [])
      if (!p.ok) return { lines: flagErrorLines(spec, p.error), exitCode: 1 }
      inv = {
        args: p.args,
        flags: p.flags,
        rest: p.rest,
        ...(stdin !== undefined ? { stdin } : {}),
        ...(stdinBytes !== undefined ? { stdinBytes } : {}),
      }
    }
    const env: CommandEnv = {
      sim: this.sim,
      mode: this.mode,
      source,
      settleAfterCommands: this.settle,
      history: this.history,
      setMode: (m) => {
        this.mode = m
      },
      clear,
    }
    let result: CommandResult
    try {
      result = spec.run(inv, env)
    } catch (e) {
      // never a stack trace: report and carry on (the state is unchanged: mutations run in transactions)
      result = {
        lines: [
          err(
            `error: internal simulation error in "${spec.path.join(' ')}": ${e instanceof Error ? e.message : String(e)}`,
          ),
        ],
        exitCode: 1,
      }
    }
    if (this.settle && spec.mutates && result.exitCode === 0) this.sim.settle()
    return result
  }
}

/** The words of a command with `$?` expanded to `status`. */
function withStatus(argv: string[], status: number): string[] {
  return argv.map((a) => a.replaceAll(EXIT_STATUS, String(status)))
}

function flagErrorLines(spec: CommandSpec, error: string): OutputLine[] {
  const tool = spec.path[0]
  // eksctl (cobra, usage silenced): `Error: unknown flag: --foo`
  if (tool === 'eksctl') return [err(`Error: ${error}`)]
  if (tool === 'kubectl')
    return [err(`error: ${error}`), err(`See '${spec.path.join(' ')} --help' for usage.`)]
  if (tool === 'aws')
    return error.startsWith('unknown')
      ? [
          ...AWS_USAGE,
          '',
          `Unknown options: ${error.replace(/^unknown (shorthand )?flag: /, '')}`,
        ].map(err)
      : usageError(error).lines
  return [err(`${tool}: ${error}`)]
}

export function promptFor(mode: ShellMode): string {
  switch (mode.kind) {
    case 'local':
      return '$ '
    case 'node': {
      // bash's PS1 on AL2023 is [\u@\h \W]\$ : the last part of the working directory, ~ for root's home
      const short = mode.node.split('.')[0]
      const cwd = mode.cwd ?? '/root'
      const w = cwd === '/root' ? '~' : cwd === '/' ? '/' : cwd.split('/').pop()
      return mode.via === 'ssm' ? 'sh-5.2# ' : `[root@${short} ${w}]# `
    }
    case 'container':
      // bash in Debian images: root@<pod>:/# ; BusyBox ash: `/ # ` as root, `~ $ ` as a user; dash: `# `
      switch (mode.shell) {
        case 'bash':
          return `root@${mode.pod}:/# `
        case 'ash':
          return '/ # '
        case 'dash':
          return '# '
        case 'sh':
          return '~ $ '
      }
  }
}

export { COMMANDS, commandsForMode, dim }
