import { createSimulation } from '../../engine/index.ts'
import { Console } from '../session.ts'

/** A terminal-console session on a seeded cluster, as `npm run console -- --seed N` runs it. */
export function session(seed = 7) {
  return new Console(createSimulation({ seed }), { settleAfterCommands: true })
}

/** Runs commands and returns what the CLI would print (prompt + command, then the output lines). */
export function transcript(c: Console, commands: string[]): string {
  const out: string[] = []
  for (const cmd of commands) {
    out.push(`${c.prompt()}${cmd}`)
    for (const l of c.run(cmd).lines) out.push(l.text)
  }
  return out.join('\n') + '\n'
}

export function text(c: Console, cmd: string): string {
  return c
    .run(cmd)
    .lines.map((l) => l.text)
    .join('\n')
}
