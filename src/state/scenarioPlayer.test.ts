import { describe, expect, it } from 'vitest'
import { createSimulationStore } from './simulationStore.ts'
import {
  compilePattern,
  createScenarioPlayer,
  matchCommand,
  shellModeOf,
} from './scenarioPlayer.ts'
import type { Scenario } from '../scenarios/types.ts'
import { tour } from '../scenarios/tour.ts'

const local = shellModeOf('local')
const node = shellModeOf('node')

function pattern(p: string) {
  const c = compilePattern(p)
  if (!c.ok) throw new Error(c.error)
  return c.compiled
}

describe('command patterns', () => {
  it('match the resolved spec, args and flags, in any spelling', () => {
    const p = pattern('kubectl get pods -n kube-system -o wide')
    expect(matchCommand(p, 'kubectl get pods -n kube-system -o wide', local)).toBe(true)
    expect(matchCommand(p, 'kubectl get po --namespace=kube-system -owide', local)).toBe(true)
    expect(matchCommand(p, 'kubectl -n kube-system get pod -o wide --show-labels', local)).toBe(
      true,
    )
    expect(matchCommand(p, 'kubectl get pods -o wide', local)).toBe(false)
    expect(matchCommand(p, 'kubectl get pods -n default -o wide', local)).toBe(false)
    expect(matchCommand(p, 'kubectl get nodes -n kube-system -o wide', local)).toBe(false)
  })

  it('wildcards, pipelines and shell modes', () => {
    const ssh = pattern('ssh {node}')
    expect(ssh.mode).toBe('local')
    expect(matchCommand(ssh, 'ssh ip-192-168-20-109.us-west-2.compute.internal', local)).toBe(true)
    expect(matchCommand(ssh, 'ssh', local)).toBe(false)
    const ps = pattern('ps')
    expect(ps.mode).toBe('node')
    expect(matchCommand(ps, 'ps aux | head', node)).toBe(true)
    expect(matchCommand(ps, 'ps aux', local)).toBe(false)
  })

  it('words after -- must start the typed command (wildcards allowed)', () => {
    const curl = pattern('kubectl exec {pod} -- curl')
    expect(curl.after).toEqual(['curl'])
    expect(matchCommand(curl, 'kubectl exec client -- curl -sS http://web', local)).toBe(true)
    expect(matchCommand(curl, 'kubectl exec client -- ping -c 2 web', local)).toBe(false)
    expect(matchCommand(curl, 'kubectl exec client', local)).toBe(false)
    const any = pattern('kubectl exec client -- {cmd}')
    expect(matchCommand(any, 'kubectl exec client -- ls', local)).toBe(true)
    expect(matchCommand(pattern('kubectl exec {pod}'), 'kubectl exec client -- ls', local)).toBe(
      true,
    )
  })

  it('reports patterns that are not commands', () => {
    expect(compilePattern('kubectl frobnicate').ok).toBe(false)
    expect(compilePattern('nosuchtool --x').ok).toBe(false)
    expect(compilePattern('kubectl get pods | head').ok).toBe(false)
  })
})

const mini: Scenario = {
  ...tour,
  id: 'mini',
  steps: [
    {
      id: 'read',
      title: 'Read',
      say: 'Just read.',
      complete: { next: true },
      hints: ['none'],
      notes: { say: 'x', minutes: 1 },
    },
    {
      id: 'click-node',
      title: 'Click',
      say: 'Click a node.',
      complete: { click: { kind: 'Node', namePrefix: 'ip-' } },
      hints: ['one', 'two'],
      notes: { say: 'x', minutes: 1 },
      solution: { click: { kind: 'Node', name: 'ip-192-168-20-109.us-west-2.compute.internal' } },
    },
    tour.steps[0]!,
    tour.steps[2]!,
  ],
}

