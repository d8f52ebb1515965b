import { describe, expect, it } from 'vitest'
import { createSimulationStore } from '../../state/simulationStore.ts'
import { createScenarioPlayer, type ScenarioPlayer } from '../../state/scenarioPlayer.ts'
import type { SimulationStore } from '../../state/simulationStore.ts'
import { SCENARIOS, getScenario } from '../index.ts'
import { sentenceCount, validateScenario } from '../schema.ts'
import type { Scenario } from '../types.ts'
import { tour } from '../tour.ts'
import { services, WEB_SVC_CHAIN } from '../services.ts'
import { iptables } from '../iptables.ts'

// Every scenario file is valid and solvable headless by its own solution (STYLE.md 9).

const files = import.meta.glob<{ default?: Scenario }>(
  ['../*.ts', '!../index.ts', '!../types.ts', '!../schema.ts'],
  {
    eager: true,
  },
)
const fileOf = (path: string) => `src/scenarios/${path.replace('../', '')}`

/** Plays the current step's solution the way a learner would: typing, clicking, waiting, answering. */
function solveStep(player: ScenarioPlayer, sim: SimulationStore) {
  const p = player.getState()
  const step = p.scenario.steps[p.index]!
  const before = p.index
  if ('command' in step.complete) {
    for (const c of (step.solution as { commands: string[] }).commands)
      sim.getState().run(c, 'terminal')
  } else if ('click' in step.complete) {
    p.notifyClick((step.solution as { click: { kind: string; name: string } }).click)
  } else if ('event' in step.complete) {
    sim.getState().play()
    for (let t = 0; t < 10 * 60_000 && player.getState().index === before; t += 250)
      sim.getState().tick(250)
  } else if ('predict' in step.complete) {
    p.answer((step.solution as { answer: number }).answer)
    player.getState().next()
  } else p.next()
  return player.getState().index
}

describe('scenario files', () => {
  it('every scenario file is in the registry, once', () => {
    const ids = Object.values(files).map((m) => m.default?.id)
    expect(ids.length).toBeGreaterThan(0)
    for (const id of ids) expect(SCENARIOS.filter((s) => s.id === id)).toHaveLength(1)
    expect(new Set(SCENARIOS.map((s) => s.id)).size).toBe(SCENARIOS.length)
    expect(getScenario('tour')).toBe(tour)
    expect(getScenario('nope')).toBeUndefined()
  })

  for (const [path, mod] of Object.entries(files)) {
    it(`${fileOf(path)} passes the schema`, () => {
      expect(mod.default, `${fileOf(path)} must export default a scenario`).toBeDefined()
      const v = validateScenario(mod.default, fileOf(path))
      expect(v.ok ? [] : v.errors).toEqual([])
    })
  }
})

describe.each(SCENARIOS.map((s) => [s.id, s] as const))('scenario %s', (_id, scenario) => {
  it('replays its solution headless, step by step, to the end', () => {
    const sim = createSimulationStore({ seed: scenario.seed })
    const completed: string[] = []
    let finished = false
    const player = createScenarioPlayer(scenario, sim, {
      onStepComplete: (id) => completed.push(id),
      onFinish: () => (finished = true),
    })
    for (let i = 0; i < scenario.steps.length; i++) {
      expect(player.getState().index, `before step ${scenario.steps[i]!.id}`).toBe(i)
      const after = solveStep(player, sim)
      expect(after, `step ${i + 1} "${scenario.steps[i]!.id}" did not complete`).toBe(i + 1)
    }
    expect(completed).toEqual(scenario.steps.map((s) => s.id))
    expect(finished).toBe(true)
    expect(player.getState().error).toBeNull()
    player.getState().dispose()
  })

  it('deep links: starting at each step replays the earlier solutions', () => {
    for (let n = 1; n < scenario.steps.length; n++) {
      const sim = createSimulationStore({ seed: scenario.seed })
      const completed: string[] = []
      const player = createScenarioPlayer(scenario, sim, {
        startStep: n,
        onStepComplete: (id) => completed.push(id),
      })
      expect(player.getState().error).toBeNull()
      expect(player.getState().index).toBe(n)
      expect(
        player
          .getState()
          .status.slice(0, n)
          .every((s) => s === 'replayed'),
      ).toBe(true)
      expect(completed).toEqual([]) // replayed steps are not the learner's
      // …and the rest still solves from there
      for (let i = n; i < scenario.steps.length; i++) expect(solveStep(player, sim)).toBe(i + 1)
      player.getState().dispose()
    }
  })
})

describe('tour specifics', () => {
  it('has at least two predict questions with 3–4 choices', () => {
    const predicts = tour.steps.filter((s) => 'predict' in s.complete)
    expect(predicts.length).toBeGreaterThanOrEqual(2)
  })

  it('the node names in the narration are the ones this seed prints', () => {
    const sim = createSimulationStore({ seed: tour.seed })
    const out = sim
      .getState()
      .run('kubectl get nodes')
      .lines.map((l) => l.text)
      .join('\n')
    expect(out).toContain('ip-192-168-20-109.us-west-2.compute.internal')
    expect(
      sim
        .getState()
        .run('aws eks list-clusters')
        .lines.map((l) => l.text)
        .join(''),
    ).toContain('"demo"')
  })
})

