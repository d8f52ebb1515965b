import { describe, expect, it } from 'vitest'
import { TestCluster } from '../testing/TestCluster.ts'
import { K8S_RAND_ALPHABET } from '../random.ts'
import { isPodActive } from './replicaset.ts'
import { listObjects } from '../apiserver/store.ts'

const hashRe = /^[4-9bcdf]{6,10}$/

describe('Deployment -> ReplicaSet -> Pods', () => {
  it('names the ReplicaSet <deployment>-<pod-template-hash> and pods <rs>-<5 chars>, all Running and Ready', () => {
    const c = new TestCluster()
    c.deployment('web', 'nginx', 3)
    c.settle()
    const rs = c.state.etcd.buckets['replicasets']!
    const rsName = Object.values(rs)
      .map((e) => e.value.metadata.name)
      .find((n) => n.startsWith('web-'))!
    expect(rsName.slice(4)).toMatch(hashRe)
    const pods = c.pods('web-')
    expect(pods).toHaveLength(3)
    for (const p of pods) {
      expect(p.metadata.name).toMatch(new RegExp(`^${rsName}-[${K8S_RAND_ALPHABET}]{5}$`))
      expect(p.status.phase).toBe('Running')
      expect(p.status.containerStatuses?.[0]?.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/)
      expect(p.status.containerStatuses?.[0]?.image).toBe('docker.io/library/nginx:latest')
    }
    const d = c.get('Deployment', 'web')!
    expect(d.status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      updatedReplicas: 3,
      observedGeneration: 1,
    })
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1')
    // spread across nodes (the default topology spreading)
    expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(3)
  })

  it('walks pods through Pending -> ContainerCreating -> Running on the virtual clock', () => {
    const c = new TestCluster()
    c.deployment('web', 'nginx', 1)
    c.advance(20)
    expect(c.pods('web-')[0]!.status.phase).toBe('Pending')
    c.advance(600)
    expect(c.pods('web-')[0]!.status.containerStatuses?.[0]?.state.waiting?.reason).toBe(
      'ContainerCreating',
    )
    c.settle()
    expect(c.pods('web-')[0]!.status.phase).toBe('Running')
    const phases = c.events
      .filter((e) => e.type === 'pod.phase')
      .map((e) => (e as { phase: string }).phase)
    expect(phases).toEqual(['Pending', 'Running'])
  })

  it('scales up and down', () => {
    const c = new TestCluster()
    c.deployment('web', 'nginx', 2)
    c.settle()
    c.patch('Deployment', 'web', (d) => void (d.spec.replicas = 5))
    c.settle()
    expect(c.pods('web-').filter(isPodActive)).toHaveLength(5)
    c.patch('Deployment', 'web', (d) => void (d.spec.replicas = 1))
    c.settle()
    expect(c.pods('web-')).toHaveLength(1)
  })

  it('rolls out a new template within maxSurge/maxUnavailable and scales the old ReplicaSet to 0', () => {
    const c = new TestCluster()
    c.deployment('web', 'nginx:1.27', 4)
    c.settle()
    let maxActive = 0
    let minReady = Infinity
    c.sim.subscribe((_, s) => {
      const pods = Object.values(s.etcd.buckets['pods'] ?? {})
        .map((e) => e.value as import('../model/k8s.ts').Pod)
        .filter((p) => p.metadata.name.startsWith('web-'))
      maxActive = Math.max(maxActive, pods.filter((p) => !p.metadata.deletionTimestamp).length)
      minReady = Math.min(
        minReady,
        pods.filter(
          (p) =>
            !p.metadata.deletionTimestamp &&
            p.status.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'),
        ).length,
      )
    })
    c.patch(
      'Deployment',
      'web',
      (d) => void (d.spec.template.spec.containers[0]!.image = 'nginx:1.29'),
    )
    c.settle()
    const d = c.get('Deployment', 'web')!
    expect(d.metadata.generation).toBe(2)
    expect(d.status).toMatchObject({ replicas: 4, updatedReplicas: 4, availableReplicas: 4 })
    expect(d.status.conditions?.find((x) => x.type === 'Progressing')?.reason).toBe(
      'NewReplicaSetAvailable',
    )
    expect(maxActive).toBeLessThanOrEqual(5) // 4 + 25% surge
    expect(minReady).toBeGreaterThanOrEqual(3) // 4 - 25% unavailable
    const images = c.pods('web-').map((p) => p.spec.containers[0]!.image)
    expect(images).toEqual(['nginx:1.29', 'nginx:1.29', 'nginx:1.29', 'nginx:1.29'])
    const scaled = c.events
      .filter((e) => e.type === 'k8s.event' && e.reason === 'ScalingReplicaSet')
      .map((e) => (e as { message: string }).message)
    expect(
      scaled.some((m) => /^Scaled down replica set web-[4-9bcdf]+ from \d to \d$/.test(m)),
    ).toBe(true)
  })
})

