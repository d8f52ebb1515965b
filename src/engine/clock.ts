import type { QueuedWork, WorkItem } from './model/state.ts'

// The virtual clock's agenda: due work ordered by (time, insertion seq), ties broken by the counter,
// never by sort stability (compare xstate's SimulatedClock). It lives beside the immutable
// ClusterState rather than inside it: it changes on every step, nothing renders it, and a binary heap
// is much cheaper than an immutable sorted array. Snapshots copy it (see engine/simulation.ts).

function before(a: QueuedWork, b: QueuedWork): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq)
}

export class Agenda {
  private heap: QueuedWork[] = []
  /** dedup key -> time of the earliest queued item with that key */
  private pending = new Map<string, number>()
  seq = 0
  private foreground = 0

  get size(): number {
    return this.heap.length
  }

  clone(): Agenda {
    const a = new Agenda()
    a.heap = this.heap.slice()
    a.pending = new Map(this.pending)
    a.seq = this.seq
    a.foreground = this.foreground
    return a
  }

  schedule(
    now: number,
    delayMs: number,
    work: WorkItem,
    background = false,
    dedupKey?: string,
  ): void {
    const at = now + Math.max(0, delayMs)
    if (dedupKey !== undefined) {
      // already due no later than this: nothing to add. A later one (e.g. a deadline timer) must not
      // hide an earlier request, so an earlier request is queued as well.
      const queued = this.pending.get(dedupKey)
      if (queued !== undefined && queued <= at) return
      this.pending.set(dedupKey, at)
    }
    const item: QueuedWork = {
      at,
      seq: this.seq++,
      background,
      work,
      ...(dedupKey !== undefined ? { dedupKey } : {}),
    }
    if (!background) this.foreground++
    const h = this.heap
    h.push(item)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!before(h[i]!, h[p]!)) break
      ;[h[i], h[p]] = [h[p]!, h[i]!]
      i = p
    }
  }

  peek(): QueuedWork | undefined {
    return this.heap[0]
  }

  /** Removes and returns the earliest item if it is due at or before `until`. */
  takeDue(until: number): QueuedWork | undefined {
    const h = this.heap
    const top = h[0]
    if (!top || top.at > until) return undefined
    const last = h.pop()!
    if (h.length > 0) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && before(h[l]!, h[m]!)) m = l
        if (r < h.length && before(h[r]!, h[m]!)) m = r
        if (m === i) break
        ;[h[i], h[m]] = [h[m]!, h[i]!]
        i = m
      }
    }
    if (top.dedupKey !== undefined && this.pending.get(top.dedupKey) === top.at)
      this.pending.delete(top.dedupKey)
    if (!top.background) this.foreground--
    return top
  }

  hasForeground(): boolean {
    return this.foreground > 0
  }

  /** Earliest time of foreground work: when there is none, the cluster has settled. */
  nextForegroundAt(): number | undefined {
    let best: number | undefined
    for (const q of this.heap) if (!q.background && (best === undefined || q.at < best)) best = q.at
    return best
  }

  items(): readonly QueuedWork[] {
    return this.heap.slice().sort((a, b) => (before(a, b) ? -1 : 1))
  }
}
