import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { tour } from '../scenarios/tour.ts'
import {
  describeNextAction,
  parseNotesRequest,
  parsePresenterState,
  SYNC_VERSION,
  syncedTranscript,
  type PresenterState,
} from './presenterSync.ts'

const state: PresenterState = {
  kind: 'state',
  index: 2,
  answered: false,
  playing: true,
  speed: 2,
  now: 1234,
  blank: false,
  transcript: [{ prompt: '$ ', input: 'kubectl get ns', lines: [{ text: 'NAME', tone: 'out' }] }],
}

describe('the notes-window channel', () => {
  it('round-trips the presenter state and the requests', () => {
    expect(parsePresenterState({ ...state, v: SYNC_VERSION })).toEqual(state)
    for (const r of [
      { kind: 'next' },
      { kind: 'goTo', index: 4 },
      { kind: 'setSpeed', speed: 0.5 },
      { kind: 'blank', blank: true },
      { kind: 'run', command: 'kubectl get pods' },
    ])
      expect(parseNotesRequest({ ...r, v: SYNC_VERSION })).toEqual(r)
  })

  it('ignores what it does not know', () => {
    expect(parsePresenterState({ ...state, v: 2 })).toBeNull()
    expect(parsePresenterState({ ...state, index: -1, v: 1 })).toBeNull()
    expect(parseNotesRequest({ kind: 'run', command: '   ', v: 1 })).toBeNull()
    expect(parseNotesRequest({ kind: 'run', command: 'x'.repeat(5000), v: 1 })).toBeNull()
    expect(parseNotesRequest({ kind: 'setSpeed', speed: 3, v: 1 })).toBeNull()
    expect(parseNotesRequest({ kind: 'rm -rf', v: 1 })).toBeNull()
    // an unknown tone is dropped, not passed on as a class name
    const odd = parsePresenterState({
      ...state,
      v: 1,
      transcript: [{ prompt: '', input: '', lines: [{ text: 'x', tone: '"><img>' }] }],
    })
    expect(odd?.transcript[0]?.lines[0]).toEqual({ text: 'x' })
  })

  it('never throws on any input', () => {
    fc.assert(
      fc.property(fc.anything(), (x) => {
        parseNotesRequest(x)
        parsePresenterState(x)
      }),
    )
  })

  it('sends only the tail of the transcript', () => {
    const entries = Array.from({ length: 10 }, (_, i) => ({
      id: i,
      prompt: '$ ',
      input: `c${i}`,
      lines: Array.from({ length: 50 }, () => ({ text: 'l' })),
      source: 'terminal' as const,
    }))
    const t = syncedTranscript(entries)
    expect(t.map((e) => e.input)).toEqual(['c4', 'c5', 'c6', 'c7', 'c8', 'c9'])
    expect(t[0]!.lines).toHaveLength(40)
  })
})

describe('describeNextAction', () => {
  it('says what "next" does for each kind of step', () => {
    const [nodes, , etcd] = tour.steps
    expect(describeNextAction(nodes)).toBe('Types `kubectl get nodes -o wide` in the console.')
    expect(describeNextAction(etcd)).toMatch(
      /^Reveals the answer to “Where does this cluster's etcd run\?”/,
    )
    expect(describeNextAction(etcd, true)).toBe('Moves on to the next step.')
    expect(describeNextAction(undefined)).toMatch(/recap/)
  })
})
