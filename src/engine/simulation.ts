import { current, isDraft, produce, type Draft } from 'immer'
import { Agenda } from './clock.ts'
import type { Ctx } from './context.ts'
import type { SimEvent } from './events.ts'
import type { ClusterState, SimulationConfig } from './model/state.ts'
import { createRng } from './random.ts'
import { runWork } from './controllers/index.ts'
import { recordCniLogs } from './net/ipam/cniLogs.ts'
import {
  BOOT,
  bootstrapAddons,
  bootstrapControlPlane,
  createAws,
  createNodeGroup,
} from './aws/bootstrap.ts'
import { randomHex } from './random.ts'

// The one way in: a seeded, deterministic discrete-event simulation of an EKS cluster.
// State is immutable (immer); every change happens in a transaction that either commits whole or
// leaves the state untouched, so a rejected command changes nothing.

export const DEFAULT_CONFIG: SimulationConfig = {
  clusterName: 'demo',
  region: 'us-west-2',
  kubernetesVersion: '1.32',
  nodeCount: 3,
  instanceType: 't3.medium',
  containerLogMaxSize: 10 * 1024 * 1024,
  containerLogMaxFiles: 5,
}

/** When the cluster is "settled": no foreground work left, and nothing more due within this window. */
const SETTLE_GRACE_MS = 1000
const DEFAULT_SETTLE_LIMIT_MS = 15 * 60_000

export type TransactResult<T> =
  { ok: true; value: T; events: SimEvent[] } | { ok: false; error: unknown }

export interface SimSnapshot {
  state: ClusterState
  agenda: Agenda
  version: number
}

export type Listener = (events: readonly SimEvent[], state: ClusterState) => void

export interface Simulation {
  readonly state: ClusterState
  /** bumps on every committed change (a cheap change stamp for views) */
  readonly version: number
  /** Runs `fn` on a draft; commits if it returns, discards everything if it throws. */
  transact<T>(fn: (ctx: Ctx) => T): TransactResult<T>
  /** Moves the virtual clock forward by `ms`, running all work that falls due. */
  advance(ms: number): SimEvent[]
  /** Runs until the cluster has settled (see SETTLE_GRACE_MS), at most `limitMs` of virtual time. */
  settle(limitMs?: number): SimEvent[]
  /**
   * Runs work item by item until `done(state)` holds or `limitMs` passes; returns whether it held.
   * `done` and `onProgress` receive the state being built (read from it, keep no references).
   */
  runUntil(
    done: (s: ClusterState) => boolean,
    limitMs: number,
    onProgress?: (s: ClusterState) => void,
  ): boolean
  /** Time the next piece of work falls due, if any. */
  nextDueAt(): number | undefined
  snapshot(): SimSnapshot
  restore(s: SimSnapshot): void
  subscribe(l: Listener): () => void
}

export interface CreateOptions {
  seed?: number
  config?: Partial<SimulationConfig>
}

export function createSimulation(opts: CreateOptions = {}): Simulation {
  const seed = (opts.seed ?? 1) >>> 0
  const config: SimulationConfig = { ...DEFAULT_CONFIG, ...opts.config }
  const rng = createRng(seed)
  const aws = createAws(rng, config)
  let state: ClusterState = {
    seed,
    rng,
    now: 0,
    etcd: { revision: 1, buckets: {} },
    aws,
    nodes: {},
    serviceIps: {},
    eventIndex: {},
    dependents: {},
    podRuntimes: {},
    config,
  }
  let agenda = new Agenda()
  let version = 0
  const listeners = new Set<Listener>()

  function commit(next: ClusterState, events: SimEvent[]) {
    if (next !== state) {
      state = next
      version++
    }
    if (events.length) for (const l of listeners) l(events, state)
  }

  function transact<T>(fn: (ctx: Ctx) => T): TransactResult<T> {
    const backup = agenda.clone()
    const events: SimEvent[] = []
    let value!: T
    try {
      const next = produce(state, (draft) => {
        value = fn({ state: draft, agenda, events })
        // files written from what just happened (the VPC CNI's logs on each node)
        recordCniLogs(draft, events)
        // a draft must not escape: its proxy is revoked when the transaction ends
        if (isDraft(value)) value = current(value as Draft<T>) as T
      })
      commit(next, events)
      return { ok: true, value, events }
    } catch (error) {
      agenda = backup
      return { ok: false, error }
    }
  }

  /**
   * Runs due work in ONE transaction (one immer produce: copying big buckets once, not per item).
   * `next` decides, before each item, whether to take it; `after` may stop the run after an item.
   */
  function run(
    next: (item: { at: number; background: boolean }, ctx: Ctx) => boolean,
    until: number,
    after?: (ctx: Ctx) => boolean,
  ): SimEvent[] {
    const r = transact((ctx) => {
      for (;;) {
        const head = agenda.peek()
        if (!head || head.at > until) break
        // stopped early (settled): the clock stays where the last work happened
        if (!next(head, ctx)) return
        const item = agenda.takeDue(until)!
        if (item.at > ctx.state.now) ctx.state.now = item.at
        runWork(ctx, item.work)
        if (after) {
          const following = agenda.peek()
          if ((!following || following.at > ctx.state.now) && after(ctx)) return
        }
      }
      if (Number.isFinite(until) && until > ctx.state.now) ctx.state.now = until
    })
    if (!r.ok) throw r.error
    return r.events
  }

  const sim: Simulation = {
    get state() {
      return state
    },
    get version() {
      return version
    },
    transact,
    advance(ms) {
      return run(() => true, state.now + Math.max(0, ms))
    },
    settle(limitMs = DEFAULT_SETTLE_LIMIT_MS) {
      // foreground work runs; background work (container output, back-off retries, heartbeats) only
      // while it falls within SETTLE_GRACE_MS of the last foreground step, so a crash-looping or
      // chatty container cannot keep the cluster "busy" forever
      const deadline = state.now + limitMs
      let lastForeground = state.now
      return run((item) => {
        if (!item.background) {
          lastForeground = item.at
          return true
        }
        if (item.at < lastForeground + SETTLE_GRACE_MS) return true
        // a background item beyond the window: go on only if foreground work is still queued
        return agenda.hasForeground()
      }, deadline)
    },
    runUntil(done, limitMs, onProgress) {
      const deadline = state.now + limitMs
      if (done(state)) return true
      let reached = false
      run(
        () => true,
        deadline,
        (ctx) => {
          onProgress?.(ctx.state)
          reached = done(ctx.state)
          return reached
        },
      )
      return reached || done(state)
    },
    nextDueAt() {
      return agenda.peek()?.at
    },
    snapshot() {
      return { state, agenda: agenda.clone(), version }
    },
    restore(s) {
      state = s.state
      agenda = s.agenda.clone()
      version++
    },
    subscribe(l) {
      listeners.add(l)
      return () => listeners.delete(l)
    },
  }

  // Create the cluster as EKS and eksctl would, then let it run until the simulation's start time.
  sim.transact((ctx) => bootstrapControlPlane(ctx))
  sim.advance(BOOT.addonsAt)
  sim.transact((ctx) => bootstrapAddons(ctx))
  sim.advance(BOOT.nodesAt - BOOT.addonsAt)
  sim.transact((ctx) =>
    createNodeGroup(
      ctx,
      `ng-${randomHex(ctx.state.rng, 8)}`,
      config.instanceType,
      config.nodeCount,
    ),
  )
  sim.advance(BOOT.startAt - state.now)
  return sim
}