describe('scenario player', () => {
  it('read, click, command and predict steps; hints; solutions that do not complete', () => {
    const sim = createSimulationStore({ seed: 1, playing: true })
    const done: string[] = []
    const answers: [string, number, boolean][] = []
    const player = createScenarioPlayer(mini, sim, {
      onStepComplete: (id) => done.push(id),
      onAnswer: (...a) => answers.push(a),
    })
    const p = () => player.getState()
    p().next()
    expect(p().index).toBe(1)
    p().showHint()
    p().showHint()
    p().showHint()
    expect(p().hintsShown[1]).toBe(2)
    p().notifyClick({ kind: 'Pod', name: 'ip-x' })
    expect(p().index).toBe(1)
    expect(p().showSolution()).toEqual({
      kind: 'click',
      target: { kind: 'Node', name: 'ip-192-168-20-109.us-west-2.compute.internal' },
    })
    p().notifyClick({ kind: 'Node', name: 'ip-192-168-20-109.us-west-2.compute.internal' })
    expect(p().index).toBe(2)
    // command step: the solution only fills the input
    expect(p().showSolution()).toEqual({ kind: 'command', text: 'kubectl get nodes -o wide' })
    expect(p().status[2]).toBe('todo')
    sim.getState().run('kubectl get nodes') // wrong: no -o wide
    expect(p().index).toBe(2)
    p().next() // not allowed before completion
    expect(p().index).toBe(2)
    sim.getState().run('kubectl get no -o wide')
    expect(p().index).toBe(3)
    // predict: the clock pauses; a wrong answer is recorded and explained, then Next works
    expect(sim.getState().playing).toBe(false)
    p().answer(0)
    p().answer(2) // the first answer stands
    expect(p().answers[3]).toBe(0)
    expect(answers).toEqual([['where-is-etcd', 0, false]])
    p().back()
    expect(p().index).toBe(2)
    p().next()
    p().next()
    expect(p().index).toBe(4) // finished
    expect(sim.getState().playing).toBe(true) // resumed
    expect(done).toEqual(['read', 'click-node', 'nodes', 'where-is-etcd'])
    p().dispose()
  })

  it('a failing command does not complete its step', () => {
    const sim = createSimulationStore({ seed: 1 })
    const s: Scenario = { ...tour, steps: [tour.steps[8]!, tour.steps[0]!] }
    const player = createScenarioPlayer(s, sim)
    sim.getState().run('kubectl create deployment web --image=nginx --replicas=3')
    expect(player.getState().index).toBe(1)
    player.getState().back()
    // already exists → exit code 1; status stays done and the index does not move
    sim.getState().run('kubectl create deployment web --image=nginx --replicas=3')
    expect(player.getState().index).toBe(0)
    player.getState().dispose()
  })

  it('a step with an exitCode completes on that failure only', () => {
    const sim = createSimulationStore({ seed: 1 })
    const base = tour.steps[0]!
    const s: Scenario = {
      ...tour,
      steps: [
        {
          ...base,
          id: 'ping',
          complete: { command: 'kubectl exec {pod} -- ping', exitCode: 1 },
          solution: { commands: ['kubectl exec client -- ping -c 1 10.100.0.99'] },
        },
        base,
      ],
    }
    const player = createScenarioPlayer(s, sim)
    sim.getState().run('kubectl run client --image=curlimages/curl --command -- sleep infinity')
    sim.getState().settle()
    // another command after `--` does not match, even one that succeeds
    sim.getState().run('kubectl exec client -- nslookup kubernetes')
    expect(player.getState().index).toBe(0)
    // nothing owns that address: 100% packet loss, exit code 1 completes the step
    sim.getState().run('kubectl exec client -- ping -c 1 10.100.0.99')
    expect(player.getState().index).toBe(1)
    player.getState().dispose()
  })

  it('runs setup commands and lets the cluster settle', () => {
    const sim = createSimulationStore({ seed: 3 })
    const s: Scenario = {
      ...tour,
      seed: 3,
      setup: ['kubectl create deployment api --image=nginx --replicas=2'],
    }
    const player = createScenarioPlayer(s, sim)
    const out = sim
      .getState()
      .run('kubectl get pods')
      .lines.map((l) => l.text)
      .join('\n')
    expect(out.match(/api-\S+ +1\/1 +Running/g)).toHaveLength(2)
    expect(sim.getState().log[0]!.command).toMatch(/^kubectl create deployment api/)
    player.getState().dispose()
  })
})

describe('a lesson that needs its own cluster shape', () => {
  it('rebuilds the cluster with the scenario config, and only when it differs', () => {
    const sim = createSimulationStore({ seed: tour.seed })
    const small: Scenario = { ...tour, config: { nodeCount: 1 } }
    const player = createScenarioPlayer(small, sim)
    expect(Object.keys(sim.getState().cluster.nodes)).toHaveLength(1)
    expect(sim.getState().config).toEqual({ nodeCount: 1 })
    player.getState().dispose()
    // back to a lesson without config: the default cluster returns
    createScenarioPlayer(tour, sim).getState().dispose()
    expect(Object.keys(sim.getState().cluster.nodes)).toHaveLength(3)
  })
})
