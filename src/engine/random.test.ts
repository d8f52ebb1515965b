import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { createRng, nameSuffix, nextFloat, uuid, K8S_RAND_ALPHABET } from './random.ts'

describe('seeded rng', () => {
  it('gives the same sequence for the same seed', () => {
    const a = createRng(42)
    const b = createRng(42)
    expect(Array.from({ length: 5 }, () => nextFloat(a))).toEqual(
      Array.from({ length: 5 }, () => nextFloat(b)),
    )
  })

  it('stays in [0, 1) for any seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const r = createRng(seed)
        for (let i = 0; i < 50; i++) {
          const x = nextFloat(r)
          if (!(x >= 0 && x < 1)) return false
        }
        return true
      }),
    )
  })

  it('makes generateName suffixes from apimachinery rand alphabet and v4 uids', () => {
    const r = createRng(1)
    for (let i = 0; i < 100; i++)
      expect(nameSuffix(r)).toMatch(new RegExp(`^[${K8S_RAND_ALPHABET}]{5}$`))
    expect(uuid(r)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })
})
