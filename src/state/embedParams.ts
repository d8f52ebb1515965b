import { PLAYBACK_SPEEDS as SPEEDS } from './speeds.ts'

// The query string of /embed/:scenario. It comes from a page we do not control, so every value is
// checked; a value we do not understand falls back to the default with a warning (shown by the
// caller on the console), and the frame still works. Nothing here is ever rendered as HTML.

export type Theme = 'light' | 'dark' | 'projector'
export const THEMES: readonly Theme[] = ['light', 'dark', 'projector']

export interface EmbedParams {
  /** 0-based step to open at (the URL says 1-based, like /learn) */
  step: number
  theme: Theme
  speed: number
  /** show the step and playback controls (0 hides them: the host drives the embed) */
  controls: boolean
  /** skip the click-to-load poster and start the clock */
  autoplay: boolean
  /** the only origin allowed to command the embed and to receive its events; null = any;
   * NO_ORIGIN = nobody (the host asked for a restriction we could not read) */
  origin: string | null
  /** the host allows the embed to write storage (saved progress, the offline cache) */
  storage: boolean
}

export const EMBED_DEFAULTS: EmbedParams = {
  step: 0,
  theme: 'dark',
  speed: 1,
  controls: true,
  autoplay: false,
  origin: null,
  storage: false,
}

/** A malformed `origin` must not widen who may command the embed: then nobody may. */
export const NO_ORIGIN = 'none'

export const EMBED_PARAM_NAMES = [
  'step',
  'theme',
  'speed',
  'controls',
  'autoplay',
  'origin',
  'storage',
] as const

/** Quotes a value from the URL for a warning, cut short and with control characters escaped. */
function quote(v: string): string {
  const short = v.length > 60 ? `${v.slice(0, 60)}…` : v
  return JSON.stringify(short)
}

function flag(name: string, v: string, warnings: string[], fallback: boolean): boolean {
  if (v === '1' || v === 'true') return true
  if (v === '0' || v === 'false') return false
  warnings.push(`${name}=${quote(v)} is not 0 or 1; using ${fallback ? 1 : 0}`)
  return fallback
}

/** An origin as `URL.origin` spells it (scheme://host[:port]), or null when it is not one. */
export function normalizeOrigin(v: string): string | null {
  if (!/^https?:\/\/[^/?#\s]+\/?$/i.test(v)) return null
  try {
    const o = new URL(v).origin
    return o === 'null' ? null : o
  } catch {
    return null
  }
}

export interface ParsedEmbedParams {
  params: EmbedParams
  warnings: string[]
}

/** Reads `?step=&theme=&speed=&controls=&autoplay=&origin=&storage=` for a scenario of `stepCount` steps. */
export function parseEmbedParams(search: string, stepCount: number): ParsedEmbedParams {
  const q = new URLSearchParams(search)
  const params: EmbedParams = { ...EMBED_DEFAULTS }
  const warnings: string[] = []
  const known = new Set<string>(EMBED_PARAM_NAMES)
  for (const key of new Set(q.keys()))
    if (!known.has(key)) warnings.push(`unknown parameter ${quote(key)} ignored`)

  const step = q.get('step')
  if (step !== null) {
    const n = /^\d{1,4}$/.test(step) ? Number(step) : NaN
    if (n >= 1 && n <= stepCount) params.step = n - 1
    else warnings.push(`step=${quote(step)} is not a step from 1 to ${stepCount}; using 1`)
  }
  const theme = q.get('theme')
  if (theme !== null) {
    if ((THEMES as readonly string[]).includes(theme)) params.theme = theme as Theme
    else warnings.push(`theme=${quote(theme)} is not one of ${THEMES.join(', ')}; using dark`)
  }
  const speed = q.get('speed')
  if (speed !== null) {
    const n = /^\d+(\.\d+)?$/.test(speed) ? Number(speed) : NaN
    if ((SPEEDS as readonly number[]).includes(n)) params.speed = n
    else warnings.push(`speed=${quote(speed)} is not one of ${SPEEDS.join(', ')}; using 1`)
  }
  const controls = q.get('controls')
  if (controls !== null) params.controls = flag('controls', controls, warnings, true)
  const autoplay = q.get('autoplay')
  if (autoplay !== null) params.autoplay = flag('autoplay', autoplay, warnings, false)
  const storage = q.get('storage')
  if (storage !== null) params.storage = flag('storage', storage, warnings, false)
  const origin = q.get('origin')
  if (origin !== null) {
    const o = normalizeOrigin(origin)
    params.origin = o ?? NO_ORIGIN
    if (!o)
      warnings.push(
        `origin=${quote(origin)} is not an origin such as https://docs.example.com; no host may command this embed`,
      )
  }
  return { params, warnings }
}

/** The query string for an embed (only the values that differ from the defaults). */
export function embedQuery(p: Partial<EmbedParams>): string {
  const q = new URLSearchParams()
  if (p.step !== undefined && p.step > 0) q.set('step', String(p.step + 1))
  if (p.theme && p.theme !== EMBED_DEFAULTS.theme) q.set('theme', p.theme)
  if (p.speed !== undefined && p.speed !== EMBED_DEFAULTS.speed) q.set('speed', String(p.speed))
  if (p.controls === false) q.set('controls', '0')
  if (p.autoplay) q.set('autoplay', '1')
  if (p.origin && p.origin !== NO_ORIGIN) q.set('origin', p.origin)
  if (p.storage) q.set('storage', '1')
  return q.toString()
}
