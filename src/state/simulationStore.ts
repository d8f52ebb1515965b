import { createStore, type StoreApi } from 'zustand/vanilla'
import {
  createSimulation,
  type ClusterState,
  type SimulationConfig,
  type SimEvent,
  type SimSnapshot,
} from '../engine/index.ts'
import { Console, type RunResult } from '../console/session.ts'
import type { CommandSource, OutputLine, OutputStream, ShellMode } from '../console/types.ts'

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

/** A point on the timeline the learner can step back (and forward again) to. */
interface Checkpoint {
  label: string
  snapshot: SimSnapshot
  log: LogEntry[]
  transcript: TranscriptEntry[]
  events: LoggedEvent[]
  mode: ShellMode
  history: string[]
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
  /** positions ahead on the timeline after stepping back (redo / step forward replays them exactly) */
  canStepForward: boolean
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
  /** forward along the timeline after a step back, else to the next moment something happens */
  stepForward(): void
  /** back to the previous point on the timeline (before the last command, step or pause) */
  stepBack(): void
  undo(): void
  redo(): void
  reset(seed?: number): void
  /** rebuild from a seed and a log (sandbox links, scenario setup, "open in sandbox") */
  load(
    seed: number,
    log: readonly LogEntry[],
    now?: number,
    config?: Partial<SimulationConfig>,
  ): void
  /** the cluster shape the current cluster was built with (a lesson may choose its own) */
  config: Partial<SimulationConfig>
  clearTranscript(): void
  /** a command that keeps printing (kubectl logs -f) is running; Ctrl+C stops it */
  following: boolean
  stopFollowing(): void
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
  let config: Partial<SimulationConfig> = opts.config ?? {}
  // the timeline: checkpoints in order; `cursor` is the one the cluster is at (or has moved on from
  // while playing). Stepping back moves the cursor; anything new cuts off what lay ahead.
  let timeline: Checkpoint[] = []
  let cursor = -1
  let nextId = 1
  let unsubscribe: () => void = () => {}
  let pendingEvents: LoggedEvent[] = []
  // the transcript entry a streaming command appends to, and its stream
  let follow: { entryId: number; stream: OutputStream } | null = null

  const store = createStore<SimulationStoreState>()((set, get) => {
    function attach(seed: number) {
      unsubscribe()
      session = new Console(createSimulation({ seed, config }), { settleAfterCommands: false })
      pendingEvents = []
      unsubscribe = session.sim.subscribe((evs) => {
        for (const event of evs) pendingEvents.push({ id: nextId++, event })
      })
    }

    /** Appends what a streaming command printed since the last frame to its transcript entry. */
    function pollFollow(): Partial<SimulationStoreState> {
      if (!follow) return {}
      const { lines, done } = follow.stream.poll()
      if (lines.length === 0 && !done) return {}
      const id = follow.entryId
      if (done) follow = null
      const transcript = get().transcript.map((e) =>
        e.id === id ? { ...e, lines: [...e.lines, ...lines] } : e,
      )
      return { transcript, following: follow !== null }
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
        ...pollFollow(),
        events,
        prompt: session.prompt(),
        canStepBack: cursor > 0 || (cursor === 0 && !atCursor()),
        canStepForward: cursor < timeline.length - 1,
        ...extra,
      })
    }

    /** True when the cluster is exactly at the cursor's checkpoint (nothing has happened since). */
    function atCursor(): boolean {
      const c = timeline[cursor]
      return !!c && c.snapshot.state === session.sim.state
    }

    /** Records the present as a new point on the timeline, cutting off any future. */
    function checkpoint(label: string) {
      // during the store's own creation there is no state yet: the first checkpoint is the empty start
      const s = get() ?? { log: [], transcript: [], events: [] }
      if (atCursor() && cursor === timeline.length - 1) return
      timeline = timeline.slice(0, cursor + 1)
      timeline.push({
        label,
        snapshot: session.sim.snapshot(),
        log: s.log,
        transcript: s.transcript,
        events: s.events,
        mode: session.mode,
        history: [...session.history],
      })
      cursor = timeline.length - 1
    }

