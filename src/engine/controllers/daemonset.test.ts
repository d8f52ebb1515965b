import { describe, expect, it } from 'vitest'
import { TestCluster } from '../testing/TestCluster.ts'
import { patchObject } from '../apiserver/api.ts'
import { listObjects } from '../apiserver/store.ts'
import { iptablesRules } from '../net/netfilter/save.ts'
import { isPodReady } from './replicaset.ts'
import { maxUnavailableOf } from './daemonset.ts'
import { computeTemplateHash } from './hash.ts'
import type { DaemonSet, Pod } from '../model/k8s.ts'

const awsNodePods = (c: TestCluster): Pod[] =>
  listObjects(c.state, 'Pod', 'kube-system').filter((p) => p.metadata.name.startsWith('aws-node-'))

function setEnv(c: TestCluster, name: string, value: string) {
  const r = c.sim.transact((ctx) =>
    patchObject(ctx, 'DaemonSet', 'kube-system', 'aws-node', (ds) => {
      const ctr = ds.spec.template.spec.containers.find((x) => x.name === 'aws-node')!
      const env = (ctr.env ??= [])
      const e = env.find((x) => x.name === name)
      if (e) e.value = value
      else env.push({ name, value })
    }),
  )
  if (!r.ok) throw r.error
}

describe('DaemonSet RollingUpdate', () => {
  it('maxUnavailable: percent of the desired count, rounded up', () => {
    const ds = (v: unknown) =>
      ({
        spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: v } } },
      }) as unknown as DaemonSet
    expect(maxUnavailableOf(ds('10%'), 3)).toBe(1)
    expect(maxUnavailableOf(ds('10%'), 11)).toBe(2)
    expect(maxUnavailableOf(ds(2), 11)).toBe(2)
    expect(maxUnavailableOf(ds(undefined), 5)).toBe(1)
  })

  it('a template change replaces aws-node one node at a time; the new pods carry the new hash and env', () => {
    const c = new TestCluster()
    c.settle()
    const before = awsNodePods(c)
    expect(before).toHaveLength(3)
    const oldHash = before[0]!.metadata.labels!['controller-revision-hash']
    setEnv(c, 'AWS_VPC_K8S_CNI_EXTERNALSNAT', 'true')
    c.advance(1000) // the controller has seen the new template
    const ds = c.get('DaemonSet', 'aws-node', 'kube-system')!
    const newHash =
      c.state.daemonSetRevisions![ds.metadata.uid]![computeTemplateHash(ds.spec.template)]!
    expect(newHash).not.toBe(oldHash)
    expect(newHash).toMatch(/^[4-9bcdf]{6,10}$/)
    // walk the clock: never more than one node without a Ready aws-node pod (10% of 3, rounded up)
    let worst = 0
    for (let t = 0; t < 600 && !done(); t++) {
      c.advance(1000)
      const nodes = listObjects(c.state, 'Node').map((n) => n.metadata.name)
      const unavailable = nodes.filter(
        (n) =>
          !awsNodePods(c).some(
            (p) => p.spec.nodeName === n && isPodReady(p) && !p.metadata.deletionTimestamp,
          ),
      ).length
      worst = Math.max(worst, unavailable)
    }
    function done() {
      const pods = awsNodePods(c)
      return (
        pods.length === 3 &&
        pods.every(
          (p) => p.metadata.labels!['controller-revision-hash'] === newHash && isPodReady(p),
        )
      )
    }
    expect(done()).toBe(true)
    expect(worst).toBe(1)
    c.settle()
    for (const p of awsNodePods(c)) {
      expect(p.metadata.labels!['pod-template-generation']).toBe('2')
      expect(p.spec.containers[0]!.env).toContainEqual({
        name: 'AWS_VPC_K8S_CNI_EXTERNALSNAT',
        value: 'true',
      })
    }
    const deletes = c.events.filter(
      (e) =>
        e.type === 'k8s.event' &&
        e.reason === 'SuccessfulDelete' &&
        e.object === 'daemonset/aws-node',
    )
    expect(deletes.map((e) => (e as { message: string }).message).sort()).toEqual(
      before.map((p) => `Deleted pod: ${p.metadata.name}`).sort(),
    )
    const status = c.get('DaemonSet', 'aws-node', 'kube-system')!.status
    expect(status).toMatchObject({
      desiredNumberScheduled: 3,
      numberReady: 3,
      updatedNumberScheduled: 3,
      observedGeneration: 2,
    })
    expect(status.numberUnavailable).toBeUndefined()
    // and each node's new aws-node took the SNAT and connmark rules away (chains kept, empty)
    for (const n of Object.values(c.state.nodes)) {
      const nat = iptablesRules(n.netfilter!.tables.nat).filter((l) => /AWS/.test(l))
      expect(nat).toEqual(['-N AWS-CONNMARK-CHAIN-0', '-N AWS-SNAT-CHAIN-0'])
    }
  })

  it('going back to the old template brings the old controller-revision-hash back', () => {
    const c = new TestCluster()
    c.settle()
    const oldHash = awsNodePods(c)[0]!.metadata.labels!['controller-revision-hash']
    setEnv(c, 'AWS_VPC_K8S_CNI_EXTERNALSNAT', 'true')
    c.settle()
    c.advance(10 * 60_000)
    const mid = awsNodePods(c)[0]!.metadata.labels!['controller-revision-hash']
    expect(mid).not.toBe(oldHash)
    setEnv(c, 'AWS_VPC_K8S_CNI_EXTERNALSNAT', 'false')
    c.settle()
    c.advance(10 * 60_000)
    const pods = awsNodePods(c)
    expect(pods).toHaveLength(3)
    for (const p of pods) {
      expect(p.metadata.labels!['controller-revision-hash']).toBe(oldHash)
      expect(p.metadata.labels!['pod-template-generation']).toBe('3')
    }
    // and the SNAT rules are back on every node
    for (const n of Object.values(c.state.nodes))
      expect(iptablesRules(n.netfilter!.tables.nat).join('\n')).toContain(
        `--to-source ${n.ip} --random-fully`,
      )
  })
})
