import type { OutputLine, Tone } from '../console/types.ts'
import type { Step } from '../scenarios/types.ts'
import type { TranscriptEntry } from './simulationStore.ts'
import { PLAYBACK_SPEEDS as SPEEDS } from './speeds.ts'

// The presenter window (/present, on the projector) and the speaker-notes window (/notes, on the
// laptop) talk over a BroadcastChannel. The presenter window owns the one simulation, so the
// audience always sees the cluster the presenter drives; the notes window sends it requests (next
// step, play, a typed command) and shows the state the presenter broadcasts back. Both windows are
// ours, but a channel is still input: messages are checked and unknown ones ignored.

export const SYNC_VERSION = 1

export type NotesRequest =
  | { kind: 'hello' }
  | { kind: 'next' }
  | { kind: 'back' }
  | { kind: 'goTo'; index: number }
  | { kind: 'play' }
  | { kind: 'pause' }
  | { kind: 'setSpeed'; speed: number }
  | { kind: 'blank'; blank: boolean }
  | { kind: 'run'; command: string }

export interface SyncedEntry {
  prompt: string
  input: string
  lines: { text: string; tone?: OutputLine['tone'] }[]
}

export interface PresenterState {
  kind: 'state'
  index: number
  answered: boolean
  playing: boolean
  speed: number
  /** simulated time, ms */
  now: number
  blank: boolean
  /** the last few console entries, so the notes window shows what the audience sees */
  transcript: SyncedEntry[]
}

export type SyncMessage = (NotesRequest | PresenterState) & { v: typeof SYNC_VERSION }

export function channelName(scenarioId: string): string {
  return `cutaway-present:${scenarioId}`
}

const TONES: readonly string[] = ['out', 'err', 'dim', 'ok', 'warn', 'info'] satisfies Tone[]
const TRANSCRIPT_TAIL = 6
const LINES_PER_ENTRY = 40
export const MAX_COMMAND_LENGTH = 4000

/** The tail of a transcript, trimmed so a broadcast stays small. */
export function syncedTranscript(transcript: readonly TranscriptEntry[]): SyncedEntry[] {
  return transcript.slice(-TRANSCRIPT_TAIL).map((e) => ({
    prompt: e.prompt,
    input: e.input,
    lines: e.lines.slice(0, LINES_PER_ENTRY).map((l) => ({ text: l.text, tone: l.tone })),
  }))
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

const isIndex = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 10_000

/** A request from the notes window, or null. */
export function parseNotesRequest(data: unknown): NotesRequest | null {
  if (!isRecord(data) || data.v !== SYNC_VERSION) return null
  switch (data.kind) {
    case 'hello':
    case 'next':
    case 'back':
    case 'play':
    case 'pause':
      return { kind: data.kind }
    case 'goTo':
      return isIndex(data.index) ? { kind: 'goTo', index: data.index } : null
    case 'setSpeed':
      return typeof data.speed === 'number' && (SPEEDS as readonly number[]).includes(data.speed)
        ? { kind: 'setSpeed', speed: data.speed }
        : null
    case 'blank':
      return typeof data.blank === 'boolean' ? { kind: 'blank', blank: data.blank } : null
    case 'run':
      return typeof data.command === 'string' &&
        data.command.trim() !== '' &&
        data.command.length <= MAX_COMMAND_LENGTH
        ? { kind: 'run', command: data.command }
        : null
    default:
      return null
  }
}

function isEntry(v: unknown): v is SyncedEntry {
  return (
    isRecord(v) &&
    typeof v.prompt === 'string' &&
    typeof v.input === 'string' &&
    Array.isArray(v.lines) &&
    v.lines.every((l) => isRecord(l) && typeof l.text === 'string')
  )
}

/** The presenter's state, or null. */
export function parsePresenterState(data: unknown): PresenterState | null {
  if (!isRecord(data) || data.v !== SYNC_VERSION || data.kind !== 'state') return null
  const { index, answered, playing, speed, now, blank, transcript } = data
  if (
    !isIndex(index) ||
    typeof answered !== 'boolean' ||
    typeof playing !== 'boolean' ||
    typeof speed !== 'number' ||
    typeof now !== 'number' ||
    !Number.isFinite(now) ||
    typeof blank !== 'boolean' ||
    !Array.isArray(transcript) ||
    !transcript.every(isEntry)
  )
    return null
  return {
    kind: 'state',
    index,
    answered,
    playing,
    speed,
    now,
    blank,
    transcript: transcript.map((e) => ({
      prompt: e.prompt,
      input: e.input,
      lines: e.lines.map((l) => ({
        text: l.text,
        ...(typeof l.tone === 'string' && TONES.includes(l.tone) ? { tone: l.tone as Tone } : {}),
      })),
    })),
  }
}

/** A BroadcastChannel when the browser has one (tests and old browsers: a channel that does nothing). */
export interface SyncChannel {
  post(msg: NotesRequest | PresenterState): void
  onMessage(cb: (data: unknown) => void): () => void
  close(): void
}

export function openSyncChannel(scenarioId: string): SyncChannel {
  if (typeof BroadcastChannel === 'undefined')
    return { post: () => {}, onMessage: () => () => {}, close: () => {} }
  const ch = new BroadcastChannel(channelName(scenarioId))
  return {
    post: (msg) => ch.postMessage({ ...msg, v: SYNC_VERSION }),
    onMessage(cb) {
      const h = (e: MessageEvent) => cb(e.data)
      ch.addEventListener('message', h)
      return () => ch.removeEventListener('message', h)
    },
    close: () => ch.close(),
  }
}

/** What pressing "next" on this step will make the simulation do (for the speaker notes). */
export function describeNextAction(step: Step | undefined, answered = false): string {
  if (!step) return 'Nothing: this is the recap.'
  if ('command' in step.complete) {
    const cmds = (step.solution as { commands: string[] }).commands
    return `Types ${cmds.map((c) => `\`${c}\``).join(', then ')} in the console.`
  }
  if ('event' in step.complete)
    return `Runs the clock until: ${(step.solution as { wait: string }).wait}`
  if ('predict' in step.complete) {
    const { question, choices } = step.complete.predict
    const right = choices[(step.solution as { answer: number }).answer]
    return answered
      ? 'Moves on to the next step.'
      : `Reveals the answer to “${question}”: ${right?.text ?? ''}`
  }
  if ('click' in step.complete) {
    const c = (step.solution as { click: { kind: string; name: string } }).click
    return `Moves on (a learner would select ${c.kind} ${c.name} on the map).`
  }
  return 'Moves on to the next step.'
}
