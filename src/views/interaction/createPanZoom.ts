import { select } from 'd3-selection'
import { zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior } from 'd3-zoom'

// d3-zoom behind a factory (STYLE.md 14, after xyflow's XYPanZoom): the component creates it once
// in an effect with the <svg> and the <g> to transform, updates it from another effect when sizes
// change, and destroys it on cleanup. Every zoom frame writes the <g>'s transform attribute
// directly; React never re-renders for a pan or a zoom.

export interface PanZoomTransform {
  k: number
  x: number
  y: number
}

export interface PanZoomOptions {
  svg: SVGSVGElement
  target: SVGGElement
  minZoom?: number
  maxZoom?: number
  /** after every change (throttle nothing here: keep it cheap, write to refs or the DOM) */
  onTransform?: (t: PanZoomTransform) => void
  /** when the learner starts panning or zooming (hide tooltips, …) */
  onStart?: () => void
}

export interface PanZoomSizes {
  /** size of the map content at zoom 1 */
  content: { width: number; height: number }
  /** size of the visible area */
  viewport: { width: number; height: number }
  /** the "reset view" transform for these sizes */
  home: PanZoomTransform
}

export interface PanZoom {
  /** new sizes; re-applies the home view unless the learner has moved the map */
  update(sizes: PanZoomSizes): void
  /** back to the home view */
  reset(): void
  zoomBy(factor: number): void
  panBy(dx: number, dy: number): void
  /** pans a content rectangle into view (if it fits in the view at the current zoom) */
  reveal(rect: { x: number; y: number; w: number; h: number }): void
  getTransform(): PanZoomTransform
  /** whether the learner moved the map since the last reset */
  isMoved(): boolean
  destroy(): void
}

export function createPanZoom(opts: PanZoomOptions): PanZoom {
  const { svg, target } = opts
  let sizes: PanZoomSizes | null = null
  let moved = false
  let current: PanZoomTransform = { k: 1, x: 0, y: 0 }
  const behavior: ZoomBehavior<SVGSVGElement, unknown> = zoom<SVGSVGElement, unknown>()
    .scaleExtent([opts.minZoom ?? 0.2, opts.maxZoom ?? 4])
    // the wheel zooms, dragging the background pans; double-click stays free for the items
    .filter((event: Event) => {
      if (event.type === 'dblclick') return false
      const e = event as MouseEvent
      return (!e.ctrlKey || event.type === 'wheel') && !e.button
    })
    .on('start', (e: D3ZoomEvent<SVGSVGElement, unknown>) => {
      if (e.sourceEvent) opts.onStart?.()
    })
    .on('zoom', (e: D3ZoomEvent<SVGSVGElement, unknown>) => {
      const t = e.transform
      current = { k: t.k, x: t.x, y: t.y }
      if (e.sourceEvent) moved = true
      target.setAttribute('transform', t.toString())
      opts.onTransform?.(current)
    })
  const sel = select(svg)
  sel.call(behavior)

  function apply(t: PanZoomTransform) {
    behavior.transform(sel, zoomIdentity.translate(t.x, t.y).scale(t.k))
  }

  function setExtent(s: PanZoomSizes) {
    // keep at least a margin of the map on screen: the learner can never lose it
    const m = 80
    const { width: cw, height: ch } = s.content
    const { width: vw, height: vh } = s.viewport
    behavior.translateExtent([
      [-vw + m, -vh + m],
      [cw + vw - m, ch + vh - m],
    ])
    behavior.extent([
      [0, 0],
      [vw, vh],
    ])
  }

  return {
    update(next) {
      sizes = next
      setExtent(next)
      if (!moved) apply(next.home)
    },
    reset() {
      moved = false
      if (sizes) apply(sizes.home)
    },
    zoomBy(factor) {
      moved = true
      behavior.scaleBy(sel, factor)
    },
    panBy(dx, dy) {
      moved = true
      // dx/dy in screen pixels
      behavior.translateBy(sel, dx / current.k, dy / current.k)
    },
    reveal(rect) {
      if (!sizes) return
      const { width: vw, height: vh } = sizes.viewport
      const pad = 24
      const { k } = current
      let { x, y } = current
      // bigger than the view (the VPC, a tray): leave the view alone
      if (rect.w * k > vw - 2 * pad || rect.h * k > vh - 2 * pad) return
      const left = rect.x * k + x
      const top = rect.y * k + y
      if (left < pad) x += pad - left
      else if (left + rect.w * k > vw - pad) x -= left + rect.w * k - (vw - pad)
      if (top < pad) y += pad - top
      else if (top + rect.h * k > vh - pad) y -= top + rect.h * k - (vh - pad)
      if (x === current.x && y === current.y) return
      moved = true
      apply({ k, x, y })
    },
    getTransform: () => current,
    isMoved: () => moved,
    destroy() {
      behavior.on('start', null).on('zoom', null)
      sel.on('.zoom', null)
    },
  }
}
