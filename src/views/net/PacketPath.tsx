import { useEffect, useId, useMemo, useRef, useState } from 'react'
import { easeSinInOut } from 'd3-ease'
import { createAnimationLoop, type AnimationLoop } from '../animation/animationLoop.ts'
import { cancelFrame, onEveryFrame, requestFrame } from '../animation/frame.ts'
import { useSim, useUi, useUiStore } from '../hooks/stores.ts'
import { useReducedMotion } from '../hooks/useReducedMotion.ts'
import {
  addr,
  describeHop,
  describeTranslations,
  hopTitle,
  flowsOf,
  hopsOf,
  isGatewayHop,
  layoutPath,
  natKind,
  shortNode,
  type FlowEvent,
  type HopEvent,
} from './packetPath.ts'
import { GatewayNote, HeaderDiffTable, RuleTables } from './HopDetail.tsx'
import { Lanes } from './Lanes.tsx'
import { ProxySyncs } from './ProxySyncs.tsx'
import './net.css'

// The packet path of one flow (a curl, a DNS query…): its first packet hop by hop from the client
// pod through the nodes' netfilter hooks and the VPC to the endpoint pod, and the reply back. A
// dot walks the stations at a followable pace (play/pause/step); under reduced motion it jumps
// from station to station. Beside it: the header diff of the hop shown and, at a hook, the chains
// the packet walked with the rules that matched. The ordered list of hops in words is the text
// equivalent (always there for screen readers, visible with "As text").

/** ms a hop stays on screen while playing */
export const HOP_MS = 1100
/** ms the dot takes from one station to the next */
const DOT_MS = 600

