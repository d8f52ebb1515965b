import type { RefObject } from 'react'
import { LANE_Y, MARGIN_LEFT, PATH_HEIGHT, placeLabels, ROW } from './packetPath.ts'
import type { PathLayout } from './packetPath.ts'

// One flow's two lanes (request left to right, reply right to left under it): the places as
// boxes, the stations as circles. The packet path draws its flow with the dot (positioned by its
// animation, never by React); a compared flow is drawn the same way without a dot or a current hop.

export function Lanes({
  layout,
  step,
  label,
  reduced,
  svgRef,
  onPick,
  testid = 'packets',
}: {
  layout: PathLayout
  /** the hop shown; -1: none (a compared flow) */
  step: number
  label: string
  reduced: boolean
  svgRef?: RefObject<SVGSVGElement | null>
  onPick?: (step: number) => void
  testid?: string
}) {
  const labels = placeLabels(layout)
  // a label bumped to a second row needs room above the request lane or below the reply lane
  const top = labels.some((l) => l.row && l.span.direction === 'request') ? -ROW : 0
  const bottom = labels.some((l) => l.row && l.span.direction === 'reply') ? ROW : 0
  return (
    <svg
      ref={svgRef}
      viewBox={`0 ${top} ${layout.width} ${PATH_HEIGHT - top + bottom}`}
      role="img"
      aria-label={label}
      className={reduced ? 'pp-svg reduced' : 'pp-svg'}
      data-testid={`${testid}.svg`}
    >
      <text x={4} y={LANE_Y.request + 4} className="pp-lane-title">
        request →
      </text>
      <text x={4} y={LANE_Y.reply + 4} className="pp-lane-title">
        ← reply
      </text>
      {labels.map(({ span: s, anchor, x, row }, i) => {
        const y = LANE_Y[s.direction]
        const req = s.direction === 'request'
        return (
          <g key={i} className={`pp-span pp-span-${s.key.split(':')[0]}`}>
            <rect
              x={s.x1 - 16}
              y={req ? y - 13 : y - 23}
              width={s.x2 - s.x1 + 32}
              height={36}
              rx={6}
            />
            <text
              x={x}
              y={req ? y - 17 - row * ROW : y + 25 + row * ROW}
              textAnchor={anchor}
              className="pp-span-label"
            >
              {s.label}
            </text>
          </g>
        )
      })}
      <path
        className="pp-route"
        d={layout.stations.map((s, i) => `${i ? 'L' : 'M'}${s.x},${s.y}`).join(' ')}
      />
      {layout.stations.map((s) => (
        <g
          key={s.step}
          className={`pp-station pp-kind-${s.hop.kind}${s.step === step ? ' is-current' : ''}${s.changed ? ' is-nat' : ''}${s.step < step ? ' is-past' : ''}`}
          onClick={onPick && (() => onPick(s.step))}
          data-testid={`${testid}.station.${s.step}`}
        >
          {/* the station's hit area: its circle and its label, easier to click than the circle */}
          <rect
            className="pp-hit"
            x={s.x - 15}
            y={s.hop.direction === 'request' ? s.y - 8 : s.y - 20}
            width={30}
            height={28}
          />
          <circle cx={s.x} cy={s.y} r={6} />
          <text
            x={s.x}
            y={s.hop.direction === 'request' ? s.y + 18 : s.y - 10}
            textAnchor="middle"
            className="pp-station-label"
          >
            {abbrev(s.label)}
          </text>
        </g>
      ))}
      {svgRef && (
        // positioned by the animation of the packet path, never by React
        <circle
          className="pp-dot"
          r={5}
          cx={MARGIN_LEFT}
          cy={LANE_Y.request - 9}
          data-testid={`${testid}.dot`}
        />
      )}
    </svg>
  )
}

const ABBREV: Record<string, string> = {
  PREROUTING: 'PRE',
  POSTROUTING: 'POST',
  FORWARD: 'FWD',
  OUTPUT: 'OUT',
  INPUT: 'IN',
  socket: 'sock',
  REJECT: 'REJ',
}

/** Station labels must fit a 9px circle's neighbourhood; the hop detail gives the full name. */
function abbrev(label: string): string {
  return ABBREV[label] ?? label
}
