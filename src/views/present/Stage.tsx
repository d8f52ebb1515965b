import { useEffect, useRef } from 'react'
import { useStore } from 'zustand'
import type { Presentation } from '../../state/presentation.ts'
import { stepKind } from '../../scenarios/types.ts'
import { useUiStore } from '../hooks/stores.ts'
import { useClock } from '../animation/useClock.ts'
import { MainView } from '../net/MainView.tsx'
import { Terminal } from '../terminal/Terminal.tsx'
import { InlineMarkdown, Markdown } from '../scenario/Markdown.tsx'
import './present.css'

// What the audience sees, in the presenter window and in an embed: the step's narration (and its
// predict question, answer revealed on "next"), the cluster map and the console. No site chrome.
// Must sit inside a SimulationProvider holding the presentation's simulation store.

export function Stage({
  presentation,
  headingLevel = 1,
}: {
  presentation: Presentation
  headingLevel?: 1 | 2
}) {
  const { scenario, player, sim } = presentation
  useClock(sim)
  const ui = useUiStore()
  const index = useStore(player, (s) => s.index)
  const answer = useStore(player, (s) => s.answers[s.index] ?? null)
  const step = scenario.steps[index]
  const headingRef = useRef<HTMLHeadingElement>(null)

  useEffect(() => {
    ui.getState().setHighlighted(step?.highlight ?? [])
    const open = step && stepKind(step) === 'predict' && answer === null
    ui.getState().setConcealed(open ? (step.conceal ?? []) : [])
  }, [ui, step, answer])

  const Heading = headingLevel === 1 ? 'h1' : 'h2'
  const total = scenario.steps.length
  return (
    <div className="stage">
      <section className="stage-say" aria-labelledby="stage-title" aria-live="polite">
        <p className="stage-count" data-testid="stage.count">
          {step ? `Step ${index + 1} of ${total}` : `Recap · ${total} of ${total} steps done`}
        </p>
        <Heading id="stage-title" ref={headingRef} data-testid="stage.title">
          {step ? step.title : scenario.title}
        </Heading>
        {step ? (
          <>
            <Markdown text={step.say} className="stage-narration" />
            {'predict' in step.complete && (
              <div className="stage-predict" data-testid="stage.predict">
                <p className="stage-question">
                  <InlineMarkdown text={step.complete.predict.question} />
                </p>
                <ol type="A">
                  {step.complete.predict.choices.map((c, i) => (
                    <li
                      key={i}
                      className={
                        answer === null ? undefined : c.correct ? 'choice-right' : 'choice-wrong'
                      }
                      data-testid={`stage.choice.${i}`}
                    >
                      <InlineMarkdown text={c.text} />
                      {answer !== null && c.correct && (
                        <span className="choice-verdict"> — the answer</span>
                      )}
                    </li>
                  ))}
                </ol>
              </div>
            )}
          </>
        ) : (
          <ul className="stage-recap">
            {scenario.recap.map((r, i) => (
              <li key={i}>
                <InlineMarkdown text={r} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <div className="stage-map">
        <MainView />
      </div>
      <div className="stage-terminal">
        <Terminal />
      </div>
    </div>
  )
}
