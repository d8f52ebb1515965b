import { deepClone } from '../clone.ts'
import type { Ctx } from '../context.ts'
import type { Deployment, DeploymentCondition, ReplicaSet } from '../model/k8s.ts'
import { createObject, patchObject } from '../apiserver/api.ts'
import { dependentsOf, getObject, putObject } from '../apiserver/store.ts'
import { recordEvent } from '../apiserver/recorder.ts'
import { parseRfc3339, rfc3339 } from '../time.ts'
import { enqueue } from '../apiserver/watch.ts'
import { canonicalJson, computeTemplateHash } from './hash.ts'
import { isPodActive, ownedPods } from './replicaset.ts'

// The Deployment controller (pkg/controller/deployment): one ReplicaSet per pod template, named
// <deployment>-<pod-template-hash>; a rolling update scales the new one up and the old ones down
// within maxSurge / maxUnavailable; status and conditions report progress (which `kubectl rollout
// status` reads).

const SOURCE = { component: 'deployment-controller' }
const REVISION = 'deployment.kubernetes.io/revision'

function resolveIntOrPercent(
  v: string | number | undefined,
  total: number,
  roundUp: boolean,
): number {
  if (v === undefined) return 0
  if (typeof v === 'number') return v
  const m = /^(\d+)%$/.exec(v)
  if (!m) return Number(v) || 0
  const x = (Number(m[1]) * total) / 100
  return roundUp ? Math.ceil(x) : Math.floor(x)
}

export function surgeAndUnavailable(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  if (d.spec.strategy.type !== 'RollingUpdate')
    return { maxSurge: 0, maxUnavailable: d.spec.replicas }
  const ru = d.spec.strategy.rollingUpdate ?? { maxSurge: '25%', maxUnavailable: '25%' }
  const maxSurge = resolveIntOrPercent(ru.maxSurge, d.spec.replicas, true)
  let maxUnavailable = resolveIntOrPercent(ru.maxUnavailable, d.spec.replicas, false)
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1
  return { maxSurge, maxUnavailable: Math.min(maxUnavailable, d.spec.replicas) }
}

function templateWithoutHash(rs: ReplicaSet): string {
  const t = deepClone(rs.spec.template)
  if (t.metadata.labels) delete t.metadata.labels['pod-template-hash']
  if (t.metadata.labels && Object.keys(t.metadata.labels).length === 0) delete t.metadata.labels
  return canonicalJson(t)
}

function ownedReplicaSets(ctx: Ctx, d: Deployment): ReplicaSet[] {
  return dependentsOf(ctx.state, d.metadata.uid, 'ReplicaSet')
}

function revisionOf(rs: ReplicaSet): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? 0)
}

function scaleReplicaSet(ctx: Ctx, d: Deployment, rs: ReplicaSet, to: number): void {
  const from = rs.spec.replicas
  if (from === to) return
  patchObject(ctx, 'ReplicaSet', rs.metadata.namespace, rs.metadata.name, (o) => {
    o.spec.replicas = to
    o.metadata.annotations = {
      ...(o.metadata.annotations ?? {}),
      'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas),
      'deployment.kubernetes.io/max-replicas': String(
        d.spec.replicas + surgeAndUnavailable(d).maxSurge,
      ),
    }
  })
  recordEvent(
    ctx,
    d,
    'Normal',
    'ScalingReplicaSet',
    `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${to}`,
    SOURCE,
  )
}

