import { useEffect, useId, useRef, useState } from 'react'
import { createAnimationLoop } from '../animation/animationLoop.ts'
import { cancelFrame, requestFrame } from '../animation/frame.ts'
import { useSimStore } from '../hooks/stores.ts'
import { useReducedMotion } from '../hooks/useReducedMotion.ts'
import { createPipelineAnimator } from './pipelineAnimations.ts'
import { LANES, STATION_H, STATION_W, STRIP_HEIGHT, STRIP_WIDTH, returnPath } from './pipeline.ts'

// The log pipeline strip under the disk view: where one line goes (app → stdout pipe →
// containerd → the file on the node's disk) and how `kubectl logs` reads it (kubectl → API server
// → kubelet → the file, and back). Dots move on engine events of a pod on this node: the pod the
// learner pinned in the disk view, or else whichever pod logs. The event log is the text
// equivalent; the figure also describes the path in words.

export interface FollowedPod {
  namespace: string
  pod: string
}

export function LogPipeline({ node, follow }: { node: string; follow: FollowedPod | null }) {
  const store = useSimStore()
  const reduced = useReducedMotion()
  const svgRef = useRef<SVGSVGElement>(null)
  const reducedRef = useRef(reduced)
  const followRef = useRef(follow)
  const [last, setLast] = useState<{ who: string; text: string } | null>(null)
  const id = useId()

  useEffect(() => {
    reducedRef.current = reduced
    followRef.current = follow
  }, [reduced, follow])

  useEffect(() => {
    const animator = createPipelineAnimator({
      loop: createAnimationLoop({ requestFrame, cancelFrame }),
      root: () => svgRef.current,
      isReduced: () => reducedRef.current,
      speed: () => store.getState().speed,
    })
    let lastId = store.getState().events.at(-1)?.id ?? 0
    const unsub = store.subscribe((s, prev) => {
      if (s.events === prev.events) return
      const newest = s.events.at(-1)?.id ?? 0
      if (newest < lastId) {
        lastId = newest // stepped back: nothing new to show
        return
      }
      const fresh = s.events.filter((e) => e.id > lastId)
      lastId = newest
      const f = followRef.current
      let line: { who: string; text: string } | null = null
      for (const { event: e } of fresh) {
        if (e.type === 'log.append') {
          if (e.node !== node) continue
          if (f && (f.namespace !== e.namespace || f.pod !== e.pod)) continue
          if (!f && e.namespace === 'kube-system' && line) continue
          line = { who: `${e.namespace}/${e.pod} (${e.container})`, text: e.text }
        } else if (e.type === 'logs.request' && e.node === node) animator.request()
      }
      if (line && animator.line()) setLast(line)
    })
    return () => {
      unsub()
      animator.destroy()
    }
  }, [store, node])

  return (
    <figure className="log-pipeline" aria-labelledby={`${id}-cap`} data-testid="disk.pipeline">
      <figcaption id={`${id}-cap`}>
        Where a line goes, and how <code>kubectl logs</code> reads it
        {follow && (
          <span className="dim">
            {' '}
            (following {follow.namespace}/{follow.pod})
          </span>
        )}
      </figcaption>
      <svg
        ref={svgRef}
        viewBox={`-4 0 ${STRIP_WIDTH + 8} ${STRIP_HEIGHT}`}
        role="img"
        aria-label="A log line: the app writes to stdout, a pipe carries it to containerd, which appends a CRI record to 0.log on the node's disk. kubectl logs: kubectl asks the API server, the API server asks the kubelet on the pod's node, the kubelet reads 0.log and the lines travel back the same way."
      >
        {LANES.map((lane) => (
          <g key={lane.id} data-pipeline-lane={lane.id}>
            <text x={0} y={lane.y - 5} className="lane-title">
              {lane.title}
            </text>
            <line
              x1={lane.stations[0]!.x}
              x2={lane.stations[lane.stations.length - 1]!.x}
              y1={lane.y + STATION_H / 2}
              y2={lane.y + STATION_H / 2}
              className="lane-line"
            />
            {lane.roundTrip && <path d={returnPath(lane)} className="lane-return" />}
            {lane.stations.map((s) => (
              <g key={s.id} className={`station station-${s.id}`}>
                <rect
                  x={s.x - STATION_W / 2 + 2}
                  y={lane.y}
                  width={STATION_W - 4}
                  height={STATION_H}
                  rx={4}
                />
                <text x={s.x} y={lane.y + 11} textAnchor="middle" className="station-label">
                  {s.label}
                </text>
                <text x={s.x} y={lane.y + 21} textAnchor="middle" className="station-sub">
                  {s.sub}
                </text>
              </g>
            ))}
            <circle
              r={4.5}
              cx={lane.stations[0]!.x}
              cy={lane.y + STATION_H / 2}
              className="pipeline-dot"
              data-pipeline-dot={lane.id}
            />
          </g>
        ))}
      </svg>
      <p className="pipeline-last" data-testid="disk.pipeline.last">
        {last ? (
          <>
            <span className="dim">Last line shown, from {last.who}:</span> <code>{last.text}</code>
          </>
        ) : (
          <span className="dim">Waiting for a container on this node to write a line.</span>
        )}
      </p>
    </figure>
  )
}
