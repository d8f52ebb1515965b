import { easeSinInOut } from 'd3-ease'
import type { AnimationLoop } from '../animation/animationLoop.ts'
import { LANES, positionAt, type Lane } from './pipeline.ts'

// Drives the log pipeline strip from engine events on the app's one animation loop (STYLE.md 15):
// a `log.append` sends a dot app → pipe → containerd → file; a `kubectl logs` request sends one
// kubectl → API server → kubelet → file and back. At most one dot per lane at a time: a pod that
// logs 60 lines a second still shows one line travelling (the event log lists every line). Under
// prefers-reduced-motion the dot stays hidden and the stations light up one after the other.
// Values go straight to DOM attributes; React only renders the strip.

export interface PipelineAnimator {
  /** one line written (ignored while a line is still travelling) */
  line(): boolean
  /** one `kubectl logs` request (ignored while one is still travelling) */
  request(): boolean
  destroy(): void
}

export interface PipelineAnimatorOptions {
  loop: AnimationLoop
  root: () => Element | null
  isReduced: () => boolean
  /** playback speed: the dot moves faster when the simulation does */
  speed: () => number
}

const DURATION: Record<Lane['id'], number> = { line: 1400, request: 2200 }

export function createPipelineAnimator(opts: PipelineAnimatorOptions): PipelineAnimator {
  const { loop } = opts
  const ms = (base: number) => base / Math.min(2, Math.max(0.5, opts.speed()))

  function run(lane: Lane): boolean {
    const key = `pipeline:${lane.id}`
    if (loop.has(key)) return false
    const reduced = opts.isReduced()
    let dot: SVGCircleElement | null = null
    let stations: SVGGElement[] = []
    const light = (i: number) =>
      stations.forEach((s, j) => s.classList.toggle('is-active', j === i))
    loop.start(key, {
      duration: reduced ? 1600 : ms(DURATION[lane.id]),
      ease: reduced ? undefined : easeSinInOut,
      waitMs: 300,
      update(t) {
        const root = opts.root()
        if (!root) return false
        if (!dot) {
          dot = root.querySelector<SVGCircleElement>(`[data-pipeline-dot="${lane.id}"]`)
          stations = [
            ...root.querySelectorAll<SVGGElement>(`[data-pipeline-lane="${lane.id}"] .station`),
          ]
        }
        if (!dot) return false
        const p = positionAt(lane, t)
        light(p.station)
        if (reduced) return
        dot.setAttribute('cx', p.x.toFixed(1))
        dot.setAttribute('cy', p.y.toFixed(1))
        dot.style.opacity = '1'
        dot.classList.toggle('is-back', p.back)
      },
      end() {
        light(-1)
        dot?.style.removeProperty('opacity')
        dot?.classList.remove('is-back')
      },
    })
    return true
  }

  return {
    line: () => run(LANES[0]!),
    request: () => run(LANES[1]!),
    destroy: () => loop.destroy(),
  }
}
