import { deepClone } from '../clone.ts'
import type { Ctx } from '../context.ts'
import type { DaemonSet, Pod, Toleration } from '../model/k8s.ts'
import type { ClusterState } from '../model/state.ts'
import { createObject, deleteObjectGracefully } from '../apiserver/api.ts'
import { getObject, listObjects, putObject } from '../apiserver/store.ts'
import { recordEvent } from '../apiserver/recorder.ts'
import { isPodActive, isPodReady, ownedPods } from './replicaset.ts'
import { computeTemplateHash } from './hash.ts'

// The DaemonSet controller (pkg/controller/daemon): one pod per node, pinned with a node affinity on
// metadata.name and bound by the default scheduler, plus the tolerations it always adds. A template
// change rolls the pods (update.go rollingUpdate, maxSurge 0): old pods are deleted up to
// maxUnavailable, the manage loop creates the new revision's pod once the old one is gone, and the
// next old pod goes when the new one is Ready.

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

/**
 * The controller-revision-hash of the DaemonSet's current template, as its ControllerRevision keeps
 * it: a template seen before gets its old hash back (a revert rolls back to the old revision, as
 * on a real cluster). The first revision keeps the value Cutaway always showed; later ones hash the
 * template (controller.ComputeHash's shape, see hash.ts). Simplified: the revisions live in
 * state.daemonSetRevisions, not as ControllerRevision objects in etcd.
 */
export function daemonSetRevisionHash(state: ClusterState, ds: DaemonSet): string {
  const fingerprint = templateFingerprint(state, ds)
  const revs = ((state.daemonSetRevisions ??= {})[ds.metadata.uid] ??= {})
  revs[fingerprint] ??=
    Object.keys(revs).length === 0
      ? (ds.metadata.annotations?.['cutaway/revision-hash'] ?? '6d8cfb5c6f')
      : fingerprint
  return revs[fingerprint]
}

/**
 * computeTemplateHash of the DaemonSet's template, remembered per generation (the controller runs
 * on every change of its pods; the API server bumps metadata.generation whenever the spec changes).
 */
function templateFingerprint(state: ClusterState, ds: DaemonSet): string {
  const memo = (state.daemonSetTemplateHashes ??= {})
  const generation = ds.metadata.generation ?? 0
  const seen = memo[ds.metadata.uid]
  if (seen && seen[0] === generation) return seen[1]
  const f = computeTemplateHash(ds.spec.template)
  memo[ds.metadata.uid] = [generation, f]
  return f
}

/** intstr.GetScaledValueFromIntOrPercent(maxUnavailable, desired, roundUp=true); default 1. */
export function maxUnavailableOf(ds: DaemonSet, desired: number): number {
  const v = ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable as number | string | undefined
  if (typeof v === 'number') return v
  const m = typeof v === 'string' ? /^(\d+)%$/.exec(v) : null
  if (m) return Math.ceil((Number(m[1]) * desired) / 100)
  return 1
}

/** Pods that still hold their node: active ones, and terminating ones not yet finished. */
function podsHoldingNodes(ctx: Ctx, ds: DaemonSet): Pod[] {
  return ownedPods(ctx, ds).filter(
    (p) => isPodActive(p) || (p.metadata.deletionTimestamp && !isTerminal(p)),
  )
}

const isTerminal = (p: Pod) => p.status.phase === 'Succeeded' || p.status.phase === 'Failed'

export function reconcileDaemonSet(ctx: Ctx, key: string): void {
  const [ns, name] = key.split('/') as [string, string]
  const ds = getObject(ctx.state, 'DaemonSet', ns, name)
  if (!ds) return
  const nodes = listObjects(ctx.state, 'Node')
  const hash = daemonSetRevisionHash(ctx.state, ds)
  // a terminating pod still counts for its node (getNodesToDaemonPods): the replacement waits
  const pods = podsHoldingNodes(ctx, ds)
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
          'controller-revision-hash': hash,
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
    if (p.metadata.deletionTimestamp) continue
    if (n && !nodes.some((x) => x.metadata.name === n)) {
      deleteObjectGracefully(ctx, 'Pod', ns, p.metadata.name, { gracePeriodSeconds: 0 })
      recordEvent(ctx, ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, SOURCE)
    }
  }
  if ((ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate')
    rollingUpdate(
      ctx,
      ds,
      nodes.map((n) => n.metadata.name),
      hash,
    )
  writeStatus(ctx, ds, nodes.length, hash)
}

/** update.go rollingUpdate with maxSurge 0, nodes in name order (Go walks a map). */
function rollingUpdate(ctx: Ctx, ds: DaemonSet, nodes: string[], hash: string): void {
  const pods = podsHoldingNodes(ctx, ds)
  const maxUnavailable = maxUnavailableOf(ds, nodes.length)
  let numUnavailable = 0
  const replaceNow: Pod[] = []
  const candidates: Pod[] = []
  // findUpdatedPodsOnNode skips terminating pods; grouped once (a reconcile runs per pod change)
  const liveByNode = new Map<string, Pod[]>()
  for (const p of pods) {
    const n = nodeOf(p)
    if (n === undefined || p.metadata.deletionTimestamp) continue
    const list = liveByNode.get(n)
    if (list) list.push(p)
    else liveByNode.set(n, [p])
  }
  for (const node of [...nodes].sort()) {
    const live = liveByNode.get(node) ?? []
    const fresh = live.filter((p) => p.metadata.labels?.['controller-revision-hash'] === hash)
    const old = live.filter((p) => p.metadata.labels?.['controller-revision-hash'] !== hash)
    if (live.length > 1 || live.length === 0) {
      numUnavailable++
      continue
    }
    if (fresh[0]) {
      if (!isPodReady(fresh[0])) numUnavailable++
      continue
    }
    const o = old[0]!
    if (!isPodReady(o)) replaceNow.push(o)
    else if (numUnavailable < maxUnavailable) candidates.push(o)
  }
  const room = Math.min(Math.max(0, maxUnavailable - numUnavailable), candidates.length)
  for (const p of [...replaceNow, ...candidates.slice(0, room)]) {
    deleteObjectGracefully(ctx, 'Pod', p.metadata.namespace!, p.metadata.name)
    recordEvent(ctx, ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, SOURCE)
  }
}

function writeStatus(ctx: Ctx, dsBefore: DaemonSet, desired: number, hash: string): void {
  const ds = getObject(ctx.state, 'DaemonSet', dsBefore.metadata.namespace, dsBefore.metadata.name)!
  const pods = ownedPods(ctx, ds).filter(isPodActive)
  const scheduled = pods.filter((p) => p.spec.nodeName).length
  const ready = pods.filter(isPodReady).length
  const updated = pods.filter(
    (p) => p.spec.nodeName && p.metadata.labels?.['controller-revision-hash'] === hash,
  ).length
  // status fields are omitempty: zero counts are not written
  const status: DaemonSet['status'] = {
    currentNumberScheduled: scheduled,
    desiredNumberScheduled: desired,
    ...(ready ? { numberAvailable: ready } : {}),
    numberMisscheduled: 0,
    numberReady: ready,
    ...(desired - ready > 0 ? { numberUnavailable: desired - ready } : {}),
    observedGeneration: ds.metadata.generation,
    ...(updated ? { updatedNumberScheduled: updated } : {}),
  }
  if (JSON.stringify(status) === JSON.stringify(ds.status)) return
  const copy = deepClone(ds)
  copy.status = status
  putObject(ctx, copy)
}
