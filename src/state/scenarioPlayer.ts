import { createStore, type StoreApi } from 'zustand/vanilla'
import { resolveCommand } from '../console/commands/index.ts'
import { parseFlags } from '../console/flags.ts'
import { parseCommandLine } from '../console/tokenize.ts'
import type { CommandSpec, FlagValues, ShellMode } from '../console/types.ts'
import { lookupResource, type SimEvent } from '../engine/index.ts'
import type { EventMatch, Scenario, ShellModeKind, TargetRef } from '../scenarios/types.ts'
import type { LoggedEvent, SimulationStore } from './simulationStore.ts'

// The guided-scenario player: pure TypeScript around a simulation store, no React. It tracks the
// current step and decides when it is complete: a command step by the commands the store logs
// (matched against the console's spec table), an event step by the engine events the store
// publishes, a click step by notifyClick(), a predict step by answer(). Deep links replay the
// solutions of earlier steps so the cluster is in the state the step expects.

// ---------------------------------------------------------------------------------------------
// Command patterns

const MODES: Record<ShellModeKind, ShellMode> = {
  local: { kind: 'local' },
  node: { kind: 'node', node: 'pattern', via: 'ssh' },
  container: {
    kind: 'container',
    namespace: 'default',
    pod: 'pattern',
    container: 'c',
    shell: 'sh',
  },
}

/** A representative shell of that kind (for resolving and matching patterns outside a session). */
export function shellModeOf(kind: ShellModeKind): ShellMode {
  return MODES[kind]
}

export interface CompiledPattern {
  pattern: string
  spec: CommandSpec
  mode: ShellModeKind
  /** positional args; `null` is a wildcard (`{node}` in the pattern) */
  args: (string | null)[]
  /** flags written in the pattern (no defaults) */
  flags: FlagValues
  /** words after `--` (`kubectl exec {pod} -- curl`): the typed command's must start with them */
  after: (string | null)[]
}

export type CompileResult = { ok: true; compiled: CompiledPattern } | { ok: false; error: string }

const WILDCARD = /^\{[a-z][\w-]*\}$/

/** Drops defaults so only what the pattern writes is required. */
function explicitFlags(spec: CommandSpec) {
  return (spec.flags ?? []).map((f) => ({ ...f, default: undefined }))
}

function normalizeArgs(spec: CommandSpec, args: string[]): string[] {
  // kubectl accepts pods/po/pod and deploy/deployments for the same type: compare canonical names
  if (spec.path[0] !== 'kubectl' || spec.args?.[0] !== 'resource' || args.length === 0) return args
  const [first, ...rest] = args
  const norm = first!
    .split(',')
    .map((part) => {
      const [type, ...name] = part.split('/')
      const info = lookupResource(type!)
      const t = info ? info.resource : type!
      return name.length ? `${t}/${name.join('/')}` : t
    })
    .join(',')
  return [norm, ...rest]
}

/** Resolves a pattern against the console's spec table (the same table help and completion read). */
export function compilePattern(pattern: string, mode?: ShellModeKind): CompileResult {
  const parsed = parseCommandLine(pattern)
  if (!parsed.ok) return { ok: false, error: parsed.error }
  const cmds = parsed.pipelines.flatMap((p) => p.commands)
  if (cmds.length !== 1)
    return { ok: false, error: `"${pattern}" must be one simple command (no pipes or ;)` }
  const argv = cmds[0]!.argv
  const modes: ShellModeKind[] = mode ? [mode] : ['local', 'node', 'container']
  for (const m of modes) {
    const r = resolveCommand(argv, MODES[m])
    if (!r.ok) continue
    const { spec, rest } = r
    let args: string[]
    let flags: FlagValues = {}
    let after: string[] = []
    if (spec.rawArgs) args = rest
    else {
      const f = parseFlags(rest, explicitFlags(spec))
      if (!f.ok) return { ok: false, error: `"${pattern}": ${f.error}` }
      args = f.args
      after = f.rest
      flags = Object.fromEntries(Object.entries(f.flags).filter(([, v]) => v !== undefined))
    }
    const norm = normalizeArgs(
      spec,
      args.map((a) => (WILDCARD.test(a) ? '\u0000' : a)),
    )
    return {
      ok: true,
      compiled: {
        pattern,
        spec,
        mode: m,
        args: norm.map((a) => (a === '\u0000' ? null : a)),
        flags,
        after: after.map((a) => (WILDCARD.test(a) ? null : a)),
      },
    }
  }
  return {
    ok: false,
    error: `"${pattern}" does not resolve to a command in ${mode ? `the ${mode} shell` : 'any shell'}`,
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b))
    return JSON.stringify([a].flat().map(String)) === JSON.stringify([b].flat().map(String))
  return String(a) === String(b)
}

