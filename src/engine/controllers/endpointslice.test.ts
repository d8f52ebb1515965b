import { afterEach, describe, expect, it } from 'vitest'
import { TestCluster } from '../testing/TestCluster.ts'
import { getObject, listObjects, putObject } from '../apiserver/store.ts'
import { deepClone } from '../clone.ts'
import { reconcileEndpointSlices } from './endpointslice.ts'
import { syncKubeProxy } from '../net/kubeproxy/sync.ts'
import type { EndpointSlice } from '../model/k8s.ts'
import { setIptablesRestore } from '../net/kubeproxy/apply.ts'

// FIDELITY §3.1: the EndpointSlice controller's slices, conditions and port grouping.

const slicesOf = (c: TestCluster, svc: string): EndpointSlice[] =>
  listObjects(c.state, 'EndpointSlice', 'default').filter(
    (s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc,
  )

function service(
  c: TestCluster,
  name: string,
  selector: Record<string, string>,
  targetPort: number | string,
) {
  c.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { selector, ports: [{ name: 'web', port: 80, targetPort }] },
  } as never)
}

function deploy(c: TestCluster, name: string, port: number) {
  const labels = { app: name, tier: 'web' }
  c.create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            { name: 'nginx', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: port }] },
          ],
        },
      },
    },
  } as never)
}

afterEach(() => setIptablesRestore(undefined))

describe('EndpointSlice controller', () => {
  it('names slices <service>-<5 chars> with the real labels and owner', () => {
    const c = new TestCluster({ seed: 7 })
    deploy(c, 'a', 8080)
    service(c, 'web', { tier: 'web' }, 8080)
    c.settle()
    const [s] = slicesOf(c, 'web')
    expect(s!.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/)
    expect(s!.metadata.labels).toMatchObject({
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    })
    expect(s!.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Service',
      name: 'web',
      controller: true,
    })
    expect(s!.endpoints).toHaveLength(2)
    expect(
      s!.endpoints.every(
        (e) => e.conditions.ready && e.conditions.serving && !e.conditions.terminating,
      ),
    ).toBe(true)
  })

  it('resolves a named targetPort per pod and groups endpoints by their ports', () => {
    const c = new TestCluster({ seed: 7 })
    deploy(c, 'a', 8080)
    deploy(c, 'b', 9090)
    service(c, 'web', { tier: 'web' }, 'http')
    c.settle()
    const slices = slicesOf(c, 'web')
    expect(slices).toHaveLength(2)
    const byPort = Object.fromEntries(slices.map((s) => [s.ports[0]!.port, s.endpoints.length]))
    expect(byPort).toEqual({ 8080: 2, 9090: 2 })
    expect(slices.every((s) => s.ports[0]!.name === 'web')).toBe(true)
  })

  it('keeps one placeholder slice with no ports and no endpoints when nothing matches', () => {
    const c = new TestCluster({ seed: 7 })
    service(c, 'web', { tier: 'none' }, 8080)
    c.settle()
    const slices = slicesOf(c, 'web')
    expect(slices).toHaveLength(1)
    expect(slices[0]!.ports).toEqual([])
    expect(slices[0]!.endpoints).toEqual([])
  })

  it('a pod that is not Ready stays in the slice with ready: false, and kube-proxy drops it', () => {
    const texts: string[] = []
    setIptablesRestore((_nf, t) => {
      texts.push(t)
      return { ok: true }
    })
    const c = new TestCluster({ seed: 7 })
    deploy(c, 'a', 8080)
    service(c, 'web', { tier: 'web' }, 8080)
    c.settle()
    const pod = c.pods('a-')[0]!
    // What a failing readiness probe makes the kubelet report. The simulated kubelet does not run
    // readiness probes (it would report Ready again), so the status is written and the
    // controllers run within one transaction.
    c.sim.transact((ctx) => {
      const copy = deepClone(getObject(ctx.state, 'Pod', 'default', pod.metadata.name)!)
      copy.status.conditions = copy.status.conditions!.map((x) =>
        x.type === 'Ready' || x.type === 'ContainersReady' ? { ...x, status: 'False' as const } : x,
      )
      putObject(ctx, copy)
      reconcileEndpointSlices(ctx, 'default/web')
      for (const n of Object.keys(ctx.state.nodes)) syncKubeProxy(ctx, n)
    })
    const ep = slicesOf(c, 'web')[0]!.endpoints.find(
      (e) => e.targetRef?.name === pod.metadata.name,
    )!
    expect(ep.conditions).toEqual({ ready: false, serving: false, terminating: false })
    const last = texts.at(-1)!
    expect(last).not.toContain(`--to-destination ${pod.status.podIP}:8080`)
    expect(last).toMatch(/"default\/web:web -> [\d.]+:8080" -j KUBE-SEP-/)
  })

  it('a terminating pod is serving and terminating, never ready', () => {
    const c = new TestCluster({ seed: 7 })
    deploy(c, 'a', 8080)
    service(c, 'web', { tier: 'web' }, 8080)
    c.settle()
    const pod = c.pods('a-')[0]!
    c.delete('Pod', pod.metadata.name)
    c.advance(20)
    const ep = slicesOf(c, 'web')[0]!.endpoints.find((e) => e.targetRef?.name === pod.metadata.name)
    expect(ep?.conditions).toEqual({ ready: false, serving: true, terminating: true })
  })
})
