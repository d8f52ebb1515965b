// The text machinery behind `kubectl describe`, ported from Go so alignment falls out exactly as
// kubectl prints it (docs/research/kubectl-formats.md §2.1):
//
// - `tabwriter`: Go's text/tabwriter (src/text/tabwriter/tabwriter.go) as describe initialises it in
//   `tabbedString` (k8s.io/kubectl/pkg/describe/describe.go): minwidth 0, padding 2, pad ' ', no flags.
//   A column is aligned only across a contiguous block of lines that have a cell in that column, which
//   is why a tab-less line such as `Containers:` or `IPs:` restarts alignment.
// - `PrefixWriter`: describe.go's prefixWriter (LEVEL_n = n × 2 spaces prepended to the format string).
// - `goSort`: Go's sort.Sort / sort.Slice (pdqsort, src/sort/zsortinterface.go). It is not stable, and
//   describe sorts events (same-second timestamps are common) and tolerations with it, so a stable JS
//   sort would print a different order than real kubectl once a list has more than 12 entries.
// - `rfc1123z`: Go's time.RFC1123Z layout, used for every timestamp describe prints.

import { parseRfc3339, EPOCH_MS } from '../../engine/index.ts'

const PADDING = 2

/** Go text/tabwriter over a complete text (cells end at '\t', lines at '\n'); returns the lines. */
export function tabwriter(text: string): string[] {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text
  // Each line is its cells; the last cell of a line is the text after its last tab (never aligned).
  const lines = body.split('\n').map((l) => l.split('\t'))
  const widthOf = (s: string) => [...s].length
  const out: string[] = []
  const widths: number[] = []

  const writeLines = (line0: number, line1: number) => {
    for (let i = line0; i < line1; i++) {
      const cells = lines[i]!
      let s = ''
      cells.forEach((c, j) => {
        s += c
        // cells inside a column are padded to the column width; the trailing cell never is
        if (j < widths.length && j < cells.length - 1)
          s += ' '.repeat(Math.max(0, widths[j]! - widthOf(c)))
      })
      out.push(s)
    }
  }

  // A literal port of (*Writer).format: find the next block of lines that has a cell in `column`,
  // size the column on that block, and recurse for the columns to its right.
  const format = (line0: number, line1: number) => {
    const column = widths.length
    for (let at = line0; at < line1; at++) {
      if (column >= lines[at]!.length - 1) continue
      writeLines(line0, at)
      line0 = at
      let width = 0 // minwidth
      for (; at < line1; at++) {
        const cells = lines[at]!
        if (column >= cells.length - 1) break
        width = Math.max(width, widthOf(cells[column]!) + PADDING)
      }
      widths.push(width)
      format(line0, at)
      widths.pop()
      line0 = at
    }
    writeLines(line0, line1)
  }

  format(0, lines.length)
  return out
}

export const LEVEL_0 = 0
export const LEVEL_1 = 1
export const LEVEL_2 = 2
export const LEVEL_3 = 3

/** describe.go's PrefixWriter: each level prepends two spaces to what it writes. */
export class PrefixWriter {
  private buf = ''

  write(level: number, text: string): void {
    this.buf += '  '.repeat(level) + text
  }

  /** fmt.Sprintln: the text and a newline, no indentation. */
  writeLine(text: string): void {
    this.buf += text + '\n'
  }

  get text(): string {
    return this.buf
  }
}

