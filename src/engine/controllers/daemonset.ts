import { deepClone } from '../clone.ts'
import type { Ctx } from '../context.ts'
import type { DaemonSet, Pod, Toleration } from '../model/k8s.ts'
import { createObject, deleteObjectGracefully } from '../apiserver/api.ts'
import { getObject, listObjects, putObject } from '../apiserver/store.ts'
import { recordEvent } from '../apiserver/recorder.ts'
import { isPodActive, isPodReady, ownedPods } from './replicaset.ts'

// The DaemonSet controller (pkg/controller/daemon): one pod per node, pinned with a node affinity on
// metadata.name and bound by the default scheduler, plus the tolerations it always adds.

const SOURCE = { component: 'daemonset-controller' }

const DAEMON_TOLERATIONS: Toleration[] = [
  { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists' },
  { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists' },
  { effect: 'NoSchedule', key: 'node.kubernetes.io/disk-pressure', operator: 'Exists' },
  { effect: 'NoSchedule', key: 'node.kubernetes.io/memory-pressure', operator: 'Exists' },
  { effect: 'NoSchedule', key: 'node.kubernetes.io/pid-pressure', operator: 'Exists' },
  { effect: 'NoSchedule', key: 'node.kubernetes.io/unschedulable', operator: 'Exists' },
]

function nodeOf(p: Pod): string | undefined {
  const terms = (
    p.spec.affinity as
      | {
          nodeAffinity?: {
            requiredDuringSchedulingIgnoredDuringExecution?: {
              nodeSelectorTerms: { matchFields?: { values: string[] }[] }[]
            }
          }
        }
      | undefined
  )?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms
  return p.spec.nodeName ?? terms?.[0]?.matchFields?.[0]?.values[0]
}

export function reconcileDaemonSet(ctx: Ctx, key: string): void {
  const [ns, name] = key.split('/') as [string, string]
  const ds = getObject(ctx.state, 'DaemonSet', ns, name)
  if (!ds) return
  const nodes = listObjects(ctx.state, 'Node')
  const pods = ownedPods(ctx, ds).filter(isPodActive)
  for (const node of nodes) {
    const nodeName = node.metadata.name
    if (pods.some((p) => nodeOf(p) === nodeName)) continue
    const tolerations = [
      ...(ds.spec.template.spec.tolerations ?? []),
      ...DAEMON_TOLERATIONS.filter(
        (t) => !(ds.spec.template.spec.tolerations ?? []).some((x) => x.key === t.key),
      ),
    ]
    if (ds.spec.template.spec.hostNetwork)
      tolerations.push({
        effect: 'NoSchedule',
        key: 'node.kubernetes.io/network-unavailable',
        operator: 'Exists',
      })
    const pod = createObject<Pod>(ctx, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${ds.metadata.name}-`,
        namespace: ns,
        labels: {
          ...(ds.spec.template.metadata.labels ?? {}),
          'controller-revision-hash':
            ds.metadata.annotations?.['cutaway/revision-hash'] ?? '6d8cfb5c6f',
          'pod-template-generation': String(ds.metadata.generation ?? 1),
        },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'DaemonSet',
            name: ds.metadata.name,
            uid: ds.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        ...deepClone(ds.spec.template.spec),
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] },
              ],
            },
          },
        },
        tolerations,
      },
    })
    recordEvent(ctx, ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, SOURCE)
  }
  // pods for nodes that are gone
  for (const p of pods) {
    const n = nodeOf(p)
    if (n && !nodes.some((x) => x.metadata.name === n)) {
      deleteObjectGracefully(ctx, 'Pod', ns, p.metadata.name, { gracePeriodSeconds: 0 })
      recordEvent(ctx, ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, SOURCE)
    }
  }
  writeStatus(ctx, ds, nodes.length)
}

function writeStatus(ctx: Ctx, dsBefore: DaemonSet, desired: number): void {
  const ds = getObject(ctx.state, 'DaemonSet', dsBefore.metadata.namespace, dsBefore.metadata.name)!
  const pods = ownedPods(ctx, ds).filter(isPodActive)
  const scheduled = pods.filter((p) => p.spec.nodeName).length
  const ready = pods.filter(isPodReady).length
  const status: DaemonSet['status'] = {
    currentNumberScheduled: scheduled,
    desiredNumberScheduled: desired,
    ...(ready ? { numberAvailable: ready } : {}),
    numberMisscheduled: 0,
    numberReady: ready,
    observedGeneration: ds.metadata.generation,
    updatedNumberScheduled: scheduled,
  }
  if (JSON.stringify(status) === JSON.stringify(ds.status)) return
  const copy = deepClone(ds)
  copy.status = status
  putObject(ctx, copy)
}
