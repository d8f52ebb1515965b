import { parseDuration } from '../../engine/index.ts'
import type { CommandSpec, OutputLine } from '../types.ts'
import { ok, fail, out, dim, textLines } from '../types.ts'
import { commandsForMode } from './index.ts'
import { base64 as toBase64, base64Decode, utf8Bytes, utf8Decode } from '../../engine/index.ts'

// Shell builtins and small utilities of the learner's own machine.

const help: CommandSpec = {
  path: ['help'],
  modes: ['local', 'node', 'container'],
  summary: 'List the commands this simulated shell knows',
  usage: 'help',
  rawArgs: true,
  run(_inv, env) {
    const specs = commandsForMode(env.mode)
    const width = Math.max(...specs.map((s) => s.path.join(' ').length)) + 2
    const where =
      env.mode.kind === 'local'
        ? 'your machine (kubectl and the AWS CLI are configured for the cluster)'
        : env.mode.kind === 'node'
          ? `the node ${env.mode.node}`
          : `container ${env.mode.container} of pod ${env.mode.pod}`
    const lines: OutputLine[] = [out(`Commands available on ${where}:`), out('')]
    for (const s of specs) lines.push(out(`  ${s.path.join(' ').padEnd(width)}${s.summary}`))
    lines.push(
      out(''),
      dim('Add --help to a command for its flags. Up/Down recall history; Tab completes.'),
    )
    return ok(lines)
  },
}

const clear: CommandSpec = {
  path: ['clear'],
  modes: ['local', 'node', 'container'],
  summary: 'Clear the screen',
  usage: 'clear',
  rawArgs: true,
  run(_inv, env) {
    env.clear()
    return ok()
  },
}

const history: CommandSpec = {
  path: ['history'],
  modes: ['local', 'node'],
  summary: 'Show the commands you have run',
  usage: 'history',
  rawArgs: true,
  run(_inv, env) {
    return ok(env.history.map((h, i) => `${String(i + 1).padStart(5)}  ${h.split('\n')[0]}`))
  },
}

const echo: CommandSpec = {
  path: ['echo'],
  modes: ['local', 'node', 'container'],
  summary: 'Print its arguments',
  usage: 'echo [-n] [text …]',
  rawArgs: true,
  run(inv) {
    const noNewline = inv.args[0] === '-n'
    const args = noNewline ? inv.args.slice(1) : inv.args
    return ok([{ text: args.join(' '), ...(noNewline ? { noNewline } : {}) }])
  },
}

/** bash's printf builtin, for the common cases: \n \t \\ escapes, %s and %d, the format reused
 * while arguments remain. No trailing newline unless the format has one. */
const printf: CommandSpec = {
  path: ['printf'],
  modes: ['local', 'node', 'container'],
  summary: 'Format and print data (no newline unless you write \\n)',
  usage: 'printf FORMAT [ARGUMENT …]',
  rawArgs: true,
  run(inv) {
    const [format, ...args] = inv.args
    if (format === undefined) return fail(['printf: usage: printf [-v var] format [arguments]'], 2)
    const escape = (s: string) =>
      s.replace(/\\([ntr\\])/g, (_, c: string) =>
        c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : '\\',
      )
    let text = ''
    let i = 0
    do {
      text += escape(format).replace(/%([sd%])/g, (_, c: string) =>
        c === '%' ? '%' : c === 'd' ? String(Number(args[i++] ?? 0) || 0) : (args[i++] ?? ''),
      )
    } while (i < args.length && /%[sd]/.test(format))
    if (text === '') return ok()
    const parts = text.split('\n')
    const last = parts.pop()!
    const lines: OutputLine[] = parts.map((t) => ({ text: t }))
    if (last !== '') lines.push({ text: last, noNewline: true })
    return ok(lines)
  },
}

const sleep: CommandSpec = {
  path: ['sleep'],
  modes: ['local', 'node', 'container'],
  summary: 'Let simulated time pass (e.g. sleep 30, sleep 2m)',
  usage: 'sleep <duration>',
  rawArgs: true,
  run(inv, env) {
    const arg = inv.args[0]
    if (!arg) return fail(['sleep: missing operand', "Try 'sleep --help' for more information."])
    const ms = parseDuration(arg)
    if (ms === undefined || ms < 0)
      return fail([
        `sleep: invalid time interval '${arg}'`,
        "Try 'sleep --help' for more information.",
      ])
    // at most a day at a time, so a typo cannot stall the page
    env.sim.advance(Math.min(ms, 24 * 3600_000))
    return ok()
  },
}

const base64: CommandSpec = {
  path: ['base64'],
  modes: ['local', 'node', 'container'],
  summary: 'Encode or decode base64 (encoding, not encryption)',
  usage: 'base64 [-d|--decode] [-w 0]',
  rawArgs: true,
  run(inv) {
    const decode = inv.args.includes('-d') || inv.args.includes('--decode')
    const input = inv.stdin ?? ''
    if (decode) {
      const bytes = base64Decode(input)
      if (!bytes) return fail(['base64: invalid input'])
      return ok(textLines(utf8Decode(bytes)))
    }
    const enc = toBase64(utf8Bytes(input))
    const wrap = inv.args.includes('-w') && inv.args[inv.args.indexOf('-w') + 1] === '0' ? 0 : 76
    const lines = wrap ? (enc.match(new RegExp(`.{1,${wrap}}`, 'g')) ?? ['']) : [enc]
    return ok(lines)
  },
}

const cat: CommandSpec = {
  path: ['cat'],
  modes: ['local'],
  summary: 'Print standard input (for `cat <<EOF | kubectl apply -f -`)',
  usage: 'cat',
  rawArgs: true,
  run(inv) {
    if (inv.args.length && inv.args[0] !== '-')
      return fail(inv.args.map((a) => `cat: ${a}: No such file or directory`))
    return ok(inv.stdin ? textLines(inv.stdin) : [])
  },
}

/** bash's `true` and `false` builtins (BusyBox has them as applets): a status and nothing else. */
function status(name: string, code: number): CommandSpec {
  return {
    path: [name],
    modes: ['local', 'node', 'container'],
    summary: `Return exit status ${code}`,
    usage: name,
    rawArgs: true,
    run: () => ({ lines: [], exitCode: code }),
  }
}

export const BUILTIN_COMMANDS: CommandSpec[] = [
  help,
  echo,
  status('true', 0),
  status('false', 1),
  printf,
  cat,
  base64,
  sleep,
  history,
  clear,
]
