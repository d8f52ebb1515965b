// Simulated wall-clock. The simulation's ms 0 is a fixed instant, so timestamps are reproducible;
// Date is only used as a pure formatter here, never to read the host clock.

/** Simulated time 0 = 2026-03-02T08:40:00Z (the cluster was created then). */
export const EPOCH_MS = Date.UTC(2026, 2, 2, 8, 40, 0)

/** RFC 3339 with second precision, as Kubernetes metav1.Time serialises. */
export function rfc3339(simMs: number): string {
  return new Date(EPOCH_MS + Math.floor(simMs / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

/** Go's time.RFC3339Nano: nanosecond fraction with trailing zeros dropped (and no fraction when zero). */
export function rfc3339Nano(simMs: number, extraNs = 0): string {
  const wholeMs = Math.floor(simMs)
  const ns = Math.round((simMs - wholeMs) * 1e6) + extraNs
  const base = new Date(EPOCH_MS + Math.floor(wholeMs / 1000) * 1000).toISOString().slice(0, 19)
  const frac = ((wholeMs % 1000) * 1e6 + ns).toString().padStart(9, '0').replace(/0+$/, '')
  return `${base}${frac ? '.' + frac : ''}Z`
}

/** Parses an RFC 3339 timestamp back to simulated ms. */
export function parseRfc3339(s: string): number {
  return Date.parse(s) - EPOCH_MS
}

export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE

/** Parses durations as kubectl and our `sleep` accept them: `5`, `5s`, `2m`, `1h30m`, `250ms`. */
export function parseDuration(text: string, bareUnit: 's' | 'ms' = 's'): number | undefined {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * (bareUnit === 's' ? SECOND : 1)
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy
  let total = 0
  let consumed = 0
  let m: RegExpExecArray | null
  while ((m = re.exec(text))) {
    const n = Number(m[1])
    total += m[2] === 'h' ? n * HOUR : m[2] === 'm' ? n * MINUTE : m[2] === 's' ? n * SECOND : n
    consumed = re.lastIndex
  }
  return consumed === text.length && text.length > 0 ? total : undefined
}

/** apimachinery's duration.HumanDuration, used by kubectl's AGE column. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  if (seconds < -1) return '<invalid>'
  if (seconds < 0) return '0s'
  if (seconds < 60 * 2) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 10) {
    const s = seconds % 60
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`
  }
  if (minutes < 60 * 3) return `${minutes}m`
  const hours = Math.floor(minutes / 60)
  if (hours < 8) {
    const m = minutes % 60
    return m === 0 ? `${hours}h` : `${hours}h${m}m`
  }
  if (hours < 48) return `${hours}h`
  if (hours < 24 * 8) {
    const h = hours % 24
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`
  }
  return `${Math.floor(hours / 24 / 365)}y`
}
