import { useCallback, useEffect, useRef, useState } from 'react'
import { Link, useNavigate, useParams, useSearchParams } from 'react-router'
import { useStore } from 'zustand'
import { getScenario, type Scenario } from '../../scenarios/index.ts'
import { createPresentation, type Presentation } from '../../state/presentation.ts'
import { THEMES, type Theme } from '../../state/embedParams.ts'
import { SimulationProvider } from '../hooks/SimulationProvider.tsx'
import { useTitle } from '../hooks/useTitle.ts'
import { Stage } from './Stage.tsx'
import { KeyMap } from './KeyMap.tsx'
import { actionForKey, isTypingTarget } from './keys.ts'
import { usePresenterSync } from './usePresenterSync.ts'
import { parseStepParam } from './stepParam.ts'
import { UnknownScenario } from './UnknownScenario.tsx'

// /present/:scenario/:step? — presenter mode for a projector: no site chrome, the projector theme
// (or ?theme=dark|light), clicker keys, and the speaker-notes window (S) kept in sync.

export default function PresentPage() {
  const { scenario: id = '', step } = useParams()
  const scenario = getScenario(id)
  if (!scenario) return <UnknownScenario id={id} />
  return <Presenter key={scenario.id} scenario={scenario} stepParam={step} />
}

function Presenter({ scenario, stepParam }: { scenario: Scenario; stepParam?: string }) {
  const [presentation] = useState(() =>
    createPresentation(scenario, {
      startStep: parseStepParam(stepParam, scenario.steps.length) ?? 0,
    }),
  )
  useEffect(() => () => presentation.dispose(), [presentation])
  return (
    <SimulationProvider store={presentation.sim}>
      <PresenterBody presentation={presentation} stepParam={stepParam} />
    </SimulationProvider>
  )
}

function PresenterBody({
  presentation,
  stepParam,
}: {
  presentation: Presentation
  stepParam?: string
}) {
  const { scenario, player, sim } = presentation
  const navigate = useNavigate()
  const [search, setSearch] = useSearchParams()
  const themeParam = search.get('theme')
  const theme: Theme = (THEMES as readonly string[]).includes(themeParam ?? '')
    ? (themeParam as Theme)
    : 'projector'
  const index = useStore(player, (s) => s.index)
  const playing = useStore(sim, (s) => s.playing)
  const [blank, setBlank] = useState(false)
  const [notesBlocked, setNotesBlocked] = useState(false)
  const keyMapRef = useRef<HTMLDialogElement>(null)
  const digitsRef = useRef({ text: '', timer: 0 })
  const total = scenario.steps.length
  useTitle(`Presenting: ${scenario.title} · ${index < total ? `step ${index + 1}` : 'recap'}`)
  usePresenterSync(presentation, blank, setBlank)

  // the projector theme scales the whole page, rem-sized parts (console, map toolbar) included
  useEffect(() => {
    const root = document.documentElement
    root.classList.toggle('projector-root', theme === 'projector')
    return () => root.classList.remove('projector-root')
  }, [theme])

  // the address bar follows the presenter, so a reload comes back to the same step
  useEffect(() => {
    const want = index >= total ? 'done' : String(index + 1)
    if (stepParam !== want)
      navigate(
        { pathname: `/present/${scenario.id}/${want}`, search: search.toString() },
        { replace: true },
      )
  }, [index, stepParam, scenario.id, total, navigate, search])

  const openNotes = useCallback(() => {
    const url = `${import.meta.env.BASE_URL}notes/${encodeURIComponent(scenario.id)}`
    const w = window.open(url, `cutaway-notes-${scenario.id}`, 'popup,width=960,height=720')
    setNotesBlocked(!w)
  }, [scenario.id])

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      // Escape leaves the console, so the clicker works again without reaching for the mouse
      if (e.key === 'Escape' && isTypingTarget(e.target) && !keyMapRef.current?.open) {
        ;(e.target as HTMLElement).blur()
        return
      }
      if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return
      if (keyMapRef.current?.open) return // the dialog has its own keys (Escape closes it)
      const action = actionForKey(e.key)
      if (!action) return
      // Space on a focused button is that button's click
      if (e.key === ' ' && e.target instanceof HTMLButtonElement) return
      e.preventDefault()
      if (blank && action !== 'help') {
        setBlank(false)
        if (action === 'blank') return
      }
      if (typeof action === 'object') {
        const d = digitsRef.current
        window.clearTimeout(d.timer)
        d.text = (d.text + action.digit).slice(-2)
        d.timer = window.setTimeout(() => {
          const n = Number(d.text)
          d.text = ''
          if (n >= 1) presentation.goTo(Math.min(n, total + 1) - 1)
        }, 450)
        return
      }
      switch (action) {
        case 'next':
          return presentation.next()
        case 'back':
          return presentation.back()
        case 'first':
          return presentation.goTo(0)
        case 'last':
          return presentation.goTo(total)
        case 'blank':
          return setBlank(true)
        case 'fullscreen':
          if (document.fullscreenElement) void document.exitFullscreen().catch(() => {})
          else void document.documentElement.requestFullscreen?.().catch(() => {})
          return
        case 'notes':
          return openNotes()
        case 'play': {
          const s = sim.getState()
          return s.playing ? s.pause() : s.play()
        }
        case 'theme': {
          const next = THEMES[(THEMES.indexOf(theme) + 2) % THEMES.length]!
          const q = new URLSearchParams(search)
          q.set('theme', next)
          return setSearch(q, { replace: true })
        }
        case 'help':
          return keyMapRef.current?.showModal()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [presentation, blank, total, sim, openNotes, theme, search, setSearch])

  return (
    <main id="main" className={`present theme-${theme}`} data-testid="present">
      <Stage presentation={presentation} />
      <footer className="present-bar">
        <button type="button" onClick={() => presentation.back()} disabled={index === 0}>
          Back
        </button>
        <button type="button" onClick={() => presentation.next()} disabled={index >= total}>
          Next
        </button>
        <button
          type="button"
          onClick={() => (playing ? sim.getState().pause() : sim.getState().play())}
        >
          {playing ? 'Pause clock' : 'Play clock'}
        </button>
        <button type="button" onClick={openNotes} data-testid="present.open-notes">
          Speaker notes
        </button>
        <button type="button" onClick={() => keyMapRef.current?.showModal()}>
          Keys (?)
        </button>
        {notesBlocked && (
          <span role="status">
            The browser blocked the notes window:{' '}
            <Link to={`/notes/${scenario.id}`} target="_blank">
              open the speaker notes
            </Link>
          </span>
        )}
      </footer>
      {blank && (
        <div
          className="present-blank"
          data-testid="present.blank"
          role="status"
          aria-label="Screen blanked: press B, . or any presenter key to come back"
          onClick={() => setBlank(false)}
        />
      )}
      <KeyMap dialogRef={keyMapRef} />
    </main>
  )
}
