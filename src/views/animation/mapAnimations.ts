import { easeBackOut, easeCubicOut, easeSinInOut } from 'd3-ease'
import { interpolateRgb } from 'd3-interpolate'
import type { LoggedEvent } from '../../state/simulationStore.ts'
import { refKey } from '../../state/uiStore.ts'
import type { AnimationLoop } from './animationLoop.ts'

// What the cluster map animates, driven by engine events: a pod the scheduler placed grows into its
// node, a started container pulses its pod, an etcd write flashes the leader and then the
// followers (Raft replication), and a pod whose status changes blends to its new colour. Targets
// are found by `data-anim` attributes that React renders; values are written to the DOM directly.
// Under prefers-reduced-motion only discrete changes happen. The event log is the text equivalent.

export interface ChipColours {
  fill: string
  stroke: string
}

export interface MapAnimator {
  onEvents(events: readonly LoggedEvent[]): void
  onStatusChange(podKey: string, from: ChipColours, to: ChipColours): void
  /** writes running animations to freshly committed elements (call from a layout effect) */
  flush(): void
  destroy(): void
}

export interface MapAnimatorOptions {
  loop: AnimationLoop
  root: () => Element | null
  isReduced: () => boolean
  /** playback speed: animations run faster when the simulation does */
  speed: () => number
  /** etcd member names, leader first */
  etcdMembers: () => string[]
}

/** Above this many running animations, new decorative ones are skipped (a 300-pod rollout). */
const BUSY = 200

export function createMapAnimator(opts: MapAnimatorOptions): MapAnimator {
  const { loop } = opts
  const find = (key: string) =>
    opts.root()?.querySelector<SVGGElement>(`[data-anim="${CSS.escape(key)}"]`) ?? null
  const ms = (base: number) => base / Math.min(2, Math.max(0.5, opts.speed()))

  function scaleAbout(el: SVGGElement, s: number) {
    const chip = el.querySelector('rect')
    const w = Number(chip?.getAttribute('width') ?? 0)
    const h = Number(chip?.getAttribute('height') ?? 0)
    el.setAttribute(
      'transform',
      `translate(${w / 2} ${h / 2}) scale(${s.toFixed(3)}) translate(${-w / 2} ${-h / 2})`,
    )
  }

  function enter(podKey: string) {
    if (opts.isReduced() || loop.size > BUSY) return
    let el: SVGGElement | null = null
    loop.start(`enter:${podKey}`, {
      duration: ms(450),
      ease: easeBackOut,
      waitMs: 400,
      update(t) {
        el ??= find(podKey)
        if (!el) return false
        scaleAbout(el, 0.2 + 0.8 * t)
        el.style.opacity = String(Math.min(1, t * 1.5))
      },
      end() {
        el?.removeAttribute('transform')
        el?.style.removeProperty('opacity')
      },
    })
  }

  function pulse(podKey: string) {
    if (opts.isReduced() || loop.size > BUSY || loop.has(`enter:${podKey}`)) return
    let el: SVGGElement | null = null
    loop.start(`pulse:${podKey}`, {
      duration: ms(500),
      ease: easeSinInOut,
      waitMs: 300,
      update(t) {
        el ??= find(podKey)
        if (!el) return false
        scaleAbout(el, 1 + 0.35 * Math.sin(Math.PI * t))
      },
      end() {
        el?.removeAttribute('transform')
      },
    })
  }

  function flashEtcd() {
    const reduced = opts.isReduced()
    opts.etcdMembers().forEach((name, i) => {
      const key = refKey({ kind: 'EtcdMember', name })
      let flash: SVGElement | null = null
      loop.start(`etcd:${name}`, {
        duration: reduced ? 600 : ms(700),
        delay: reduced ? 0 : i === 0 ? 0 : ms(140),
        ease: reduced ? undefined : easeCubicOut,
        update(t) {
          flash ??= find(key)?.querySelector<SVGElement>('.flash') ?? null
          if (!flash) return false
          // reduced motion: on, then off; otherwise a fade
          flash.style.opacity = reduced ? (t < 1 ? '0.55' : '0') : String(0.75 * (1 - t))
        },
        end() {
          flash?.style.removeProperty('opacity')
        },
      })
    })
  }

  return {
    onEvents(events) {
      let put = false
      for (const { event: e } of events) {
        if (e.type === 'etcd.put') put = true
        else if (e.type === 'pod.scheduled')
          enter(refKey({ kind: 'Pod', namespace: e.namespace, name: e.pod }))
        else if (e.type === 'container.start')
          pulse(refKey({ kind: 'Pod', namespace: e.namespace, name: e.pod }))
      }
      if (put) flashEtcd()
    },
    onStatusChange(podKey, from, to) {
      if (opts.isReduced()) return
      let chip: SVGElement | null = null
      const fill = interpolateRgb(from.fill, to.fill)
      const stroke = interpolateRgb(from.stroke, to.stroke)
      loop.start(`colour:${podKey}`, {
        duration: ms(600),
        ease: easeCubicOut,
        waitMs: 300,
        update(t) {
          chip ??= find(podKey)?.querySelector<SVGElement>('rect.chip') ?? null
          if (!chip) return false
          chip.style.fill = fill(t)
          chip.style.stroke = stroke(t)
        },
        end() {
          chip?.style.removeProperty('fill')
          chip?.style.removeProperty('stroke')
        },
      })
    },
    flush() {
      loop.flush()
    },
    destroy() {
      loop.destroy()
    },
  }
}
