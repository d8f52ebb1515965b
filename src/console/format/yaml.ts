// `kubectl get -o yaml` goes JSON -> map -> YAML through sigs.k8s.io/yaml, which emits with go-yaml
// v2 (gopkg.in/yaml.v2 encode.go, emitterc.go). Its rules, for the JSON values we print:
// - map keys sorted; a list sits at the same indent as its key; `{}` and `[]` when empty;
// - a string is plain when it would read back as a string and the emitter allows it; one that would
//   read as another type (`"1"`, `"true"`, `""`, timestamps) is double-quoted; one the emitter cannot
//   write plain (`: `, ` #`, a leading indicator, leading/trailing spaces) is single-quoted; one with
//   a line break is a literal block (`|`, `|-`, `|+`);
// - plain and quoted strings are folded at a space once the line is past 80 columns (best_width),
//   continuing two columns deeper than the key. kubectl 1.32 checked by the serve conformance test.

const WIDTH = 80

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL'])
const BOOLS = new Set(
  'y Y yes Yes YES n N no No NO true True TRUE false False FALSE on On ON off Off OFF'.split(' '),
)
const FLOATS = new Set(
  '.inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF .nan .NaN .NAN'.split(' '),
)

/** Whether go-yaml v2's resolve() would read the plain scalar `s` as something other than a string. */
function resolvesNonString(s: string): boolean {
  if (NULLS.has(s) || BOOLS.has(s) || FLOATS.has(s)) return true
  const plain = s.replace(/_/g, '')
  // strconv.ParseInt(plain, 0, 64) and the YAML float syntax
  if (/^[-+]?(0[bB][01]+|0[oO]?[0-7]+|0[xX][0-9a-fA-F]+|[0-9]+)$/.test(plain)) return true
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return true
  if (/^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s)) return true // base 60
  // timestamps: 2006-1-2, 2006-1-2T15:4:5.999999999Z07:00, 2006-1-2 15:4:5.999999999
  if (/^\d{4}-\d\d?-\d\d?([Tt ]\d\d?:\d\d?:\d\d?(\.\d+)?(Z|[-+]\d\d?(:\d\d)?)?)?$/.test(s))
    return true
  return false
}

const FLOW_INDICATORS_FIRST = '#,[]{}&*!|>\'"%@`'

/** yaml_emitter_analyze_scalar, reduced to what style selection needs (block context). */
function analyze(s: string) {
  let blockIndicators = false
  let special = false
  const chars = [...s]
  chars.forEach((c, i) => {
    const next = chars[i + 1]
    const followedByBlank = next === undefined || next === ' ' || next === '\t'
    if (i === 0) {
      if (FLOW_INDICATORS_FIRST.includes(c)) blockIndicators = true
      if ((c === '?' || c === ':' || c === '-') && followedByBlank) blockIndicators = true
    } else {
      if (c === ':' && followedByBlank) blockIndicators = true
      if (c === '#' && (chars[i - 1] === ' ' || chars[i - 1] === '\t')) blockIndicators = true
    }
    const code = c.codePointAt(0)!
    const printable =
      code === 0x9 ||
      code === 0xa ||
      code === 0xd ||
      (code >= 0x20 && code <= 0x7e) ||
      code === 0x85 ||
      (code >= 0xa0 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd && code !== 0xfeff) ||
      code >= 0x10000
    if (!printable) special = true
  })
  if (/^(---|\.\.\.)/.test(s)) blockIndicators = true
  const leadingSpace = /^[ \t]/.test(s)
  const trailingSpace = /[ \t]$/.test(s)
  const plainAllowed = !blockIndicators && !leadingSpace && !trailingSpace && !special
  const singleAllowed = !special
  return { plainAllowed, singleAllowed }
}

/** Writes `text` after `prefix` (the line so far), breaking at spaces past WIDTH as go-yaml does. */
function fold(prefix: string, text: string, indent: number, quoted: 'plain' | 'single' | 'double') {
  const lines: string[] = []
  let line = prefix
  let spaces = false
  const chars = [...text]
  const head = quoted === 'single' ? "'" : quoted === 'double' ? '"' : ''
  line += head
  const start = line.length
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!
    if (c === ' ') {
      const next = chars[i + 1]
      const lastOk = quoted === 'plain' ? true : i !== 0 && i !== chars.length - 1
      const nextOk = quoted === 'double' ? true : next !== ' '
      if (!spaces && [...line].length > WIDTH && lastOk && nextOk && line.length > start) {
        lines.push(line)
        line = ' '.repeat(indent)
        if (quoted === 'double' && next === ' ') line += '\\'
      } else line += c
      spaces = true
    } else {
      line += c
      spaces = false
    }
  }
  lines.push(line + head)
  return lines
}

