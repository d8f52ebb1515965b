import { parse as shellParse } from 'shell-quote'

// A very small `sh` for container commands such as
//   sh -c 'while true; do echo hello; sleep 2; done'
// It compiles the script to a flat instruction list with jumps, so a running container's program
// state is just a program counter plus variables (plain data, replayable). Supported: echo, printf
// (no format escapes beyond \n), sleep, true, false, exit, date, hostname, `while true|:`, `for x in …`,
// and $VAR / ${VAR} / $(date) / $(hostname). Anything else prints sh's real "not found" message.

export type Instr =
  | { op: 'cmd'; argv: string[] }
  | { op: 'jump'; to: number }
  | { op: 'for'; variable: string; items: string[]; end: number } // sets var from loop counter, jumps to end when done
  | { op: 'exit'; code: number }

export interface Compiled {
  instrs: Instr[]
  error?: string
}

type Tok = string | { op: string }

function tokenize(script: string): Tok[] {
  // keep $… for our own expansion: shell-quote's env callback returns the text unchanged
  const toks = shellParse(script, (key) => `$${key}`) as unknown[]
  return toks.map((t) =>
    typeof t === 'string'
      ? t
      : typeof t === 'object' && t && 'op' in t
        ? { op: String((t as { op: string }).op) }
        : String(t),
  )
}

function splitStatements(toks: Tok[]): string[][] {
  const out: string[][] = []
  let cur: string[] = []
  for (const t of toks) {
    if (typeof t === 'string') cur.push(t)
    else if (t.op === ';' || t.op === '&&' || t.op === '\n') {
      if (cur.length) out.push(cur)
      cur = []
    } else cur.push(t.op)
  }
  if (cur.length) out.push(cur)
  return out
}

export function compile(script: string): Compiled {
  let stmts: string[][]
  try {
    // command substitutions we simulate become variables before tokenising ($(…) is not a word to shell-quote)
    const pre = script
      .replace(/\n/g, ';')
      .replace(/\$\(date\)/g, '${__DATE__}')
      .replace(/\$\(hostname\)/g, '${HOSTNAME}')
    stmts = splitStatements(tokenize(pre))
  } catch {
    return { instrs: [], error: `sh: syntax error: unterminated quoted string` }
  }
  const instrs: Instr[] = []
  const stack: ({ kind: 'while'; start: number } | { kind: 'for'; at: number })[] = []
  let i = 0
  const take = () => stmts[i++]!
  while (i < stmts.length) {
    let s = take()
    if (s[0] === 'while') {
      // while <cond>; do
      const cond = s.slice(1)
      if (!(cond.length === 1 && (cond[0] === 'true' || cond[0] === ':')))
        return { instrs, error: `sh: only 'while true' loops are simulated` }
      stack.push({ kind: 'while', start: instrs.length })
      s = stmts[i] ?? []
      if (s[0] !== 'do')
        return { instrs, error: `sh: syntax error: unexpected end of file (expecting "do")` }
      i++
      if (s.length > 1) stmts.splice(i, 0, s.slice(1))
      continue
    }
    if (s[0] === 'for') {
      const variable = s[1] ?? ''
      const items = s[2] === 'in' ? s.slice(3) : []
      stack.push({ kind: 'for', at: instrs.length })
      instrs.push({ op: 'for', variable, items, end: -1 })
      s = stmts[i] ?? []
      if (s[0] !== 'do')
        return { instrs, error: `sh: syntax error: unexpected end of file (expecting "do")` }
      i++
      if (s.length > 1) stmts.splice(i, 0, s.slice(1))
      continue
    }
    if (s[0] === 'do') {
      if (s.length > 1) stmts.splice(i, 0, s.slice(1))
      continue
    }
    if (s[0] === 'done') {
      const top = stack.pop()
      if (!top) return { instrs, error: `sh: syntax error: unexpected "done"` }
      if (top.kind === 'while') instrs.push({ op: 'jump', to: top.start })
      else {
        instrs.push({ op: 'jump', to: top.at })
        const f = instrs[top.at] as Extract<Instr, { op: 'for' }>
        f.end = instrs.length
      }
      continue
    }
    if (s[0] === 'exit') {
      instrs.push({ op: 'exit', code: Number(s[1] ?? 0) || 0 })
      continue
    }
    instrs.push({ op: 'cmd', argv: s })
  }
  if (stack.length)
    return { instrs, error: `sh: syntax error: unexpected end of file (expecting "done")` }
  return { instrs }
}

export interface ShellEnv {
  vars: Record<string, string>
  /** busybox `date` output for the current simulated time */
  date: () => string
  hostname: string
}

export function expand(word: string, env: ShellEnv): string {
  return word.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b)!
    if (name === '__DATE__') return env.date()
    if (name === 'HOSTNAME') return env.vars.HOSTNAME ?? env.hostname
    return env.vars[name] ?? ''
  })
}

export type StepResult = { kind: 'sleep'; ms: number } | { kind: 'exit'; code: number }

export interface ScriptState {
  pc: number
  vars: Record<string, string>
  /** index into the current for-loop items, by instruction address */
  loops: Record<string, number>
}

/**
 * Runs from `st.pc` until the program sleeps or exits, writing output through `write`.
 * A loop with no sleep would spin forever; like a real busy loop it is cut off, here after a bound,
 * and treated as sleeping for a tick so the simulation stays responsive.
 */
export function run(
  c: Compiled,
  st: ScriptState,
  env: ShellEnv,
  write: (stream: 'stdout' | 'stderr', text: string) => void,
): StepResult {
  let budget = 200
  while (st.pc < c.instrs.length) {
    if (--budget <= 0) return { kind: 'sleep', ms: 1 }
    const ins = c.instrs[st.pc]!
    switch (ins.op) {
      case 'jump':
        st.pc = ins.to
        break
      case 'exit':
        return { kind: 'exit', code: ins.code }
      case 'for': {
        const k = String(st.pc)
        const idx = st.loops[k] ?? 0
        if (idx >= ins.items.length) {
          delete st.loops[k]
          st.pc = ins.end
        } else {
          st.vars[ins.variable] = expand(ins.items[idx]!, { ...env, vars: st.vars })
          st.loops[k] = idx + 1
          st.pc++
        }
        break
      }
      case 'cmd': {
        st.pc++
        const argv = ins.argv.map((w) => expand(w, { ...env, vars: st.vars }))
        const [cmd, ...args] = argv
        switch (cmd) {
          case 'echo': {
            const noNewline = args[0] === '-n'
            write('stdout', (noNewline ? args.slice(1) : args).join(' '))
            break
          }
          case 'printf':
            write('stdout', (args[0] ?? '').replace(/\\n$/, ''))
            break
          case 'sleep': {
            const n = Number(args[0])
            if (args[0] === 'infinity') return { kind: 'sleep', ms: Number.POSITIVE_INFINITY }
            if (!Number.isFinite(n) || n < 0) {
              write('stderr', `sleep: invalid number '${args[0] ?? ''}'`)
              break
            }
            return { kind: 'sleep', ms: n * 1000 }
          }
          case 'date':
            write('stdout', env.date())
            break
          case 'hostname':
            write('stdout', env.hostname)
            break
          case 'true':
          case ':':
          case 'false':
            break
          case undefined:
            break
          default:
            if (cmd.includes('=') && /^\w+=/.test(cmd)) {
              const [k, ...v] = cmd.split('=')
              st.vars[k!] = v.join('=')
              break
            }
            write('stderr', `sh: ${cmd}: not found`)
        }
        break
      }
    }
  }
  return { kind: 'exit', code: 0 }
}