/** Replays a scenario's solutions and returns what the learner saw after each command step. */
function outputsOf(scenario: Scenario): Map<string, string> {
  const sim = createSimulationStore({ seed: scenario.seed })
  const player = createScenarioPlayer(scenario, sim)
  const seen = new Map<string, string>()
  for (const step of scenario.steps) {
    if ('command' in step.complete) {
      const out = (step.solution as { commands: string[] }).commands.map((c) =>
        sim
          .getState()
          .run(c, 'terminal')
          .lines.map((l) => l.text)
          .join('\n'),
      )
      seen.set(step.id, out.join('\n'))
    } else solveStep(player, sim)
  }
  expect(player.getState().index).toBe(scenario.steps.length)
  player.getState().dispose()
  return seen
}

describe('services specifics', () => {
  it('the learner sees the rules, a random pick, a lost ping and the probabilities change', () => {
    const out = outputsOf(services)
    expect(out.get('slice')).toMatch(/kubernetes\.io\/service-name: web/)
    expect(out.get('slice')?.match(/ready: true/g)).toHaveLength(3)
    expect(out.get('rules')).toContain(`-j ${WEB_SVC_CHAIN}`)
    expect(out.get('rules')).toContain('--probability 0.33333333349')
    expect(out.get('curl')?.match(/^10\.100\.\d+\.\d+ 200$/gm)).toHaveLength(3)
    expect(out.get('curl')).toMatch(/"GET \/ HTTP\/1\.1" 200/)
    expect(out.get('ping')).toContain('100% packet loss')
    // the click: 1/3, 1/2 become 1/4, 1/3, 1/2, and the last rule has no probability
    const chain = out.get('scale')!
    const probs = [...chain.matchAll(/probability (\d\.\d{11})/g)].map((m) => m[1])
    expect(probs).toEqual(['0.25000000000', '0.33333333349', '0.50000000000'])
    expect(chain.match(/KUBE-SEP-/g)).toHaveLength(4)
    expect(out.get('leave')).toMatch(/web-\w{5} +IPv4 +80 +\S+,\S+,\S+ +/)
  })
})

describe('iptables specifics', () => {
  it('one packet per connection in nat, DROP times out, REJECT fails fast, -D restores', () => {
    const out = outputsOf(iptables)
    expect(out.get('filter-table')).toMatch(/^Chain FORWARD \(policy ACCEPT/m)
    expect(out.get('nat-table')).toContain(
      '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    )
    expect(out.get('read-a-line')).toMatch(
      /-A KUBE-SERVICES -d 10\.100\.\d+\.\d+\/32 -p tcp -m comment --comment "default\/web cluster IP" -m tcp --dport 80 -j KUBE-SVC-LOLE4ISW44XBNF3G/,
    )
    // one curl: the web rule counted the SYN only
    expect(out.get('counters')).toMatch(/^ +1 +60 KUBE-SVC-LOLE4ISW44XBNF3G/m)
    expect(out.get('counters')).toMatch(/ASSURED/)
    expect(out.get('drop')).toContain('curl: (28) Connection timed out after 3003 milliseconds')
    expect(out.get('reject')).toMatch(/^1 +1 +60 DROP +tcp/m)
    expect(out.get('reject')).toContain('Could not connect to server')
    expect(out.get('delete')).not.toContain('curl:')
  })
})

describe('schema', () => {
  const broken = (mutate: (s: Scenario) => void): Scenario => {
    const copy = structuredClone(tour) as Scenario
    mutate(copy)
    return copy
  }

  it('names the file and the field path', () => {
    const v = validateScenario(
      broken((s) => {
        const step = s.steps[2]!
        if ('predict' in step.complete) step.complete.predict.choices[0]!.explanation = ''
      }),
      'src/scenarios/broken.ts',
    )
    expect(v.ok).toBe(false)
    if (!v.ok)
      expect(v.errors).toContain(
        'src/scenarios/broken.ts: steps[2].complete.predict.choices[0].explanation: must not be empty',
      )
  })

  it('rejects a command pattern that is not a real command', () => {
    const v = validateScenario(
      broken((s) => {
        s.steps[0] = { ...s.steps[0]!, complete: { command: 'kubectl frobnicate nodes' } } as never
      }),
      'x.ts',
    )
    expect(v.ok).toBe(false)
    if (!v.ok)
      expect(v.errors.join('\n')).toMatch(
        /^x\.ts: steps\[0\]\.complete\.command: does not resolve/m,
      )
  })

  it('rejects a solution that does not match its pattern', () => {
    const v = validateScenario(
      broken((s) => {
        s.steps[0] = { ...s.steps[0]!, solution: { commands: ['kubectl get pods'] } } as never
      }),
      'x.ts',
    )
    expect(!v.ok && v.errors.join('\n')).toMatch(
      /steps\[0\]\.solution\.commands\[0\]: "kubectl get pods" does not match/,
    )
  })

  it('rejects two correct choices, a wrong answer index, a missing recap bullet and a bad step kind', () => {
    const v = validateScenario(
      broken((s) => {
        const step = s.steps[2]!
        if ('predict' in step.complete) step.complete.predict.choices[0]!.correct = true
        s.recap = s.recap.slice(0, 2)
        s.steps[1] = { ...s.steps[1]!, complete: { type: 'kubectl' } } as never
      }),
      'x.ts',
    )
    expect(v.ok).toBe(false)
    const all = v.ok ? '' : v.errors.join('\n')
    expect(all).toContain(
      'x.ts: steps[2].complete.predict.choices: exactly one choice must be correct (found 2)',
    )
    expect(all).toContain('x.ts: recap: the recap has exactly three bullets')
    expect(all).toMatch(
      /x\.ts: steps\[1\]\.complete: must have one of command, click, event, predict, next/,
    )
  })

  it('counts sentences without tripping on dots in code', () => {
    expect(sentenceCount('Run `ssh ip-1.us-west-2.compute.internal` now. Then look.')).toBe(2)
  })
})