/** True when a command line the learner typed (in `mode`) contains a command matching the pattern. */
export function matchCommand(p: CompiledPattern, input: string, mode: ShellMode): boolean {
  if (mode.kind !== p.mode) return false
  const parsed = parseCommandLine(input)
  if (!parsed.ok) return false
  for (const pipeline of parsed.pipelines)
    for (const cmd of pipeline.commands) {
      if (cmd.argv.length === 0) continue
      const r = resolveCommand(cmd.argv, mode)
      if (!r.ok || r.spec !== p.spec) continue
      let args: string[]
      let flags: FlagValues = {}
      let after: string[] = []
      if (r.spec.rawArgs) args = r.rest
      else {
        const f = parseFlags(r.rest, r.spec.flags ?? [])
        if (!f.ok) continue
        args = f.args
        flags = f.flags
        after = f.rest
      }
      args = normalizeArgs(r.spec, args)
      const argsOk = p.args.every((a, i) => (a === null ? args[i] !== undefined : args[i] === a))
      const flagsOk = Object.entries(p.flags).every(([k, v]) => sameValue(flags[k], v))
      const afterOk = p.after.every((a, i) =>
        a === null ? after[i] !== undefined : after[i] === a,
      )
      if (argsOk && flagsOk && afterOk) return true
    }
  return false
}

// ---------------------------------------------------------------------------------------------
// Events and clicks

export function eventMatches(e: SimEvent, m: EventMatch): boolean {
  if (e.type !== m.type) return false
  const rec = e as unknown as Record<string, unknown>
  for (const [k, want] of Object.entries(m.where ?? {})) {
    const got = rec[k]
    if (typeof want === 'object') {
      if (typeof got !== 'string' || !got.startsWith(want.prefix)) return false
    } else if (got !== want) return false
  }
  return true
}

/** How many of `events` count towards `m` (distinct by `m.distinct` when given). */
export function countMatches(events: readonly LoggedEvent[], m: EventMatch, afterId = 0): number {
  const seen = new Set<string>()
  let n = 0
  for (const { id, event } of events) {
    if (id <= afterId || !eventMatches(event, m)) continue
    if (m.distinct) {
      const key = String((event as unknown as Record<string, unknown>)[m.distinct])
      if (seen.has(key)) continue
      seen.add(key)
    }
    n++
  }
  return n
}

export interface ClickRef {
  kind: string
  name: string
  namespace?: string
}

export function targetMatches(t: TargetRef, r: ClickRef): boolean {
  if (t.kind.toLowerCase() !== r.kind.toLowerCase()) return false
  if (t.name !== undefined && r.name !== t.name) return false
  if (t.namePrefix !== undefined && !r.name.startsWith(t.namePrefix)) return false
  if (t.namespace !== undefined && r.namespace !== t.namespace) return false
  return true
}

// ---------------------------------------------------------------------------------------------
// The player

export type StepStatus = 'todo' | 'done' | 'replayed'

