import type { SimEvent } from '../../engine/index.ts'
import { secretOfEvent, type SecretRef } from './journey.ts'

// Which stop of the journey is lit, and how far playback runs: a plain reducer the component drives
// from its animation loop (one stop per beat) and from engine events (a write to etcd plays the
// control-plane stops; a kubelet fetch plays the node stops). Pure, so it is tested without a DOM.

export interface PlayerState {
  /** index of the lit stop */
  at: number
  /** playing stops when `at` reaches this index */
  until: number
  playing: boolean
}

export type PlayerAction =
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'back' }
  | { type: 'goto'; at: number }
  | { type: 'tick' }
  | { type: 'run'; from: number; to: number }

/** Index of the first node stop (kubelet) in every journey; the control-plane part ends before it. */
export const FIRST_NODE_STOP = 6

export function initialPlayer(stops: number): PlayerState {
  return { at: 0, until: stops - 1, playing: false }
}

export function playerReducer(s: PlayerState, a: PlayerAction, stops: number): PlayerState {
  const last = stops - 1
  const clamp = (i: number) => Math.max(0, Math.min(last, i))
  switch (a.type) {
    case 'play':
      // from the end, play again from the start
      return s.at >= last
        ? { at: 0, until: last, playing: true }
        : { ...s, until: last, playing: true }
    case 'pause':
      return { ...s, playing: false }
    case 'step':
      return { ...s, at: clamp(s.at + 1), playing: false }
    case 'back':
      return { ...s, at: clamp(s.at - 1), playing: false }
    case 'goto':
      return { ...s, at: clamp(a.at), playing: false }
    case 'tick': {
      if (!s.playing) return s
      const at = clamp(s.at + 1)
      return { ...s, at, playing: at < s.until }
    }
    case 'run':
      return { at: clamp(a.from), until: clamp(a.to), playing: clamp(a.from) < clamp(a.to) }
  }
}

/**
 * What fresh engine events ask the view to play: the newest Secret written or fetched, and the
 * stops to run (from kubectl to the followers for a write, kubelet to the container for a fetch,
 * all of them when both happen in one batch). Null when none of the events is about a Secret.
 */
export function runFor(
  events: readonly SimEvent[],
  stops: number,
): { secret: SecretRef; from: number; to: number } | null {
  let secret: SecretRef | null = null
  let wrote = false
  let fetched = false
  for (const e of events) {
    const ref = secretOfEvent(e)
    // `kubectl replace` of every Secret rewrites kube-system's too: the learner's own one is the story
    if (!ref || ref.namespace === 'kube-system') continue
    if (secret && (secret.namespace !== ref.namespace || secret.name !== ref.name)) {
      // a different Secret: follow the newest one only
      wrote = fetched = false
    }
    secret = ref
    if (e.type === 'etcd.replicate') wrote = true
    else fetched = true
  }
  if (!secret) return null
  const last = stops - 1
  return {
    secret,
    from: wrote ? 0 : FIRST_NODE_STOP,
    to: fetched ? last : Math.min(last, FIRST_NODE_STOP - 1),
  }
}
