import { describe, expect, it } from 'vitest'
import { SCENARIOS } from '../scenarios/index.ts'
import { tour } from '../scenarios/tour.ts'
import { createPresentation } from './presentation.ts'

describe('createPresentation', () => {
  it.each(SCENARIOS.map((s) => [s.id, s] as const))(
    '%s: "next" alone goes from the first step to the recap',
    (_, scenario) => {
      const p = createPresentation(scenario)
      let presses = 0
      while (p.player.getState().index < scenario.steps.length && presses < 100) {
        p.next()
        presses++
      }
      const predicts = scenario.steps.filter((s) => 'predict' in s.complete).length
      expect(p.player.getState().index).toBe(scenario.steps.length)
      // one press per step, plus one per predict question to reveal its answer first
      expect(presses).toBe(scenario.steps.length + predicts)
      expect(p.player.getState().error).toBeNull()
      p.dispose()
    },
  )

  it('reveals a predict answer before moving on, and goes back without undoing the cluster', () => {
    const p = createPresentation(tour, { startStep: 2 })
    expect(p.player.getState().index).toBe(2)
    const logged = p.sim.getState().log.length
    expect(logged).toBeGreaterThan(0) // the earlier steps' solutions ran
    p.next()
    expect(p.player.getState().index).toBe(2)
    expect(p.player.getState().answers[2]).toBe(
      (tour.steps[2]!.solution as { answer: number }).answer,
    )
    p.next()
    expect(p.player.getState().index).toBe(3)
    p.back()
    expect(p.player.getState().index).toBe(2)
    expect(p.sim.getState().log.length).toBe(logged)
    p.goTo(99)
    expect(p.player.getState().index).toBe(tour.steps.length)
    p.goTo(-4)
    expect(p.player.getState().index).toBe(0)
    p.dispose()
  })

  it('starts at the speed and clock it is given', () => {
    const p = createPresentation(tour, { speed: 2, playing: true })
    expect(p.sim.getState().speed).toBe(2)
    expect(p.sim.getState().playing).toBe(true)
    p.dispose()
  })
})