export type SolutionReveal =
  | { kind: 'command'; text: string }
  | { kind: 'click'; target: ClickRef }
  | { kind: 'wait'; text: string }
  | { kind: 'answer'; choice: number }
  | { kind: 'none' }

export interface PlayerCallbacks {
  /** the learner completed a step (not called for steps replayed by a deep link) */
  onStepComplete?(stepId: string): void
  onAnswer?(stepId: string, choice: number, correct: boolean): void
  /** the learner completed the last step */
  onFinish?(): void
}

export interface PlayerOptions extends PlayerCallbacks {
  /** 0-based step to start at; earlier steps' solutions are replayed. `steps.length` = the recap. */
  startStep?: number
  /** pause the clock while a predict question is open, so the answer is not shown first (default true) */
  pauseOnPredict?: boolean
  /** run the scenario's setup (default true; false when the store already holds it) */
  setup?: boolean
}

export interface PlayerState {
  scenario: Scenario
  /** current step, 0-based; `steps.length` means finished (the recap) */
  index: number
  status: StepStatus[]
  /** chosen choice per predict step (null: not answered) */
  answers: (number | null)[]
  /** how many hints are revealed per step */
  hintsShown: number[]
  solutionShown: boolean[]
  /** the last solution reveal for the current step, for the view to act on */
  reveal: SolutionReveal | null
  /** set when the setup or a deep-link replay failed; the player still works from where it is */
  error: string | null

  next(): void
  back(): void
  /** go to step `i` (0-based); going past unfinished steps replays their solutions */
  goTo(i: number): void
  answer(choice: number): void
  showHint(): void
  showSolution(): SolutionReveal
  notifyClick(ref: ClickRef): void
  dispose(): void
}

export type ScenarioPlayer = StoreApi<PlayerState>

const REPLAY_LIMIT_MS = 10 * 60_000
const TICK_MS = 250

