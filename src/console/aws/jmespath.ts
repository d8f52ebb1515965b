// A small JMESPath (https://jmespath.org/specification.html) for the AWS CLI's --query.
// Covers what learners type against describe-* output: fields (a.b, "quoted"), [n] and slices,
// [*] / [] / .* projections, filters [?a==`x`] with comparators, &&, ||, !, multiselect lists [a,b]
// and hashes {K:k}, pipes, @, literals (`json`, 'raw') and a few functions (length, keys, values,
// sort, sort_by, join, contains, starts_with, to_string, reverse, max, min).
// The parser is a Pratt parser with the binding powers of jmespath.py (the library the AWS CLI uses),
// so projections stop and resume exactly where the real one does.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

export class JmesPathError extends Error {}

type Tok = { type: string; value?: Json; start: number }

type Node =
  | { t: 'field'; name: string }
  | { t: 'sub'; children: Node[] }
  | { t: 'index'; index: number }
  | { t: 'slice'; start: number | null; stop: number | null; step: number | null }
  | { t: 'indexExpr'; children: Node[] }
  | { t: 'projection'; left: Node; right: Node }
  | { t: 'valueProjection'; left: Node; right: Node }
  | { t: 'filterProjection'; left: Node; right: Node; cond: Node }
  | { t: 'flatten'; child: Node }
  | { t: 'identity' }
  | { t: 'current' }
  | { t: 'literal'; value: Json }
  | { t: 'cmp'; op: string; left: Node; right: Node }
  | { t: 'or' | 'and' | 'pipe'; left: Node; right: Node }
  | { t: 'not'; child: Node }
  | { t: 'mlist'; children: Node[] }
  | { t: 'mhash'; pairs: { key: string; value: Node }[] }
  | { t: 'fn'; name: string; args: Node[] }
  | { t: 'expref'; child: Node }

const BP: Record<string, number> = {
  eof: 0,
  ident: 0,
  qident: 0,
  literal: 0,
  rbracket: 0,
  rparen: 0,
  comma: 0,
  rbrace: 0,
  number: 0,
  current: 0,
  expref: 0,
  colon: 0,
  pipe: 1,
  or: 2,
  and: 3,
  eq: 5,
  gt: 5,
  lt: 5,
  gte: 5,
  lte: 5,
  ne: 5,
  flatten: 9,
  star: 20,
  filter: 21,
  dot: 40,
  not: 45,
  lbrace: 50,
  lbracket: 55,
  lparen: 60,
}
const PROJECTION_STOP = 10

function lex(expr: string): Tok[] {
  const toks: Tok[] = []
  let i = 0
  const simple: Record<string, string> = {
    '.': 'dot',
    '*': 'star',
    ']': 'rbracket',
    ',': 'comma',
    ':': 'colon',
    '@': 'current',
    '(': 'lparen',
    ')': 'rparen',
    '{': 'lbrace',
    '}': 'rbrace',
  }
  while (i < expr.length) {
    const c = expr[i]!
    const start = i
    if (c === ' ' || c === '\t' || c === '\n') {
      i++
    } else if (/[A-Za-z_]/.test(c)) {
      while (i < expr.length && /[A-Za-z0-9_]/.test(expr[i]!)) i++
      toks.push({ type: 'ident', value: expr.slice(start, i), start })
    } else if (simple[c]) {
      toks.push({ type: simple[c]!, start })
      i++
    } else if (c === '[') {
      if (expr[i + 1] === ']') {
        toks.push({ type: 'flatten', start })
        i += 2
      } else if (expr[i + 1] === '?') {
        toks.push({ type: 'filter', start })
        i += 2
      } else {
        toks.push({ type: 'lbracket', start })
        i++
      }
    } else if (c === '-' || /[0-9]/.test(c)) {
      i++
      while (i < expr.length && /[0-9]/.test(expr[i]!)) i++
      if (expr.slice(start, i) === '-') throw new JmesPathError(`Unknown token '-'`)
      toks.push({ type: 'number', value: Number(expr.slice(start, i)), start })
    } else if (c === '"' || c === "'" || c === '`') {
      i++
      let body = ''
      while (i < expr.length && expr[i] !== c) {
        if (expr[i] === '\\' && i + 1 < expr.length) {
          body += expr[i]! + expr[i + 1]!
          i += 2
        } else body += expr[i++]
      }
      if (i >= expr.length) throw new JmesPathError(`Unclosed ${c} delimiter`)
      i++
      if (c === '"') {
        try {
          toks.push({ type: 'qident', value: JSON.parse(`"${body}"`) as string, start })
        } catch {
          throw new JmesPathError(`Invalid quoted identifier "${body}"`)
        }
      } else if (c === "'")
        toks.push({ type: 'literal', value: body.replaceAll("\\'", "'"), start })
      else {
        const raw = body.replaceAll('\\`', '`')
        let value: Json
        try {
          value = JSON.parse(raw) as Json
        } catch {
          // legacy behaviour kept by jmespath.py: an unquoted JSON string literal
          value = raw.trim()
        }
        toks.push({ type: 'literal', value, start })
      }
    } else if (c === '|') {
      if (expr[i + 1] === '|') {
        toks.push({ type: 'or', start })
        i += 2
      } else {
        toks.push({ type: 'pipe', start })
        i++
      }
    } else if (c === '&') {
      if (expr[i + 1] === '&') {
        toks.push({ type: 'and', start })
        i += 2
      } else {
        toks.push({ type: 'expref', start })
        i++
      }
    } else if (c === '<' || c === '>' || c === '=' || c === '!') {
      const two = expr.slice(i, i + 2)
      const ops: Record<string, string> = { '<=': 'lte', '>=': 'gte', '==': 'eq', '!=': 'ne' }
      if (ops[two]) {
        toks.push({ type: ops[two]!, start })
        i += 2
      } else if (c === '<' || c === '>') {
        toks.push({ type: c === '<' ? 'lt' : 'gt', start })
        i++
      } else if (c === '!') {
        toks.push({ type: 'not', start })
        i++
      } else throw new JmesPathError(`Unknown token '='`)
    } else throw new JmesPathError(`Unknown token '${c}'`)
  }
  toks.push({ type: 'eof', start: expr.length })
  return toks
}

