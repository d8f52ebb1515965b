import { createStore, type StoreApi } from 'zustand/vanilla'
import {
  createSimulation,
  type ClusterState,
  type SimulationConfig,
  type SimEvent,
  type SimSnapshot,
} from '../engine/index.ts'
import { Console, type RunResult } from '../console/session.ts'
import type { CommandSource, OutputLine, ShellMode } from '../console/types.ts'

// The simulation store: one engine + console session, the command log that is the source of truth,
// checkpoints for stepping back, playback (play/pause/speed), and the bounded list of recent engine
// events the views animate. Vanilla zustand: no React here (views bind with hooks in views/hooks).

/** A command as the log records it: what was typed, at which simulated time. */
export interface LogEntry {
  at: number
  command: string
}

export interface TranscriptEntry {
  id: number
  prompt: string
  input: string
  lines: OutputLine[]
  source: CommandSource
}

export interface LoggedEvent {
  id: number
  event: SimEvent
}

/** A point the learner can step back to. */
interface Checkpoint {
  label: string
  snapshot: SimSnapshot
  logLength: number
  transcriptLength: number
  eventCount: number
  mode: ShellMode
  historyLength: number
}

export const SPEEDS = [0.25, 0.5, 1, 2, 4] as const
export const MAX_EVENTS = 1000
/** With the clock running, one real second is this many simulated ms at 1x. */
const SIM_MS_PER_REAL_MS = 1

export interface SimulationStoreState {
  seed: number
  cluster: ClusterState
  version: number
  /** command log since the cluster was created: replaying it on `seed` rebuilds `cluster` */
  log: LogEntry[]
  redoStack: LogEntry[][]
  transcript: TranscriptEntry[]
  events: LoggedEvent[]
  playing: boolean
  speed: number
  prompt: string
  canStepBack: boolean
  /** a message for the learner about the last load (e.g. a broken link) */
  notice: string | null

  session(): Console
  run(command: string, source?: CommandSource): RunResult
  tick(realMs: number): void
  /** run until the cluster settles (what the terminal console does after each command) */
  settle(): void
  play(): void
  pause(): void
  setSpeed(speed: number): void
  /** advance to the next moment something happens in the cluster */
  stepForward(): void
  /** go back to the previous checkpoint (before the last command or step) */
  stepBack(): void
  undo(): void
  redo(): void
  reset(seed?: number): void
  /** rebuild from a seed and a log (sandbox links, scenario setup, "open in sandbox") */
  load(seed: number, log: readonly LogEntry[], now?: number): void
  clearTranscript(): void
  dismissNotice(): void
}

export type SimulationStore = StoreApi<SimulationStoreState>

export interface StoreOptions {
  seed?: number
  /** cluster shape (node count, instance type…); a lesson may want a bigger cluster */
  config?: Partial<SimulationConfig>
  log?: readonly LogEntry[]
  now?: number
  playing?: boolean
}

