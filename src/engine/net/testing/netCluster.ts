import { TestCluster } from '../../testing/TestCluster.ts'
import type { Service } from '../../model/k8s.ts'
import type { NodeRuntime, PodRuntime } from '../../model/node.ts'
import { installKubeProxyFixture } from './kubeProxyFixture.ts'
import type { Place } from '../path.ts'

// TEST ONLY: a cluster with a web Deployment behind a ClusterIP Service, a client pod, and the
// kube-proxy fixture rules on every node (until net/kubeproxy writes the real ones).

export function netCluster(opts: { replicas?: number; seed?: number } = {}) {
  const tc = new TestCluster({ seed: opts.seed ?? 7 })
  tc.settle()
  tc.deployment('web', 'nginx', opts.replicas ?? 3)
  tc.deployment('client', 'busybox', 1, { command: ['sleep', '3600'] })
  tc.create<Service>({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] },
  } as never)
  tc.settle()
  reinstall(tc)
  return tc
}

export function reinstall(tc: TestCluster): void {
  const r = tc.sim.transact((ctx) => installKubeProxyFixture(ctx.state))
  if (!r.ok) throw r.error
}

export function podRuntime(
  tc: TestCluster,
  prefix: string,
  namespace = 'default',
): { node: NodeRuntime; pod: PodRuntime; place: Place } {
  for (const node of Object.values(tc.state.nodes))
    for (const pod of Object.values(node.pods))
      if (pod.namespace === namespace && pod.name.startsWith(prefix))
        return { node, pod, place: { node: node.name, pod: pod.uid } }
  throw new Error(`no pod ${prefix}`)
}

/** A run-once curlimages/curl pod `probe` in default with curl's `args`, run to completion. */
export function curlProbe(tc: TestCluster, args: string[]): void {
  tc.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'probe', namespace: 'default' },
    spec: {
      restartPolicy: 'Never',
      containers: [{ name: 'probe', image: 'curlimages/curl', args }],
    },
  } as never)
  tc.settle()
}