export function reconcileDeployment(ctx: Ctx, key: string): void {
  const [ns, name] = key.split('/') as [string, string]
  const d = getObject(ctx.state, 'Deployment', ns, name)
  if (!d || d.metadata.deletionTimestamp) return
  let all = ownedReplicaSets(ctx, d)
  const wanted = canonicalJson(d.spec.template)
  let newRS = all.find((rs) => templateWithoutHash(rs) === wanted)
  const { maxSurge, maxUnavailable } = surgeAndUnavailable(d)
  let created = false

  if (!newRS) {
    const hash = computeTemplateHash(d.spec.template, d.status.collisionCount)
    const maxRevision = Math.max(0, ...all.map(revisionOf))
    const oldActive = all.reduce((n, rs) => n + rs.spec.replicas, 0)
    const current = oldActive
    const replicas =
      d.spec.strategy.type === 'Recreate'
        ? oldActive > 0
          ? 0
          : d.spec.replicas
        : all.length === 0
          ? d.spec.replicas
          : Math.max(0, Math.min(d.spec.replicas, d.spec.replicas + maxSurge - current))
    const template = deepClone(d.spec.template)
    template.metadata.labels = { ...(template.metadata.labels ?? {}), 'pod-template-hash': hash }
    newRS = createObject<ReplicaSet>(ctx, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: ns,
        labels: { ...(d.spec.template.metadata.labels ?? {}), 'pod-template-hash': hash },
        annotations: {
          'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas),
          'deployment.kubernetes.io/max-replicas': String(d.spec.replicas + maxSurge),
          [REVISION]: String(maxRevision + 1),
        },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: d.metadata.name,
            uid: d.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        replicas,
        selector: {
          matchLabels: { ...(d.spec.selector.matchLabels ?? {}), 'pod-template-hash': hash },
          ...(d.spec.selector.matchExpressions
            ? { matchExpressions: d.spec.selector.matchExpressions }
            : {}),
        },
        template,
        ...(d.spec.minReadySeconds ? { minReadySeconds: d.spec.minReadySeconds } : {}),
      },
      status: { replicas: 0 },
    } as never)
    created = true
    if (replicas > 0)
      recordEvent(
        ctx,
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled up replica set ${newRS.metadata.name} from 0 to ${replicas}`,
        SOURCE,
      )
    all = ownedReplicaSets(ctx, d)
  }

  const olds = all
    .filter((rs) => rs.metadata.uid !== newRS!.metadata.uid)
    .sort((a, b) => revisionOf(a) - revisionOf(b))
  if (!d.spec.paused && !created) {
    if (d.spec.strategy.type === 'Recreate') {
      const oldHasPods = olds.some(
        (rs) => rs.spec.replicas > 0 || ownedPods(ctx, rs).some(isPodActive),
      )
      for (const rs of olds) scaleReplicaSet(ctx, d, rs, 0)
      if (!oldHasPods) scaleReplicaSet(ctx, d, newRS, d.spec.replicas)
    } else {
      // scale up the new ReplicaSet within maxSurge
      if (newRS.spec.replicas > d.spec.replicas) scaleReplicaSet(ctx, d, newRS, d.spec.replicas)
      else if (newRS.spec.replicas < d.spec.replicas) {
        const current = all.reduce((n, rs) => n + rs.spec.replicas, 0)
        const maxTotal = d.spec.replicas + maxSurge
        if (current < maxTotal)
          scaleReplicaSet(
            ctx,
            d,
            newRS,
            Math.min(d.spec.replicas, newRS.spec.replicas + (maxTotal - current)),
          )
      }
      // scale old ones down, keeping at least replicas - maxUnavailable available
      const fresh = () => ownedReplicaSets(ctx, d)
      let now = fresh()
      const newNow = now.find((rs) => rs.metadata.uid === newRS!.metadata.uid)!
      const minAvailable = d.spec.replicas - maxUnavailable
      const allPods = now.reduce((n, rs) => n + rs.spec.replicas, 0)
      const newUnavailable = newNow.spec.replicas - (newNow.status.availableReplicas ?? 0)
      let budget = allPods - minAvailable - newUnavailable
      // first the old pods that are not available anyway
      for (const rs of olds) {
        if (budget <= 0) break
        const cur = now.find((x) => x.metadata.uid === rs.metadata.uid)!
        const unhealthy = cur.spec.replicas - (cur.status.availableReplicas ?? 0)
        const n = Math.min(unhealthy, budget)
        if (n > 0) {
          scaleReplicaSet(ctx, d, cur, cur.spec.replicas - n)
          budget -= n
        }
      }
      now = fresh()
      const available = now.reduce((n, rs) => n + (rs.status.availableReplicas ?? 0), 0)
      let scaleDown = Math.min(budget, available - minAvailable)
      for (const rs of olds) {
        if (scaleDown <= 0) break
        const cur = now.find((x) => x.metadata.uid === rs.metadata.uid)!
        const n = Math.min(cur.spec.replicas, scaleDown)
        if (n > 0) {
          scaleReplicaSet(ctx, d, cur, cur.spec.replicas - n)
          scaleDown -= n
        }
      }
    }
  }
  writeDeploymentStatus(ctx, key, created)
}

function writeDeploymentStatus(ctx: Ctx, key: string, created: boolean): void {
  const [ns, name] = key.split('/') as [string, string]
  const d = getObject(ctx.state, 'Deployment', ns, name)!
  const all = ownedReplicaSets(ctx, d)
  const wanted = canonicalJson(d.spec.template)
  const newRS = all.find((rs) => templateWithoutHash(rs) === wanted)
  const sum = (f: (rs: ReplicaSet) => number | undefined) =>
    all.reduce((n, rs) => n + (f(rs) ?? 0), 0)
  const replicas = sum((rs) => rs.status.replicas)
  const updated = newRS?.status.replicas ?? 0
  const ready = sum((rs) => rs.status.readyReplicas)
  const available = sum((rs) => rs.status.availableReplicas)
  const unavailable = Math.max(0, d.spec.replicas - available)
  const { maxUnavailable } = surgeAndUnavailable(d)
  const now = rfc3339(ctx.state.now)
  const prev = d.status.conditions ?? []
  const cond = (
    type: DeploymentCondition['type'],
    status: DeploymentCondition['status'],
    reason: string,
    message: string,
  ): DeploymentCondition => {
    const old = prev.find((c) => c.type === type)
    const same = old && old.status === status && old.reason === reason && old.message === message
    return {
      lastTransitionTime: old && old.status === status ? old.lastTransitionTime : now,
      lastUpdateTime: same ? old.lastUpdateTime : now,
      message,
      reason,
      status,
      type,
    }
  }
  const availableCond =
    available >= d.spec.replicas - maxUnavailable
      ? cond(
          'Available',
          'True',
          'MinimumReplicasAvailable',
          'Deployment has minimum availability.',
        )
      : cond(
          'Available',
          'False',
          'MinimumReplicasUnavailable',
          'Deployment does not have minimum availability.',
        )
  const oldReplicas = all
    .filter((rs) => rs !== newRS)
    .reduce((n, rs) => n + rs.spec.replicas + (rs.status.replicas ?? 0), 0)
  const complete =
    newRS &&
    updated === d.spec.replicas &&
    available === d.spec.replicas &&
    replicas === d.spec.replicas &&
    oldReplicas === 0
  const prevProgressing = prev.find((c) => c.type === 'Progressing')
  const rsName = newRS?.metadata.name ?? ''
  const progressing = complete
    ? cond(
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${rsName}" has successfully progressed.`,
      )
    : created || !prevProgressing
      ? cond('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${rsName}"`)
      : prevProgressing.reason === 'NewReplicaSetCreated' &&
          prevProgressing.message.includes(`"${rsName}"`) &&
          updated === 0
        ? prevProgressing
        : cond('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`)
  // progressDeadlineSeconds: no progress for that long marks the rollout failed (DeploymentProgressing=False)
  let progressingFinal = progressing
  if (!complete && progressing.reason !== 'NewReplicaSetAvailable') {
    const since = parseRfc3339(progressing.lastUpdateTime)
    const deadline = since + d.spec.progressDeadlineSeconds * 1000
    if (
      prevProgressing?.reason === 'ProgressDeadlineExceeded' &&
      prevProgressing.message.includes(`"${rsName}"`)
    )
      progressingFinal = prevProgressing
    else if (ctx.state.now >= deadline)
      progressingFinal = cond(
        'Progressing',
        'False',
        'ProgressDeadlineExceeded',
        `ReplicaSet "${rsName}" has timed out progressing.`,
      )
    else enqueue(ctx, 'deployment', key, deadline - ctx.state.now + 1, true)
  }
  const status: Deployment['status'] = {
    ...(available ? { availableReplicas: available } : {}),
    ...(d.status.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
    conditions: [availableCond, progressingFinal],
    observedGeneration: d.metadata.generation,
    ...(ready ? { readyReplicas: ready } : {}),
    ...(replicas ? { replicas } : {}),
    ...(unavailable ? { unavailableReplicas: unavailable } : {}),
    ...(updated ? { updatedReplicas: updated } : {}),
  }
  const revision = newRS?.metadata.annotations?.[REVISION]
  const needsAnnotation = revision !== undefined && d.metadata.annotations?.[REVISION] !== revision
  if (!needsAnnotation && JSON.stringify(status) === JSON.stringify(d.status)) return
  const copy = deepClone(d)
  copy.status = status
  if (needsAnnotation)
    copy.metadata.annotations = { ...(copy.metadata.annotations ?? {}), [REVISION]: revision! }
  putObject(ctx, copy)
}
