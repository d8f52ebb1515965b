import type { FlagSpec, FlagValues } from './types.ts'

// POSIX/GNU-style flags with the semantics of spf13/pflag (what kubectl, eksctl and the AWS CLI's
// Go cousins use): --name=value, --name value, -n value, -nvalue, grouped short booleans (-it),
// --bool=false, and `--` ending flag parsing. Errors carry pflag's wording.

export type ParsedFlags =
  | { ok: true; args: string[]; flags: FlagValues; rest: string[]; sawDashDash: boolean }
  | { ok: false; error: string }

export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): ParsedFlags {
  const flags: FlagValues = {}
  const args: string[] = []
  for (const s of specs) if (s.default !== undefined) flags[s.name] = s.default
  const byName = new Map(specs.map((s) => [s.name, s]))
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]))

  const set = (spec: FlagSpec, raw: string | undefined, display: string): string | undefined => {
    switch (spec.type) {
      case 'bool': {
        if (raw === undefined || raw === 'true') flags[spec.name] = true
        else if (raw === 'false') flags[spec.name] = false
        else
          return `invalid argument "${raw}" for "${display}" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`
        return undefined
      }
      case 'int': {
        if (!/^-?\d+$/.test(raw ?? ''))
          return `invalid argument "${raw}" for "${display}" flag: strconv.ParseInt: parsing "${raw}": invalid syntax`
        flags[spec.name] = Number(raw)
        return undefined
      }
      case 'strings': {
        const prev = flags[spec.name]
        flags[spec.name] = [...(Array.isArray(prev) ? prev : []), raw ?? '']
        return undefined
      }
      case 'string':
        flags[spec.name] = raw ?? ''
        return undefined
    }
  }

  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--') return { ok: true, args, flags, rest: argv.slice(i + 1), sawDashDash: true }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=')
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2)
      const spec = byName.get(name)
      if (!spec) return { ok: false, error: `unknown flag: --${name}` }
      let raw: string | undefined = eq >= 0 ? a.slice(eq + 1) : undefined
      if (raw === undefined && spec.type !== 'bool') {
        if (i + 1 >= argv.length) return { ok: false, error: `flag needs an argument: --${name}` }
        raw = argv[++i]
      }
      const e = set(spec, raw, `--${name}`)
      if (e) return { ok: false, error: e }
      continue
    }
    if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      // one or more shorthand flags; a value-taking one consumes the rest of the word or the next word
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!
        const spec = byShort.get(c)
        if (!spec) return { ok: false, error: `unknown shorthand flag: '${c}' in ${a}` }
        if (spec.type === 'bool') {
          if (a[j + 1] === '=') {
            const e = set(spec, a.slice(j + 2), `-${c}, --${spec.name}`)
            if (e) return { ok: false, error: e }
            break
          }
          flags[spec.name] = true
          continue
        }
        let raw = a.slice(j + 1)
        if (raw.startsWith('=')) raw = raw.slice(1)
        if (raw === '') {
          if (i + 1 >= argv.length)
            return { ok: false, error: `flag needs an argument: '${c}' in -${c}` }
          raw = argv[++i]!
        }
        const e = set(spec, raw, `-${c}, --${spec.name}`)
        if (e) return { ok: false, error: e }
        break
      }
      continue
    }
    args.push(a)
  }
  return { ok: true, args, flags, rest: [], sawDashDash: false }
}

export function str(flags: FlagValues, name: string): string | undefined {
  const v = flags[name]
  return typeof v === 'string' ? v : undefined
}

export function bool(flags: FlagValues, name: string): boolean {
  return flags[name] === true
}

export function int(flags: FlagValues, name: string): number | undefined {
  const v = flags[name]
  return typeof v === 'number' ? v : undefined
}

export function strs(flags: FlagValues, name: string): string[] {
  const v = flags[name]
  return Array.isArray(v) ? v : []
}
