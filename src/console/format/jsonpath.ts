// kubectl's JSONPath templates (k8s.io/client-go/util/jsonpath): text with {…} actions, e.g.
//   {.items[*].metadata.name}   {range .items[*]}{.metadata.name}{"\t"}{.status.podIP}{"\n"}{end}
//   {.status.conditions[?(@.type=="Ready")].status}   {..image}   {.items[0].spec.nodeName}
// Results of one action are joined by spaces; strings print raw, maps and lists as JSON. Missing
// keys print nothing (kubectl get sets allowMissingKeys), as the real one does.

type Seg =
  | { t: 'field'; name: string }
  | { t: 'recursive'; name: string }
  | { t: 'index'; start?: number; end?: number; all: boolean; single?: number }
  | { t: 'filter'; path: Seg[]; op: string; value: string | number | boolean | undefined }

type Node =
  | { t: 'text'; text: string }
  | { t: 'path'; segs: Seg[]; root: boolean }
  | { t: 'literal'; text: string }
  | { t: 'range'; segs: Seg[]; body: Node[] }

export class JsonPathError extends Error {}

function unquote(s: string): string {
  return s
    .slice(1, -1)
    .replace(/\\n/g, '\n')
    .replace(/\\t/g, '\t')
    .replace(/\\"/g, '"')
    .replace(/\\\\/g, '\\')
}

function parsePath(expr: string): Seg[] {
  let p = expr.trim()
  if (p === '@' || p === '$') return []
  if (p.startsWith('$')) p = p.slice(1)
  if (p.startsWith('@')) p = p.slice(1)
  const segs: Seg[] = []
  let i = 0
  while (i < p.length) {
    if (p.startsWith('..', i)) {
      i += 2
      const m = /^[\w-]+/.exec(p.slice(i))
      if (!m) throw new JsonPathError(`unrecognized character in action: ${p}`)
      segs.push({ t: 'recursive', name: m[0] })
      i += m[0].length
    } else if (p[i] === '.') {
      i++
      // `\.` escapes a dot inside a key (client-go parser.go parseField): labels.kubernetes\.io/os
      const m = /^(?:[\w\-/]|\\\.)+|^\*/.exec(p.slice(i))
      if (!m) {
        if (i >= p.length) break
        throw new JsonPathError(`unrecognized character in action: ${p}`)
      }
      segs.push(
        m[0] === '*'
          ? { t: 'index', all: true }
          : { t: 'field', name: m[0].replaceAll('\\.', '.') },
      )
      i += m[0].length
    } else if (p[i] === '[') {
      const close = matchBracket(p, i)
      const inner = p.slice(i + 1, close).trim()
      i = close + 1
      if (inner.startsWith('?(')) {
        const body = inner.slice(2, -1)
        const m = /^(@[\w.\-/]*)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(body)
        if (m) {
          const raw = m[3]!.trim()
          const value = /^["'].*["']$/.test(raw)
            ? raw.slice(1, -1)
            : raw === 'true'
              ? true
              : raw === 'false'
                ? false
                : Number(raw)
          segs.push({ t: 'filter', path: parsePath(m[1]!), op: m[2]!, value })
        } else segs.push({ t: 'filter', path: parsePath(body), op: 'exists', value: undefined })
      } else if (inner === '*') segs.push({ t: 'index', all: true })
      else if (/^["'].*["']$/.test(inner)) segs.push({ t: 'field', name: inner.slice(1, -1) })
      else if (/^-?\d+$/.test(inner)) segs.push({ t: 'index', all: false, single: Number(inner) })
      else {
        const m = /^(-?\d*):(-?\d*)$/.exec(inner)
        if (!m) throw new JsonPathError(`invalid array index ${inner}`)
        segs.push({
          t: 'index',
          all: false,
          ...(m[1] ? { start: Number(m[1]) } : {}),
          ...(m[2] ? { end: Number(m[2]) } : {}),
        })
      }
    } else if (/\s/.test(p[i]!)) i++
    else {
      // a bare field at the start (kubectl accepts {metadata.name})
      const m = /^[\w-]+/.exec(p.slice(i))
      if (!m) throw new JsonPathError(`unrecognized character in action: ${p}`)
      segs.push({ t: 'field', name: m[0] })
      i += m[0].length
    }
  }
  return segs
}

function matchBracket(s: string, open: number): number {
  let depth = 0
  let quote: string | null = null
  for (let i = open; i < s.length; i++) {
    const c = s[i]!
    if (quote) {
      if (c === quote) quote = null
    } else if (c === '"' || c === "'") quote = c
    else if (c === '[') depth++
    else if (c === ']' && --depth === 0) return i
  }
  throw new JsonPathError('unclosed array expect ]')
}

export function parseTemplate(tpl: string): Node[] {
  const nodes: Node[] = []
  const stack: { body: Node[] }[] = [{ body: nodes }]
  let i = 0
  while (i < tpl.length) {
    const open = tpl.indexOf('{', i)
    if (open < 0) {
      stack[stack.length - 1]!.body.push({ t: 'text', text: tpl.slice(i) })
      break
    }
    if (open > i) stack[stack.length - 1]!.body.push({ t: 'text', text: tpl.slice(i, open) })
    // find the matching close, respecting quotes
    let j = open + 1
    let quote: string | null = null
    for (; j < tpl.length; j++) {
      const c = tpl[j]!
      if (quote) {
        if (c === '\\') j++
        else if (c === quote) quote = null
      } else if (c === '"' || c === "'") quote = c
      else if (c === '}') break
    }
    if (j >= tpl.length) throw new JsonPathError(`unclosed action`)
    const action = tpl.slice(open + 1, j).trim()
    i = j + 1
    const cur = stack[stack.length - 1]!.body
    if (/^".*"$/s.test(action) || /^'.*'$/s.test(action))
      cur.push({ t: 'literal', text: unquote(action) })
    else if (action.startsWith('range ')) {
      const node: Node = { t: 'range', segs: parsePath(action.slice(6)), body: [] }
      cur.push(node)
      stack.push(node)
    } else if (action === 'end') {
      if (stack.length === 1) throw new JsonPathError('not in range, nothing to end')
      stack.pop()
    } else cur.push({ t: 'path', segs: parsePath(action), root: true })
  }
  if (stack.length > 1) throw new JsonPathError('unclosed action')
  return nodes
}

function evalSegs(values: unknown[], segs: Seg[]): unknown[] {
  let cur = values
  for (const seg of segs) {
    const next: unknown[] = []
    for (const v of cur) {
      if (seg.t === 'field') {
        if (v && typeof v === 'object' && !Array.isArray(v) && seg.name in (v as object))
          next.push((v as Record<string, unknown>)[seg.name])
      } else if (seg.t === 'recursive') {
        const walk = (x: unknown) => {
          if (Array.isArray(x)) x.forEach(walk)
          else if (x && typeof x === 'object') {
            for (const [k, y] of Object.entries(x)) {
              if (k === seg.name) next.push(y)
              walk(y)
            }
          }
        }
        walk(v)
      } else if (seg.t === 'index') {
        const arr = Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : undefined
        if (!arr) continue
        if (seg.all) next.push(...arr)
        else if (seg.single !== undefined) {
          const idx = seg.single < 0 ? arr.length + seg.single : seg.single
          if (idx >= 0 && idx < arr.length) next.push(arr[idx])
          else
            throw new JsonPathError(
              `array index out of bounds: index ${seg.single}, length ${arr.length}`,
            )
        } else next.push(...arr.slice(seg.start ?? 0, seg.end ?? arr.length))
      } else {
        const arr = Array.isArray(v) ? v : [v]
        for (const item of arr) {
          const got = evalSegs([item], seg.path)
          const left = got[0]
          const keep =
            seg.op === 'exists'
              ? got.length > 0
              : seg.op === '=='
                ? String(left) === String(seg.value) && got.length > 0
                : seg.op === '!='
                  ? String(left) !== String(seg.value)
                  : seg.op === '<'
                    ? Number(left) < Number(seg.value)
                    : seg.op === '>'
                      ? Number(left) > Number(seg.value)
                      : seg.op === '<='
                        ? Number(left) <= Number(seg.value)
                        : Number(left) >= Number(seg.value)
          if (keep) next.push(item)
        }
      }
    }
    cur = next
  }
  return cur
}

function show(v: unknown): string {
  if (typeof v === 'string') return v
  if (v === null || v === undefined) return ''
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

function run(nodes: Node[], data: unknown, out: string[]): void {
  for (const n of nodes) {
    if (n.t === 'text' || n.t === 'literal') out.push(n.text)
    else if (n.t === 'path') out.push(evalSegs([data], n.segs).map(show).join(' '))
    else for (const item of evalSegs([data], n.segs)) run(n.body, item, out)
  }
}

/** Evaluates a kubectl JSONPath template against a JSON value; throws JsonPathError on a bad template. */
export function evaluateJsonPath(template: string, data: unknown): string {
  const nodes = parseTemplate(template)
  const out: string[] = []
  run(nodes, data, out)
  return out.join('')
}
