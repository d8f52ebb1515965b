import type { Json } from './jmespath.ts'

// The AWS CLI v2 output formats, ported from awscli/formatter.py, awscli/text.py and awscli/table.py.
// Responses are plain objects whose key order is the service model's member order (botocore's
// parsers walk `shape.members` in order), so insertion order here is what the CLI prints.

/** --output json: Python's json.dump(indent=4, ensure_ascii=False) + '\n'. An empty dict prints nothing. */
export function formatJson(data: Json): string[] {
  if (
    data !== null &&
    typeof data === 'object' &&
    !Array.isArray(data) &&
    Object.keys(data).length === 0
  )
    return []
  // JSON.stringify matches json.dumps for our value space (strings, ints, bools, null, lists, dicts)
  return JSON.stringify(data, null, 4).split('\n')
}

/** Python's str() of a scalar, as text and table output print them. */
function pyStr(v: Json): string {
  if (v === null) return 'None'
  if (v === true) return 'True'
  if (v === false) return 'False'
  return String(v)
}

const isDict = (v: Json): v is { [k: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const isScalar = (v: Json) => v === null || typeof v !== 'object'
const sorted = (keys: Iterable<string>) => [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))

/** --output text: awscli/text.py. Scalars of a dict in sorted key order, tab-separated, prefixed by the upper-cased key of their parent. */
export function formatText(data: Json): string[] {
  const out: string[] = []
  const fmt = (item: Json, identifier?: string, scalarKeys?: string[]): void => {
    if (isDict(item)) {
      const scalars: string[] = []
      const nonScalars: [string, Json][] = []
      if (!scalarKeys) {
        for (const k of sorted(Object.keys(item))) {
          const v = item[k]!
          if (isScalar(v)) scalars.push(pyStr(v))
          else nonScalars.push([k, v])
        }
      } else {
        for (const k of scalarKeys) scalars.push(k in item ? pyStr(item[k]!) : '')
        for (const k of sorted(Object.keys(item).filter((k) => !scalarKeys.includes(k))))
          nonScalars.push([k, item[k]!])
      }
      if (scalars.length) {
        if (identifier !== undefined) scalars.unshift(identifier.toUpperCase())
        out.push(scalars.join('\t'))
      }
      for (const [k, v] of nonScalars) fmt(v, k)
    } else if (Array.isArray(item)) {
      if (item.length === 0) return
      if (item.some(isDict)) {
        const keys = new Set<string>()
        for (const el of item)
          if (isDict(el)) for (const [k, v] of Object.entries(el)) if (isScalar(v)) keys.add(k)
        const all = sorted(keys)
        for (const el of item) fmt(el, identifier, all)
      } else if (item.some(Array.isArray)) {
        const scalars = item.filter(isScalar)
        if (scalars.length) scalarList(scalars, identifier)
        for (const el of item.filter((e) => !isScalar(e))) fmt(el, identifier)
      } else scalarList(item, identifier)
    } else out.push(pyStr(item))
  }
  const scalarList = (els: Json[], identifier?: string) => {
    if (identifier !== undefined)
      for (const e of els) out.push(`${identifier.toUpperCase()}\t${pyStr(e)}`)
    else out.push(els.map(pyStr).join('\t'))
  }
  fmt(data)
  return out
}

// ---- --output table: awscli/table.py (MultiTable, Styler without colour) ----

/** Python's round(): half to even. */
function pyRound(x: number): number {
  const f = Math.floor(x)
  const d = x - f
  if (Math.abs(d - 0.5) < 1e-9) return f % 2 === 0 ? f : f + 1
  return Math.round(x)
}

const rep = (s: string, n: number) => (n > 0 ? s.repeat(n) : '')

class Section {
  title = ''
  headers: string[] = []
  rows: string[][] = []
  indentLevel = 0
  private numCols: number | undefined
  private maxWidths: number[] = []

  columnWidths(padding = 0, maxWidth?: number): number[] {
    const unscaled = this.maxWidths.map((w) => w + padding)
    if (maxWidth === undefined || unscaled.length === 0) return unscaled
    const scale = maxWidth / unscaled.reduce((a, b) => a + b, 0)
    const scaled = unscaled.map((w) => pyRound(scale * w))
    let offBy = scaled.reduce((a, b) => a + b, 0) - maxWidth
    while (offBy !== 0) {
      const order = scaled.map((_, i) => i)
      if (offBy < 0) order.reverse()
      for (const i of order) {
        if (offBy > 0) {
          scaled[i]!--
          offBy--
        } else {
          scaled[i]!++
          offBy++
        }
        if (offBy === 0) break
      }
    }
    return scaled
  }

  totalWidth(padding: number, outerPadding: number): number {
    let total = 0
    for (const w of this.columnWidths()) total += w + padding
    total += 2 + outerPadding * 2
    return Math.max(this.title.length + 2 + outerPadding * 2, total)
  }

  addHeader(headers: string[]): void {
    this.updateWidths(headers)
    this.numCols ??= headers.length
    this.headers = headers
  }

  addRow(row: Json[]): void {
    this.numCols ??= row.length
    const r = row.map(pyStr)
    this.rows.push(r)
    this.updateWidths(r)
  }

  private updateWidths(row: string[]): void {
    if (this.maxWidths.length === 0) this.maxWidths = row.map((e) => e.length)
    else row.forEach((e, i) => (this.maxWidths[i] = Math.max(e.length, this.maxWidths[i] ?? 0)))
  }
}

function centerText(text: string, length: number, left = '|', right = '|'): string {
  const charStart = Math.floor(length / 2) - Math.floor(text.length / 2) - 1
  const soFar = left.length + Math.max(charStart, 0) + text.length
  return left + rep(' ', charStart) + text + rep(' ', length - right.length - soFar) + right
}

function alignLeft(text: string, length: number, left: string, right: string): string {
  const padding = length - (text.length + 2 + left.length + right.length) >= 0 ? 2 : 0
  const soFar = left.length + padding + text.length
  return left + rep(' ', padding) + text + rep(' ', length - soFar - right.length) + right
}

class MultiTable {
  private sections: Section[] = []
  private current: Section | undefined
  constructor(private readonly terminalWidth: number) {}

  newSection(title: string, indentLevel = 0): void {
    this.current = new Section()
    this.current.title = title
    this.current.indentLevel = indentLevel
    this.sections.push(this.current)
  }
  addRowHeader(h: string[]): void {
    this.current!.addHeader(h)
  }
  addRow(r: Json[]): void {
    this.current!.addRow(r)
  }

  render(): string[] {
    let maxWidth = this.maxWidth()
    if (maxWidth > this.terminalWidth) {
      // convert_to_vertical_table: single-row sections become key/value rows
      this.sections = this.sections.map((s) => {
        if (s.rows.length !== 1 || s.headers.length === 0) return s
        const n = new Section()
        n.title = s.title
        n.indentLevel = s.indentLevel
        s.headers.forEach((h, i) => n.addRow([h, s.rows[0]![i] ?? '']))
        return n
      })
      maxWidth = this.maxWidth()
    }
    const lines: string[] = [rep('-', maxWidth)]
    for (const s of this.sections) lines.push(...this.renderSection(s, maxWidth))
    return lines
  }

  private maxWidth(): number {
    return Math.max(...this.sections.map((s) => s.totalWidth(4, s.indentLevel)))
  }

  private renderSection(s: Section, maxWidthAll: number): string[] {
    const ind = rep('|', s.indentLevel)
    const lines: string[] = []
    const write = (l: string) => lines.push(ind + l + ind)
    const maxWidth = maxWidthAll - s.indentLevel * 2
    if (s.title) {
      write(centerText(s.title, maxWidth))
      if (!s.headers.length && !s.rows.length) write(`+${rep('-', maxWidth - 2)}+`)
    }
    const lineBreak = (widths: number[]) =>
      widths.map((w, i) => (i === 0 ? `+${rep('-', w - 2)}+` : `${rep('-', w - 1)}+`)).join('')
    if (s.headers.length) {
      const widths = s.columnWidths(4, maxWidth)
      write(lineBreak(widths))
      write(
        widths.map((w, i) => centerText(s.headers[i] ?? '', w, i === 0 ? '|' : '', '|')).join(''),
      )
    }
    if (s.rows.length) {
      const widths = s.columnWidths(4, maxWidth)
      if (widths.length) {
        write(lineBreak(widths))
        for (const row of s.rows)
          write(widths.map((w, i) => alignLeft(row[i] ?? '', w, i === 0 ? '|' : '', '|')).join(''))
        write(lineBreak(widths))
      }
    }
    return lines
  }
}

/**
 * --output table (awscli TableFormatter). `title` is the operation name (DescribeInstances).
 * The real CLI reads the terminal width (80 when it cannot) and turns too-wide tables vertical.
 */
export function formatTable(title: string, data: Json, terminalWidth = 80): string[] {
  const table = new MultiTable(terminalWidth)
  const groupKeys = (d: { [k: string]: Json }) => {
    const headers = sorted(Object.keys(d).filter((k) => isScalar(d[k]!)))
    const more = sorted(Object.keys(d).filter((k) => !isScalar(d[k]!)))
    return { headers, more }
  }
  const truthy = (v: Json) =>
    !(
      v === null ||
      v === false ||
      v === '' ||
      v === 0 ||
      (Array.isArray(v) && v.length === 0) ||
      (isDict(v) && Object.keys(v).length === 0)
    )
  const build = (t: string | null, current: Json, indent = 0): boolean => {
    if (!truthy(current)) return false
    if (t !== null) table.newSection(t, indent)
    if (Array.isArray(current)) {
      if (isDict(current[0]!)) {
        const h = new Set<string>()
        const m = new Set<string>()
        for (const el of current) {
          if (!isDict(el)) continue
          const g = groupKeys(el)
          g.headers.forEach((x) => h.add(x))
          g.more.forEach((x) => m.add(x))
        }
        const headers = sorted(h)
        const more = sorted(m)
        table.addRowHeader(headers)
        let first = true
        for (const el of current) {
          if (!isDict(el)) continue
          if (!first && more.length) {
            table.newSection(t ?? '', indent)
            table.addRowHeader(headers)
          }
          first = false
          table.addRow(headers.map((k) => (k in el ? el[k]! : '')))
          for (const k of more) if (k in el) build(k, el[k]!, indent + 1)
        }
      } else {
        for (const item of current) {
          if (isScalar(item)) table.addRow([item])
          else if (Array.isArray(item) && item.every(isScalar)) table.addRow(item)
          else build(null, item)
        }
      }
    }
    if (isDict(current)) {
      const { headers, more } = groupKeys(current)
      if (headers.length === 1) table.addRow([headers[0]!, current[headers[0]!]!])
      else if (headers.length) {
        table.addRowHeader(headers)
        table.addRow(headers.map((k) => current[k]!))
      }
      for (const k of more) build(k, current[k]!, indent + 1)
    }
    return true
  }
  if (!build(title, data)) return []
  return table.render()
}

// ---- --output yaml (AWS CLI v2: ruamel.yaml safe dumper, block style) ----

const YAML_PLAIN_UNSAFE = /^(?:[-?:,[\]{}#&*!|>'"%@`]|\s)|[:#]\s|\s$|^$|[\n\t]|: |\s#/
const YAML_RESOLVES =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|[-+]?(?:0|[1-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?|0[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|\d{4}-\d\d?-\d\d?(?:[Tt ]\d\d?:\d\d:\d\d(?:\.\d*)?(?:\s*(?:Z|[-+]\d\d?(?::\d\d)?))?)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|=)$/

function yamlScalar(v: Json): string {
  if (v === null) return 'null'
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  if (typeof v === 'number') return String(v)
  const s = String(v)
  if (YAML_RESOLVES.test(s) || YAML_PLAIN_UNSAFE.test(s)) {
    if (/[\n\t\\"]/.test(s)) return JSON.stringify(s)
    return `'${s.replaceAll("'", "''")}'`
  }
  return s
}

/**
 * --output yaml. Block style as the v2 CLI's ruamel safe dumper writes it: 2-space mappings,
 * sequences not indented under their key, strings quoted only when they would read back as
 * something else (checked against PyYAML safe_dump, which ruamel's safe dumper follows).
 * [approximation] strings are never folded: the real dumper wraps plain scalars that contain spaces
 * past 80 columns.
 */
export function formatYaml(data: Json): string[] {
  // each value renders to lines relative to its own column; parents add the indentation
  const render = (v: Json): string[] => {
    if (Array.isArray(v)) {
      if (v.length === 0) return ['[]']
      return v.flatMap((e) => {
        if ((isDict(e) && Object.keys(e).length) || (Array.isArray(e) && e.length)) {
          const inner = render(e)
          return inner.map((l, i) => (i === 0 ? `- ${l}` : `  ${l}`))
        }
        return [`- ${render(e)[0]!}`]
      })
    }
    if (isDict(v)) {
      if (Object.keys(v).length === 0) return ['{}']
      return Object.entries(v).flatMap(([k, x]) => {
        const key = yamlScalar(k)
        if (Array.isArray(x) && x.length) return [`${key}:`, ...render(x)]
        if (isDict(x) && Object.keys(x).length)
          return [`${key}:`, ...render(x).map((l) => `  ${l}`)]
        return [`${key}: ${render(x)[0]!}`]
      })
    }
    return [yamlScalar(v)]
  }
  return render(data)
}