class Parser {
  private pos = 0
  constructor(private readonly toks: Tok[]) {}

  parse(): Node {
    const n = this.expression(0)
    if (this.cur().type !== 'eof')
      throw new JmesPathError(`Unexpected token: ${this.describe(this.cur())}`)
    return n
  }

  private cur(): Tok {
    return this.toks[this.pos]!
  }
  private peek(n = 1): Tok {
    return this.toks[Math.min(this.pos + n, this.toks.length - 1)]!
  }
  private advance(): Tok {
    return this.toks[this.pos++]!
  }
  private describe(t: Tok): string {
    return t.type === 'eof'
      ? 'Incomplete expression'
      : t.value !== undefined
        ? String(t.value)
        : t.type
  }
  private match(type: string): void {
    const t = this.cur()
    if (t.type !== type) {
      if (t.type === 'eof') throw new JmesPathError('Incomplete expression')
      throw new JmesPathError(`Expecting: ${type}, got: ${t.type}`)
    }
    this.pos++
  }

  private expression(bp: number): Node {
    let left = this.nud(this.advance())
    while (bp < BP[this.cur().type]!) left = this.led(this.advance(), left)
    return left
  }

  private nud(t: Tok): Node {
    switch (t.type) {
      case 'literal':
        return { t: 'literal', value: t.value! }
      case 'ident':
      case 'qident':
        return { t: 'field', name: t.value as string }
      case 'star':
        return {
          t: 'valueProjection',
          left: { t: 'identity' },
          right: this.projectionRhs(BP.star!),
        }
      case 'filter':
        return this.ledFilter({ t: 'identity' })
      case 'lbrace':
        return this.multiHash()
      case 'lparen': {
        const e = this.expression(0)
        this.match('rparen')
        return e
      }
      case 'flatten':
        return {
          t: 'projection',
          left: { t: 'flatten', child: { t: 'identity' } },
          right: this.projectionRhs(BP.flatten!),
        }
      case 'not':
        return { t: 'not', child: this.expression(BP.not!) }
      case 'lbracket': {
        const next = this.cur().type
        if (next === 'number' || next === 'colon')
          return this.projectIfSlice({ t: 'identity' }, this.parseIndex())
        if (next === 'star' && this.peek().type === 'rbracket') {
          this.pos += 2
          return { t: 'projection', left: { t: 'identity' }, right: this.projectionRhs(BP.star!) }
        }
        return this.multiList()
      }
      case 'current':
        return { t: 'current' }
      case 'expref':
        return { t: 'expref', child: this.expression(BP.expref!) }
      case 'eof':
        throw new JmesPathError('Incomplete expression')
      default:
        throw new JmesPathError(`Unexpected token: ${this.describe(t)}`)
    }
  }

