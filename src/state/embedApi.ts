import { PLAYBACK_SPEEDS as SPEEDS } from './speeds.ts'

// The postMessage API between an embedded scenario (/embed/:scenario) and the page that hosts it.
// Every message is a plain object tagged `{ cutaway: 'embed', version: 1, type }`. Messages come
// from pages we do not control: each is checked field by field (hand-written validators keep zod
// out of the browser bundle; a test checks them against a zod schema), and anything else is
// ignored. Bump EMBED_API_VERSION when a message changes meaning; add types without a bump.

export const EMBED_API_VERSION = 1
export const EMBED_TAG = 'cutaway-embed'

interface Envelope {
  cutaway: typeof EMBED_TAG
  version: typeof EMBED_API_VERSION
}

/** Host → embed. `step` is 1-based, like the `step` URL parameter. */
export type HostCommand =
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'goToStep'; step: number }
  | { type: 'setSpeed'; speed: number }

/** Embed → host. */
export type EmbedEvent =
  | { type: 'ready'; scenario: string; steps: number; step: number }
  | { type: 'stepChanged'; scenario: string; step: number; stepId: string; title: string }
  | { type: 'scenarioCompleted'; scenario: string }
  | { type: 'resize'; height: number }

export type HostMessage = Envelope & HostCommand
export type EmbedMessage = Envelope & EmbedEvent

export const HOST_COMMAND_TYPES = ['play', 'pause', 'goToStep', 'setSpeed'] as const
export const EMBED_EVENT_TYPES = ['ready', 'stepChanged', 'scenarioCompleted', 'resize'] as const

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function hasOnly(o: Record<string, unknown>, keys: readonly string[]): boolean {
  return Object.keys(o).every((k) => keys.includes(k))
}

const isStep = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 10_000

/**
 * A host's message, or null when it is not a valid v1 command (wrong tag or version, unknown type,
 * missing or extra fields, values of the wrong type). Range checks against the scenario (a step
 * past the end) are the caller's: the message itself is well formed.
 */
export function parseHostMessage(data: unknown): HostCommand | null {
  if (!isRecord(data) || data.cutaway !== EMBED_TAG || data.version !== EMBED_API_VERSION)
    return null
  const base = ['cutaway', 'version', 'type']
  switch (data.type) {
    case 'play':
    case 'pause':
      return hasOnly(data, base) ? { type: data.type } : null
    case 'goToStep':
      return hasOnly(data, [...base, 'step']) && isStep(data.step)
        ? { type: 'goToStep', step: data.step }
        : null
    case 'setSpeed':
      return hasOnly(data, [...base, 'speed']) &&
        typeof data.speed === 'number' &&
        (SPEEDS as readonly number[]).includes(data.speed)
        ? { type: 'setSpeed', speed: data.speed }
        : null
    default:
      return null
  }
}

/** Wraps an event in the v1 envelope. */
export function embedMessage(event: EmbedEvent): EmbedMessage {
  return { cutaway: EMBED_TAG, version: EMBED_API_VERSION, ...event }
}

/** Wraps a command in the v1 envelope (hosts written in TypeScript can import this shape). */
export function hostMessage(command: HostCommand): HostMessage {
  return { cutaway: EMBED_TAG, version: EMBED_API_VERSION, ...command }
}

/**
 * May a message from `origin` command the embed? `allowed` is the `origin` URL parameter: null lets
 * any page command it (commands only move a lesson along; nothing private is exposed), a value lets
 * exactly that origin.
 */
export function originAllowed(allowed: string | null, origin: string): boolean {
  return allowed === null || allowed === origin
}
