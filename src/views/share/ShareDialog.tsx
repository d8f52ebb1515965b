import { useEffect, useId, useRef, useState } from 'react'
import type { Scenario } from '../../scenarios/index.ts'
import { embedQuery, THEMES, type Theme } from '../../state/embedParams.ts'
import { embedSnippet, siteUrl } from './snippet.ts'

// "Share / Embed": a link to the current step and a one-line iframe for documentation pages.
// A modal <dialog>: focus moves in, Escape closes, focus returns to the button that opened it.

export default function ShareDialog({
  scenario,
  step,
  onClose,
}: {
  scenario: Scenario
  /** 0-based; steps.length = the recap */
  step: number
  onClose: () => void
}) {
  const ref = useRef<HTMLDialogElement>(null)
  const id = useId()
  const [fromStep, setFromStep] = useState(step > 0 && step < scenario.steps.length)
  const [theme, setTheme] = useState<Theme>('dark')
  const [controls, setControls] = useState(true)
  const [copied, setCopied] = useState<string | null>(null)

  useEffect(() => {
    const d = ref.current
    if (d && !d.open) d.showModal()
  }, [])

  const stepPart = step >= scenario.steps.length ? 'done' : String(step + 1)
  const link = siteUrl(`learn/${encodeURIComponent(scenario.id)}/${stepPart}`)
  const query = embedQuery({
    step: fromStep ? Math.min(step, scenario.steps.length - 1) : 0,
    theme,
    controls,
  })
  const src = siteUrl(`embed/${encodeURIComponent(scenario.id)}${query ? `?${query}` : ''}`)
  const snippet = embedSnippet(src, scenario.title)

  async function copy(what: string, text: string) {
    try {
      await navigator.clipboard.writeText(text)
      setCopied(what)
    } catch {
      setCopied(null)
    }
  }

  return (
    <dialog
      ref={ref}
      className="share-dialog"
      aria-labelledby={`${id}-title`}
      onClose={onClose}
      data-testid="share.dialog"
    >
      <h2 id={`${id}-title`}>Share or embed “{scenario.title}”</h2>
      <label htmlFor={`${id}-link`}>Link to this step</label>
      <div className="share-row">
        <input
          id={`${id}-link`}
          readOnly
          value={link}
          data-testid="share.link"
          onFocus={(e) => e.target.select()}
        />
        <button type="button" onClick={() => copy('link', link)}>
          Copy link
        </button>
      </div>

      <fieldset>
        <legend>Embed options</legend>
        <label>
          <input
            type="checkbox"
            checked={fromStep}
            onChange={(e) => setFromStep(e.target.checked)}
          />{' '}
          Start at step {Math.min(step, scenario.steps.length - 1) + 1}
        </label>
        <label>
          <input
            type="checkbox"
            checked={controls}
            onChange={(e) => setControls(e.target.checked)}
          />{' '}
          Show controls
        </label>
        <label>
          Theme{' '}
          <select value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
            {THEMES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
      </fieldset>

      <label htmlFor={`${id}-snippet`}>Embed code (one line of HTML for your page)</label>
      <textarea
        id={`${id}-snippet`}
        readOnly
        rows={4}
        value={snippet}
        data-testid="share.snippet"
        onFocus={(e) => e.target.select()}
      />
      <div className="share-row">
        <button type="button" onClick={() => copy('snippet', snippet)}>
          Copy embed code
        </button>
        <a href={siteUrl('docs/embed')} target="_blank" rel="noopener">
          Embed parameters and API
        </a>
      </div>
      <p role="status" className="dim">
        {copied ? `Copied the ${copied}.` : ''}
      </p>
      <form method="dialog">
        <button type="submit">Close</button>
      </form>
    </dialog>
  )
}