export function createSimulationStore(opts: StoreOptions = {}): SimulationStore {
  let session: Console
  let checkpoints: Checkpoint[] = []
  let nextId = 1
  let unsubscribe: () => void = () => {}
  let pendingEvents: LoggedEvent[] = []

  const store = createStore<SimulationStoreState>()((set, get) => {
    function attach(seed: number) {
      unsubscribe()
      session = new Console(
        createSimulation({ seed, ...(opts.config ? { config: opts.config } : {}) }),
        { settleAfterCommands: false },
      )
      pendingEvents = []
      unsubscribe = session.sim.subscribe((evs) => {
        for (const event of evs) pendingEvents.push({ id: nextId++, event })
      })
    }

    /** Moves buffered engine events and the latest cluster state into the store. */
    function publish(extra: Partial<SimulationStoreState> = {}) {
      const events = pendingEvents.length
        ? [...get().events, ...pendingEvents].slice(-MAX_EVENTS)
        : get().events
      pendingEvents = []
      set({
        cluster: session.sim.state,
        version: session.sim.version,
        events,
        prompt: session.prompt(),
        canStepBack: checkpoints.length > 1,
        ...extra,
      })
    }

    function checkpoint(label: string) {
      // during the store's own creation there is no state yet: the first checkpoint is the empty start
      const s = get() ?? { log: [], transcript: [] }
      checkpoints.push({
        label,
        snapshot: session.sim.snapshot(),
        logLength: s.log.length,
        transcriptLength: s.transcript.length,
        eventCount: nextId,
        mode: session.mode,
        historyLength: session.history.length,
      })
    }

    function rebuild(seed: number, log: readonly LogEntry[], now?: number) {
      attach(seed)
      checkpoints = []
      const transcript: TranscriptEntry[] = []
      checkpoint('start')
      for (const entry of log) {
        if (entry.at > session.sim.state.now) session.sim.advance(entry.at - session.sim.state.now)
        const prompt = session.prompt()
        const r = session.run(entry.command, 'terminal')
        transcript.push({
          id: nextId++,
          prompt,
          input: entry.command,
          lines: r.lines,
          source: 'terminal',
        })
      }
      if (now !== undefined && now > session.sim.state.now)
        session.sim.advance(now - session.sim.state.now)
      set({ seed, log: [...log], transcript })
      checkpoint('loaded')
      publish()
    }

    const initialSeed = opts.seed ?? 1
    attach(initialSeed)
    checkpoint('start')

    return {
      seed: initialSeed,
      cluster: session.sim.state,
      version: session.sim.version,
      log: [],
      redoStack: [],
      transcript: [],
      events: [],
      playing: opts.playing ?? false,
      speed: 1,
      prompt: session.prompt(),
      canStepBack: false,
      notice: null,

      session: () => session,

      run(command, source = 'terminal') {
        const at = session.sim.state.now
        const prompt = session.prompt()
        const r = session.run(command, source)
        const entry: TranscriptEntry = {
          id: nextId++,
          prompt,
          input: command,
          lines: r.lines,
          source,
        }
        const transcript = r.cleared ? [] : [...get().transcript, entry]
        set({ log: [...get().log, { at, command }], redoStack: [], transcript })
        checkpoint(command)
        publish()
        return r
      },

      tick(realMs) {
        const { playing, speed } = get()
        if (!playing || realMs <= 0) return
        session.sim.advance(Math.min(realMs, 250) * speed * SIM_MS_PER_REAL_MS)
        if (pendingEvents.length || session.sim.version !== get().version) publish()
        else set({ cluster: session.sim.state })
      },

      settle() {
        session.sim.settle()
        publish()
      },

      play: () => set({ playing: true }),
      pause: () => {
        checkpoint('pause')
        set({ playing: false, canStepBack: checkpoints.length > 1 })
      },
      setSpeed(speed) {
        const clamped = Math.min(4, Math.max(0.25, speed))
        set({ speed: clamped })
      },

      stepForward() {
        const due = session.sim.nextDueAt()
        if (due === undefined) return
        checkpoint('step')
        session.sim.advance(Math.max(0, due - session.sim.state.now))
        set({ playing: false })
        publish()
      },

      stepBack() {
        if (checkpoints.length < 2) return
        // the last checkpoint is "now" when nothing happened since; go to the one before it
        let target = checkpoints[checkpoints.length - 1]!
        if (
          target.snapshot.state === session.sim.state ||
          target.snapshot.state.now === session.sim.state.now
        ) {
          checkpoints.pop()
          target = checkpoints[checkpoints.length - 1]!
        }
        const s = get()
        const undone = s.log.slice(target.logLength)
        session.sim.restore(target.snapshot)
        session.mode = target.mode
        session.history.length = target.historyLength
        set({
          playing: false,
          log: s.log.slice(0, target.logLength),
          redoStack: undone.length ? [...s.redoStack, undone] : s.redoStack,
          transcript: s.transcript.slice(0, target.transcriptLength),
          events: s.events.filter((e) => e.id < target.eventCount),
        })
        pendingEvents = []
        publish()
      },

      undo() {
        get().stepBack()
      },

      redo() {
        const s = get()
        const batch = s.redoStack[s.redoStack.length - 1]
        if (!batch) return
        set({ redoStack: s.redoStack.slice(0, -1) })
        for (const e of batch) {
          if (e.at > session.sim.state.now) session.sim.advance(e.at - session.sim.state.now)
          const redoStack = get().redoStack
          get().run(e.command)
          set({ redoStack })
        }
      },

      reset(seed) {
        rebuild(seed ?? get().seed, [])
        set({ redoStack: [], playing: false })
      },

      load(seed, log, now) {
        rebuild(seed, log, now)
        set({ redoStack: [] })
      },

      clearTranscript: () => set({ transcript: [] }),
      dismissNotice: () => set({ notice: null }),
    }
  })
  if (opts.log?.length || opts.now) store.getState().load(opts.seed ?? 1, opts.log ?? [], opts.now)
  return store
}
