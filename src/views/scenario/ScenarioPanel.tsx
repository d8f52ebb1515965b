import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { Link, useNavigate } from 'react-router'
import { useStore } from 'zustand'
import type { ScenarioPlayer } from '../../state/scenarioPlayer.ts'
import { encodeSandbox } from '../../state/sandboxLink.ts'
import type { PredictStep, Scenario, Step } from '../../scenarios/types.ts'
import { stepKind } from '../../scenarios/types.ts'
import { useSimStore, useUiStore } from '../hooks/stores.ts'
import { InlineMarkdown, Markdown } from './Markdown.tsx'
import './scenario.css'

// The lesson panel in the workspace's aside: where you are, the narration, the step's task (a
// command to type, something to wait for, a question to answer), hints, the solution on request,
// Back/Next, and "Open in sandbox from here". Everything works from the keyboard.

/** The console's input, to move focus there ("Go to the console"). */
function terminalInput(): HTMLInputElement | null {
  return document.querySelector<HTMLInputElement>('[data-testid="terminal.input"]')
}

export function ScenarioPanel({ player }: { player: ScenarioPlayer }) {
  const sim = useSimStore()
  const navigate = useNavigate()
  const scenario = useStore(player, (s) => s.scenario)
  const index = useStore(player, (s) => s.index)
  const status = useStore(player, (s) => s.status)
  const error = useStore(player, (s) => s.error)
  const headingRef = useRef<HTMLHeadingElement>(null)
  const panelRef = useRef<HTMLElement>(null)
  const lastIndex = useRef(index)
  const [announce, setAnnounce] = useState('')

  const total = scenario.steps.length
  const step = scenario.steps[index]
  const finished = index >= total

  // a new step: say so, and move focus to its heading unless the learner is typing in the console
  // and the new step wants another command
  useEffect(() => {
    if (lastIndex.current === index) return
    const prev = lastIndex.current
    lastIndex.current = index
    const from = scenario.steps[prev]
    if (index > prev && from && player.getState().status[prev] !== 'todo')
      setAnnounce(`Step ${prev + 1} done. Now step ${index + 1}${step ? `: ${step.title}` : ''}.`)
    const typing = document.activeElement === terminalInput()
    if (!(typing && step && stepKind(step) === 'command')) headingRef.current?.focus()
  }, [index, scenario, step, player])

  function openSandbox() {
    const s = sim.getState()
    navigate(
      `/sandbox?${encodeSandbox({ seed: s.seed, log: s.log, now: s.cluster.now, config: s.config })}`,
    )
  }

  const canNext = !finished && (status[index] !== 'todo' || (step && stepKind(step) === 'next'))

  return (
    <section
      className="scenario-panel"
      aria-labelledby="lesson-title"
      ref={panelRef}
      data-testid="lesson.panel"
    >
      <header className="lesson-head">
        <p className="lesson-title" id="lesson-title">
          {scenario.title}
        </p>
        <p className="lesson-progress" data-testid="lesson.progress">
          {finished ? `Finished · ${total} steps` : `Step ${index + 1} of ${total}`}
        </p>
        <progress
          max={total}
          value={status.filter((s) => s !== 'todo').length}
          aria-hidden="true"
        />
      </header>
      <p className="sr-only" role="status" aria-live="polite">
        {announce}
      </p>
      {error && (
        <p className="lesson-error" role="alert">
          {error}
        </p>
      )}

      {finished ? (
        <Recap scenario={scenario} headingRef={headingRef} />
      ) : (
        step && (
          <StepView
            key={step.id}
            step={step}
            index={index}
            player={player}
            headingRef={headingRef}
          />
        )
      )}

      <nav className="lesson-nav" aria-label="Lesson steps">
        <button
          type="button"
          onClick={() => player.getState().back()}
          disabled={index === 0}
          data-testid="lesson.back"
        >
          Back
        </button>
        {!finished && (
          <button
            type="button"
            className="primary"
            onClick={() => player.getState().next()}
            disabled={!canNext}
            data-testid="lesson.next"
          >
            {index === total - 1 ? 'Finish' : 'Next'}
          </button>
        )}
      </nav>
      <p className="lesson-sandbox">
        <button type="button" onClick={openSandbox} data-testid="lesson.open-sandbox">
          Open in sandbox from here
        </button>
      </p>
    </section>
  )
}

