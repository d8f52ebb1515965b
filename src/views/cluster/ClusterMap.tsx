import type { HighlightRef } from '../../state/uiStore.ts'
import {
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type SyntheticEvent,
} from 'react'
import './cluster.css'
import { refKey, type ObjectRef } from '../../state/uiStore.ts'
import { useSim, useSimStore, useUi, useUiStore } from '../hooks/stores.ts'
import { useReducedMotion } from '../hooks/useReducedMotion.ts'
import { createPanZoom, type PanZoom } from '../interaction/createPanZoom.ts'
import { createAnimationLoop } from '../animation/animationLoop.ts'
import { cancelFrame, requestFrame } from '../animation/frame.ts'
import { createMapAnimator, type MapAnimator } from '../animation/mapAnimations.ts'
import { fitTransform, layoutCluster, type LayoutItem, type MapLayout } from './layout.ts'
import { MapItem } from './MapItem.tsx'
import { itemSignature, itemText } from './itemText.ts'
import { LEGEND_ORDER, POD_STYLES } from './podStatus.ts'
import { ObjectTree } from './ObjectTree.tsx'

// The cluster map: the VPC with its AZs, subnets, gateways, worker nodes and pods, and the
// AWS-managed control plane outside it. React renders the SVG from layout.ts; d3-zoom (wrapped in
// createPanZoom) moves one <g>; engine events drive the animations through one rAF loop. A
// "Text view" shows the same objects as a keyboard-navigable tree.

/** Does a map item's key (`Kind/ns/name` or `Kind/name`) match a lesson's highlight target? */
function matchesTarget(key: string, h: HighlightRef): boolean {
  const parts = key.split('/')
  const kind = parts[0]
  const name = parts[parts.length - 1]!
  const ns = parts.length > 2 ? parts[1] : undefined
  return (
    kind === h.kind &&
    (h.name === undefined || h.name === name) &&
    (h.namePrefix === undefined || name.startsWith(h.namePrefix)) &&
    (h.namespace === undefined || h.namespace === ns)
  )
}

export function ClusterMap() {
  const [textView, setTextView] = useState(false)
  const panZoomRef = useRef<PanZoom | null>(null)
  return (
    <section aria-label="Cluster map" className="cluster-map" data-testid="cluster.map">
      <div className="map-toolbar" role="toolbar" aria-label="Map view">
        <button
          type="button"
          aria-pressed={textView}
          onClick={() => setTextView((v) => !v)}
          data-testid="map.text-view"
        >
          Text view
        </button>
        {!textView && (
          <>
            <button
              type="button"
              onClick={() => panZoomRef.current?.reset()}
              data-testid="map.reset"
            >
              Reset view
            </button>
            <button
              type="button"
              aria-label="Zoom in"
              onClick={() => panZoomRef.current?.zoomBy(1.25)}
              data-testid="map.zoom-in"
            >
              +
            </button>
            <button
              type="button"
              aria-label="Zoom out"
              onClick={() => panZoomRef.current?.zoomBy(0.8)}
              data-testid="map.zoom-out"
            >
              −
            </button>
          </>
        )}
        <Legend />
      </div>
      {textView ? <ObjectTree /> : <MapCanvas panZoomRef={panZoomRef} />}
    </section>
  )
}

function Legend() {
  return (
    <details className="map-legend">
      <summary>Legend</summary>
      <ul>
        {LEGEND_ORDER.map((c) => (
          <li key={c}>
            <svg width="22" height="12" aria-hidden="true">
              <rect
                x="1"
                y="1"
                width="20"
                height="10"
                rx="3"
                fill={POD_STYLES[c].fill}
                stroke={POD_STYLES[c].stroke}
                strokeDasharray={POD_STYLES[c].dashed ? '3 2' : undefined}
                strokeWidth={POD_STYLES[c].thick ? 2 : 1}
              />
            </svg>
            {POD_STYLES[c].label}
          </li>
        ))}
        <li>
          <svg width="22" height="12" aria-hidden="true">
            <rect x="1" y="1" width="20" height="10" rx="0.5" fill="#0f3320" stroke="#3fb950" />
            <rect x="2" y="2" width="3" height="8" fill="#e6edf3" />
          </svg>
          hostNetwork pod (uses the node’s IP; square corners)
        </li>
      </ul>
    </details>
  )
}

const PAN_STEP = 60

