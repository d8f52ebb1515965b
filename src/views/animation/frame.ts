// The app's only requestAnimationFrame (STYLE.md 15). The simulation clock registers a per-frame
// callback; animations ask for one-shot frames. One browser frame serves both, in that order.

type FrameCallback = (t: number) => void

const everyFrame = new Set<FrameCallback>()
const once = new Map<number, FrameCallback>()
let nextId = 1
let raf = 0

function frame(t: number) {
  raf = 0
  for (const cb of [...everyFrame]) cb(t)
  const due = [...once.values()]
  once.clear()
  for (const cb of due) cb(t)
  schedule()
}

function schedule() {
  if (!raf && (everyFrame.size || once.size)) raf = requestAnimationFrame(frame)
}

/** Calls `cb` on every frame until the returned function is called. */
export function onEveryFrame(cb: FrameCallback): () => void {
  everyFrame.add(cb)
  schedule()
  return () => {
    everyFrame.delete(cb)
  }
}

/** One-shot frame, with the same contract as requestAnimationFrame. */
export function requestFrame(cb: FrameCallback): number {
  const id = nextId++
  once.set(id, cb)
  schedule()
  return id
}

export function cancelFrame(id: number): void {
  once.delete(id)
}
