import type { LogRecord } from '../model/node.ts'
import { rfc3339Nano } from '../time.ts'

// The CRI logging format containerd writes (FIDELITY.md §1.2; containerd internal/cri/io/logger.go,
// parsed by kubelet pkg/kubelet/kuberuntime/logs/logs.go parseCRILog):
//   <RFC3339Nano> <stream> <F|P> <message>\n
// A line longer than max_container_log_line_size (16 KiB) is cut into P records and a final F.

/** containerd's CRI plugin default `max_container_log_line_size` */
export const MAX_CONTAINER_LOG_LINE_SIZE = 16 * 1024

/** nanoseconds between two writes in the same simulated instant */
export const SAME_INSTANT_NS = 18_433

/** One line of a CRI log file. */
export interface CriLine {
  /** the timestamp exactly as written (`2026-03-02T08:46:12.018433Z`) */
  timestamp: string
  stream: 'stdout' | 'stderr'
  tag: 'F' | 'P'
  message: string
  /** the record it came from */
  record: LogRecord
}

/** The CRI timestamp of a record (`ns` breaks ties between writes in the same ms). */
export function criTimestamp(r: LogRecord, fallbackNs = 0): string {
  return rfc3339Nano(r.time, r.ns ?? fallbackNs)
}

/** UTF-8 byte length of a string. */
export function utf8Len(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4
      i++
    } else n += 3
  }
  return n
}

/** Cuts a message into pieces of at most `max` UTF-8 bytes (never inside a code point). */
export function splitMessage(text: string, max = MAX_CONTAINER_LOG_LINE_SIZE): string[] {
  if (text.length <= max / 4 || utf8Len(text) <= max) return [text]
  const out: string[] = []
  let start = 0
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length
    const w = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3
    if (bytes + w > max) {
      out.push(text.slice(start, i))
      start = i
      bytes = 0
    }
    bytes += w
    if (pair) i++
  }
  out.push(text.slice(start))
  return out
}

/** The CRI lines of a sequence of records, in order. */
export function criLines(records: readonly LogRecord[]): CriLine[] {
  const out: CriLine[] = []
  let lastTime = Number.NaN
  let same = 0
  for (const r of records) {
    same = r.time === lastTime ? same + 1 : 0
    lastTime = r.time
    const timestamp = criTimestamp(r, same * SAME_INSTANT_NS)
    const parts = splitMessage(r.text)
    parts.forEach((message, i) =>
      out.push({
        timestamp,
        stream: r.stream,
        tag: i === parts.length - 1 ? 'F' : 'P',
        message,
        record: r,
      }),
    )
  }
  return out
}

/** Renders CRI lines as the file's bytes. */
export function criText(lines: readonly CriLine[]): string {
  let out = ''
  for (const l of lines) out += `${l.timestamp} ${l.stream} ${l.tag} ${l.message}\n`
  return out
}

/** The bytes containerd writes for these records. */
export function criLogText(records: readonly LogRecord[]): string {
  return criText(criLines(records))
}

/** Bytes a record takes in the file (all of its P/F lines, newlines included). */
export function recordBytes(r: LogRecord, fallbackNs = 0): number {
  const prefix = criTimestamp(r, fallbackNs).length + r.stream.length + 4 // 3 spaces + tag
  const parts = splitMessage(r.text)
  let n = 0
  for (const p of parts) n += prefix + utf8Len(p) + 1
  return n
}

/** Total bytes of these records as a CRI file. */
export function criBytes(records: readonly LogRecord[]): number {
  let n = 0
  for (const l of criLines(records))
    n += l.timestamp.length + l.stream.length + 4 + utf8Len(l.message) + 1
  return n
}

const CRI_RE = /^(\S+) (stdout|stderr) ([^ ]+) (.*)$/

/** kubelet's parseCRILog: one line (without its newline) -> fields, or undefined if malformed. */
export function parseCriLine(
  line: string,
): { timestamp: string; stream: 'stdout' | 'stderr'; tag: 'F' | 'P'; message: string } | undefined {
  const m = CRI_RE.exec(line)
  if (!m) return undefined
  const tag = m[3]!.split(':')[0]
  if (tag !== 'F' && tag !== 'P') return undefined
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z$/.test(m[1]!)) return undefined
  return { timestamp: m[1]!, stream: m[2] as 'stdout' | 'stderr', tag, message: m[4]! }
}
