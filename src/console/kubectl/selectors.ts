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