export function PacketPath() {
  const ui = useUiStore()
  const events = useSim((s) => s.events)
  const pinned = useUi((s) => s.packetFlow)
  const reduced = useReducedMotion()
  const id = useId()
  const plain = useMemo(() => events.map((e) => e.event), [events])
  const flows = useMemo(() => flowsOf(plain), [plain])
  const flow: FlowEvent | undefined = pinned
    ? (flows.find((f) => f.flow === pinned) ?? undefined)
    : flows[0]
  const hops = useMemo(() => (flow ? hopsOf(plain, flow.flow) : []), [plain, flow])
  const layout = useMemo(() => layoutPath(hops), [hops])
  const [step, setStep] = useState(0)
  const [playing, setPlaying] = useState(false)
  const [asText, setAsText] = useState(false)
  const [compareWith, setCompareWith] = useState('')
  const other = flows.find((f) => f.flow === compareWith && f.flow !== flow?.flow)
  const otherHops = useMemo(() => (other ? hopsOf(plain, other.flow) : []), [plain, other])

  // a new flow: start from the client, and play it if the learner follows the latest
  const flowId = flow?.flow
  const [shown, setShown] = useState<string | undefined>(undefined)
  if (shown !== flowId) {
    setShown(flowId)
    setStep(0)
    setPlaying(!!flowId && !pinned)
  }

  useEffect(() => {
    if (!playing) return
    let last: number | null = null
    let acc = 0
    return onEveryFrame((t) => {
      acc += last === null ? 0 : t - last
      last = t
      if (acc < HOP_MS) return
      acc = -Infinity // one move per subscription: the effect runs again for the next step
      if (step >= hops.length - 1) setPlaying(false)
      else setStep(step + 1)
    })
  }, [playing, step, hops.length])

  // the dot glides from the station it was at to the current one on the app's animation loop;
  // under reduced motion (and for a new flow) it jumps
  const svgRef = useRef<SVGSVGElement>(null)
  const loopRef = useRef<AnimationLoop | null>(null)
  const fromRef = useRef<{ flow?: string; x: number; y: number } | null>(null)
  useEffect(() => {
    const loop = createAnimationLoop({ requestFrame, cancelFrame })
    loopRef.current = loop
    return () => loop.destroy()
  }, [])
  const at = layout.stations[Math.min(step, layout.stations.length - 1)]
  const toX = at?.x
  const toY = at ? at.y + (at.hop.direction === 'request' ? -9 : 9) : undefined
  useEffect(() => {
    const loop = loopRef.current
    if (!loop || toX === undefined || toY === undefined) return
    const prev = fromRef.current
    const from = prev && prev.flow === flowId ? prev : { x: toX, y: toY }
    fromRef.current = { flow: flowId, x: toX, y: toY }
    loop.start('packet-dot', {
      duration: reduced || (from.x === toX && from.y === toY) ? 0 : DOT_MS,
      ease: easeSinInOut,
      update(t) {
        const dot = svgRef.current?.querySelector('.pp-dot')
        if (!dot) return false
        dot.setAttribute('cx', (from.x + (toX - from.x) * t).toFixed(1))
        dot.setAttribute('cy', (from.y + (toY - from.y) * t).toFixed(1))
      },
    })
  }, [toX, toY, flowId, reduced])

  const go = (i: number) => setStep(Math.max(0, Math.min(hops.length - 1, i)))

  if (!flow)
    return (
      <section className="packet-path" aria-labelledby={`${id}-h`} data-testid="packets">
        <h2 id={`${id}-h`}>Packet path</h2>
        <p className="dim">
          No packets yet. Make some from a pod, for example{' '}
          <code>kubectl exec &lt;pod&gt; -- curl http://web</code> or{' '}
          <code>kubectl exec &lt;pod&gt; -- nslookup kubernetes</code>.
        </p>
        <ProxySyncs />
      </section>
    )

  const current = hops[Math.min(step, hops.length - 1)]
  const nat = current ? natKind(current) : null

  return (
    <section className="packet-path" aria-labelledby={`${id}-h`} data-testid="packets">
      <div className="pp-head">
        <h2 id={`${id}-h`}>Packet path</h2>
        <label className="pp-flow">
          <span>Flow</span>
          <select
            value={pinned ?? ''}
            onChange={(e) => ui.getState().showPackets(e.target.value || null)}
            data-testid="packets.flow"
          >
            <option value="">Latest: {flowTitle(flows[0]!)}</option>
            {flows.map((f) => (
              <option key={f.flow} value={f.flow}>
                {flowTitle(f)}
              </option>
            ))}
          </select>
        </label>
        <label className="pp-flow">
          <span>Compare with…</span>
          <select
            value={other ? compareWith : ''}
            onChange={(e) => setCompareWith(e.target.value)}
            data-testid="packets.compare"
          >
            <option value="">no other flow</option>
            {flows
              .filter((f) => f.flow !== flow.flow)
              .map((f) => (
                <option key={f.flow} value={f.flow}>
                  {flowTitle(f)}
                </option>
              ))}
          </select>
        </label>
      </div>
      <p className="pp-summary" data-testid="packets.summary">
        <strong>{flow.client}</strong> {flow.purpose}: {flow.proto} {flow.src}:{flow.sport} →{' '}
        {flow.dst}:{flow.dport}
        {flow.endpoint && <> · answered by {flow.endpoint}</>} · {flow.outcome} · {flow.packets}{' '}
        packets in all; shown: the first packet and its reply
      </p>
      <p className="pp-translations" data-testid="packets.translations">
        {describeTranslations(hops)}
      </p>
      <div className="pp-controls" role="group" aria-label="Packet playback">
        <button
          type="button"
          onClick={() => {
            if (!playing && step >= hops.length - 1) go(0)
            setPlaying(!playing)
          }}
          data-testid="packets.play"
        >
          {playing ? 'Pause' : 'Play'}
        </button>
        <button
          type="button"
          onClick={() => {
            setPlaying(false)
            go(step - 1)
          }}
          disabled={step <= 0}
          data-testid="packets.back"
        >
          ◀ Hop back
        </button>
        <button
          type="button"
          onClick={() => {
            setPlaying(false)
            go(step + 1)
          }}
          disabled={step >= hops.length - 1}
          data-testid="packets.next"
        >
          Next hop ▶
        </button>
        <span className="pp-count" data-testid="packets.count">
          Hop {step + 1} of {hops.length}
        </span>
        <button
          type="button"
          aria-pressed={asText}
          onClick={() => setAsText(!asText)}
          data-testid="packets.astext"
        >
          As text
        </button>
      </div>
      <div className="pp-lanes">
        <Lanes
          layout={layout}
          step={step}
          svgRef={svgRef}
          reduced={reduced}
          label={`The packet's path: request from ${flow.client} in the top lane, left to right; the reply in the bottom lane, right to left. Now at hop ${step + 1}: ${current ? describeHop(current) : ''}`}
          onPick={(i) => {
            setPlaying(false)
            go(i)
          }}
        />
        {other && <ComparedFlow flow={other} hops={otherHops} reduced={reduced} asText={asText} />}
      </div>
      {current && (
        <div className="pp-detail">
          {/* focusable: at narrow widths the header table scrolls sideways (axe scrollable-region-focusable) */}
          <div
            className="pp-hop"
            data-testid="packets.hop"
            tabIndex={0}
            role="region"
            aria-label="This hop's headers, before and after"
          >
            <h3 className="pp-hop-title">{hopTitle(current)}</h3>
            <p className="sr-only" aria-live={playing ? 'off' : 'polite'}>
              {describeHop(current)}
            </p>
            <HeaderDiffTable hop={current} />
            {nat && (
              <p className="pp-nat" data-testid="packets.nat">
                {nat}: {addr(current.before)} becomes {addr(current.after)}
              </p>
            )}
          </div>
          <div className="pp-rules" data-testid="packets.rules">
            {current.kind === 'hook' ? (
              <RuleTables hop={current} />
            ) : isGatewayHop(current) ? (
              <GatewayNote hop={current} />
            ) : (
              <p className="dim">
                No netfilter rules at this hop ({current.kind}
                {current.node ? ` on ${shortNode(current.node)}` : ''}). Rules are checked at the
                node&apos;s hooks: PREROUTING, FORWARD, POSTROUTING (and INPUT/OUTPUT for the node
                itself).
              </p>
            )}
          </div>
        </div>
      )}
      <ol className={asText ? 'pp-text' : 'pp-text sr-only'} data-testid="packets.text">
        {hops.map((h, i) => (
          <li key={i} aria-current={i === step ? 'step' : undefined}>
            {describeHop(h)}
          </li>
        ))}
      </ol>
    </section>
  )
}

