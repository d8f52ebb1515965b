import type { KObject } from '../../engine/index.ts'

// Label selectors as kubectl -l accepts them: k=v, k==v, k!=v, k in (a,b), k notin (a,b), k, !k.

export type Requirement = {
  key: string
  op: '=' | '!=' | 'in' | 'notin' | 'exists' | '!exists'
  values: string[]
}

export function parseSelector(text: string): Requirement[] | string {
  const reqs: Requirement[] = []
  // split on commas not inside parentheses
  const parts: string[] = []
  let depth = 0
  let cur = ''
  for (const c of text) {
    if (c === '(') depth++
    if (c === ')') depth--
    if (c === ',' && depth === 0) {
      parts.push(cur)
      cur = ''
    } else cur += c
  }
  if (cur.trim()) parts.push(cur)
  for (const raw of parts) {
    const p = raw.trim()
    let m: RegExpExecArray | null
    if ((m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(p)))
      reqs.push({
        key: m[1]!,
        op: m[2] as 'in' | 'notin',
        values: m[3]!
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean),
      })
    else if ((m = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(p)))
      reqs.push({ key: m[1]!, op: m[2] === '!=' ? '!=' : '=', values: [m[3]!] })
    else if ((m = /^!([\w./-]+)$/.exec(p))) reqs.push({ key: m[1]!, op: '!exists', values: [] })
    else if ((m = /^([\w./-]+)$/.exec(p))) reqs.push({ key: m[1]!, op: 'exists', values: [] })
    else return `unable to parse requirement: found '${p}', expected: identifier`
  }
  return reqs
}

export function matchesSelector(
  reqs: Requirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {}
  return reqs.every((r) => {
    const has = r.key in l
    switch (r.op) {
      case '=':
        return l[r.key] === r.values[0]
      case '!=':
        return l[r.key] !== r.values[0]
      case 'in':
        return has && r.values.includes(l[r.key]!)
      case 'notin':
        return !has || !r.values.includes(l[r.key]!)
      case 'exists':
        return has
      case '!exists':
        return !has
    }
  })
}

/**
 * fields.ParseSelector: `path=value`, `path==value`, `path!=value`, comma-joined, over any dotted
 * path of the object (the real apiserver allows only a fixed set per resource: a simplification).
 * `unescape` drops the backslash of `\,` `\=` `\\` in values, as the apiserver does when it
 * reads a fieldSelector from a URL; the console's --field-selector keeps values as typed.
 */
export function fieldSelectorFilter(
  text: string | null | undefined,
  unescape: boolean,
): ((o: KObject) => boolean) | string {
  if (!text) return () => true
  const reqs: { path: string[]; neq: boolean; value: string }[] = []
  for (const part of text.split(',')) {
    const m = /^([\w.]+)\s*(!=|==|=)\s*(.*)$/.exec(part.trim())
    if (!m) return `invalid selector: '${text}'; can't understand '${part}'`
    const value = unescape ? m[3]!.replace(/\\(.)/g, '$1') : m[3]!
    reqs.push({ path: m[1]!.split('.'), neq: m[2] === '!=', value })
  }
  return (o) =>
    reqs.every((r) => {
      let v: unknown = o
      for (const k of r.path)
        v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined
      const s = v === undefined || v === null ? '' : String(v)
      return r.neq ? s !== r.value : s === r.value
    })
}
