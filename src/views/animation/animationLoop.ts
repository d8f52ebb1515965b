// The views' animation loop (STYLE.md 15, after Excalidraw's renderer/animation.ts): one
// requestAnimationFrame drives every keyed animation; each is a step function of its progress.
// Per-frame values go straight to DOM attributes from `update`; nothing here touches React state.
// The loop sleeps (no frame requested) while no animation runs.

export interface Animation {
  /** ms; 0 applies the end state at the next frame */
  duration: number
  /** ms to wait before starting (the etcd followers flash after the leader) */
  delay?: number
  /** progress 0..1 → value handed to update, e.g. an easing from d3-ease */
  ease?: (t: number) => number
  /**
   * Applies the state at eased progress t. Return false when the target is not in the DOM yet
   * (React has not committed it): the animation waits, up to `waitMs`, without advancing.
   */
  update(t: number): boolean | void
  /** called once when the animation finishes or is replaced/cancelled: clear inline styles here */
  end?(): void
  waitMs?: number
}

export interface AnimationLoop {
  /** starts (or restarts) the animation under this key; a running one is ended first */
  start(key: string, animation: Animation): void
  cancel(key: string): void
  has(key: string): boolean
  /** applies every running animation's current state now (call after React commits new DOM) */
  flush(): void
  /** how many animations run */
  readonly size: number
  destroy(): void
}

export interface LoopOptions {
  now?: () => number
  requestFrame?: (cb: (t: number) => void) => number
  cancelFrame?: (id: number) => void
}

interface Running {
  animation: Animation
  /** time the animation started waiting/started, in loop time */
  startedAt: number
  /** set once the target was found: progress counts from here */
  liveAt: number | null
}

export function createAnimationLoop(opts: LoopOptions = {}): AnimationLoop {
  const now = opts.now ?? (() => performance.now())
  const requestFrame = opts.requestFrame ?? ((cb) => requestAnimationFrame(cb))
  const cancelFrame = opts.cancelFrame ?? ((id) => cancelAnimationFrame(id))
  const running = new Map<string, Running>()
  let frame: number | null = null

  function finish(key: string, r: Running) {
    running.delete(key)
    r.animation.end?.()
  }

  function step(key: string, r: Running, t: number) {
    const a = r.animation
    const since = t - r.startedAt - (a.delay ?? 0)
    if (since < 0) return
    if (r.liveAt === null) {
      r.liveAt = t
    }
    const p = a.duration <= 0 ? 1 : Math.min(1, (t - r.liveAt) / a.duration)
    const ok = a.update(a.ease ? a.ease(p) : p)
    if (ok === false) {
      // target not there yet: keep waiting from the start, or give up
      r.liveAt = null
      if (t - r.startedAt > (a.delay ?? 0) + (a.waitMs ?? 500)) finish(key, r)
      return
    }
    if (p >= 1) finish(key, r)
  }

  function tick() {
    frame = null
    const t = now()
    for (const [key, r] of [...running]) step(key, r, t)
    if (running.size) schedule()
  }

  function schedule() {
    if (frame === null) frame = requestFrame(tick)
  }

  return {
    start(key, animation) {
      const prev = running.get(key)
      if (prev) finish(key, prev)
      running.set(key, { animation, startedAt: now(), liveAt: null })
      schedule()
    },
    cancel(key) {
      const r = running.get(key)
      if (r) finish(key, r)
    },
    has: (key) => running.has(key),
    flush() {
      const t = now()
      for (const r of running.values()) {
        const a = r.animation
        if (t - r.startedAt < (a.delay ?? 0)) continue
        const p =
          r.liveAt === null || a.duration <= 0 ? 0 : Math.min(1, (t - r.liveAt) / a.duration)
        if (r.liveAt === null) {
          if (a.update(a.ease ? a.ease(0) : 0) !== false) r.liveAt = t
        } else a.update(a.ease ? a.ease(p) : p)
      }
    },
    get size() {
      return running.size
    },
    destroy() {
      if (frame !== null) cancelFrame(frame)
      frame = null
      for (const [key, r] of [...running]) finish(key, r)
    },
  }
}