function escapeDouble(s: string): string {
  let out = ''
  for (const c of s) {
    const code = c.codePointAt(0)!
    if (c === '"') out += '\\"'
    else if (c === '\\') out += '\\\\'
    else if (c === '\n') out += '\\n'
    else if (c === '\t') out += '\\t'
    else if (c === '\r') out += '\\r'
    else if (code < 0x20 || code === 0x7f)
      out += `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`
    else out += c
  }
  return out
}

/** A string scalar after `prefix` ("key:" or "- "), continuing at `indent`. */
function scalarLines(prefix: string, s: string, indent: number): string[] {
  const sep = prefix.endsWith(' ') || prefix === '' ? '' : ' '
  if (s.includes('\n') && !resolvesNonString(s)) {
    // block_allowed: no unprintable characters, no space before a break, no trailing space
    const { singleAllowed } = analyze(s)
    if (singleAllowed && !/[ \t]\n/.test(s) && !/[ \t]$/.test(s)) {
      const chomp = !s.endsWith('\n') ? '-' : s.endsWith('\n\n') || s === '\n' ? '+' : ''
      const indicator = s.startsWith(' ') ? '2' : ''
      const body = (chomp === '' ? s.slice(0, -1) : chomp === '+' ? s.slice(0, -1) : s).split('\n')
      return [
        `${prefix}${sep}|${indicator}${chomp}`,
        ...body.map((l) => (l === '' ? '' : ' '.repeat(indent) + l)),
      ]
    }
  }
  if (resolvesNonString(s) || s.includes('\n'))
    return fold(prefix + sep, escapeDouble(s), indent, 'double')
  const { plainAllowed, singleAllowed } = analyze(s)
  if (plainAllowed) return fold(prefix + sep, s, indent, 'plain')
  if (singleAllowed) return fold(prefix + sep, s.replace(/'/g, "''"), indent, 'single')
  return fold(prefix + sep, escapeDouble(s), indent, 'double')
}

function keyText(k: string): string {
  if (resolvesNonString(k)) return `"${escapeDouble(k)}"`
  const { plainAllowed, singleAllowed } = analyze(k)
  if (plainAllowed && !k.includes('\n')) return k
  if (singleAllowed && !k.includes('\n')) return `'${k.replace(/'/g, "''")}'`
  return `"${escapeDouble(k)}"`
}

function numberText(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n)
  if (!Number.isFinite(n)) return Number.isNaN(n) ? '.nan' : n > 0 ? '.inf' : '-.inf'
  // strconv.FormatFloat(f, 'g', -1, 64)
  const s = String(n)
  return s.includes('e') ? s.replace(/e([+-])(\d)$/, 'e$10$2') : s
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

/** Lines for `value` placed after `prefix`; `indent` is where a nested block starts. */
function node(prefix: string, value: Json, indent: number): string[] {
  const sep = prefix === '' || prefix.endsWith(' ') ? '' : ' '
  if (value === null || value === undefined) return [`${prefix}${sep}null`]
  if (typeof value === 'boolean') return [`${prefix}${sep}${value}`]
  if (typeof value === 'number') return [`${prefix}${sep}${numberText(value)}`]
  if (typeof value === 'string') return scalarLines(prefix, value, indent + 2)
  if (Array.isArray(value)) {
    if (!value.length) return [`${prefix}${sep}[]`]
    // a list under a key starts on the next line at the key's own indent ("indentless")
    const inMap = prefix.endsWith(':')
    const out: string[] = inMap ? [prefix] : []
    value.forEach((item, i) => {
      const dash = `${!inMap && i === 0 ? prefix : ' '.repeat(indent)}- `
      // an item's keys sit after the dash; a folded string item continues two columns in
      if (typeof item === 'string') out.push(...scalarLines(dash, item, indent + 2))
      else out.push(...node(dash, item, indent + 2))
    })
    return out
  }
  const keys = Object.keys(value).sort()
  if (!keys.length) return [`${prefix}${sep}{}`]
  const out: string[] = []
  const nested = prefix.endsWith(':')
  if (nested) out.push(prefix)
  const at = nested ? indent + 2 : indent
  keys.forEach((k, i) => {
    const first = !nested && i === 0 ? prefix : ' '.repeat(at)
    // a list value under this key stays at the key's indent (node's array branch)
    out.push(...node(`${first}${keyText(k)}:`, value[k] as Json, at))
  })
  return out
}

export function toYaml(value: unknown): string {
  const json = JSON.parse(JSON.stringify(value ?? null)) as Json
  return node('', json, 0).join('\n') + '\n'
}