function MapCanvas({ panZoomRef }: { panZoomRef: { current: PanZoom | null } }) {
  const store = useSimStore()
  const ui = useUiStore()
  const cluster = useSim((s) => s.cluster)
  const selected = useUi((s) => s.selected)
  const [activeKey, setActiveKey] = useState<string | null>(null)
  const highlighted = useUi((s) => s.highlighted)
  const concealed = useUi((s) => s.concealed)
  const reduced = useReducedMotion()
  const wrapRef = useRef<HTMLDivElement>(null)
  const svgRef = useRef<SVGSVGElement>(null)
  const zoomRef = useRef<SVGGElement>(null)
  const [size, setSize] = useState({ width: 0, height: 0 })

  useLayoutEffect(() => {
    const el = wrapRef.current
    if (!el) return
    const measure = () => {
      const r = el.getBoundingClientRect()
      setSize((s) =>
        s.width === Math.round(r.width) && s.height === Math.round(r.height)
          ? s
          : { width: Math.round(r.width), height: Math.round(r.height) },
      )
    }
    measure()
    const ro = new ResizeObserver(measure)
    ro.observe(el)
    return () => ro.disconnect()
  }, [])

  // the layout depends on the width only (height changes re-fit the view, not the drawing)
  const layoutWidth = size.width || 900
  const layout = useMemo(
    () => layoutCluster(cluster, { width: layoutWidth, height: 0 }),
    [cluster, layoutWidth],
  )

  // --- pan and zoom: created once, updated when sizes change, destroyed on unmount -----------
  useEffect(() => {
    const svg = svgRef.current
    const target = zoomRef.current
    if (!svg || !target) return
    const pz = createPanZoom({ svg, target, onStart: () => ui.getState().hover(null) })
    panZoomRef.current = pz
    return () => {
      pz.destroy()
      panZoomRef.current = null
    }
  }, [ui, panZoomRef])

  useEffect(() => {
    if (!size.width || !size.height) return
    const content = { width: layout.width, height: layout.height }
    panZoomRef.current?.update({ content, viewport: size, home: fitTransform(content, size) })
  }, [layout.width, layout.height, size, panZoomRef])

  // --- animations: one loop, fed by engine events and status changes --------------------------
  const reducedRef = useRef(reduced)
  const animatorRef = useRef<MapAnimator | null>(null)
  useEffect(() => {
    reducedRef.current = reduced
  }, [reduced])
  useEffect(() => {
    const animator = createMapAnimator({
      loop: createAnimationLoop({ requestFrame, cancelFrame }),
      root: () => svgRef.current,
      isReduced: () => reducedRef.current,
      speed: () => store.getState().speed,
      etcdMembers: () => {
        const ms = store.getState().cluster.aws.controlPlane.etcdMembers
        return [...ms].sort((a, b) => Number(b.isLeader) - Number(a.isLeader)).map((m) => m.name)
      },
    })
    animatorRef.current = animator
    let lastId = store.getState().events.at(-1)?.id ?? 0
    const unsub = store.subscribe((s, prev) => {
      if (s.events === prev.events) return
      const last = s.events.at(-1)?.id ?? 0
      if (last < lastId) {
        // stepped back: nothing new happened, nothing to animate
        lastId = last
        return
      }
      const fresh = s.events.filter((e) => e.id > lastId)
      lastId = last
      if (fresh.length) animator.onEvents(fresh)
    })
    return () => {
      unsub()
      animator.destroy()
      animatorRef.current = null
    }
  }, [store])

  // colour changes: compare each pod's chip colours with the last commit, before paint
  const coloursRef = useRef<Map<string, { fill: string; stroke: string }>>(new Map())
  useLayoutEffect(() => {
    const next = new Map<string, { fill: string; stroke: string }>()
    for (const item of layout.items) {
      if (item.type !== 'pod') continue
      const st = POD_STYLES[item.model.category]
      const c = item.isDot
        ? { fill: st.stroke, stroke: st.stroke }
        : { fill: st.fill, stroke: st.stroke }
      next.set(item.key, c)
      const before = coloursRef.current.get(item.key)
      if (before && (before.fill !== c.fill || before.stroke !== c.stroke))
        animatorRef.current?.onStatusChange(item.key, before, c)
    }
    coloursRef.current = next
  }, [layout])
  // every commit: apply running animations to freshly rendered elements before the browser paints
  useLayoutEffect(() => {
    animatorRef.current?.flush()
  })

  // --- selection -------------------------------------------------------------------------------
  const selectedKey = selected ? refKey(selected) : null
  useEffect(() => {
    if (!selectedKey) return
    const item = layout.items.find((i) => i.matchKeys.includes(selectedKey))
    if (item) panZoomRef.current?.reveal(item)
    // only when the selection changes, not on every cluster change
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedKey])

  function itemFrom(e: SyntheticEvent): LayoutItem | undefined {
    const el = (e.target as Element).closest?.('[data-key]')
    const key = el?.getAttribute('data-key')
    return key ? layout.byKey.get(key) : undefined
  }
  function activate(item: LayoutItem | undefined) {
    if (item?.ref) ui.getState().select(item.ref)
  }
  function onKeyDown(e: KeyboardEvent<SVGSVGElement>) {
    if (moveFocus(e)) {
      e.preventDefault()
      return
    }
    const pz = panZoomRef.current
    switch (e.key) {
      case 'Enter':
      case ' ': {
        const item = itemFrom(e)
        if (!item) return
        e.preventDefault()
        activate(item)
        return
      }
      case 'Escape':
        ui.getState().select(null)
        return
      case '+':
      case '=':
        pz?.zoomBy(1.25)
        break
      case '-':
      case '_':
        pz?.zoomBy(0.8)
        break
      case '0':
        pz?.reset()
        break
      case 'ArrowLeft':
        pz?.panBy(PAN_STEP, 0)
        break
      case 'ArrowRight':
        pz?.panBy(-PAN_STEP, 0)
        break
      case 'ArrowUp':
        pz?.panBy(0, PAN_STEP)
        break
      case 'ArrowDown':
        pz?.panBy(0, -PAN_STEP)
        break
      default:
        return
    }
    e.preventDefault()
    ui.getState().hover(null)
  }
  const hoverFrom = (e: SyntheticEvent) => {
    const ref = itemFrom(e)?.ref ?? null
    const cur = ui.getState().hovered
    if ((cur && refKey(cur)) !== (ref && refKey(ref))) ui.getState().hover(ref)
  }

  // Roving tabindex (WAI-ARIA APG): the map's objects are one tab stop, the last one focused (or the
  // first); arrow keys move between them in reading order, Home/End to the ends. Arrow keys on the
  // map itself still pan.
  const isConcealed = (item: LayoutItem) =>
    concealed.length > 0 && item.matchKeys.some((k) => concealed.includes(k.split('/')[0]!))
  const focusable = layout.items.filter((i) => !!i.ref && !isConcealed(i))
  const tabbableKey =
    (activeKey && focusable.some((i) => i.key === activeKey) ? activeKey : focusable[0]?.key) ??
    null
  function focusItem(item: LayoutItem | undefined) {
    if (!item) return
    setActiveKey(item.key)
    panZoomRef.current?.reveal(item)
    const el = svgRef.current?.querySelector<SVGGElement>(`[data-key="${CSS.escape(item.key)}"]`)
    el?.focus()
  }
  /** Arrow keys on a focused object: the next or previous one, or an end (true when handled). */
  function moveFocus(e: KeyboardEvent<SVGSVGElement>): boolean {
    const current = itemFrom(e)
    if (!current || e.target === svgRef.current) return false
    const i = focusable.findIndex((f) => f.key === current.key)
    if (i < 0) return false
    const next: Record<string, number> = {
      ArrowRight: i + 1,
      ArrowDown: i + 1,
      ArrowLeft: i - 1,
      ArrowUp: i - 1,
      Home: 0,
      End: focusable.length - 1,
    }
    const to = next[e.key]
    if (to === undefined) return false
    focusItem(focusable[Math.max(0, Math.min(focusable.length - 1, to))])
    return true
  }

  const related =
    selectedKey && /^(ReplicaSet|Deployment|DaemonSet)\//.test(selectedKey) ? selectedKey : null
  const internet = layout.byKey.get('internet')
  const igw = layout.items.find((i) => i.type === 'igw')

  return (
    <div className="map-viewport" ref={wrapRef}>
      <svg
        ref={svgRef}
        className="map-svg"
        width={size.width || '100%'}
        height={size.height || '100%'}
        tabIndex={0}
        role="group"
        aria-label="Cluster map. Tab to its objects, arrow keys move between them, Enter selects. On the map itself, arrow keys pan, plus and minus zoom, 0 resets the view."
        aria-describedby="map-summary"
        data-testid="map.svg"
        onClick={(e) => activate(itemFrom(e))}
        onKeyDown={onKeyDown}
        onPointerOver={hoverFrom}
        onPointerLeave={() => ui.getState().hover(null)}
        onFocus={(e) => {
          hoverFrom(e)
          const item = itemFrom(e)
          if (item && e.target !== svgRef.current) setActiveKey(item.key)
        }}
        onBlur={() => ui.getState().hover(null)}
      >
        <defs>
          <pattern
            id="cp-hatch"
            width="8"
            height="8"
            patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)"
          >
            <rect width="8" height="8" fill="#141c26" />
            <line x1="0" y1="0" x2="0" y2="8" stroke="#1f2b38" strokeWidth="3" />
          </pattern>
        </defs>
        <g ref={zoomRef} className="map-world">
          {internet && igw && (
            <line
              className="link"
              x1={internet.x + internet.w / 2}
              y1={internet.y + internet.h}
              x2={igw.x + igw.w / 2}
              y2={igw.y}
            />
          )}
          {layout.items.map((item) => (
            <MapItem
              key={item.key}
              item={item}
              signature={itemSignature(item)}
              isSelected={!!selectedKey && item.matchKeys.includes(selectedKey)}
              isRelated={!!related && item.type === 'pod' && item.model.ownerKeys.includes(related)}
              isHighlighted={
                highlighted.length > 0 &&
                item.matchKeys.some((k) => highlighted.some((h) => matchesTarget(k, h)))
              }
              isConcealed={isConcealed(item)}
              isTabbable={item.key === tabbableKey}
            />
          ))}
        </g>
      </svg>
      <p id="map-summary" className="sr-only">
        {summary(layout)}
      </p>
      <Tooltip layout={layout} panZoomRef={panZoomRef} viewport={size} />
    </div>
  )
}

