import { describe, expect, it } from 'vitest'
import { createSimulation, type SimEvent, type SimulationConfig } from '../../engine/index.ts'
import { Console } from '../../console/session.ts'
import { excerpt, findAll, formatRow } from './bytes.ts'
import { buildJourney, journeyText, latestSecret, secretOfEvent } from './journey.ts'
import { FIRST_NODE_STOP, initialPlayer, playerReducer, runFor } from './player.ts'

const CREATE = 'kubectl create secret generic db --from-literal=password=s3cr3t'
const POD = `kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
  - name: app
    image: busybox
    command: ["sleep", "3600"]
    volumeMounts:
    - name: creds
      mountPath: /etc/creds
      readOnly: true
  volumes:
  - name: creds
    secret:
      secretName: db
EOF`
const ENCRYPT = `aws eks associate-encryption-config --cluster-name demo --encryption-config '[{"resources":["secrets"],"provider":{"keyArn":"arn:aws:kms:us-west-2:605992674944:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}]'`

function cluster(commands: string[], config: Partial<SimulationConfig> = {}) {
  const sim = createSimulation({ seed: 1, config })
  const events: SimEvent[] = []
  sim.subscribe((e) => events.push(...e))
  const session = new Console(sim, { settleAfterCommands: false })
  for (const c of commands) {
    const r = session.run(c)
    expect(r.exitCode, c).toBe(0)
    sim.advance(15_000)
  }
  return { state: sim.state, events }
}

const text = (bytes: number[]) => String.fromCharCode(...bytes)

describe('bytes', () => {
  it('finds every occurrence and formats rows like hexdump -C', () => {
    expect(findAll([1, 2, 1, 2, 1], [1, 2])).toEqual([0, 2])
    const bytes = Array.from('k8s\0 password s3cr3t tail', (c) => c.charCodeAt(0))
    const x = excerpt(bytes, { clear: [...'s3cr3t'].map((c) => c.charCodeAt(0)), base64: [0xff] })
    expect(x.clear).toBe(true)
    expect(x.base64).toBe(false)
    expect(formatRow(x.rows[0]!)).toBe(
      '00000000  6b 38 73 00 20 70 61 73  73 77 6f 72 64 20 73 33  |k8s. password s3|',
    )
    const marked = x.rows.flatMap((r) => r.bytes.filter((_, i) => r.marks[i] === 'clear'))
    expect(text(marked)).toBe('s3cr3t')
  })

  it('centres the excerpt on the value and starts at 0 when it is absent', () => {
    const bytes = new Array(200).fill(0)
    bytes.splice(150, 2, 7, 7)
    const x = excerpt(bytes, { clear: [7, 7], base64: [9] }, 3)
    expect(x.rows.map((r) => r.offset)).toEqual([0x80, 0x90, 0xa0])
    expect(excerpt(bytes, { clear: [5], base64: [9] }, 3).rows[0]!.offset).toBe(0)
  })
})

describe('buildJourney on EKS today (1.32: every write encrypted)', () => {
  const { state, events } = cluster([CREATE, POD])
  const ref = latestSecret(state)!
  const j = buildJourney(state, events, ref)!

  it('follows the learner’s Secret and its first key', () => {
    expect(ref).toEqual({ namespace: 'default', name: 'db' })
    expect(j.key).toBe('password')
    expect(j.value).toBe('s3cr3t')
    expect(j.encrypted).toBe(true)
    expect(j.stops.map((s) => s.id)).toEqual([
      'kubectl',
      'decoded',
      'protobuf',
      'encrypted',
      'leader',
      'followers',
      'kubelet',
      'tmpfs',
      'container',
    ])
    expect(j.stops[FIRST_NODE_STOP]!.id).toBe('kubelet')
  })

  it('shows base64 in the manifest, the value in clear until encryption, and nowhere in etcd', () => {
    const by = Object.fromEntries(j.stops.map((s) => [s.id, s]))
    expect(by.kubectl!.readable).toBe('base64')
    expect(by.kubectl!.lines!.find((l) => l.mark)!.text).toBe('  password: czNjcjN0')
    expect(by.decoded!.readable).toBe('clear')
    expect(by.protobuf!.readable).toBe('clear')
    // the protobuf excerpt starts with the k8s\0 magic's row or shows the value's row
    const protoRows = by.protobuf!.bytes!.rows.map(formatRow).join('\n')
    expect(protoRows).toContain('s3cr3t')
    for (const id of ['encrypted', 'leader', 'followers'] as const) {
      expect(by[id]!.readable).toBe('no')
      expect(by[id]!.bytes!.clear).toBe(false)
      expect(by[id]!.bytes!.base64).toBe(false)
    }
    expect(formatRow(by.leader!.bytes!.rows[0]!)).toContain('|k8s:enc:kms:v2:a|')
    expect(by.encrypted!.facts).toContainEqual(['Provider', 'aws-encryption-provider-v2-aok'])
  })

  it('takes Raft term and index, leader and followers from etcd.replicate', () => {
    const repl = events.findLast(
      (e) => e.type === 'etcd.replicate' && e.key === '/registry/secrets/default/db',
    ) as Extract<SimEvent, { type: 'etcd.replicate' }>
    const leader = j.stops.find((s) => s.id === 'leader')!
    expect(leader.facts).toContainEqual(['Raft term', String(repl.term)])
    expect(leader.facts).toContainEqual(['Raft index', String(repl.index)])
    const followers = j.stops.find((s) => s.id === 'followers')!
    expect(followers.facts).toEqual([
      ...repl.followers.map((f) => [f.name, f.availabilityZone]),
      ['Committed at', `Raft term ${repl.term}, index ${repl.index}`],
    ])
    expect(new Set([repl.leader, ...repl.followers].map((m) => m.availabilityZone)).size).toBe(3)
  })

  it('puts the value on tmpfs of the pod’s node only, and in the container’s file', () => {
    const pod = Object.values(state.etcd.buckets.pods ?? {}).find(
      (e) => e.value.metadata.name === 'app',
    )!.value as { spec: { nodeName: string }; metadata: { uid: string } }
    const kubelet = j.stops.find((s) => s.id === 'kubelet')!
    expect(kubelet.facts).toContainEqual(['Node', pod.spec.nodeName])
    const tmpfs = j.stops.find((s) => s.id === 'tmpfs')!
    expect(tmpfs.facts).toContainEqual([
      'Directory',
      `/var/lib/kubelet/pods/${pod.metadata.uid}/volumes/kubernetes.io~secret/creds/`,
    ])
    expect(tmpfs.facts).toContainEqual(['Medium', 'tmpfs (memory)'])
    expect(tmpfs.readable).toBe('clear')
    expect(j.stops.find((s) => s.id === 'container')!.facts).toContainEqual([
      'File',
      '/etc/creds/password',
    ])
    expect(journeyText(j)).toHaveLength(9)
  })
})