    function goTo(index: number) {
      follow = null
      set({ following: false })
      const c = timeline[index]!
      cursor = index
      session.sim.restore(c.snapshot)
      // restore() bumps the version; keep the checkpoint's state identity so atCursor() holds
      session.mode = c.mode
      session.history.length = 0
      session.history.push(...c.history)
      pendingEvents = []
      set({ playing: false, log: c.log, transcript: c.transcript, events: c.events })
      publish()
    }

    function rebuild(
      seed: number,
      log: readonly LogEntry[],
      now?: number,
      nextConfig?: Partial<SimulationConfig>,
    ) {
      follow = null
      if (nextConfig) config = nextConfig
      attach(seed)
      timeline = []
      cursor = -1
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
      set({ seed, config, log: [...log], transcript, events: [] })
      publish()
      checkpoint('loaded')
      publish()
    }

    const initialSeed = opts.seed ?? 1
    attach(initialSeed)
    checkpoint('start')

    return {
      seed: initialSeed,
      config,
      cluster: session.sim.state,
      version: session.sim.version,
      log: [],
      canStepForward: false,
      transcript: [],
      events: [],
      playing: opts.playing ?? false,
      speed: 1,
      prompt: session.prompt(),
      canStepBack: false,
      notice: null,

      session: () => session,

      run(command, source = 'terminal') {
        if (follow) get().stopFollowing()
        // the moment before it was typed (time may have run since the last checkpoint)
        if (!atCursor()) checkpoint('before command')
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
        if (r.stream) {
          follow = { entryId: entry.id, stream: r.stream }
          set({ following: true })
        }
        set({ log: [...get().log, { at, command }], transcript })
        publish()
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

      play() {
        // running the clock from an earlier point starts a new future
        timeline = timeline.slice(0, cursor + 1)
        set({ playing: true, canStepForward: false })
      },
      pause() {
        set({ playing: false })
        publish()
        checkpoint('pause')
        publish()
      },
      setSpeed(speed) {
        const clamped = Math.min(4, Math.max(0.25, speed))
        set({ speed: clamped })
      },

      stepForward() {
        if (cursor < timeline.length - 1 && atCursor()) {
          goTo(cursor + 1)
          return
        }
        const due = session.sim.nextDueAt()
        if (due === undefined) return
        if (!atCursor()) checkpoint('step from')
        session.sim.advance(Math.max(0, due - session.sim.state.now))
        set({ playing: false })
        publish()
        checkpoint('step')
        publish()
      },

      stepBack() {
        if (!atCursor()) {
          // time ran since the last checkpoint: remember where we are, then go back to it
          const back = cursor
          checkpoint('live')
          goTo(back)
          return
        }
        if (cursor > 0) goTo(cursor - 1)
      },

      undo() {
        get().stepBack()
      },

      redo() {
        if (cursor < timeline.length - 1) goTo(cursor + 1)
      },

      reset(seed) {
        rebuild(seed ?? get().seed, [])
        set({ playing: false })
      },

      load(seed, log, now, nextConfig) {
        rebuild(seed, log, now, nextConfig)
      },

      clearTranscript: () => set({ transcript: [] }),

      following: false,
      stopFollowing() {
        if (!follow) return
        const id = follow.entryId
        follow = null
        set({
          following: false,
          transcript: get().transcript.map((e) =>
            e.id === id ? { ...e, lines: [...e.lines, { text: '^C', tone: 'dim' as const }] } : e,
          ),
        })
      },
      dismissNotice: () => set({ notice: null }),
    }
  })
  if (opts.log?.length || opts.now) store.getState().load(opts.seed ?? 1, opts.log ?? [], opts.now)
  return store
}
