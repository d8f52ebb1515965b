// Short hexdump excerpts for the Secret journey: a few rows of `hexdump -C`, with every byte that
// belongs to the secret value in clear (`s3cr3t`) or in base64 (`czNjcjN0`) marked, so the view can
// highlight it and the text equivalent can say whether the value is readable at that stop.

/** what a byte is: part of the value in clear, part of its base64 text, or neither */
export type Mark = 'clear' | 'base64' | null

export interface ByteRow {
  /** offset of the row's first byte */
  offset: number
  bytes: number[]
  marks: Mark[]
}

export interface Excerpt {
  rows: ByteRow[]
  /** total length of the bytes the excerpt was cut from */
  total: number
  /** the value appears in clear somewhere in the bytes (not only in the excerpt) */
  clear: boolean
  /** the base64 text of the value appears somewhere in the bytes */
  base64: boolean
}

export const ROW = 16

/** Every start index of `needle` in `hay` (non-overlapping). */
export function findAll(hay: ArrayLike<number>, needle: ArrayLike<number>): number[] {
  const out: number[] = []
  if (needle.length === 0) return out
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer
    out.push(i)
    i += needle.length - 1
  }
  return out
}

/**
 * Cuts at most `maxRows` rows of 16 bytes out of `bytes`: around the first place the value appears
 * (in clear, else in base64), or from the start when it appears nowhere (ciphertext).
 */
export function excerpt(
  bytes: ArrayLike<number>,
  value: { clear: ArrayLike<number>; base64: ArrayLike<number> },
  maxRows = 4,
): Excerpt {
  const marks: Mark[] = new Array<Mark>(bytes.length).fill(null)
  const clearAt = findAll(bytes, value.clear)
  const b64At = findAll(bytes, value.base64)
  for (const i of b64At) for (let j = 0; j < value.base64.length; j++) marks[i + j] = 'base64'
  for (const i of clearAt) for (let j = 0; j < value.clear.length; j++) marks[i + j] = 'clear'
  const focus = clearAt[0] ?? b64At[0]
  const rowsTotal = Math.ceil(bytes.length / ROW)
  let first = 0
  if (focus !== undefined) {
    // keep the row with the value, with one row of context before it when there is room
    const row = Math.floor(focus / ROW)
    first = Math.max(0, Math.min(row - 1, rowsTotal - maxRows))
  }
  const rows: ByteRow[] = []
  for (let r = first; r < Math.min(rowsTotal, first + maxRows); r++) {
    const start = r * ROW
    const end = Math.min(bytes.length, start + ROW)
    rows.push({
      offset: start,
      bytes: Array.from({ length: end - start }, (_, k) => bytes[start + k]!),
      marks: marks.slice(start, end),
    })
  }
  return { rows, total: bytes.length, clear: clearAt.length > 0, base64: b64At.length > 0 }
}

/** The printable ASCII column of `hexdump -C`: bytes outside 0x20–0x7e print as a dot. */
export function asciiChar(b: number): string {
  return b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '.'
}

/** One row as `hexdump -C` prints it (without the marks): offset, 16 hex bytes in two groups, ASCII. */
export function formatRow(row: ByteRow): string {
  const hex = Array.from({ length: ROW }, (_, i) =>
    i < row.bytes.length ? row.bytes[i]!.toString(16).padStart(2, '0') : '  ',
  )
  const ascii = row.bytes.map(asciiChar).join('')
  return `${row.offset.toString(16).padStart(8, '0')}  ${hex.slice(0, 8).join(' ')}  ${hex.slice(8).join(' ')}  |${ascii}|`
}
