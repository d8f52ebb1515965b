import { createStore, type StoreApi } from 'zustand/vanilla'

// What the learner has done, kept across reloads: completed steps per scenario, finished scenarios
// and predict answers, in localStorage under a versioned key. An old version is migrated; a
// record that cannot be read is set aside (never silently lost), reset, and a notice says so.
// Export/import as a JSON file; imported files are checked by hand (no zod in the browser).

export const PROGRESS_KEY = 'cutaway.progress.v1'
/** v0 (before versioned keys): `{ completed: { [scenarioId]: stepId[] } }` */
export const LEGACY_KEYS = ['cutaway.progress'] as const
export const CORRUPT_KEY = `${PROGRESS_KEY}.unreadable`
const FORMAT = 'cutaway-progress'

export interface PredictAnswer {
  choice: number
  correct: boolean
}

export interface ScenarioProgress {
  /** ids of the steps the learner completed */
  steps: string[]
  /** predict answers by step id (the first answer counts) */
  answers: Record<string, PredictAnswer>
  completed: boolean
}

export interface ProgressData {
  version: 1
  scenarios: Record<string, ScenarioProgress>
}

/** The minimal part of the Web Storage API we use (tests pass a plain object). */
export interface StorageLike {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

export interface ProgressState {
  data: ProgressData
  /** shown to the learner (a reset, an import), until dismissed */
  notice: { tone: 'info' | 'warn'; text: string } | null

  completeStep(scenarioId: string, stepId: string): void
  recordAnswer(scenarioId: string, stepId: string, choice: number, correct: boolean): void
  completeScenario(scenarioId: string): void
  resetScenario(scenarioId: string): void
  resetAll(): void
  /** JSON text for a downloadable file */
  exportJson(): string
  /** replaces progress with an exported file's contents; returns an error message or null */
  importJson(text: string): string | null
  dismissNotice(): void
}

export type ProgressStore = StoreApi<ProgressState>

const empty = (): ProgressData => ({ version: 1, scenarios: {} })

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x)

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/

/** Checks a v1 record by hand; returns the cleaned data or a reason. */
export function checkProgress(
  raw: unknown,
): { ok: true; data: ProgressData } | { ok: false; error: string } {
  if (!isObject(raw)) return { ok: false, error: 'it is not a JSON object' }
  if (raw.version !== 1)
    return { ok: false, error: `its version is ${JSON.stringify(raw.version)}, not 1` }
  if (!isObject(raw.scenarios))
    return { ok: false, error: '"scenarios" is missing or not an object' }
  const scenarios: Record<string, ScenarioProgress> = {}
  for (const [id, value] of Object.entries(raw.scenarios)) {
    if (!ID.test(id)) return { ok: false, error: `"${id}" is not a scenario id` }
    if (!isObject(value)) return { ok: false, error: `scenarios.${id} is not an object` }
    const { steps, answers, completed } = value
    if (!Array.isArray(steps) || !steps.every((s) => typeof s === 'string' && ID.test(s)))
      return { ok: false, error: `scenarios.${id}.steps is not a list of step ids` }
    if (!isObject(answers)) return { ok: false, error: `scenarios.${id}.answers is not an object` }
    const cleanAnswers: Record<string, PredictAnswer> = {}
    for (const [stepId, a] of Object.entries(answers)) {
      if (
        !isObject(a) ||
        !Number.isInteger(a.choice) ||
        (a.choice as number) < 0 ||
        (a.choice as number) > 9 ||
        typeof a.correct !== 'boolean'
      )
        return { ok: false, error: `scenarios.${id}.answers.${stepId} is not {choice, correct}` }
      cleanAnswers[stepId] = { choice: a.choice as number, correct: a.correct }
    }
    if (typeof completed !== 'boolean')
      return { ok: false, error: `scenarios.${id}.completed is not true or false` }
    scenarios[id] = { steps: [...new Set(steps as string[])], answers: cleanAnswers, completed }
  }
  return { ok: true, data: { version: 1, scenarios } }
}

/** v0 → v1: `{ completed: { tour: ['nodes', …] } }` had steps only. */
export function migrateV0(raw: unknown): ProgressData | null {
  if (!isObject(raw) || !isObject(raw.completed)) return null
  const data = empty()
  for (const [id, steps] of Object.entries(raw.completed)) {
    if (!ID.test(id) || !Array.isArray(steps)) return null
    data.scenarios[id] = {
      steps: steps.filter((s): s is string => typeof s === 'string' && ID.test(s)),
      answers: {},
      completed: false,
    }
  }
  return data
}

type Loaded = { data: ProgressData; notice: ProgressState['notice'] }

