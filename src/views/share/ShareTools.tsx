import { lazy, Suspense, useState } from 'react'
import { Link } from 'react-router'
import type { Scenario } from '../../scenarios/index.ts'
import './share.css'

// The lesson toolbar's instructor tools: Share / Embed (a dialog, its own chunk), Present, Print.

const ShareDialog = lazy(() => import('./ShareDialog.tsx'))

export function ShareTools({ scenario, step }: { scenario: Scenario; step: number }) {
  const [open, setOpen] = useState(false)
  const stepPart = step >= scenario.steps.length ? 'done' : String(step + 1)
  return (
    <div className="share-tools">
      <button
        type="button"
        onClick={() => setOpen(true)}
        data-testid="share.open"
        aria-haspopup="dialog"
      >
        Share / Embed
      </button>
      <Link to={`/present/${scenario.id}/${stepPart}`} data-testid="share.present">
        Present
      </Link>
      <Link to={`/print/${scenario.id}`}>Print</Link>
      {open && (
        <Suspense fallback={null}>
          <ShareDialog scenario={scenario} step={step} onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </div>
  )
}