function summary(l: MapLayout): string {
  const nodes = l.items.filter((i) => i.type === 'node').length
  return `${nodes} worker nodes in ${l.model.zones.length} availability zones, ${l.model.podCount} pods${
    l.model.unscheduled.length ? `, ${l.model.unscheduled.length} not scheduled` : ''
  }. The Text view button lists the same objects as a tree.`
}

const CONTAINERS = new Set<LayoutItem['type']>(['vpc', 'zone', 'subnet', 'controlPlane', 'tray'])

/**
 * The hover/focus tooltip: an HTML overlay placed from the layout and the current zoom. React
 * renders its text; a layout effect writes its position (the zoom lives outside React).
 */
function Tooltip({
  layout,
  panZoomRef,
  viewport,
}: {
  layout: MapLayout
  panZoomRef: { current: PanZoom | null }
  viewport: { width: number; height: number }
}) {
  const hovered = useUi((s) => s.hovered)
  const key = hovered ? refKey(hovered as ObjectRef) : null
  const item = key ? layout.items.find((i) => i.matchKeys.includes(key)) : undefined
  const divRef = useRef<HTMLDivElement>(null)
  useLayoutEffect(() => {
    const el = divRef.current
    if (!el || !item) return
    const t = panZoomRef.current?.getTransform() ?? { k: 1, x: 0, y: 0 }
    // big containers: anchor under their header; small items: under the item, or above it near the bottom
    const isContainer = CONTAINERS.has(item.type)
    const anchorBottom = isContainer ? item.y + 40 : item.y + item.h
    const left = Math.min(Math.max(4, item.x * t.k + t.x), Math.max(4, viewport.width - 260))
    const below = anchorBottom * t.k + t.y + 6
    const flip = !isContainer && below + el.offsetHeight > viewport.height
    el.style.left = `${left}px`
    el.style.top = `${flip ? Math.max(4, item.y * t.k + t.y - 6 - el.offsetHeight) : Math.max(4, below)}px`
    el.style.visibility = 'visible'
  })
  if (!item) return null
  const text = itemText(item)
  return (
    <div
      ref={divRef}
      className="map-tooltip"
      role="tooltip"
      data-testid="map.tooltip"
      style={{ visibility: 'hidden' }}
    >
      <strong>{text.title}</strong>
      {text.lines.map((l, i) => (
        <div key={i}>{l}</div>
      ))}
    </div>
  )
}
