import type { LogEntry } from './simulationStore.ts'
import type { SimulationConfig } from '../engine/index.ts'
import { DEFAULT_CONFIG } from '../engine/index.ts'

// A sandbox link carries the seed, the command log and the clock, so a copied URL rebuilds the exact
// cluster: /sandbox?seed=7&t=123456&log=<base64url(JSON [[at, command], …])>, plus `cfg` (base64url
// JSON of the cluster shape where it differs from the default, e.g. a lesson's Kubernetes version).
// Links come from outside: everything is checked, and a bad link is reported, never half-loaded.

export interface SandboxState {
  seed: number
  log: LogEntry[]
  now?: number
  config?: Partial<SimulationConfig>
}

export const LIMITS = { entries: 500, commandLength: 4000, maxTime: 30 * 24 * 3600_000 } as const

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text)
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

function fromBase64Url(text: string): string {
  const b64 = text.replaceAll('-', '+').replaceAll('_', '/')
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))
  return new TextDecoder('utf-8', { fatal: true }).decode(
    Uint8Array.from(bin, (c) => c.charCodeAt(0)),
  )
}

export function encodeSandbox(s: SandboxState): string {
  const p = new URLSearchParams()
  p.set('seed', String(s.seed))
  if (s.now !== undefined) p.set('t', String(Math.round(s.now)))
  const cfg = configDiff(s.config ?? {})
  if (Object.keys(cfg).length) p.set('cfg', toBase64Url(JSON.stringify(cfg)))
  if (s.log.length) p.set('log', toBase64Url(JSON.stringify(s.log.map((e) => [e.at, e.command]))))
  return p.toString()
}

export type Decoded = { ok: true; state: SandboxState } | { ok: false; error: string }

/** Reads a sandbox query string. Missing parameters mean a fresh cluster (seed 1). */
export function decodeSandbox(search: string): Decoded {
  const p = new URLSearchParams(search)
  const seedText = p.get('seed')
  const seed = seedText === null ? 1 : Number(seedText)
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    return {
      ok: false,
      error: `The link's seed "${seedText}" is not a whole number from 0 to 4294967295.`,
    }
  const tText = p.get('t')
  const now = tText === null ? undefined : Number(tText)
  if (now !== undefined && (!Number.isFinite(now) || now < 0 || now > LIMITS.maxTime))
    return { ok: false, error: `The link's time "${tText}" is out of range.` }
  const cfg = decodeConfig(p.get('cfg'))
  if (typeof cfg === 'string') return { ok: false, error: cfg }
  const extra = { ...(now !== undefined ? { now } : {}), ...(cfg ? { config: cfg } : {}) }
  const logText = p.get('log')
  if (logText === null || logText === '') return { ok: true, state: { seed, log: [], ...extra } }
  let raw: unknown
  try {
    raw = JSON.parse(fromBase64Url(logText))
  } catch {
    return {
      ok: false,
      error:
        "The link's command log is damaged (it is not valid base64url-encoded JSON). Was it cut off when copied?",
    }
  }
  if (!Array.isArray(raw))
    return { ok: false, error: "The link's command log is not a list of commands." }
  if (raw.length > LIMITS.entries)
    return {
      ok: false,
      error: `The link holds ${raw.length} commands; at most ${LIMITS.entries} are allowed.`,
    }
  const log: LogEntry[] = []
  let last = -1
  for (const [i, item] of raw.entries()) {
    if (
      !Array.isArray(item) ||
      item.length !== 2 ||
      typeof item[0] !== 'number' ||
      typeof item[1] !== 'string'
    )
      return {
        ok: false,
        error: `Entry ${i + 1} of the link's command log is not a [time, command] pair.`,
      }
    const [at, command] = item as [number, string]
    if (!Number.isFinite(at) || at < last || at > LIMITS.maxTime)
      return {
        ok: false,
        error: `Entry ${i + 1} of the link's command log has an impossible time.`,
      }
    if (command.length > LIMITS.commandLength)
      return { ok: false, error: `Entry ${i + 1} of the link's command log is too long.` }
    last = at
    log.push({ at, command })
  }
  return { ok: true, state: { seed, log, ...extra } }
}

/** Only what differs from the default travels in the link. */
function configDiff(config: Partial<SimulationConfig>): Partial<SimulationConfig> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(config))
    if (
      JSON.stringify(v) !==
      JSON.stringify((DEFAULT_CONFIG as unknown as Record<string, unknown>)[k])
    )
      out[k] = v
  return out as Partial<SimulationConfig>
}

// bounds that keep a hand-edited link from asking for a cluster the browser cannot hold
const NUMBER_BOUNDS: Record<string, [number, number]> = {
  nodeCount: [1, 50],
  containerLogMaxSize: [1024, 1024 ** 3],
  containerLogMaxFiles: [2, 20],
}

// settings with no default value, each with the shape it must have
const OPTIONAL_SETTINGS: Record<string, RegExp> = {
  encryptionKeyArn: /^arn:aws:kms:[a-z0-9-]{1,30}:\d{12}:key\/[0-9a-f-]{36}$/,
}

/** A `cfg` parameter: each key must be one the engine knows, with a value of the default's type. */
function decodeConfig(text: string | null): Partial<SimulationConfig> | undefined | string {
  if (text === null || text === '') return undefined
  let raw: unknown
  try {
    raw = JSON.parse(fromBase64Url(text))
  } catch {
    return "The link's cluster settings are damaged (not valid base64url-encoded JSON)."
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return "The link's cluster settings are not a set of named values."
  const defaults = DEFAULT_CONFIG as unknown as Record<string, unknown>
  for (const [k, v] of Object.entries(raw)) {
    const optional = OPTIONAL_SETTINGS[k]
    if (optional) {
      if (typeof v !== 'string' || !optional.test(v))
        return `The link's cluster setting "${k}" is not a valid value.`
      continue
    }
    if (!(k in defaults)) return `The link's cluster setting "${k}" is not one Cutaway knows.`
    const d = defaults[k]
    // every default is a string or a number, so the type alone tells a wrong value
    if (typeof v !== typeof d)
      return `The link's cluster setting "${k}" has the wrong kind of value.`
    const bounds = NUMBER_BOUNDS[k]
    if (
      typeof v === 'number' &&
      (!Number.isInteger(v) || (bounds && (v < bounds[0] || v > bounds[1])))
    )
      return `The link's cluster setting "${k}" is out of range.`
    if (typeof v === 'string' && !/^[A-Za-z0-9._-]{1,64}$/.test(v))
      return `The link's cluster setting "${k}" is not a valid value.`
  }
  return raw as Partial<SimulationConfig>
}
