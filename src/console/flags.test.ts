import { describe, expect, it } from 'vitest'
import { parseFlags } from './flags.ts'
import type { FlagSpec } from './types.ts'

const specs: FlagSpec[] = [
  { name: 'namespace', short: 'n', type: 'string', description: '' },
  { name: 'all-namespaces', short: 'A', type: 'bool', description: '' },
  { name: 'stdin', short: 'i', type: 'bool', description: '' },
  { name: 'tty', short: 't', type: 'bool', description: '' },
  { name: 'replicas', type: 'int', description: '' },
  { name: 'image', type: 'strings', description: '' },
]

describe('parseFlags (pflag semantics)', () => {
  it('accepts --a=b, --a b, -n b, -nb, grouped booleans and positionals in any order', () => {
    const r = parseFlags(
      [
        'get',
        '-n',
        'kube-system',
        'pods',
        '--replicas=3',
        '-it',
        '--image',
        'a',
        '--image=b',
        '-nfoo',
      ],
      specs,
    )
    expect(r).toMatchObject({
      ok: true,
      args: ['get', 'pods'],
      flags: { namespace: 'foo', replicas: 3, stdin: true, tty: true, image: ['a', 'b'] },
    })
  })

  it('stops at -- and keeps the rest', () => {
    const r = parseFlags(['web', '--', 'sh', '-c', 'echo --x'], specs)
    expect(r).toMatchObject({ ok: true, args: ['web'], rest: ['sh', '-c', 'echo --x'] })
  })

  it('reports errors in pflag words', () => {
    expect(parseFlags(['--bogus'], specs)).toEqual({ ok: false, error: 'unknown flag: --bogus' })
    expect(parseFlags(['-z'], specs)).toEqual({
      ok: false,
      error: "unknown shorthand flag: 'z' in -z",
    })
    expect(parseFlags(['-n'], specs)).toEqual({
      ok: false,
      error: "flag needs an argument: 'n' in -n",
    })
    expect(parseFlags(['--namespace'], specs)).toEqual({
      ok: false,
      error: 'flag needs an argument: --namespace',
    })
    expect(parseFlags(['--replicas=x'], specs)).toEqual({
      ok: false,
      error:
        'invalid argument "x" for "--replicas" flag: strconv.ParseInt: parsing "x": invalid syntax',
    })
    expect(parseFlags(['--all-namespaces=maybe'], specs)).toMatchObject({ ok: false })
  })
})
