import type { OutputLine } from '../console/types.ts'

const CODES: Record<string, string> = { err: '31', warn: '33', dim: '2', ok: '32', info: '36' }

/** Renders a console line for a terminal; colour only when the terminal is interactive. */
export function renderLine(l: OutputLine, color: boolean): string {
  const code = l.tone ? CODES[l.tone] : undefined
  return color && code ? `\x1b[${code}m${l.text}\x1b[0m` : l.text
}
