import { describe, expect, it } from 'vitest'
import {
  CORRUPT_KEY,
  PROGRESS_KEY,
  createProgressStore,
  stepsDone,
  type StorageLike,
} from './progressStore.ts'

/** A fake localStorage: a Map behind the three methods we use. */
function fakeStorage(
  init: Record<string, string> = {},
): StorageLike & { map: Map<string, string> } {
  const map = new Map(Object.entries(init))
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  }
}

describe('progressStore', () => {
  it('starts empty and saves steps, answers and completion under the versioned key', () => {
    const storage = fakeStorage()
    const p = createProgressStore(storage)
    expect(p.getState().notice).toBeNull()
    p.getState().completeStep('tour', 'nodes')
    p.getState().completeStep('tour', 'nodes')
    p.getState().recordAnswer('tour', 'where-is-etcd', 0, false)
    p.getState().recordAnswer('tour', 'where-is-etcd', 2, true) // the first answer counts
    p.getState().completeScenario('tour')
    const saved = JSON.parse(storage.map.get(PROGRESS_KEY)!)
    expect(saved).toEqual({
      version: 1,
      scenarios: {
        tour: {
          steps: ['nodes'],
          answers: { 'where-is-etcd': { choice: 0, correct: false } },
          completed: true,
        },
      },
    })
    // a reload reads it back
    expect(createProgressStore(storage).getState().data).toEqual(saved)
    expect(stepsDone(saved, 'tour', ['nodes', 'instances'])).toBe(1)
  })

  it('migrates the v0 record and removes the old key', () => {
    const storage = fakeStorage({
      'cutaway.progress': JSON.stringify({ completed: { tour: ['nodes', 'instances', 42] } }),
    })
    const p = createProgressStore(storage)
    expect(p.getState().notice).toBeNull()
    expect(p.getState().data.scenarios.tour).toEqual({
      steps: ['nodes', 'instances'],
      answers: {},
      completed: false,
    })
    expect(storage.map.has('cutaway.progress')).toBe(false)
    expect(JSON.parse(storage.map.get(PROGRESS_KEY)!).version).toBe(1)
  })

  it('resets a corrupted record with a visible notice and keeps the damaged text', () => {
    for (const bad of ['{not json', '[]', '{"version":1,"scenarios":{"tour":{"steps":"x"}}}']) {
      const storage = fakeStorage({ [PROGRESS_KEY]: bad })
      const p = createProgressStore(storage)
      expect(p.getState().data).toEqual({ version: 1, scenarios: {} })
      expect(p.getState().notice?.tone).toBe('warn')
      expect(p.getState().notice?.text).toMatch(/could not be read .* reset/)
      expect(storage.map.get(CORRUPT_KEY)).toBe(bad)
      // still works afterwards
      p.getState().completeStep('tour', 'nodes')
      expect(p.getState().data.scenarios.tour?.steps).toEqual(['nodes'])
      p.getState().dismissNotice()
      expect(p.getState().notice).toBeNull()
    }
  })

  it('resets an unreadable legacy record with a notice', () => {
    const storage = fakeStorage({ 'cutaway.progress': 'garbage' })
    const p = createProgressStore(storage)
    expect(p.getState().notice?.text).toMatch(/older version/)
    expect(storage.map.get(CORRUPT_KEY)).toBe('garbage')
  })

  it('survives storage that throws (private mode)', () => {
    const p = createProgressStore({
      getItem: () => {
        throw new Error('denied')
      },
      setItem: () => {
        throw new Error('denied')
      },
      removeItem: () => {},
    })
    expect(p.getState().notice?.text).toMatch(/blocks local storage/)
    p.getState().completeStep('tour', 'nodes')
    expect(p.getState().data.scenarios.tour?.steps).toEqual(['nodes'])
  })

  it('exports and imports a file; rejects bad files without changing anything', () => {
    const a = createProgressStore(fakeStorage())
    a.getState().completeStep('tour', 'nodes')
    a.getState().recordAnswer('tour', 'where-is-etcd', 2, true)
    const file = a.getState().exportJson()
    expect(JSON.parse(file).format).toBe('cutaway-progress')

    const b = createProgressStore(fakeStorage())
    b.getState().completeStep('other', 'x')
    expect(b.getState().importJson('nope')).toBe('The file is not valid JSON.')
    expect(b.getState().importJson('{"format":"something-else"}')).toMatch(/not a Cutaway/)
    expect(
      b
        .getState()
        .importJson(
          '{"version":1,"scenarios":{"tour":{"steps":[],"answers":{"a":{"choice":"x"}},"completed":false}}}',
        ),
    ).toMatch(/answers\.a/)
    expect(b.getState().data.scenarios.other?.steps).toEqual(['x'])
    expect(b.getState().importJson(file)).toBeNull()
    expect(b.getState().data).toEqual(a.getState().data)
    expect(b.getState().notice?.text).toMatch(/imported \(1 scenario\)/)
  })
})
