import { useEffect, useRef, useState, type FormEvent } from 'react'
import { Link, useParams } from 'react-router'
import { getScenario, type Scenario } from '../../scenarios/index.ts'
import {
  describeNextAction,
  MAX_COMMAND_LENGTH,
  openSyncChannel,
  parsePresenterState,
  type NotesRequest,
  type PresenterState,
  type SyncChannel,
} from '../../state/presenterSync.ts'
import { PLAYBACK_SPEEDS } from '../../state/speeds.ts'
import { rfc3339 } from '../../engine/time.ts'
import { useTitle } from '../hooks/useTitle.ts'
import { Markdown } from '../scenario/Markdown.tsx'
import { UnknownScenario } from './UnknownScenario.tsx'
import { actionForKey, isTypingTarget } from './keys.ts'
import './present.css'

// /notes/:scenario — the speaker-notes window on the presenter's laptop: this step's and the next
// step's notes, what "next" will make the simulation do, a talk timer, and remote controls (steps,
// clock, blank, a console line) for the presenter window, which owns the simulation. This chunk
// loads no engine: everything it shows about the cluster comes over the channel.

export default function NotesPage() {
  const { scenario: id = '' } = useParams()
  const scenario = getScenario(id)
  if (!scenario) return <UnknownScenario id={id} />
  return <Notes key={scenario.id} scenario={scenario} />
}

function clockText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  const mm = String(Math.floor(s / 60)).padStart(2, '0')
  const ss = String(s % 60).padStart(2, '0')
  return `${mm}:${ss}`
}

function useTalkTimer() {
  const [start, setStart] = useState<number | null>(null)
  const [now, setNow] = useState(() => performance.now())
  useEffect(() => {
    const t = window.setInterval(() => setNow(performance.now()), 1000)
    return () => window.clearInterval(t)
  }, [])
  return {
    elapsed: start === null ? 0 : now - start,
    running: start !== null,
    start: () => {
      const t = performance.now()
      setStart(t)
      setNow(t)
    },
    reset: () => setStart(null),
  }
}

