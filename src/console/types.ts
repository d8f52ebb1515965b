import type { Simulation } from '../engine/index.ts'

/** How a line should look: views map tones to colours, the CLI to ANSI. The console writes neither. */
export type Tone = 'out' | 'err' | 'dim' | 'ok' | 'warn' | 'info'

export interface OutputLine {
  /** what a terminal shows (for binary output: invalid UTF-8 as U+FFFD, control bytes dropped) */
  text: string
  tone?: Tone
  /**
   * The line's exact bytes when they are not plain text (etcdctl printing a protobuf value), as a
   * byte string: one char per byte, codes 0–255. Pipes carry these, so `| hexdump -C` sees real bytes.
   */
  bytes?: string
  /** written to stderr: shown even when the command is piped, never passed down the pipe */
  stderr?: boolean
  /** the text does not end in a newline (`echo -n`, `printf 'x'`): a pipe passes it on without
   * one, so `echo -n s3cr3t | base64` encodes six bytes, not seven */
  noNewline?: boolean
}

/** Whether a line goes to stdout (down a pipe) rather than stderr (to the screen). */
export function isStdout(l: OutputLine): boolean {
  return l.tone !== 'err' && l.tone !== 'warn' && !l.stderr
}

/** Where a command came from (a learner typing, a button, a scenario step, the terminal console). */
export type CommandSource = 'terminal' | 'button' | 'scenario' | 'cli'

/** Where the learner's shell is: their laptop, a node (ssh / SSM), or inside a container (kubectl exec -it). */
export type ShellMode =
  | { kind: 'local' }
  | {
      kind: 'node'
      node: string
      via: 'ssh' | 'ssm'
      /** working directory (default: the login's home) */ cwd?: string
    }
  | {
      kind: 'container'
      namespace: string
      pod: string
      container: string
      shell: 'bash' | 'ash' | 'sh' | 'dash'
    }

export interface FlagSpec {
  name: string
  short?: string
  type: 'bool' | 'string' | 'int' | 'strings'
  description: string
  default?: string | number | boolean
  /** values offered by tab completion */
  values?: readonly string[]
}

export type FlagValues = Record<string, string | number | boolean | string[] | undefined>

export interface Invocation {
  /** positional arguments after the command path */
  args: string[]
  flags: FlagValues
  /** arguments after a bare `--` (e.g. the container command of `kubectl create deployment … -- sh -c …`) */
  rest: string[]
  /** text piped in or given as a heredoc */
  stdin?: string
  /** the exact bytes piped in (byte string, see OutputLine.bytes) when the writer printed binary */
  stdinBytes?: string
}

export interface CommandEnv {
  sim: Simulation
  mode: ShellMode
  source: CommandSource
  /** true for the terminal console: time runs until the cluster settles after each command */
  settleAfterCommands: boolean
  history: readonly string[]
  setMode(mode: ShellMode): void
  clear(): void
}

export interface CommandResult {
  lines: OutputLine[]
  exitCode: number
  /**
   * A command that keeps printing (kubectl logs -f) in a console whose clock runs on its own (the web
   * app): the caller polls for new lines as time passes, until the learner presses Ctrl+C.
   */
  stream?: OutputStream
}

export interface OutputStream {
  /** lines that arrived since the last poll; `done` when the stream ended by itself (pod gone…) */
  poll(): { lines: OutputLine[]; done: boolean }
}

/** What tab completion may offer for a positional argument. */
export type ArgKind =
  | 'resource'
  | 'pod'
  | 'node'
  | 'deployment'
  | 'namespace'
  | 'instance'
  | 'path'
  | 'command'
  | 'none'

export interface CommandSpec {
  /** the words that select this command: ['kubectl', 'get'] */
  path: readonly string[]
  /** which shells offer it */
  modes: readonly ShellMode['kind'][]
  summary: string
  usage: string
  flags?: readonly FlagSpec[]
  args?: readonly ArgKind[]
  /** may change cluster state (so it is recorded in the replayable command log) */
  mutates?: boolean
  /** accepts flags anywhere without declaring them (shell builtins such as `ls -la` parse their own) */
  rawArgs?: boolean
  run(inv: Invocation, env: CommandEnv): CommandResult
}

export const out = (text: string): OutputLine => ({ text })
export const err = (text: string): OutputLine => ({ text, tone: 'err' })
export const dim = (text: string): OutputLine => ({ text, tone: 'dim' })

export function ok(lines: (string | OutputLine)[] = []): CommandResult {
  return { lines: lines.map((l) => (typeof l === 'string' ? out(l) : l)), exitCode: 0 }
}

export function fail(lines: (string | OutputLine)[], exitCode = 1): CommandResult {
  return { lines: lines.map((l) => (typeof l === 'string' ? err(l) : l)), exitCode }
}

/** Splits a block of text into output lines (dropping one trailing newline). */
export function textLines(text: string, tone?: Tone): OutputLine[] {
  const t = text.endsWith('\n') ? text.slice(0, -1) : text
  return t.split('\n').map((line) => (tone ? { text: line, tone } : { text: line }))
}
