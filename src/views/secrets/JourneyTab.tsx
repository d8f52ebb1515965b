import { useRef, useState } from 'react'
import { journeyText, type SecretRef } from './journey.ts'
import { useJourney } from './useJourney.ts'
import { SecretJourney } from './SecretJourney.tsx'
import { InlineMarkdown } from '../scenario/Markdown.tsx'

// The "Journey" tab of the details panel (control plane, API server, etcd member, or a Secret): the
// journey in words, stop by stop, and a button that opens the animated panel over the map.

export function JourneyTab({ secret }: { secret: SecretRef | null }) {
  const [open, setOpen] = useState(false)
  const openerRef = useRef<HTMLButtonElement>(null)
  const { ref, journey } = useJourney(secret)
  return (
    <div className="journey-tab">
      <button
        ref={openerRef}
        type="button"
        onClick={() => setOpen(true)}
        aria-expanded={open}
        data-testid="journey.open"
      >
        Play the journey of {journey ? `${journey.secret.name}` : 'a Secret'}
      </button>
      {journey ? (
        <ol aria-label={`Where ${journey.secret.name} is, stop by stop`}>
          {journeyText(journey).map((t, i) => (
            <li key={i}>
              <InlineMarkdown text={t} />
            </li>
          ))}
        </ol>
      ) : (
        <p className="dim">No Secret with data yet.</p>
      )}
      {open && (
        <SecretJourney
          secret={ref}
          onClose={() => {
            setOpen(false)
            openerRef.current?.focus()
          }}
        />
      )}
    </div>
  )
}
