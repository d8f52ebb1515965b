import type { Scenario } from '../scenarios/types.ts'
import { createScenarioPlayer, type ScenarioPlayer } from './scenarioPlayer.ts'
import { createSimulationStore, type SimulationStore } from './simulationStore.ts'

// A scenario driven by a presenter (a clicker) or by a host page, not by a learner: "next" always
// moves on, doing the step's own solution (typing its command, waiting for its event, revealing a
// predict question's answer first). Used by /present, /notes (through the presenter) and /embed.
// Nothing here writes storage: a presentation has no saved progress.

export interface Presentation {
  scenario: Scenario
  sim: SimulationStore
  player: ScenarioPlayer
  /** reveal the current predict answer if it is still open, else do the step and move on */
  next(): void
  /** back one step (the cluster stays as it is: going back re-shows the narration) */
  back(): void
  /** 0-based; `steps.length` is the recap. Forward jumps replay the skipped steps' solutions. */
  goTo(index: number): void
  dispose(): void
}

export interface PresentationOptions {
  startStep?: number
  playing?: boolean
  speed?: number
}

export function createPresentation(
  scenario: Scenario,
  opts: PresentationOptions = {},
): Presentation {
  const sim = createSimulationStore({ seed: scenario.seed, playing: opts.playing ?? false })
  if (opts.speed !== undefined) sim.getState().setSpeed(opts.speed)
  // a presenter reveals predict answers by hand; the clock keeps the pace they chose
  const player = createScenarioPlayer(scenario, sim, {
    startStep: opts.startStep ?? 0,
    pauseOnPredict: false,
  })
  const last = scenario.steps.length

  function goTo(index: number) {
    const t = Math.max(0, Math.min(last, Math.floor(index)))
    if (Number.isNaN(t)) return
    player.getState().goTo(t)
  }

  return {
    scenario,
    sim,
    player,
    next() {
      const p = player.getState()
      const i = p.index
      const step = scenario.steps[i]
      if (!step) return
      if ('predict' in step.complete && p.answers[i] === null && p.status[i] === 'todo') {
        p.answer((step.solution as { answer: number }).answer)
        return
      }
      goTo(i + 1)
    },
    back() {
      goTo(player.getState().index - 1)
    },
    goTo,
    dispose() {
      player.getState().dispose()
    },
  }
}
