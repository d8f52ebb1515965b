import { deepClone } from '../clone.ts'
import type { Ctx } from '../context.ts'
import type { Pod, ReplicaSet } from '../model/k8s.ts'
import { createObject, deleteObjectGracefully, updateStatus } from '../apiserver/api.ts'
import { dependentsOf, getObject } from '../apiserver/store.ts'
import { recordEvent } from '../apiserver/recorder.ts'
import { selectorMatches } from '../apiserver/validation.ts'

// The ReplicaSet controller (pkg/controller/replicaset/replica_set.go): keep spec.replicas pods
// that match the selector and are owned by the ReplicaSet; report what it sees in status.

const SOURCE = { component: 'replicaset-controller' }

export function isPodActive(p: Pod): boolean {
  return (
    !p.metadata.deletionTimestamp && p.status.phase !== 'Succeeded' && p.status.phase !== 'Failed'
  )
}

export function isPodReady(p: Pod): boolean {
  return p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false
}

export function ownedPods(ctx: Ctx, owner: { metadata: { uid: string } }): Pod[] {
  return dependentsOf(ctx.state, owner.metadata.uid, 'Pod')
}

/** Which pods to delete first when scaling down (controller.ActivePods ordering, simplified). */
function deletionRank(p: Pod): number[] {
  const unscheduled = p.spec.nodeName ? 1 : 0
  const phase = p.status.phase === 'Pending' ? 0 : p.status.phase === 'Unknown' ? 1 : 2
  const ready = isPodReady(p) ? 1 : 0
  const restarts = -Math.max(0, ...(p.status.containerStatuses ?? []).map((c) => c.restartCount))
  const age = -Date.parse(p.metadata.creationTimestamp) // newer first
  return [unscheduled, phase, ready, restarts, age]
}

export function reconcileReplicaSet(ctx: Ctx, key: string): void {
  const [ns, name] = key.split('/') as [string, string]
  const rs = getObject(ctx.state, 'ReplicaSet', ns, name)
  if (!rs) return
  const pods = ownedPods(ctx, rs).filter((p) =>
    selectorMatches(rs.spec.selector, p.metadata.labels),
  )
  const active = pods.filter(isPodActive)
  const diff = rs.spec.replicas - active.length
  if (diff > 0) {
    for (let i = 0; i < diff; i++) {
      const pod = createObject<Pod>(ctx, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          generateName: `${rs.metadata.name}-`,
          namespace: ns,
          labels: { ...(rs.spec.template.metadata.labels ?? {}) },
          ...(rs.spec.template.metadata.annotations
            ? { annotations: { ...rs.spec.template.metadata.annotations } }
            : {}),
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: rs.metadata.name,
              uid: rs.metadata.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: deepClone(rs.spec.template.spec),
      })
      recordEvent(
        ctx,
        rs,
        'Normal',
        'SuccessfulCreate',
        `Created pod: ${pod.metadata.name}`,
        SOURCE,
      )
    }
  } else if (diff < 0) {
    const victims = [...active].sort((a, b) => {
      const ra = deletionRank(a)
      const rb = deletionRank(b)
      for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!
      return a.metadata.name < b.metadata.name ? -1 : 1
    })
    for (const p of victims.slice(0, -diff)) {
      deleteObjectGracefully(ctx, 'Pod', ns, p.metadata.name)
      recordEvent(ctx, rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, SOURCE)
    }
  }
  writeReplicaSetStatus(ctx, rs)
}

function writeReplicaSetStatus(ctx: Ctx, rsBefore: ReplicaSet): void {
  const rs = getObject(
    ctx.state,
    'ReplicaSet',
    rsBefore.metadata.namespace,
    rsBefore.metadata.name,
  )!
  const active = ownedPods(ctx, rs).filter(isPodActive)
  const ready = active.filter(isPodReady).length
  const status: ReplicaSet['status'] = {
    ...(ready ? { availableReplicas: ready } : {}),
    fullyLabeledReplicas: active.length,
    observedGeneration: rs.metadata.generation,
    ...(ready ? { readyReplicas: ready } : {}),
    replicas: active.length,
  }
  if (JSON.stringify(status) === JSON.stringify(rs.status)) return
  const copy = deepClone(rs)
  copy.status = status
  updateStatus(ctx, copy)
}