  private led(t: Tok, left: Node): Node {
    switch (t.type) {
      case 'dot': {
        if (this.cur().type !== 'star') {
          const right = this.dotRhs(BP.dot!)
          if (left.t === 'sub') return { t: 'sub', children: [...left.children, right] }
          return { t: 'sub', children: [left, right] }
        }
        this.advance()
        return { t: 'valueProjection', left, right: this.projectionRhs(BP.dot!) }
      }
      case 'pipe':
        return { t: 'pipe', left, right: this.expression(BP.pipe!) }
      case 'or':
      case 'and':
        return { t: t.type, left, right: this.expression(BP[t.type]!) }
      case 'lparen': {
        if (left.t !== 'field') throw new JmesPathError('Invalid function name')
        const args: Node[] = []
        while (this.cur().type !== 'rparen') {
          args.push(this.expression(0))
          if (this.cur().type === 'comma') this.match('comma')
        }
        this.match('rparen')
        return { t: 'fn', name: left.name, args }
      }
      case 'filter':
        return this.ledFilter(left)
      case 'eq':
      case 'ne':
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte':
        return { t: 'cmp', op: t.type, left, right: this.expression(BP[t.type]!) }
      case 'flatten':
        return {
          t: 'projection',
          left: { t: 'flatten', child: left },
          right: this.projectionRhs(BP.flatten!),
        }
      case 'lbracket': {
        const next = this.cur().type
        if (next === 'number' || next === 'colon')
          return this.projectIfSlice(left, this.parseIndex())
        this.match('star')
        this.match('rbracket')
        return { t: 'projection', left, right: this.projectionRhs(BP.star!) }
      }
      default:
        throw new JmesPathError(`Unexpected token: ${this.describe(t)}`)
    }
  }

  private ledFilter(left: Node): Node {
    const cond = this.expression(0)
    this.match('rbracket')
    const right: Node =
      this.cur().type === 'flatten' ? { t: 'identity' } : this.projectionRhs(BP.filter!)
    return { t: 'filterProjection', left, right, cond }
  }

  private parseIndex(): Node {
    // after '[': number ']' or a slice [start:stop:step]
    const parts: (number | null)[] = [null, null, null]
    let i = 0
    let isSlice = false
    while (this.cur().type !== 'rbracket') {
      const t = this.cur()
      if (t.type === 'colon') {
        isSlice = true
        i++
        if (i > 2) throw new JmesPathError('Too many colons in slice expression')
        this.advance()
      } else if (t.type === 'number') {
        parts[i] = t.value as number
        this.advance()
      } else if (t.type === 'eof') throw new JmesPathError('Incomplete expression')
      else throw new JmesPathError(`Expected number or colon, got: ${this.describe(t)}`)
    }
    this.match('rbracket')
    if (!isSlice) return { t: 'index', index: parts[0]! }
    if (parts[2] === 0) throw new JmesPathError('Invalid slice, step cannot be 0')
    return { t: 'slice', start: parts[0]!, stop: parts[1]!, step: parts[2]! }
  }

  private projectIfSlice(left: Node, index: Node): Node {
    const ie: Node = { t: 'indexExpr', children: [left, index] }
    if (index.t === 'slice')
      return { t: 'projection', left: ie, right: this.projectionRhs(BP.star!) }
    return ie
  }

  private projectionRhs(bp: number): Node {
    const type = this.cur().type
    if (BP[type]! < PROJECTION_STOP) return { t: 'identity' }
    if (type === 'lbracket' || type === 'filter') return this.expression(bp)
    if (type === 'dot') {
      this.match('dot')
      return this.dotRhs(bp)
    }
    throw new JmesPathError(`Unexpected token: ${this.describe(this.cur())}`)
  }

  private dotRhs(bp: number): Node {
    const type = this.cur().type
    if (type === 'ident' || type === 'qident' || type === 'star') return this.expression(bp)
    if (type === 'lbracket') {
      this.match('lbracket')
      return this.multiList()
    }
    if (type === 'lbrace') {
      this.match('lbrace')
      return this.multiHash()
    }
    if (type === 'eof') throw new JmesPathError('Incomplete expression')
    throw new JmesPathError(
      `Expecting: ['quoted_identifier', 'unquoted_identifier', 'lbracket', 'lbrace'], got: ${type}`,
    )
  }

