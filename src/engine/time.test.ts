import { describe, expect, it } from 'vitest'
import { humanDuration, parseDuration, rfc3339, rfc3339Nano, parseRfc3339 } from './time.ts'

describe('humanDuration (apimachinery duration.HumanDuration)', () => {
  it.each([
    [5_000, '5s'],
    [119_000, '119s'],
    [120_000, '2m'],
    [123_000, '2m3s'],
    [599_000, '9m59s'],
    [600_000, '10m'],
    [179 * 60_000, '179m'],
    [3 * 3600_000, '3h'],
    [(3 * 60 + 4) * 60_000, '3h4m'],
    [8 * 3600_000, '8h'],
    [47 * 3600_000, '47h'],
    [48 * 3600_000, '2d'],
    [(3 * 24 + 4) * 3600_000, '3d4h'],
    [8 * 24 * 3600_000, '8d'],
    [2 * 365 * 24 * 3600_000, '2y'],
    [-500, '0s'],
    [-3000, '<invalid>'],
  ])('%i ms -> %s', (ms, text) => expect(humanDuration(ms)).toBe(text))
})

describe('timestamps', () => {
  it('formats metav1.Time with second precision', () => {
    expect(rfc3339(0)).toBe('2026-03-02T08:40:00Z')
    expect(rfc3339(1999)).toBe('2026-03-02T08:40:01Z')
    expect(parseRfc3339(rfc3339(61_000))).toBe(61_000)
  })

  it('drops trailing zeros of RFC3339Nano, as Go does (CRI log lines)', () => {
    expect(rfc3339Nano(0)).toBe('2026-03-02T08:40:00Z')
    expect(rfc3339Nano(1500)).toBe('2026-03-02T08:40:01.5Z')
    expect(rfc3339Nano(1234.5678)).toBe('2026-03-02T08:40:01.2345678Z')
    expect(rfc3339Nano(1, 202)).toBe('2026-03-02T08:40:00.001000202Z')
  })

  it('parses the durations sleep and --timeout accept', () => {
    expect(parseDuration('5')).toBe(5000)
    expect(parseDuration('2m')).toBe(120_000)
    expect(parseDuration('1h30m')).toBe(5_400_000)
    expect(parseDuration('250ms')).toBe(250)
    expect(parseDuration('abc')).toBeUndefined()
    expect(parseDuration('5x')).toBeUndefined()
  })
})
