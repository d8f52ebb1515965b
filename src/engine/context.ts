import type { ClusterState } from './model/state.ts'
import type { SimEvent } from './events.ts'
import type { Agenda } from './clock.ts'
import type { WorkItem } from './model/state.ts'

/** What every engine function works on: a draft of the state, the clock's agenda, and the events it emits. */
export interface Ctx {
  state: ClusterState
  agenda: Agenda
  events: SimEvent[]
}

export function schedule(
  ctx: Ctx,
  delayMs: number,
  work: WorkItem,
  opts: { background?: boolean; dedupKey?: string } = {},
): void {
  ctx.agenda.schedule(ctx.state.now, delayMs, work, opts.background ?? false, opts.dedupKey)
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

export function emit(ctx: Ctx, event: DistributiveOmit<SimEvent, 'at'>): void {
  ctx.events.push({ ...event, at: ctx.state.now } as SimEvent)
}
