import { EPOCH_MS } from '../../engine/index.ts'

// Simulated timestamps start at EPOCH_MS (2026-03-02T08:40:00Z). A real kubectl computes ages that
// it prints itself (describe's Events, `Start Time`) from its own wall clock, so responses move every
// RFC 3339 timestamp by (wall now − simulated now): an object the simulation created 5 minutes ago
// then looks 5 minutes old to kubectl. Requests that send objects back (PUT) are moved back. Whole
// seconds only, so second-precision timestamps stay second-precision.

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d{1,9})?Z$/

export function shiftFor(wallMs: number, simNow: number): number {
  return Math.floor(wallMs / 1000) * 1000 - Math.floor((EPOCH_MS + simNow) / 1000) * 1000
}

export function shiftTimestamp(s: string, shiftMs: number): string {
  const m = RFC3339.exec(s)
  if (!m || shiftMs === 0) return s
  const t = Date.parse(`${m[1]}Z`)
  if (Number.isNaN(t)) return s
  return new Date(t + shiftMs).toISOString().slice(0, 19) + (m[2] ?? '') + 'Z'
}

/** A deep copy of `value` with every RFC 3339 string moved by `shiftMs`. */
export function shiftTimestamps<T>(value: T, shiftMs: number): T {
  if (shiftMs === 0) return value
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return shiftTimestamp(v, shiftMs)
    if (Array.isArray(v)) return v.map(walk)
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {}
      for (const [k, x] of Object.entries(v)) out[k] = walk(x)
      return out
    }
    return v
  }
  return walk(value) as T
}