describe('buildJourney on Kubernetes 1.27 (no encryption, then a customer managed key)', () => {
  it('stores the plain protobuf, with s3cr3t in the etcd bytes, and no node has it without a pod', () => {
    const { state, events } = cluster([CREATE], { kubernetesVersion: '1.27' })
    const j = buildJourney(state, events, { namespace: 'default', name: 'db' })!
    expect(j.encrypted).toBe(false)
    const leader = j.stops.find((s) => s.id === 'leader')!
    expect(leader.readable).toBe('clear')
    expect(leader.bytes!.rows.map(formatRow).join('\n')).toContain('|assword..s3cr3t.|')
    expect(j.stops.find((s) => s.id === 'encrypted')!.title).toBe('No encryption at rest')
    expect(j.stops.slice(FIRST_NODE_STOP).every((s) => s.pending)).toBe(true)
  })

  it('encrypts only after the Secret is written again', () => {
    const before = cluster([CREATE, ENCRYPT], { kubernetesVersion: '1.27' })
    expect(
      buildJourney(before.state, before.events, { namespace: 'default', name: 'db' })!.encrypted,
    ).toBe(false)
    const after = cluster(
      [CREATE, ENCRYPT, 'kubectl get secrets -A -o json | kubectl replace -f -'],
      { kubernetesVersion: '1.27' },
    )
    const j = buildJourney(after.state, after.events, { namespace: 'default', name: 'db' })!
    expect(j.encrypted).toBe(true)
    expect(j.stops.find((s) => s.id === 'leader')!.readable).toBe('no')
  })
})

describe('player', () => {
  const n = 9
  it('plays to the end, steps, goes back and replays from the start', () => {
    let s = playerReducer(initialPlayer(n), { type: 'play' }, n)
    expect(s).toEqual({ at: 0, until: 8, playing: true })
    for (let i = 0; i < 8; i++) s = playerReducer(s, { type: 'tick' }, n)
    expect(s).toEqual({ at: 8, until: 8, playing: false })
    expect(playerReducer(s, { type: 'tick' }, n)).toBe(s)
    expect(playerReducer(s, { type: 'step' }, n).at).toBe(8)
    expect(playerReducer(s, { type: 'back' }, n).at).toBe(7)
    expect(playerReducer(s, { type: 'play' }, n)).toEqual({ at: 0, until: 8, playing: true })
    expect(playerReducer(s, { type: 'goto', at: 42 }, n).at).toBe(8)
  })

  it('a run stops at its end', () => {
    let s = playerReducer(initialPlayer(n), { type: 'run', from: 0, to: 5 }, n)
    for (let i = 0; i < 10; i++) s = playerReducer(s, { type: 'tick' }, n)
    expect(s).toEqual({ at: 5, until: 5, playing: false })
  })

  it('runs the control-plane stops for a write and the node stops for a fetch', () => {
    const { events } = cluster([CREATE, POD])
    const write = events.filter((e) => e.type === 'etcd.replicate')
    const fetch = events.filter((e) => e.type === 'kubelet.fetch' || e.type === 'kubelet.volume')
    expect(runFor(write, n)).toEqual({
      secret: { namespace: 'default', name: 'db' },
      from: 0,
      to: FIRST_NODE_STOP - 1,
    })
    expect(
      runFor(
        fetch.filter((e) => secretOfEvent(e)?.name === 'db'),
        n,
      ),
    ).toMatchObject({
      from: FIRST_NODE_STOP,
      to: 8,
    })
    expect(runFor([...write, ...fetch], n)).toMatchObject({ from: 0, to: 8 })
    expect(
      runFor(
        events.filter((e) => e.type === 'pod.phase'),
        n,
      ),
    ).toBeNull()
  })
})
