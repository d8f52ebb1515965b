import type { Invocation, OutputLine } from './types.ts'
import { utf8Bytes, utf8Decode } from '../engine/index.ts'

// Binary output through a text console. A command that prints raw bytes (etcdctl printing a
// protobuf value) gives each line its exact bytes as a byte string (one char per byte, 0–255) next
// to the text a terminal would show. Pipes join the byte strings, so `| hexdump -C` and `| xxd`
// see exactly what etcd holds; commands reading text still get the terminal's rendering.
//
// What the terminal shows: the bytes decoded as UTF-8 (the locale of a modern terminal), each
// invalid byte as U+FFFD (what xterm, GNOME Terminal and iTerm2 print), and C0 control bytes other
// than tab left out: a real terminal acts on them (NUL shows nothing, ESC starts a sequence) rather
// than drawing them. SIMPLIFICATION: we do not execute CR, backspace or escape sequences.

export function toByteString(bytes: ArrayLike<number>): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 4096)
    s += String.fromCharCode(...Array.from(bytes).slice(i, i + 4096))
  return s
}

export function fromByteString(s: string): number[] {
  const out: number[] = new Array<number>(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff
  return out
}

/** What a UTF-8 terminal shows for these bytes (one line, no newline in them). */
export function terminalText(bytes: readonly number[]): string {
  // eslint-disable-next-line no-control-regex
  return utf8Decode(bytes).replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
}

/** Raw bytes as output lines, split at 0x0a as a terminal breaks them. */
export function byteLines(bytes: ArrayLike<number>): OutputLine[] {
  const all = Array.from(bytes)
  const lines: OutputLine[] = []
  let start = 0
  for (let i = 0; i <= all.length; i++) {
    if (i === all.length || all[i] === 0x0a) {
      const seg = all.slice(start, i)
      lines.push({ text: terminalText(seg), bytes: toByteString(seg) })
      start = i + 1
    }
  }
  return lines
}

/** The bytes a pipe carries from these stdout lines, or undefined when they are all plain text. */
export function pipedBytes(lines: readonly OutputLine[]): string | undefined {
  if (!lines.some((l) => l.bytes !== undefined)) return undefined
  const s = lines.map((l) => l.bytes ?? toByteString(utf8Bytes(l.text))).join('\n')
  return s ? s + '\n' : s
}

/** A command's standard input as bytes: the exact piped bytes, else the text as UTF-8. */
export function stdinBytes(inv: Invocation): number[] {
  if (inv.stdinBytes !== undefined) return fromByteString(inv.stdinBytes)
  return utf8Bytes(inv.stdin ?? '')
}
