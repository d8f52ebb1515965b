import { useMemo, useState } from 'react'
import { Link, useParams, useSearchParams } from 'react-router'
import { getScenario, type Scenario } from '../../scenarios/index.ts'
import { stepKind } from '../../scenarios/types.ts'
import { useTitle } from '../hooks/useTitle.ts'
import { InlineMarkdown, Markdown } from '../scenario/Markdown.tsx'
import { UnknownScenario } from '../present/UnknownScenario.tsx'
import { buildStoryboard } from './storyboard.ts'
import './print.css'

// /print/:scenario[?notes=1] — a storyboard handout from the same scenario data: one frame per step
// (its narration, its question, the console after the step), optionally the speaker notes. Laid out
// for A4 and Letter alike: the page size is the printer's, margins fit both.

export default function PrintPage() {
  const { scenario: id = '' } = useParams()
  const scenario = getScenario(id)
  if (!scenario) return <UnknownScenario id={id} />
  return <Storyboard scenario={scenario} />
}

function Storyboard({ scenario }: { scenario: Scenario }) {
  const [search, setSearch] = useSearchParams()
  // local state first: the URL follows (a router navigation re-renders a moment later)
  const [withNotes, setWithNotes] = useState(() => search.get('notes') === '1')
  const frames = useMemo(() => buildStoryboard(scenario), [scenario])
  useTitle(`Storyboard: ${scenario.title}`)
  return (
    <main id="main" className="page print" data-testid="print">
      <div className="print-tools">
        <Link to={`/learn/${scenario.id}`}>Back to the lesson</Link>
        <label>
          <input
            type="checkbox"
            checked={withNotes}
            onChange={(e) => {
              setWithNotes(e.target.checked)
              const q = new URLSearchParams(search)
              if (e.target.checked) q.set('notes', '1')
              else q.delete('notes')
              setSearch(q, { replace: true })
            }}
            data-testid="print.notes"
          />{' '}
          Include speaker notes
        </label>
        <button type="button" onClick={() => window.print()}>
          Print
        </button>
      </div>
      <header className="print-head">
        <h1>{scenario.title}</h1>
        <p>{scenario.summary}</p>
        <p className="dim">
          Cutaway storyboard · {scenario.steps.length} steps · about {scenario.minutes} min
        </p>
      </header>
      <ol className="frames">
        {scenario.steps.map((step, i) => (
          <li key={step.id} className="frame" data-testid={`print.frame.${i}`}>
            <h2>
              {i + 1}. {step.title}
            </h2>
            <Markdown text={step.say} />
            {stepKind(step) === 'predict' && 'predict' in step.complete && (
              <div className="frame-predict">
                <p>
                  <strong>
                    <InlineMarkdown text={step.complete.predict.question} />
                  </strong>
                </p>
                <ol type="A">
                  {step.complete.predict.choices.map((c, j) => (
                    <li key={j}>
                      <InlineMarkdown text={c.text} />
                      {c.correct && <strong> (answer)</strong>}
                    </li>
                  ))}
                </ol>
              </div>
            )}
            {frames[i] && frames[i].entries.length > 0 && (
              <div className="frame-console" aria-label={`Console after step ${i + 1}`}>
                {frames[i].entries.map((e, j) => (
                  <div key={j}>
                    <pre className="cmd">
                      {e.prompt}
                      {e.input}
                    </pre>
                    {e.lines.map((l, k) => (
                      <pre key={k} className={`line ${l.tone ?? 'out'}`}>
                        {l.text}
                      </pre>
                    ))}
                  </div>
                ))}
              </div>
            )}
            {withNotes && (
              <aside className="frame-notes" aria-label={`Speaker notes for step ${i + 1}`}>
                <h3>Speaker notes ({step.notes.minutes} min)</h3>
                <Markdown text={step.notes.say} />
                {step.notes.question && <Markdown text={step.notes.question} />}
              </aside>
            )}
          </li>
        ))}
      </ol>
      <section className="frame recap">
        <h2>Recap</h2>
        <ul>
          {scenario.recap.map((r, i) => (
            <li key={i}>
              <InlineMarkdown text={r} />
            </li>
          ))}
        </ul>
        <h3>Try it</h3>
        <Markdown text={scenario.tryIt.task} />
      </section>
    </main>
  )
}
