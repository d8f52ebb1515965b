import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  EMBED_DEFAULTS,
  embedQuery,
  NO_ORIGIN,
  normalizeOrigin,
  parseEmbedParams,
  THEMES,
} from './embedParams.ts'
import { SPEEDS } from './simulationStore.ts'
import { PLAYBACK_SPEEDS } from './speeds.ts'

describe('parseEmbedParams', () => {
  it('reads every parameter', () => {
    const { params, warnings } = parseEmbedParams(
      '?step=3&theme=projector&speed=2&controls=0&autoplay=1&origin=https://docs.example.com/&storage=1',
      12,
    )
    expect(warnings).toEqual([])
    expect(params).toEqual({
      step: 2,
      theme: 'projector',
      speed: 2,
      controls: false,
      autoplay: true,
      origin: 'https://docs.example.com',
      storage: true,
    })
  })

  it('falls back to the defaults with one warning per bad or unknown value', () => {
    const { params, warnings } = parseEmbedParams(
      'step=13&theme=neon&speed=3&controls=yes&autoplay=&storage=2&colour=red',
      12,
    )
    expect(params).toEqual(EMBED_DEFAULTS)
    expect(warnings).toEqual([
      'unknown parameter "colour" ignored',
      'step="13" is not a step from 1 to 12; using 1',
      'theme="neon" is not one of light, dark, projector; using dark',
      'speed="3" is not one of 0.25, 0.5, 1, 2, 4; using 1',
      'controls="yes" is not 0 or 1; using 1',
      'autoplay="" is not 0 or 1; using 0',
      'storage="2" is not 0 or 1; using 0',
    ])
  })

  it('a malformed origin locks the embed instead of opening it to every page', () => {
    for (const bad of [
      '*',
      'docs.example.com',
      'javascript:alert(1)',
      'https://a.com/path',
      'null',
    ]) {
      const { params, warnings } = parseEmbedParams(`origin=${encodeURIComponent(bad)}`, 3)
      expect(params.origin).toBe(NO_ORIGIN)
      expect(warnings).toHaveLength(1)
    }
  })

  it('never throws and always yields valid params, whatever the query', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 20 }), (q, n) => {
        const { params } = parseEmbedParams(q, n)
        expect(params.step).toBeGreaterThanOrEqual(0)
        expect(params.step).toBeLessThan(n)
        expect(THEMES).toContain(params.theme)
        expect(PLAYBACK_SPEEDS).toContain(params.speed)
      }),
    )
  })

  it('round-trips through embedQuery', () => {
    const p = { ...EMBED_DEFAULTS, step: 4, theme: 'light' as const, controls: false, speed: 0.5 }
    expect(parseEmbedParams(embedQuery(p), 12)).toEqual({ params: p, warnings: [] })
    expect(embedQuery(EMBED_DEFAULTS)).toBe('')
  })
})

describe('normalizeOrigin', () => {
  it('spells an origin as URL.origin does', () => {
    expect(normalizeOrigin('HTTPS://Docs.Example.com:443')).toBe('https://docs.example.com')
    expect(normalizeOrigin('http://127.0.0.1:4181/')).toBe('http://127.0.0.1:4181')
    expect(normalizeOrigin('ftp://x')).toBeNull()
  })
})

it('the light chunks use the same speeds as the simulation store', () => {
  expect([...PLAYBACK_SPEEDS]).toEqual([...SPEEDS])
})
