import { describe, expect, it } from 'vitest'
import { createSimulationStore } from './simulationStore.ts'
import { decodeSandbox, encodeSandbox } from './sandboxLink.ts'
import { listObjects } from '../engine/index.ts'

const podNames = (s: ReturnType<typeof createSimulationStore>) =>
  listObjects(s.getState().cluster, 'Pod', 'default').map(
    (p) => `${p.metadata.name} ${p.status.phase} ${p.spec.nodeName}`,
  )

describe('simulation store', () => {
  it('runs commands at the current simulated time and lets the clock run while playing', () => {
    const s = createSimulationStore({ seed: 7 })
    s.getState().run('kubectl create deployment web --image=nginx --replicas=3')
    expect(podNames(s)).toHaveLength(0) // the controllers have not acted yet: time has not moved
    s.getState().play()
    for (let i = 0; i < 40; i++) s.getState().tick(100)
    expect(podNames(s).every((p) => p.includes('Running'))).toBe(true)
    expect(s.getState().events.some((e) => e.event.type === 'pod.scheduled')).toBe(true)
  })

  it('steps back to the state right after the last command, and further back to before it', () => {
    const s = createSimulationStore({ seed: 7 })
    s.getState().run('kubectl create deployment web --image=nginx --replicas=2')
    const afterCreate = s.getState().cluster
    s.getState().play()
    for (let i = 0; i < 30; i++) s.getState().tick(100)
    s.getState().pause()
    expect(podNames(s)).toHaveLength(2)
    s.getState().stepBack()
    expect(s.getState().cluster).toBe(afterCreate)
    s.getState().stepBack()
    expect(listObjects(s.getState().cluster, 'Deployment', 'default')).toHaveLength(0)
    expect(s.getState().log).toHaveLength(0)
    // redo brings the command back
    s.getState().redo()
    expect(s.getState().log.map((e) => e.command)).toEqual([
      'kubectl create deployment web --image=nginx --replicas=2',
    ])
  })

  it('step back then forward returns to exactly the same state, all along the timeline', () => {
    const s = createSimulationStore({ seed: 9, playing: true })
    const seen: unknown[] = []
    s.getState().run('kubectl create deployment web --image=nginx --replicas=2')
    for (let i = 0; i < 3; i++) {
      s.getState().stepForward()
      seen.push(s.getState().cluster)
    }
    s.getState().run('kubectl scale deployment web --replicas=4')
    const end = s.getState().cluster
    const endLog = s.getState().log
    for (let i = 0; i < 5; i++) s.getState().stepBack()
    expect(s.getState().log).toHaveLength(0)
    for (let i = 0; i < 5; i++) s.getState().stepForward()
    expect(s.getState().cluster).toBe(end)
    expect(s.getState().log).toBe(endLog)
    expect(s.getState().canStepForward).toBe(false)
    // typing after stepping back cuts off the future
    s.getState().stepBack()
    s.getState().run('kubectl get pods')
    expect(s.getState().canStepForward).toBe(false)
    expect(seen).toHaveLength(3)
  })

  it('a sandbox link rebuilds the exact cluster', () => {
    const a = createSimulationStore({ seed: 11, playing: true })
    a.getState().run('kubectl create deployment web --image=nginx --replicas=3')
    for (let i = 0; i < 25; i++) a.getState().tick(100)
    a.getState().run('kubectl scale deployment web --replicas=5')
    for (let i = 0; i < 30; i++) a.getState().tick(100)
    const link = encodeSandbox({
      seed: a.getState().seed,
      log: a.getState().log,
      now: a.getState().cluster.now,
    })
    const decoded = decodeSandbox(link)
    expect(decoded.ok).toBe(true)
    if (!decoded.ok) return
    const b = createSimulationStore(decoded.state)
    expect(podNames(b)).toEqual(podNames(a))
    expect(JSON.stringify(b.getState().cluster)).toBe(JSON.stringify(a.getState().cluster))
  })

  it("a link carries a lesson's cluster shape, and a bad shape is refused", () => {
    const a = createSimulationStore({
      seed: 3,
      config: { nodeCount: 2, kubernetesVersion: '1.31' },
    })
    a.getState().run('kubectl get nodes')
    const link = encodeSandbox({
      seed: 3,
      log: a.getState().log,
      now: a.getState().cluster.now,
      config: a.getState().config,
    })
    const decoded = decodeSandbox(link)
    expect(decoded).toMatchObject({ ok: true, state: { config: { nodeCount: 2 } } })
    if (!decoded.ok) return
    const b = createSimulationStore(decoded.state)
    expect(JSON.stringify(b.getState().cluster)).toBe(JSON.stringify(a.getState().cluster))
    expect(Object.keys(b.getState().cluster.nodes)).toHaveLength(2)
    // the default shape adds nothing to the link
    expect(encodeSandbox({ seed: 1, log: [], config: { nodeCount: 3 } })).toBe('seed=1')
    const cfg = (o: unknown) =>
      'seed=1&cfg=' + btoa(JSON.stringify(o)).replaceAll('=', '').replaceAll('+', '-')
    expect(decodeSandbox(cfg({ nodeCount: 5000 }))).toMatchObject({
      ok: false,
      error: expect.stringContaining('out of range'),
    })
    expect(decodeSandbox(cfg({ rootPassword: 'x' }))).toMatchObject({
      ok: false,
      error: expect.stringContaining('not one Cutaway knows'),
    })
    expect(decodeSandbox(cfg({ nodeCount: '3' }))).toMatchObject({
      ok: false,
      error: expect.stringContaining('wrong kind'),
    })
    expect(decodeSandbox(cfg({ region: '<script>' }))).toMatchObject({ ok: false })
    const arn = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'
    expect(decodeSandbox(cfg({ encryptionKeyArn: arn }))).toMatchObject({ ok: true })
    expect(decodeSandbox(cfg({ encryptionKeyArn: 'arn:aws:kms:x' }))).toMatchObject({ ok: false })
    expect(decodeSandbox('seed=1&cfg=@@')).toMatchObject({
      ok: false,
      error: expect.stringContaining('damaged'),
    })
  })

  it('rejects damaged or tampered links with a message', () => {
    expect(decodeSandbox('seed=abc')).toMatchObject({ ok: false })
    expect(decodeSandbox('seed=1&log=%%%')).toMatchObject({
      ok: false,
      error: expect.stringContaining('damaged'),
    })
    const tampered = encodeSandbox({
      seed: 1,
      log: [
        { at: 5000, command: 'a' },
        { at: 10, command: 'b' },
      ],
    })
    expect(decodeSandbox(tampered)).toMatchObject({
      ok: false,
      error: expect.stringContaining('impossible time'),
    })
    expect(decodeSandbox('')).toEqual({ ok: true, state: { seed: 1, log: [] } })
  })
})

describe('streaming commands in the web console', () => {
  it('kubectl logs -f keeps appending lines as the clock runs, until stopped', () => {
    const s = createSimulationStore({ seed: 7, playing: true })
    s.getState().run(
      "kubectl create deployment ticker --image=busybox -- sh -c 'while true; do echo tick; sleep 1; done'",
    )
    for (let i = 0; i < 40; i++) s.getState().tick(100)
    s.getState().run('kubectl logs -f deploy/ticker')
    expect(s.getState().following).toBe(true)
    const entry = () => s.getState().transcript.at(-1)!
    const before = entry().lines.filter((l) => l.text === 'tick').length
    for (let i = 0; i < 50; i++) s.getState().tick(100)
    const during = entry().lines.filter((l) => l.text === 'tick').length
    expect(during).toBeGreaterThanOrEqual(before + 4)
    s.getState().stopFollowing()
    expect(entry().lines.at(-1)?.text).toBe('^C')
    for (let i = 0; i < 30; i++) s.getState().tick(100)
    expect(entry().lines.filter((l) => l.text === 'tick').length).toBe(during)
    expect(s.getState().following).toBe(false)
  })
})