  private multiList(): Node {
    const children: Node[] = []
    for (;;) {
      children.push(this.expression(0))
      if (this.cur().type === 'rbracket') break
      this.match('comma')
    }
    this.match('rbracket')
    return { t: 'mlist', children }
  }

  private multiHash(): Node {
    const pairs: { key: string; value: Node }[] = []
    for (;;) {
      const k = this.advance()
      if (k.type !== 'ident' && k.type !== 'qident')
        throw new JmesPathError(
          k.type === 'eof' ? 'Incomplete expression' : `Expecting: identifier, got: ${k.type}`,
        )
      this.match('colon')
      pairs.push({ key: k.value as string, value: this.expression(0) })
      if (this.cur().type === 'comma') this.match('comma')
      else if (this.cur().type === 'rbrace') {
        this.match('rbrace')
        break
      } else this.match('rbrace')
    }
    return { t: 'mhash', pairs }
  }
}

const isObject = (v: unknown): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function truthy(v: Json): boolean {
  if (v === null || v === false || v === '') return false
  if (Array.isArray(v)) return v.length > 0
  if (isObject(v)) return Object.keys(v).length > 0
  return true
}

function deepEqual(a: Json, b: Json): boolean {
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b))
}
function canon(v: Json): Json {
  if (Array.isArray(v)) return v.map(canon)
  if (isObject(v))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canon(v[k]!)]),
    )
  return v
}

function typeName(v: Json): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'object') return 'object'
  return typeof v
}

function evaluate(n: Node, v: Json): Json {
  switch (n.t) {
    case 'field':
      return isObject(v) ? (v[n.name] ?? null) : null
    case 'sub':
    case 'indexExpr': {
      let r = v
      for (const c of n.children) r = evaluate(c, r)
      return r
    }
    case 'index': {
      if (!Array.isArray(v)) return null
      const i = n.index < 0 ? v.length + n.index : n.index
      return v[i] ?? null
    }
    case 'slice': {
      if (!Array.isArray(v)) return null
      const step = n.step ?? 1
      const len = v.length
      const norm = (x: number | null, def: number) => {
        if (x === null) return def
        if (x < 0) return Math.max(x + len, step < 0 ? -1 : 0)
        return Math.min(x, step < 0 ? len - 1 : len)
      }
      const start = norm(n.start, step < 0 ? len - 1 : 0)
      const stop = norm(n.stop, step < 0 ? -1 : len)
      const out: Json[] = []
      for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(v[i]!)
      return out
    }
    case 'projection': {
      const base = evaluate(n.left, v)
      if (!Array.isArray(base)) return null
      return base.map((e) => evaluate(n.right, e)).filter((e) => e !== null)
    }
    case 'valueProjection': {
      const base = evaluate(n.left, v)
      if (!isObject(base)) return null
      return Object.values(base)
        .map((e) => evaluate(n.right, e))
        .filter((e) => e !== null)
    }
    case 'filterProjection': {
      const base = evaluate(n.left, v)
      if (!Array.isArray(base)) return null
      return base
        .filter((e) => truthy(evaluate(n.cond, e)))
        .map((e) => evaluate(n.right, e))
        .filter((e) => e !== null)
    }
    case 'flatten': {
      const base = evaluate(n.child, v)
      if (!Array.isArray(base)) return null
      return base.flatMap((e) => (Array.isArray(e) ? e : [e]))
    }
    case 'identity':
    case 'current':
      return v
    case 'literal':
      return n.value
    case 'cmp': {
      const a = evaluate(n.left, v)
      const b = evaluate(n.right, v)
      if (n.op === 'eq') return deepEqual(a, b)
      if (n.op === 'ne') return !deepEqual(a, b)
      if (typeof a !== 'number' || typeof b !== 'number') return null
      return n.op === 'lt' ? a < b : n.op === 'lte' ? a <= b : n.op === 'gt' ? a > b : a >= b
    }
    case 'or': {
      const a = evaluate(n.left, v)
      return truthy(a) ? a : evaluate(n.right, v)
    }
    case 'and': {
      const a = evaluate(n.left, v)
      return truthy(a) ? evaluate(n.right, v) : a
    }
    case 'pipe':
      return evaluate(n.right, evaluate(n.left, v))
    case 'not':
      return !truthy(evaluate(n.child, v))
    case 'mlist':
      return v === null ? null : n.children.map((c) => evaluate(c, v))
    case 'mhash':
      return v === null
        ? null
        : Object.fromEntries(n.pairs.map((p) => [p.key, evaluate(p.value, v)]))
    case 'expref':
      throw new JmesPathError('expression references are only valid as function arguments')
    case 'fn':
      return callFunction(n, v)
  }
}

