import type { SimEvent } from '../../engine/index.ts'
import { createSimulationStore } from '../../state/simulationStore.ts'
import { createScenarioPlayer } from '../../state/scenarioPlayer.ts'
import type { Scenario } from '../types.ts'

/**
 * Plays a scenario's solution headless, step by step, as the lesson tests read it: what each step
 * printed (`out[step.id]`, the transcript's lines) and the events it caused (`eventsOf[step.id]`).
 * Event steps let the clock run (250 ms ticks, five simulated minutes at most) until the player
 * moves on.
 */
export function replayScenario(scenario: Scenario) {
  const sim = createSimulationStore({ seed: scenario.seed })
  const player = createScenarioPlayer(scenario, sim)
  const out: Record<string, string> = {}
  const eventsOf: Record<string, SimEvent[]> = {}
  for (const step of scenario.steps) {
    const start = sim.getState().transcript.length
    const firstEvent = sim.getState().events.at(-1)?.id ?? 0
    const solution = step.solution as { commands?: string[]; answer?: number } | undefined
    if ('command' in step.complete)
      for (const c of solution!.commands!) sim.getState().run(c, 'terminal')
    else if ('predict' in step.complete) {
      player.getState().answer(solution!.answer!)
      player.getState().next()
    } else if ('event' in step.complete) {
      sim.getState().play()
      for (let t = 0; t < 5 * 60_000 && player.getState().index < scenario.steps.length; t += 250)
        sim.getState().tick(250)
    } else player.getState().next()
    out[step.id] = sim
      .getState()
      .transcript.slice(start)
      .flatMap((t) => t.lines.map((l) => l.text))
      .join('\n')
    eventsOf[step.id] = sim
      .getState()
      .events.filter((e) => e.id > firstEvent)
      .map((e) => e.event)
  }
  return { sim, player, out, eventsOf }
}