function load(storage: StorageLike | null): Loaded {
  if (!storage) return { data: empty(), notice: null }
  let text: string | null
  try {
    text = storage.getItem(PROGRESS_KEY)
  } catch {
    return {
      data: empty(),
      notice: {
        tone: 'warn',
        text: 'Your browser blocks local storage, so progress is not saved on this device.',
      },
    }
  }
  if (text === null) {
    for (const key of LEGACY_KEYS) {
      const old = storage.getItem(key)
      if (old === null) continue
      let migrated: ProgressData | null
      try {
        migrated = migrateV0(JSON.parse(old))
      } catch {
        migrated = null
      }
      storage.removeItem(key)
      if (migrated) {
        storage.setItem(PROGRESS_KEY, JSON.stringify(migrated))
        return { data: migrated, notice: null }
      }
      storage.setItem(CORRUPT_KEY, old)
      return {
        data: empty(),
        notice: {
          tone: 'warn',
          text: 'Your saved progress from an older version of Cutaway could not be read, so it was reset. The old record is kept in local storage under "cutaway.progress.v1.unreadable".',
        },
      }
    }
    return { data: empty(), notice: null }
  }
  let reason: string
  try {
    const checked = checkProgress(JSON.parse(text))
    if (checked.ok) return { data: checked.data, notice: null }
    reason = checked.error
  } catch {
    reason = 'it is not valid JSON'
  }
  storage.setItem(CORRUPT_KEY, text)
  storage.setItem(PROGRESS_KEY, JSON.stringify(empty()))
  return {
    data: empty(),
    notice: {
      tone: 'warn',
      text: `Your saved progress could not be read (${reason}), so it was reset. The damaged record is kept in local storage under "${CORRUPT_KEY}".`,
    },
  }
}

export function createProgressStore(storage: StorageLike | null = browserStorage()): ProgressStore {
  const initial = load(storage)
  return createStore<ProgressState>()((set, get) => {
    function save(data: ProgressData) {
      set({ data })
      try {
        storage?.setItem(PROGRESS_KEY, JSON.stringify(data))
      } catch {
        set({
          notice: {
            tone: 'warn',
            text: 'Progress could not be saved (storage is full or blocked).',
          },
        })
      }
    }
    function update(id: string, fn: (p: ScenarioProgress) => ScenarioProgress) {
      const cur = get().data.scenarios[id] ?? { steps: [], answers: {}, completed: false }
      save({ ...get().data, scenarios: { ...get().data.scenarios, [id]: fn(cur) } })
    }

    return {
      data: initial.data,
      notice: initial.notice,

      completeStep(id, stepId) {
        if (get().data.scenarios[id]?.steps.includes(stepId)) return
        update(id, (p) => ({ ...p, steps: [...p.steps, stepId] }))
      },
      recordAnswer(id, stepId, choice, correct) {
        if (get().data.scenarios[id]?.answers[stepId]) return
        update(id, (p) => ({ ...p, answers: { ...p.answers, [stepId]: { choice, correct } } }))
      },
      completeScenario(id) {
        update(id, (p) => ({ ...p, completed: true }))
      },
      resetScenario(id) {
        const scenarios = { ...get().data.scenarios }
        delete scenarios[id]
        save({ ...get().data, scenarios })
      },
      resetAll() {
        save(empty())
      },
      exportJson() {
        return JSON.stringify({ format: FORMAT, exportedFrom: 'Cutaway', ...get().data }, null, 2)
      },
      importJson(text) {
        let raw: unknown
        try {
          raw = JSON.parse(text)
        } catch {
          return 'The file is not valid JSON.'
        }
        if (isObject(raw) && raw.format !== undefined && raw.format !== FORMAT)
          return 'The file is not a Cutaway progress export.'
        let data: ProgressData | null = null
        if (isObject(raw) && raw.version === undefined) data = migrateV0(raw)
        if (!data) {
          const { format: _f, exportedFrom: _e, ...rest } = isObject(raw) ? raw : {}
          const checked = checkProgress(rest)
          if (!checked.ok) return `The file could not be imported: ${checked.error}.`
          data = checked.data
        }
        save(data)
        const n = Object.keys(data.scenarios).length
        set({
          notice: { tone: 'info', text: `Progress imported (${n} scenario${n === 1 ? '' : 's'}).` },
        })
        return null
      },
      dismissNotice: () => set({ notice: null }),
    }
  })
}

function browserStorage(): StorageLike | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null
  }
}

let shared: ProgressStore | null = null
/** The app's one progress store (created on first use, so tests and Node never touch localStorage). */
export function progressStore(): ProgressStore {
  shared ??= createProgressStore()
  return shared
}

/** "4 of 9 steps" for a scenario with these step ids. */
export function stepsDone(
  data: ProgressData,
  scenarioId: string,
  stepIds: readonly string[],
): number {
  const done = new Set(data.scenarios[scenarioId]?.steps ?? [])
  return stepIds.filter((id) => done.has(id)).length
}