function callFunction(n: Extract<Node, { t: 'fn' }>, v: Json): Json {
  const arity = (count: number) => {
    if (n.args.length !== count)
      throw new JmesPathError(
        `Expected ${count} arguments for function ${n.name}(), received ${n.args.length}`,
      )
  }
  const arg = (i: number) => evaluate(n.args[i]!, v)
  const bad = (val: Json, expected: string) =>
    new JmesPathError(
      `In function ${n.name}(), invalid type for value: ${JSON.stringify(val)}, expected one of: ${expected}, received: "${typeName(val)}"`,
    )
  switch (n.name) {
    case 'length': {
      arity(1)
      const a = arg(0)
      if (typeof a === 'string' || Array.isArray(a)) return a.length
      if (isObject(a)) return Object.keys(a).length
      throw bad(a, "['string', 'array', 'object']")
    }
    case 'keys':
    case 'values': {
      arity(1)
      const a = arg(0)
      if (!isObject(a)) throw bad(a, "['object']")
      return n.name === 'keys' ? Object.keys(a) : Object.values(a)
    }
    case 'sort': {
      arity(1)
      const a = arg(0)
      if (!Array.isArray(a)) throw bad(a, "['array-string', 'array-number']")
      return [...a].sort((x, y) => (x! < y! ? -1 : x! > y! ? 1 : 0))
    }
    case 'reverse': {
      arity(1)
      const a = arg(0)
      if (typeof a === 'string') return [...a].reverse().join('')
      if (Array.isArray(a)) return [...a].reverse()
      throw bad(a, "['string', 'array']")
    }
    case 'sort_by':
    case 'max_by':
    case 'min_by': {
      arity(2)
      const a = arg(0)
      const e = n.args[1]!
      if (!Array.isArray(a)) throw bad(a, "['array']")
      if (e.t !== 'expref')
        throw new JmesPathError(
          `In function ${n.name}(), invalid type for value, expected one of: ['expref']`,
        )
      const keyed = a.map((x) => ({ x, k: evaluate(e.child, x) }))
      keyed.sort((p, q) => (p.k! < q.k! ? -1 : p.k! > q.k! ? 1 : 0))
      if (n.name === 'sort_by') return keyed.map((p) => p.x)
      if (keyed.length === 0) return null
      return n.name === 'max_by' ? keyed[keyed.length - 1]!.x : keyed[0]!.x
    }
    case 'max':
    case 'min': {
      arity(1)
      const a = arg(0)
      if (!Array.isArray(a)) throw bad(a, "['array-number', 'array-string']")
      if (a.length === 0) return null
      return [...a].sort((x, y) => (x! < y! ? -1 : x! > y! ? 1 : 0))[
        n.name === 'max' ? a.length - 1 : 0
      ]!
    }
    case 'join': {
      arity(2)
      const sep = arg(0)
      const a = arg(1)
      if (typeof sep !== 'string') throw bad(sep, "['string']")
      if (!Array.isArray(a) || a.some((x) => typeof x !== 'string'))
        throw bad(a, "['array-string']")
      return a.join(sep)
    }
    case 'contains': {
      arity(2)
      const a = arg(0)
      const b = arg(1)
      if (typeof a === 'string') return typeof b === 'string' && a.includes(b)
      if (Array.isArray(a)) return a.some((x) => deepEqual(x, b))
      throw bad(a, "['array', 'string']")
    }
    case 'starts_with':
    case 'ends_with': {
      arity(2)
      const a = arg(0)
      const b = arg(1)
      if (typeof a !== 'string') throw bad(a, "['string']")
      if (typeof b !== 'string') throw bad(b, "['string']")
      return n.name === 'starts_with' ? a.startsWith(b) : a.endsWith(b)
    }
    case 'to_string': {
      arity(1)
      const a = arg(0)
      return typeof a === 'string' ? a : JSON.stringify(a)
    }
    default:
      throw new JmesPathError(`Unknown function: ${n.name}()`)
  }
}

export interface Compiled {
  search(data: Json): Json
}

/** Parses a JMESPath expression; throws JmesPathError with jmespath.py-like wording. */
export function compile(expr: string): Compiled {
  const ast = new Parser(lex(expr)).parse()
  return { search: (data) => evaluate(ast, data) }
}

export function search(expr: string, data: Json): Json {
  return compile(expr).search(data)
}
