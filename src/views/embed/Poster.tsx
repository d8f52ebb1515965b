import type { Scenario } from '../../scenarios/index.ts'
import { Markdown } from '../scenario/Markdown.tsx'

// The click-to-load poster: the lesson's first frame as static text and a sketch of the cluster
// (a VPC with three worker nodes and the AWS-managed control plane beside it), so a page with
// several embeds loads no simulation until a reader asks for one.

export function Poster({
  scenario,
  step,
  onLoad,
}: {
  scenario: Scenario
  step: number
  onLoad: () => void
}) {
  const s = scenario.steps[step]
  return (
    <div className="poster" data-testid="embed.poster">
      <div className="poster-text">
        <p className="stage-count">
          Cutaway · {scenario.steps.length} steps · about {scenario.minutes} min
        </p>
        <h1>{scenario.title}</h1>
        {s && (
          <>
            <h2>
              Step {step + 1}: {s.title}
            </h2>
            <Markdown text={s.say} />
          </>
        )}
        <button type="button" className="poster-load" onClick={onLoad} autoFocus={false}>
          ▶ Load the interactive lesson
        </button>
        <p className="dim poster-note">Runs in your browser; nothing is sent anywhere.</p>
      </div>
      <svg className="poster-sketch" viewBox="0 0 320 200" aria-hidden="true">
        <rect x="4" y="20" width="220" height="170" rx="6" className="sketch-vpc" />
        <text x="14" y="38" className="sketch-label">
          VPC
        </text>
        {[0, 1, 2].map((i) => (
          <g key={i} transform={`translate(${16 + i * 70} 60)`}>
            <rect width="62" height="112" rx="4" className="sketch-node" />
            {[0, 1, 2, 3].map((j) => (
              <rect
                key={j}
                x="8"
                y={12 + j * 24}
                width="46"
                height="16"
                rx="3"
                className="sketch-pod"
              />
            ))}
          </g>
        ))}
        <rect x="236" y="20" width="80" height="90" rx="6" className="sketch-cp" />
        <text x="244" y="40" className="sketch-label">
          EKS
        </text>
        <text x="244" y="56" className="sketch-label">
          control
        </text>
        <text x="244" y="72" className="sketch-label">
          plane
        </text>
      </svg>
    </div>
  )
}