/** describe.go's tabbedString: run a describer against a PrefixWriter and lay the result out. */
export function tabbedString(fn: (w: PrefixWriter) => void): string {
  const w = new PrefixWriter()
  fn(w)
  return tabwriter(w.text).join('\n') + '\n'
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** Go's time.RFC1123Z (`Mon, 02 Jan 2006 15:04:05 -0700`) of an RFC 3339 timestamp. The simulated
 * cluster's clock and kubectl's local zone are both UTC, so the offset is always +0000. */
export function rfc1123z(timestamp: string): string {
  return rfc1123zAt(parseRfc3339(timestamp))
}

/** Same, for a simulated time in ms. */
export function rfc1123zAt(simMs: number): string {
  const d = new Date(EPOCH_MS + Math.floor(simMs / 1000) * 1000)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`
}

// ---------------------------------------------------------------------------------------------
// Go's sort.Sort (pdqsort since Go 1.19; kubectl v1.32 is built with Go 1.23). Ported from
// src/sort/zsortinterface.go and src/sort/sort.go (xorshift, nextPowerOfTwo). Sorts `items` in place.

type Less = (a: number, b: number) => boolean

export function goSort<T>(items: T[], less: (a: T, b: T) => boolean): T[] {
  const n = items.length
  if (n <= 1) return items
  const data = {
    less: ((i, j) => less(items[i]!, items[j]!)) as Less,
    swap: (i: number, j: number) => {
      const t = items[i]!
      items[i] = items[j]!
      items[j] = t
    },
  }
  pdqsort(data, 0, n, bitsLen(n))
  return items
}

interface SortData {
  less: Less
  swap(i: number, j: number): void
}

const bitsLen = (n: number) => (n === 0 ? 0 : Math.floor(Math.log2(n)) + 1)

function insertionSort(d: SortData, a: number, b: number) {
  for (let i = a + 1; i < b; i++) for (let j = i; j > a && d.less(j, j - 1); j--) d.swap(j, j - 1)
}

function siftDown(d: SortData, lo: number, hi: number, first: number) {
  let root = lo
  for (;;) {
    let child = 2 * root + 1
    if (child >= hi) return
    if (child + 1 < hi && d.less(first + child, first + child + 1)) child++
    if (!d.less(first + root, first + child)) return
    d.swap(first + root, first + child)
    root = child
  }
}

function heapSort(d: SortData, a: number, b: number) {
  const first = a
  const hi = b - a
  for (let i = Math.floor((hi - 1) / 2); i >= 0; i--) siftDown(d, i, hi, first)
  for (let i = hi - 1; i >= 0; i--) {
    d.swap(first, first + i)
    siftDown(d, 0, i, first)
  }
}

const INCREASING = 1
const DECREASING = 2

function pdqsort(d: SortData, a: number, b: number, limit: number) {
  const maxInsertion = 12
  let wasBalanced = true
  let wasPartitioned = true
  for (;;) {
    const length = b - a
    if (length <= maxInsertion) {
      insertionSort(d, a, b)
      return
    }
    if (limit === 0) {
      heapSort(d, a, b)
      return
    }
    if (!wasBalanced) {
      breakPatterns(d, a, b)
      limit--
    }
    let [pivot, hint] = choosePivot(d, a, b)
    if (hint === DECREASING) {
      reverseRange(d, a, b)
      pivot = b - 1 - (pivot - a)
      hint = INCREASING
    }
    if (wasBalanced && wasPartitioned && hint === INCREASING && partialInsertionSort(d, a, b))
      return
    if (a > 0 && !d.less(a - 1, pivot)) {
      a = partitionEqual(d, a, b, pivot)
      continue
    }
    const [mid, alreadyPartitioned] = partition(d, a, b, pivot)
    wasPartitioned = alreadyPartitioned
    const leftLen = mid - a
    const rightLen = b - mid
    const balanceThreshold = Math.floor(length / 8)
    if (leftLen < rightLen) {
      wasBalanced = leftLen >= balanceThreshold
      pdqsort(d, a, mid, limit)
      a = mid + 1
    } else {
      wasBalanced = rightLen >= balanceThreshold
      pdqsort(d, mid + 1, b, limit)
      b = mid
    }
  }
}

function partition(d: SortData, a: number, b: number, pivot: number): [number, boolean] {
  d.swap(a, pivot)
  let i = a + 1
  let j = b - 1
  while (i <= j && d.less(i, a)) i++
  while (i <= j && !d.less(j, a)) j--
  if (i > j) {
    d.swap(j, a)
    return [j, true]
  }
  d.swap(i, j)
  i++
  j--
  for (;;) {
    while (i <= j && d.less(i, a)) i++
    while (i <= j && !d.less(j, a)) j--
    if (i > j) break
    d.swap(i, j)
    i++
    j--
  }
  d.swap(j, a)
  return [j, false]
}

function partitionEqual(d: SortData, a: number, b: number, pivot: number): number {
  d.swap(a, pivot)
  let i = a + 1
  let j = b - 1
  for (;;) {
    while (i <= j && !d.less(a, i)) i++
    while (i <= j && d.less(a, j)) j--
    if (i > j) break
    d.swap(i, j)
    i++
    j--
  }
  return i
}

function partialInsertionSort(d: SortData, a: number, b: number): boolean {
  const maxSteps = 5
  const shortestShifting = 50
  let i = a + 1
  for (let step = 0; step < maxSteps; step++) {
    while (i < b && !d.less(i, i - 1)) i++
    if (i === b) return true
    if (b - a < shortestShifting) return false
    d.swap(i, i - 1)
    if (i - a >= 2) {
      for (let j = i - 1; j >= 1; j--) {
        if (!d.less(j, j - 1)) break
        d.swap(j, j - 1)
      }
    }
    if (b - i >= 2) {
      for (let j = i + 1; j < b; j++) {
        if (!d.less(j, j - 1)) break
        d.swap(j, j - 1)
      }
    }
  }
  return false
}

function breakPatterns(d: SortData, a: number, b: number) {
  const length = b - a
  if (length < 8) return
  // xorshift over uint64, seeded with the length (src/sort/sort.go)
  const mask = (1n << 64n) - 1n
  let r = BigInt(length)
  const next = () => {
    r ^= (r << 13n) & mask
    r ^= r >> 7n
    r ^= (r << 17n) & mask
    return r
  }
  const modulus = BigInt(1 << bitsLen(length))
  const start = a + Math.floor(length / 4) * 2 - 1
  for (let idx = start; idx <= start + 2; idx++) {
    let other = Number(next() & (modulus - 1n))
    if (other >= length) other -= length
    d.swap(idx, a + other)
  }
}

function choosePivot(d: SortData, a: number, b: number): [number, number] {
  const shortestNinther = 50
  const maxSwaps = 4 * 3
  const l = b - a
  const swaps = { n: 0 }
  let i = a + Math.floor(l / 4) * 1
  let j = a + Math.floor(l / 4) * 2
  let k = a + Math.floor(l / 4) * 3
  if (l >= 8) {
    if (l >= shortestNinther) {
      i = median(d, i - 1, i, i + 1, swaps)
      j = median(d, j - 1, j, j + 1, swaps)
      k = median(d, k - 1, k, k + 1, swaps)
    }
    j = median(d, i, j, k, swaps)
  }
  if (swaps.n === 0) return [j, INCREASING]
  if (swaps.n === maxSwaps) return [j, DECREASING]
  return [j, 0]
}

function order2(d: SortData, a: number, b: number, swaps: { n: number }): [number, number] {
  if (d.less(b, a)) {
    swaps.n++
    return [b, a]
  }
  return [a, b]
}

function median(d: SortData, a: number, b: number, c: number, swaps: { n: number }): number {
  // Go: a, b = order2(a, b); b, c = order2(b, c); a, b = order2(a, b); return b
  const [a1, b1] = order2(d, a, b, swaps)
  const [b2] = order2(d, b1, c, swaps)
  return order2(d, a1, b2, swaps)[1]
}

function reverseRange(d: SortData, a: number, b: number) {
  for (let i = a, j = b - 1; i < j; i++, j--) d.swap(i, j)
}