function Notes({ scenario }: { scenario: Scenario }) {
  const [state, setState] = useState<PresenterState | null>(null)
  const channelRef = useRef<SyncChannel | null>(null)
  const [command, setCommand] = useState('')
  const timer = useTalkTimer()
  const steps = scenario.steps
  const index = state?.index ?? 0
  const step = steps[index]
  const nextStep = steps[index + 1]
  useTitle(`Speaker notes: ${scenario.title}`)

  useEffect(() => {
    const ch = openSyncChannel(scenario.id)
    channelRef.current = ch
    const off = ch.onMessage((data) => {
      const st = parsePresenterState(data)
      if (st) setState(st)
    })
    ch.post({ kind: 'hello' })
    return () => {
      off()
      ch.close()
      channelRef.current = null
    }
  }, [scenario.id])

  const send = (req: NotesRequest) => channelRef.current?.post(req)

  // the clicker usually talks to the focused window, which is this one on the laptop: the same
  // keys drive the presenter window from here
  const blank = state?.blank ?? false
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return
      if (e.key === ' ' && e.target instanceof HTMLButtonElement) return
      const action = actionForKey(e.key)
      const post = (req: NotesRequest) => {
        e.preventDefault()
        channelRef.current?.post(req)
      }
      if (action === 'next') post({ kind: 'next' })
      else if (action === 'back') post({ kind: 'back' })
      else if (action === 'first') post({ kind: 'goTo', index: 0 })
      else if (action === 'last') post({ kind: 'goTo', index: steps.length })
      else if (action === 'blank') post({ kind: 'blank', blank: !blank })
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [blank, steps.length])

  // the timer starts by itself when the talk moves past its first step
  const { running, start } = timer
  useEffect(() => {
    if (!running && index > 0) start()
  }, [running, start, index])

  const planned = steps.reduce((m, s) => m + s.notes.minutes, 0)
  const plannedSoFar = steps.slice(0, index).reduce((m, s) => m + s.notes.minutes, 0)

  function onRun(e: FormEvent) {
    e.preventDefault()
    const c = command.trim()
    if (!c) return
    send({ kind: 'run', command: c })
    setCommand('')
  }

  const connected = state !== null
  return (
    <main id="main" className="notes" data-testid="notes">
      <header className="notes-head">
        <h1>Speaker notes: {scenario.title}</h1>
        <p role="status" data-testid="notes.status" className={connected ? 'ok' : 'warn'}>
          {connected ? (
            'In sync with the presenter window'
          ) : (
            <>
              Waiting for the presenter window.{' '}
              <Link to={`/present/${scenario.id}`} target="_blank">
                Open it
              </Link>{' '}
              on the projector.
            </>
          )}
        </p>
      </header>

      <section className="notes-timer" aria-label="Timer">
        <p>
          <span className="big" data-testid="notes.timer">
            {clockText(timer.elapsed)}
          </span>{' '}
          elapsed · planned so far {plannedSoFar} of {planned} min
          {state && <> · simulated clock {rfc3339(state.now).slice(11, 19)} UTC</>}
        </p>
        <button type="button" onClick={timer.start}>
          {timer.running ? 'Restart timer' : 'Start timer'}
        </button>
        <button type="button" onClick={timer.reset}>
          Reset timer
        </button>
      </section>

      <section className="notes-current" aria-labelledby="notes-now">
        <h2 id="notes-now" data-testid="notes.current">
          {step ? `Now: step ${index + 1} of ${steps.length}, ${step.title}` : 'Now: the recap'}
        </h2>
        {step ? (
          <>
            <Markdown text={step.notes.say} className="notes-say" />
            {step.notes.question && (
              <div className="notes-question">
                <h3>If they ask</h3>
                <Markdown text={step.notes.question} />
              </div>
            )}
            <p className="dim">About {step.notes.minutes} min.</p>
          </>
        ) : (
          <p>Close with the three recap points and the try-it task.</p>
        )}
        <h3>On “next”, the simulation</h3>
        <Markdown
          text={describeNextAction(step, state?.answered ?? false)}
          className="notes-action"
        />
      </section>

      <section className="notes-next" aria-labelledby="notes-next-title">
        <h2 id="notes-next-title">
          {nextStep ? `Then: step ${index + 2}, ${nextStep.title}` : 'Then: the recap'}
        </h2>
        {nextStep && <Markdown text={nextStep.notes.say} />}
      </section>

      <section className="notes-controls" aria-label="Presenter window controls">
        <div role="toolbar" aria-label="Steps and clock">
          <button type="button" onClick={() => send({ kind: 'back' })} disabled={!connected}>
            Back
          </button>
          <button
            type="button"
            onClick={() => send({ kind: 'next' })}
            disabled={!connected}
            data-testid="notes.next"
          >
            Next
          </button>
          <button
            type="button"
            onClick={() => send({ kind: state?.playing ? 'pause' : 'play' })}
            disabled={!connected}
            aria-pressed={state?.playing ?? false}
            data-testid="notes.play"
          >
            {state?.playing ? 'Pause clock' : 'Play clock'}
          </button>
          <label>
            Speed{' '}
            <select
              value={state?.speed ?? 1}
              disabled={!connected}
              onChange={(e) => send({ kind: 'setSpeed', speed: Number(e.target.value) })}
            >
              {PLAYBACK_SPEEDS.map((x) => (
                <option key={x} value={x}>
                  {x}x
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            onClick={() => send({ kind: 'blank', blank: !state?.blank })}
            disabled={!connected}
            aria-pressed={state?.blank ?? false}
          >
            Blank screen
          </button>
          <label>
            Jump to{' '}
            <select
              value={index}
              disabled={!connected}
              onChange={(e) => send({ kind: 'goTo', index: Number(e.target.value) })}
              data-testid="notes.jump"
            >
              {steps.map((s, i) => (
                <option key={s.id} value={i}>
                  {i + 1}. {s.title}
                </option>
              ))}
              <option value={steps.length}>Recap</option>
            </select>
          </label>
        </div>
        <p className="dim">
          The clicker works in this window too: Page Down / → next, Page Up / ← back, B blank.
        </p>
        <form onSubmit={onRun} className="notes-run">
          <label htmlFor="notes-command">Type for the audience</label>
          <input
            id="notes-command"
            value={command}
            maxLength={MAX_COMMAND_LENGTH}
            onChange={(e) => setCommand(e.target.value)}
            spellCheck={false}
            autoComplete="off"
            disabled={!connected}
            data-testid="notes.command"
          />
          <button type="submit" disabled={!connected}>
            Run
          </button>
        </form>
      </section>

      <section className="notes-console" aria-label="What the audience's console shows">
        <h2>Console</h2>
        <div className="notes-transcript" data-testid="notes.transcript">
          {state?.transcript.map((e, i) => (
            <div key={i} className="entry">
              <pre className="cmd">
                <span className="prompt">{e.prompt}</span>
                {e.input}
              </pre>
              {e.lines.map((l, j) => (
                <pre key={j} className={`line ${l.tone ?? 'out'}`}>
                  {l.text}
                </pre>
              ))}
            </div>
          ))}
        </div>
      </section>
    </main>
  )
}