describe('the kubelet', () => {
  it('reports ErrImagePull then ImagePullBackOff for an image that does not exist', () => {
    const c = new TestCluster()
    c.deployment('bad', 'nginxx', 1)
    const waitingIn = (s: typeof c.state) =>
      listObjects(s, 'Pod', 'default').find((p) => p.metadata.name.startsWith('bad-'))?.status
        .containerStatuses?.[0]?.state.waiting
    const waiting = () => waitingIn(c.state)
    // runUntil hands its predicate the state being built: read from it
    expect(c.sim.runUntil((s) => waitingIn(s)?.reason === 'ErrImagePull', 5000)).toBe(true)
    expect(waiting()?.message).toContain(
      'pull access denied, repository does not exist or may require authorization',
    )
    c.advance(3000)
    expect(waiting()?.reason).toBe('ImagePullBackOff')
    expect(waiting()?.message).toBe('Back-off pulling image "nginxx"')
  })

  it('restarts a container that exits with back-off 10s, 20s, 40s (CrashLoopBackOff)', () => {
    const c = new TestCluster()
    c.deployment('bb', 'busybox', 1) // busybox's default CMD `sh` exits at once without a TTY
    c.advance(5_000)
    const st = () => c.pods('bb-')[0]!.status.containerStatuses![0]!
    expect(st().restartCount).toBe(1)
    expect(st().state.waiting?.reason).toBe('CrashLoopBackOff')
    expect(st().lastState.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' })
    c.advance(10_000)
    expect(st().restartCount).toBe(2)
    c.advance(20_000)
    expect(st().restartCount).toBe(3)
    c.advance(20_000)
    expect(st().restartCount).toBe(3) // now waiting 40s
  })

  it('runs a shell loop and keeps its output', () => {
    const c = new TestCluster()
    c.deployment('ticker', 'busybox', 1, {
      command: ['sh', '-c', 'while true; do echo tick; sleep 1; done'],
    })
    c.settle().advance(10_000)
    const pod = c.pods('ticker-')[0]!
    const rt = c.state.nodes[pod.spec.nodeName!]!.pods[pod.metadata.uid]!
    const logs = rt.containers[0]!.logs
    expect(logs.length).toBeGreaterThanOrEqual(10)
    expect(logs.every((l) => l.text === 'tick' && l.stream === 'stdout')).toBe(true)
  })

  it('waits the full grace period for a PID 1 that ignores SIGTERM, but not for nginx', () => {
    const c = new TestCluster()
    c.deployment('loop', 'busybox', 1, { command: ['sh', '-c', 'while true; do sleep 1; done'] })
    c.deployment('web', 'nginx', 1)
    c.settle()
    const loopPod = c.pods('loop-')[0]!.metadata.name
    const webPod = c.pods('web-')[0]!.metadata.name
    c.delete('Pod', loopPod)
    c.delete('Pod', webPod)
    c.advance(2000)
    expect(c.get('Pod', webPod)).toBeUndefined()
    expect(c.get('Pod', loopPod)?.metadata.deletionTimestamp).toBeDefined()
    c.advance(27_000)
    expect(c.get('Pod', loopPod)).toBeDefined()
    c.advance(2_000)
    expect(c.get('Pod', loopPod)).toBeUndefined()
    // the ReplicaSets replaced both
    c.settle()
    expect(c.pods('loop-')).toHaveLength(1)
  })
})

describe('the scheduler', () => {
  it('fills each t3.medium to 17 pods and leaves the rest Pending with the real message', () => {
    const c = new TestCluster()
    c.deployment('many', 'nginx', 60)
    c.settle()
    const pods = c.pods('many-')
    const pending = pods.filter((p) => !p.spec.nodeName)
    const perNode = new Map<string, number>()
    for (const p of c.allPods())
      if (p.spec.nodeName) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1)
    expect([...perNode.values()]).toEqual([17, 17, 17])
    expect(pending).toHaveLength(60 - (51 - 8)) // 8 system pods: 3 aws-node, 3 kube-proxy, 2 coredns
    expect(pending[0]!.status.conditions?.[0]).toMatchObject({
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message:
        '0/3 nodes are available: 3 Too many pods. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    })
  })
})

describe('namespaces and garbage collection', () => {
  it('deleting a Deployment removes its ReplicaSets and pods; deleting a namespace empties it', () => {
    const c = new TestCluster()
    c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } })
    c.settle()
    expect(c.get('ServiceAccount', 'default', 'shop')).toBeDefined()
    c.deployment('cart', 'nginx', 2, { namespace: 'shop' })
    c.settle()
    c.delete('Deployment', 'cart', 'shop')
    c.settle()
    expect(c.pods('', 'shop')).toHaveLength(0)
    c.deployment('cart2', 'nginx', 1, { namespace: 'shop' })
    c.settle()
    c.delete('Namespace', 'shop', undefined)
    c.settle()
    expect(c.get('Namespace', 'shop', undefined)).toBeUndefined()
    expect(c.pods('', 'shop')).toHaveLength(0)
  })
})
