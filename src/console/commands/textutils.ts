import type { CommandSpec, Invocation } from '../types.ts'
import { ok, fail } from '../types.ts'
import { absPath, shellCtx } from './shell-context.ts'

// Text filters for pipelines on your machine: `kubectl get pods | grep web`, `| head -1`, `| wc -l`.
// They read standard input (the simulation has no local files) and word errors as GNU's do.

function input(inv: Invocation, tool: string): string[] | { error: string } {
  const files = inv.args.filter((a) => !a.startsWith('-'))
  if (files.length && files[0] !== '-')
    return { error: `${tool}: ${files[0]}: No such file or directory` }
  const text = inv.stdin ?? ''
  if (text === '') return []
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n')
}

/** -n N, -N, -nN, --lines=N */
function countArg(args: string[], dflt: number): { n: number; rest: string[] } | string {
  const rest: string[] = []
  let n = dflt
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    let m: RegExpExecArray | null
    if (a === '-n' || a === '--lines') n = Number(args[++i])
    else if (
      (m = /^-n(-?\d+)$/.exec(a)) ||
      (m = /^--lines=(-?\d+)$/.exec(a)) ||
      (m = /^-(\d+)$/.exec(a))
    )
      n = Number(m[1])
    else rest.push(a)
    if (Number.isNaN(n)) return `invalid number of lines: '${args[i]}'`
  }
  return { n, rest }
}

function headTail(tool: 'head' | 'tail'): CommandSpec {
  return {
    path: [tool],
    modes: ['local'],
    summary:
      tool === 'head'
        ? 'Print the first lines of standard input'
        : 'Print the last lines of standard input',
    usage: `${tool} [-n N]`,
    rawArgs: true,
    run(inv) {
      const c = countArg(inv.args, 10)
      if (typeof c === 'string') return fail([`${tool}: ${c}`])
      const lines = input({ ...inv, args: c.rest }, tool)
      if (!Array.isArray(lines)) return fail([lines.error])
      const n = c.n
      const picked =
        tool === 'head'
          ? n < 0
            ? lines.slice(0, n)
            : lines.slice(0, n)
          : n === 0
            ? []
            : lines.slice(-n)
      return ok(picked)
    },
  }
}

const grep: CommandSpec = {
  path: ['grep'],
  // on a node or in a container it also reads a file (`grep secret /proc/mounts`)
  modes: ['local', 'node', 'container'],
  summary: 'Print lines of standard input that match a pattern (-i, -v, -c, -E, -w)',
  usage: 'grep [-i] [-v] [-c] [-E] [-w] PATTERN',
  rawArgs: true,
  run(inv, env) {
    const flags = new Set<string>()
    const words: string[] = []
    for (const a of inv.args) {
      if (/^-[ivcEwF]+$/.test(a)) for (const f of a.slice(1)) flags.add(f)
      else if (a.startsWith('-') && a.length > 1)
        return fail(
          [
            `grep: invalid option -- '${a.slice(1, 2)}'`,
            'Usage: grep [OPTION]... PATTERNS [FILE]...',
            "Try 'grep --help' for more information.",
          ],
          2,
        )
      else words.push(a)
    }
    const [pattern, file] = words
    if (pattern === undefined)
      return fail(
        ['Usage: grep [OPTION]... PATTERNS [FILE]...', "Try 'grep --help' for more information."],
        2,
      )
    let stdin = inv.stdin
    if (file) {
      const ctx = env.mode.kind === 'local' ? undefined : shellCtx(env)
      const text = ctx && !('gone' in ctx) ? ctx.fs.readFile(absPath(ctx, file)) : undefined
      if (typeof text !== 'string') return fail([`grep: ${file}: No such file or directory`], 2)
      stdin = text
    }
    let re: RegExp
    try {
      // basic regex: + ? | ( ) are literals unless -E; close enough for learners' patterns
      let src = flags.has('F')
        ? pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        : flags.has('E')
          ? pattern
          : pattern.replace(/[+?|(){}]/g, '\\$&').replace(/\\\\([+?|(){}])/g, '$1')
      if (flags.has('w')) src = `\\b(?:${src})\\b`
      re = new RegExp(src, flags.has('i') ? 'i' : '')
    } catch {
      return fail([`grep: Unmatched ( or \\(`], 2)
    }
    const lines = input({ ...inv, args: [], stdin }, 'grep') as string[]
    const matched = lines.filter((l) => re.test(l) !== flags.has('v'))
    if (flags.has('c'))
      return { lines: [{ text: String(matched.length) }], exitCode: matched.length ? 0 : 1 }
    return { lines: matched.map((text) => ({ text })), exitCode: matched.length ? 0 : 1 }
  },
}

const wc: CommandSpec = {
  path: ['wc'],
  modes: ['local'],
  summary: 'Count lines, words and bytes of standard input (-l, -w, -c)',
  usage: 'wc [-l] [-w] [-c]',
  rawArgs: true,
  run(inv) {
    const lines = input({ ...inv, args: inv.args.filter((a) => !a.startsWith('-')) }, 'wc')
    if (!Array.isArray(lines)) return fail([lines.error])
    const text = inv.stdin ?? ''
    const counts = {
      l: (text.match(/\n/g) ?? []).length,
      w: text.split(/\s+/).filter(Boolean).length,
      c: new TextEncoderLike().length(text),
    }
    const want = inv.args
      .filter((a) => /^-[lwc]+$/.test(a))
      .join('')
      .replaceAll('-', '')
    const pick = want
      ? (['l', 'w', 'c'] as const).filter((k) => want.includes(k))
      : (['l', 'w', 'c'] as const)
    // GNU wc pads each count to the width of the largest when printing more than one
    const width = pick.length > 1 ? Math.max(...pick.map((k) => String(counts[k]).length)) : 0
    return ok([pick.map((k) => String(counts[k]).padStart(width)).join(' ')])
  },
}

/** UTF-8 byte length without DOM or Node globals. */
class TextEncoderLike {
  length(s: string): number {
    let n = 0
    for (const ch of s) {
      const c = ch.codePointAt(0)!
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4
    }
    return n
  }
}

const sort: CommandSpec = {
  path: ['sort'],
  modes: ['local'],
  summary: 'Sort lines of standard input (-r, -n, -u)',
  usage: 'sort [-r] [-n] [-u]',
  rawArgs: true,
  run(inv) {
    const lines = input({ ...inv, args: inv.args.filter((a) => !a.startsWith('-')) }, 'sort')
    if (!Array.isArray(lines)) return fail([lines.error])
    const f = inv.args.filter((a) => a.startsWith('-')).join('')
    let sorted = [...lines].sort(
      f.includes('n')
        ? (a, b) => parseFloat(a) - parseFloat(b) || (a < b ? -1 : a > b ? 1 : 0)
        : (a, b) => (a < b ? -1 : a > b ? 1 : 0),
    )
    if (f.includes('r')) sorted.reverse()
    if (f.includes('u')) sorted = sorted.filter((l, i) => i === 0 || l !== sorted[i - 1])
    return ok(sorted)
  },
}

export const TEXT_COMMANDS: CommandSpec[] = [grep, headTail('head'), headTail('tail'), wc, sort]
