import { useEffect, useState } from 'react'
import { useNavigate, useParams } from 'react-router'
import { useStore } from 'zustand'
import { getScenario, type Scenario } from '../../scenarios/index.ts'
import { createScenarioPlayer } from '../../state/scenarioPlayer.ts'
import { createSimulationStore } from '../../state/simulationStore.ts'
import { progressStore } from '../../state/progressStore.ts'
import { SimulationProvider } from '../hooks/SimulationProvider.tsx'
import { useUiStore } from '../hooks/stores.ts'
import { stepKind } from '../../scenarios/types.ts'
import { useTitle } from '../hooks/useTitle.ts'
import { UnknownScenario } from '../present/UnknownScenario.tsx'
import { Workspace } from '../layout/Workspace.tsx'
import { ScenarioPanel } from '../scenario/ScenarioPanel.tsx'
import { ShareTools } from '../share/ShareTools.tsx'
import type { ScenarioPlayer } from '../../state/scenarioPlayer.ts'

// /learn/:scenario/:step? — a guided scenario: the lesson panel beside the workspace. The step in
// the URL is 1-based ("done" is the recap); opening a later step replays the earlier solutions.

/** "3" → 2; "done" → steps.length; nothing → 0; anything else → null */
function parseStepParam(step: string | undefined, scenario: Scenario): number | null {
  if (step === undefined || step === '') return 0
  if (step === 'done') return scenario.steps.length
  if (!/^\d+$/.test(step)) return null
  const n = Number(step)
  return n >= 1 && n <= scenario.steps.length ? n - 1 : null
}

function stepParam(index: number, scenario: Scenario): string {
  return index >= scenario.steps.length ? 'done' : String(index + 1)
}

export default function LearnPage() {
  const { scenario: id = '', step } = useParams()
  const scenario = getScenario(id)
  if (!scenario) return <UnknownScenario id={id} />
  return <Lesson key={scenario.id} scenario={scenario} stepParam={step} />
}

function Lesson({
  scenario,
  stepParam: param,
}: {
  scenario: Scenario
  stepParam: string | undefined
}) {
  const [badStep] = useState(() => parseStepParam(param, scenario) === null)
  // one simulation and one player per mounted lesson (a fresh cluster per visit)
  const [{ sim, player }] = useState(() => {
    const sim = createSimulationStore({ seed: scenario.seed, playing: true })
    const progress = progressStore()
    const player = createScenarioPlayer(scenario, sim, {
      startStep: parseStepParam(param, scenario) ?? 0,
      onStepComplete: (stepId) => progress.getState().completeStep(scenario.id, stepId),
      onAnswer: (stepId, choice, correct) =>
        progress.getState().recordAnswer(scenario.id, stepId, choice, correct),
      onFinish: () => progress.getState().completeScenario(scenario.id),
    })
    return { sim, player }
  })
  return (
    <SimulationProvider store={sim}>
      <LessonBody scenario={scenario} player={player} param={param} badStep={badStep} />
    </SimulationProvider>
  )
}

function LessonBody({
  scenario,
  player,
  param,
  badStep,
}: {
  scenario: Scenario
  player: ScenarioPlayer
  param: string | undefined
  badStep: boolean
}) {
  const navigate = useNavigate()
  const ui = useUiStore()
  const index = useStore(player, (s) => s.index)
  const [dismissed, setDismissed] = useState(false)
  const finished = index >= scenario.steps.length
  useTitle(`${scenario.title} · ${finished ? 'recap' : `step ${index + 1}`}`)

  // the address bar follows the learner (replace: the browser's Back leaves the lesson)
  useEffect(() => {
    const want = stepParam(index, scenario)
    if (param !== want) navigate(`/learn/${scenario.id}/${want}`, { replace: true })
  }, [index, param, scenario, navigate])

  // the step's highlights on the map; while a predict question is open, the map must not show the answer
  const step = scenario.steps[index]
  const answered = useStore(
    player,
    (s) => s.answers[index] !== null && s.answers[index] !== undefined,
  )
  useEffect(() => {
    ui.getState().setHighlighted(step?.highlight ?? [])
    const open = step && stepKind(step) === 'predict' && !answered
    ui.getState().setConcealed(open ? (step.conceal ?? []) : [])
  }, [ui, step, answered])
  useEffect(
    () => () => {
      ui.getState().setHighlighted([])
      ui.getState().setConcealed([])
    },
    [ui],
  )

  // clicks on the map reach the player through the ui store's selection
  useEffect(
    () =>
      ui.subscribe((s, prev) => {
        if (s.selected && s.selected !== prev.selected) player.getState().notifyClick(s.selected)
      }),
    [ui, player],
  )

  return (
    <main id="main" className="learn-main">
      {badStep && !dismissed && (
        <div className="notice" role="alert">
          <p>
            This lesson has no step “{param}”; it has {scenario.steps.length}. You are at the start.
          </p>
          <button type="button" onClick={() => setDismissed(true)}>
            Dismiss
          </button>
        </div>
      )}
      <Workspace
        aside={<ScenarioPanel player={player} />}
        toolbar={<ShareTools scenario={scenario} step={index} />}
      />
    </main>
  )
}