function StepView({
  step,
  index,
  player,
  headingRef,
}: {
  step: Step
  index: number
  player: ScenarioPlayer
  headingRef: React.RefObject<HTMLHeadingElement | null>
}) {
  const status = useStore(player, (s) => s.status[index])
  const hintsShown = useStore(player, (s) => s.hintsShown[index] ?? 0)
  const reveal = useStore(player, (s) => s.reveal)
  const kind = stepKind(step)
  const done = status !== 'todo'
  const hintsId = useId()
  const ui = useUiStore()

  function showSolution() {
    const r = player.getState().showSolution()
    if (r.kind === 'command') ui.getState().setDraft(r.text)
  }

  return (
    <div className={`lesson-step kind-${kind}`} data-testid={`lesson.step.${step.id}`}>
      <h2 ref={headingRef} tabIndex={-1} data-testid="lesson.step-title">
        {step.title}
      </h2>
      <Markdown text={step.say} className="lesson-say" />

      {kind === 'command' && (
        <div className="lesson-task">
          <p className={done ? 'task-done' : 'task-todo'} data-testid="lesson.task">
            {done ? '✓ Done.' : 'Type the command in the console.'}
          </p>
          {!done && (
            <button
              type="button"
              onClick={() => terminalInput()?.focus()}
              data-testid="lesson.focus-console"
            >
              Go to the console
            </button>
          )}
        </div>
      )}
      {kind === 'event' && (
        <p className={done ? 'task-done' : 'task-todo'} role="status" data-testid="lesson.task">
          {done ? '✓ It happened.' : 'Waiting for the cluster…'}
        </p>
      )}
      {kind === 'click' && (
        <p className={done ? 'task-done' : 'task-todo'} data-testid="lesson.task">
          {done ? '✓ Done.' : 'Select it on the cluster map.'}
        </p>
      )}
      {kind === 'predict' && (
        <PredictView step={step as PredictStep} index={index} player={player} />
      )}

      {step.hints.length > 0 && !done && (
        <div className="lesson-help">
          {hintsShown > 0 && (
            <ol className="hints" id={hintsId} aria-label="Hints">
              {step.hints.slice(0, hintsShown).map((h, i) => (
                <li key={i}>
                  <InlineMarkdown text={h} />
                </li>
              ))}
            </ol>
          )}
          <div className="help-buttons">
            <button
              type="button"
              onClick={() => player.getState().showHint()}
              disabled={hintsShown >= step.hints.length}
              aria-controls={hintsShown > 0 ? hintsId : undefined}
              data-testid="lesson.hint"
            >
              {hintsShown === 0 ? 'Hint' : `Another hint (${hintsShown} of ${step.hints.length})`}
            </button>
            {kind !== 'next' && (
              <button type="button" onClick={showSolution} data-testid="lesson.solution">
                Show solution
              </button>
            )}
          </div>
          {reveal && reveal.kind === 'command' && (
            <p className="reveal" role="status">
              The solution is in the console: <code>{reveal.text}</code>. Press Enter there to run
              it.
            </p>
          )}
          {reveal && reveal.kind === 'wait' && (
            <p className="reveal" role="status">
              <InlineMarkdown text={reveal.text} />
            </p>
          )}
          {reveal && reveal.kind === 'click' && (
            <p className="reveal" role="status">
              Select <code>{reveal.target.name}</code> ({reveal.target.kind}) on the map.
            </p>
          )}
          {reveal && reveal.kind === 'answer' && (
            <p className="reveal" role="status">
              The answer is choice {reveal.choice + 1}. Pick it and check it to see why.
            </p>
          )}
        </div>
      )}
    </div>
  )
}

function PredictView({
  step,
  index,
  player,
}: {
  step: PredictStep
  index: number
  player: ScenarioPlayer
}) {
  const answered = useStore(player, (s) => s.answers[index] ?? null)
  const [picked, setPicked] = useState<number | null>(answered)
  const resultRef = useRef<HTMLParagraphElement>(null)
  const name = useId()
  const { question, choices } = step.complete.predict

  function check(e: FormEvent) {
    e.preventDefault()
    if (picked === null) return
    player.getState().answer(picked)
  }

  useEffect(() => {
    if (answered !== null) resultRef.current?.focus()
  }, [answered])

  const right = answered !== null && choices[answered]?.correct
  return (
    <form className="predict" onSubmit={check} data-testid="lesson.predict">
      <fieldset disabled={answered !== null}>
        <legend>
          <InlineMarkdown text={question} />
        </legend>
        {choices.map((c, i) => {
          const state =
            answered === null ? '' : c.correct ? 'correct' : i === answered ? 'wrong' : 'other'
          return (
            <div key={i} className={`choice ${state}`}>
              <label>
                <input
                  type="radio"
                  name={name}
                  value={i}
                  checked={picked === i}
                  onChange={() => setPicked(i)}
                />
                <span>
                  <InlineMarkdown text={c.text} />
                </span>
              </label>
              {answered !== null && (
                <p className="explanation" data-testid={`lesson.explanation.${i}`}>
                  <strong>
                    {c.correct ? 'Correct answer' : 'Wrong'}
                    {i === answered ? ' (your answer)' : ''}:
                  </strong>{' '}
                  <InlineMarkdown text={c.explanation} />
                </p>
              )}
            </div>
          )
        })}
      </fieldset>
      {answered === null ? (
        <button
          type="submit"
          className="primary"
          disabled={picked === null}
          data-testid="lesson.check"
        >
          Check answer
        </button>
      ) : (
        <p
          className={right ? 'verdict right' : 'verdict wrong'}
          tabIndex={-1}
          ref={resultRef}
          role="status"
          data-testid="lesson.verdict"
        >
          {right
            ? 'Right. Read why the others are wrong, then continue.'
            : 'Not quite: that is a common misconception. Read the explanations, then continue.'}
        </p>
      )}
    </form>
  )
}

function Recap({
  scenario,
  headingRef,
}: {
  scenario: Scenario
  headingRef: React.RefObject<HTMLHeadingElement | null>
}) {
  return (
    <div className="lesson-step recap" data-testid="lesson.recap">
      <h2 ref={headingRef} tabIndex={-1}>
        You finished “{scenario.title}”
      </h2>
      <h3>Recap</h3>
      <ul>
        {scenario.recap.map((r, i) => (
          <li key={i}>
            <InlineMarkdown text={r} />
          </li>
        ))}
      </ul>
      <h3>Try it yourself</h3>
      <Markdown text={scenario.tryIt.task} />
      {scenario.tryIt.commands && (
        // focusable: a long command scrolls sideways, and keyboard users must reach it (axe)
        <pre className="try-commands" tabIndex={0} aria-label="Commands to start with">
          {scenario.tryIt.commands.join('\n')}
        </pre>
      )}
      <p>
        Open the sandbox below to try it on this very cluster, or go{' '}
        <Link to="/">back to the lessons</Link>.
      </p>
    </div>
  )
}