function flowTitle(f: FlowEvent): string {
  return `${f.client}: ${f.purpose} → ${f.dst}:${f.dport} (${f.outcome})`
}

/** A second flow's lanes under the first, static, with what its receiver sees as the source. */
function ComparedFlow({
  flow,
  hops,
  reduced,
  asText,
}: {
  flow: FlowEvent
  hops: HopEvent[]
  reduced: boolean
  asText: boolean
}) {
  const layout = useMemo(() => layoutPath(hops), [hops])
  return (
    <section
      className="pp-compare"
      aria-label={`Compared flow: ${flowTitle(flow)}`}
      data-testid="packets.compared"
    >
      <p className="pp-summary">
        <span className="dim">Compared with:</span> <strong>{flow.client}</strong> {flow.purpose}:{' '}
        {flow.proto} {flow.src}:{flow.sport} → {flow.dst}:{flow.dport} · {flow.outcome}
      </p>
      <p className="pp-translations" data-testid="packets.compared.translations">
        {describeTranslations(hops)}
      </p>
      {hops.length > 0 && (
        <Lanes
          layout={layout}
          step={-1}
          reduced={reduced}
          testid="packets.compared"
          label={`The compared flow's path, request from ${flow.client} above, reply below. ${describeTranslations(hops)}`}
        />
      )}
      <ol className={asText ? 'pp-text' : 'pp-text sr-only'} data-testid="packets.compared.text">
        {hops.map((h, i) => (
          <li key={i}>{describeHop(h)}</li>
        ))}
      </ol>
    </section>
  )
}