export function createScenarioPlayer(
  scenario: Scenario,
  sim: SimulationStore,
  opts: PlayerOptions = {},
): ScenarioPlayer {
  const steps = scenario.steps
  const patterns = steps.map((s) =>
    'command' in s.complete ? compilePattern(s.complete.command, s.complete.mode) : null,
  )
  /** event id watermark when each step was first entered */
  const entered: (number | undefined)[] = steps.map(() => undefined)
  /** log length when each step was last entered (for "show solution") */
  const enteredLog: number[] = steps.map(() => 0)
  let lastLogLength = 0
  let modeBefore: ShellMode = sim.getState().session().mode
  let replaying = false
  let pausedForPredict = false
  let unsubscribe: () => void = () => {}

  const internal = { checkCommands: () => {}, checkEvents: () => {} }

  const lastEventId = () => sim.getState().events.at(-1)?.id ?? 0

  const player = createStore<PlayerState>()((set, get) => {
    function enter(i: number) {
      if (i < steps.length && entered[i] === undefined) entered[i] = lastEventId()
      if (i < steps.length) enteredLog[i] = sim.getState().log.length
      const prev = get()?.index
      if (prev !== undefined && prev !== i) leave(prev)
      set({ index: i, reveal: null })
      const step = steps[i]
      if (!step || replaying) return
      if (
        'predict' in step.complete &&
        get().status[i] === 'todo' &&
        (opts.pauseOnPredict ?? true) &&
        sim.getState().playing
      ) {
        sim.getState().pause()
        pausedForPredict = true
      }
      checkEvents()
    }

    function leave(i: number) {
      const step = steps[i]
      if (step && 'predict' in step.complete && pausedForPredict) {
        pausedForPredict = false
        sim.getState().play()
      }
    }

    function complete(i: number, by: 'learner' | 'replay') {
      const status = [...get().status]
      if (status[i] !== 'todo') return
      status[i] = by === 'learner' ? 'done' : 'replayed'
      set({ status })
      if (by === 'learner') {
        opts.onStepComplete?.(steps[i]!.id)
        if (i === steps.length - 1) opts.onFinish?.()
      }
    }

    /** command, event and click steps move on by themselves once done */
    function completeAndAdvance(i: number) {
      complete(i, replaying ? 'replay' : 'learner')
      if (get().index === i) enter(i + 1)
    }

    function eventWindowStart(i: number): number {
      for (let j = i - 1; j >= 0; j--) if ('command' in steps[j]!.complete) return entered[j] ?? 0
      return entered[i] ?? 0
    }

    function eventStepSatisfied(i: number): boolean {
      const step = steps[i]!
      if (!('event' in step.complete)) return false
      const m = step.complete.event
      return countMatches(sim.getState().events, m, eventWindowStart(i)) >= (m.count ?? 1)
    }

    function checkEvents() {
      const i = get().index
      const step = steps[i]
      if (!step || !('event' in step.complete) || get().status[i] !== 'todo') return
      if (eventStepSatisfied(i)) completeAndAdvance(i)
    }

    function checkCommands() {
      const s = sim.getState()
      if (s.log.length < lastLogLength) lastLogLength = s.log.length // stepped back / undone
      const fresh = s.log.slice(lastLogLength)
      lastLogLength = s.log.length
      const session = s.session()
      for (const entry of fresh) {
        const i = get().index
        const p = patterns[i]
        if (
          p?.ok &&
          get().status[i] === 'todo' &&
          matchCommand(p.compiled, entry.command, modeBefore)
        ) {
          // a command that failed (exit code ≠ 0) does not complete the step, unless the step
          // waits for that very failure (`exitCode: 28`: curl timed out against a DROP rule)
          const step = steps[i]!
          const want = 'command' in step.complete ? (step.complete.exitCode ?? 0) : 0
          const logged = [...session.log].reverse().find((l) => l.input === entry.command)
          if (!logged || logged.exitCode === want) completeAndAdvance(i)
        }
        // (for several commands at once we only know the final mode; good enough for redo batches)
        modeBefore = session.mode
      }
      modeBefore = session.mode
    }

    function advanceUntil(done: () => boolean): boolean {
      const wasPlaying = sim.getState().playing
      sim.getState().play()
      let waited = 0
      while (!done() && waited < REPLAY_LIMIT_MS) {
        sim.getState().tick(TICK_MS)
        waited += TICK_MS * sim.getState().speed
      }
      if (!wasPlaying) sim.getState().pause()
      return done()
    }

    /** Replays step i's solution (deep links, goTo past unfinished steps). */
    function replayStep(i: number): string | null {
      const step = steps[i]!
      if (get().status[i] !== 'todo') return null
      if ('command' in step.complete) {
        for (const c of (step.solution as { commands: string[] }).commands) {
          sim.getState().run(c, 'scenario')
          checkCommands()
        }
        if (get().status[i] === 'todo')
          return `step ${i + 1} ("${step.title}"): its solution did not complete it`
      } else if ('event' in step.complete) {
        if (!advanceUntil(() => eventStepSatisfied(i)))
          return `step ${i + 1} ("${step.title}"): the awaited ${step.complete.event.type} never came`
        complete(i, 'replay')
      } else complete(i, 'replay')
      return null
    }

    function replayTo(target: number) {
      replaying = true
      try {
        while (get().index < target) {
          const i = get().index
          const error = replayStep(i)
          if (error) {
            set({ error: `Could not rebuild the cluster for this step: ${error}.` })
            return
          }
          if (get().index === i) enter(i + 1)
        }
      } finally {
        replaying = false
      }
    }

    internal.checkCommands = checkCommands
    internal.checkEvents = checkEvents

    return {
      scenario,
      index: 0,
      status: steps.map(() => 'todo' as StepStatus),
      answers: steps.map(() => null),
      hintsShown: steps.map(() => 0),
      solutionShown: steps.map(() => false),
      reveal: null,
      error: null,

      next() {
        const i = get().index
        const step = steps[i]
        if (!step) return
        if ('next' in step.complete) complete(i, 'learner')
        if (get().status[i] === 'todo') return
        enter(i + 1)
      },

      back() {
        const i = get().index
        if (i > 0) enter(i - 1)
      },

      goTo(target) {
        const t = Math.max(0, Math.min(steps.length, Math.floor(target)))
        const firstTodo = get().status.findIndex((s) => s === 'todo')
        const reachable = firstTodo === -1 ? steps.length : firstTodo
        if (t <= reachable) {
          enter(t)
          return
        }
        enter(reachable)
        replayTo(t)
        enter(get().index)
      },

      answer(choice) {
        const i = get().index
        const step = steps[i]
        if (!step || !('predict' in step.complete) || get().answers[i] !== null) return
        const picked = step.complete.predict.choices[choice]
        if (!picked) return
        const answers = [...get().answers]
        answers[i] = choice
        set({ answers })
        opts.onAnswer?.(step.id, choice, picked.correct)
        complete(i, 'learner')
      },

      showHint() {
        const i = get().index
        const step = steps[i]
        if (!step) return
        const hintsShown = [...get().hintsShown]
        hintsShown[i] = Math.min(step.hints.length, hintsShown[i]! + 1)
        set({ hintsShown })
      },

      showSolution() {
        const i = get().index
        const step = steps[i]
        let reveal: SolutionReveal = { kind: 'none' }
        if (step && 'command' in step.complete) {
          const cmds = (step.solution as { commands: string[] }).commands
          // the first command of the solution not yet typed since the step began
          const since = sim
            .getState()
            .log.slice(enteredLog[i])
            .map((e) => e.command.trim())
          const typed = cmds.findIndex((c) => !since.includes(c))
          reveal = { kind: 'command', text: cmds[typed === -1 ? cmds.length - 1 : typed]! }
        } else if (step && 'click' in step.complete)
          reveal = { kind: 'click', target: (step.solution as { click: ClickRef }).click }
        else if (step && 'event' in step.complete)
          reveal = { kind: 'wait', text: (step.solution as { wait: string }).wait }
        else if (step && 'predict' in step.complete)
          reveal = { kind: 'answer', choice: (step.solution as { answer: number }).answer }
        if (step) {
          const solutionShown = [...get().solutionShown]
          solutionShown[i] = true
          set({ solutionShown, reveal })
        }
        return reveal
      },

      notifyClick(ref) {
        const i = get().index
        const step = steps[i]
        if (!step || !('click' in step.complete) || get().status[i] !== 'todo') return
        if (targetMatches(step.complete.click, ref)) completeAndAdvance(i)
      },

      dispose() {
        unsubscribe()
      },
    }
  })

  // setup: a fresh cluster from the scenario's seed, the setup commands, then let it settle
  const s0 = sim.getState()
  if (opts.setup ?? true) {
    const config = scenario.config ?? {}
    if (
      s0.seed !== scenario.seed ||
      s0.log.length > 0 ||
      JSON.stringify(s0.config) !== JSON.stringify(config)
    )
      s0.load(scenario.seed, [], undefined, config)
    if (scenario.setup.length) {
      for (const c of scenario.setup) sim.getState().run(c, 'scenario')
      sim.getState().settle()
      sim.getState().clearTranscript()
    }
  }
  lastLogLength = sim.getState().log.length
  modeBefore = sim.getState().session().mode
  entered[0] = lastEventId()
  enteredLog[0] = sim.getState().log.length

  const start = opts.startStep ?? 0
  if (start > 0) player.getState().goTo(start)

  unsubscribe = sim.subscribe((s, prev) => {
    if (replaying) return
    if (s.log !== prev.log) internal.checkCommands()
    if (s.events !== prev.events) internal.checkEvents()
  })
  return player
}
