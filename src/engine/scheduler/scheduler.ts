import { deepClone } from '../clone.ts'
import type { Ctx } from '../context.ts'
import { emit } from '../context.ts'
import type { Node, Pod } from '../model/k8s.ts'
import { dependentsOf, eachObject, getObject, listObjects, putObject } from '../apiserver/store.ts'
import { recordEvent } from '../apiserver/recorder.ts'
import { enqueue } from '../apiserver/watch.ts'
import { nextFloat } from '../random.ts'
import { rfc3339 } from '../time.ts'
import { parseQuantity } from '../quantity.ts'

// kube-scheduler: filter the nodes a pod fits on, score them, bind to the best (ties broken at
// random, as the real one does), or report why none fits in its real message format.
// Reference: pkg/scheduler/schedule_one.go, framework/plugins (NodeResourcesFit, NodeAffinity,
// TaintToleration, NodeUnschedulable, PodTopologySpread defaults spread replicas across nodes).

const SOURCE = { component: 'default-scheduler' }
const RETRY_MS = 30_000

export function schedulePending(ctx: Ctx, key: string): void {
  // one snapshot of node usage per pass, updated as pods are bound (the scheduler's cache)
  let usage: Map<string, Usage> | undefined
  const use = () => (usage ??= usageByNode(ctx))
  if (key === '*') {
    // the active queue: higher priority first, then oldest first
    const pending = eachObject(ctx.state, 'Pod')
      .filter((p) => !p.spec.nodeName && !p.metadata.deletionTimestamp)
      .map((p) => ({
        p,
        prio: p.spec.priority ?? 0,
        ts: p.metadata.creationTimestamp,
        name: `${p.metadata.namespace}/${p.metadata.name}`,
      }))
      .sort(
        (a, b) =>
          b.prio - a.prio || (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.name < b.name ? -1 : 1),
      )
    for (const { p } of pending) scheduleOne(ctx, p, use())
    return
  }
  const [ns, name] = key.split('/') as [string, string]
  const pod = getObject(ctx.state, 'Pod', ns, name)
  if (pod && !pod.spec.nodeName && !pod.metadata.deletionTimestamp) scheduleOne(ctx, pod, use())
}

interface Usage {
  pods: number
  cpuMilli: number
  memBytes: number
}

function usageByNode(ctx: Ctx): Map<string, Usage> {
  const m = new Map<string, Usage>()
  for (const p of eachObject(ctx.state, 'Pod')) {
    if (!p.spec.nodeName || p.status.phase === 'Succeeded' || p.status.phase === 'Failed') continue
    const u = m.get(p.spec.nodeName) ?? { pods: 0, cpuMilli: 0, memBytes: 0 }
    u.pods++
    const r = podRequests(p)
    u.cpuMilli += r.cpuMilli
    u.memBytes += r.memBytes
    m.set(p.spec.nodeName, u)
  }
  return m
}

export function podRequests(p: Pod): { cpuMilli: number; memBytes: number } {
  let cpuMilli = 0
  let memBytes = 0
  for (const c of p.spec.containers) {
    cpuMilli += parseQuantity(c.resources?.requests?.cpu ?? '0') * 1000
    memBytes += parseQuantity(c.resources?.requests?.memory ?? '0')
  }
  return { cpuMilli: Math.round(cpuMilli), memBytes }
}

/** The node.kubernetes.io/not-ready:NoSchedule taint of a NotReady node (aws-node, kube-proxy: `operator: Exists`). */
function toleratesNotReady(pod: Pod): boolean {
  return (pod.spec.tolerations ?? []).some(
    (t) =>
      (t.operator === 'Exists' && !t.key && (!t.effect || t.effect === 'NoSchedule')) ||
      (t.key === 'node.kubernetes.io/not-ready' && (!t.effect || t.effect === 'NoSchedule')),
  )
}

function nodeReady(n: Node): boolean {
  return n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True')
}

function affinityAllows(pod: Pod, node: Node): boolean {
  const terms = (
    pod.spec.affinity as
      | {
          nodeAffinity?: {
            requiredDuringSchedulingIgnoredDuringExecution?: {
              nodeSelectorTerms: {
                matchFields?: { key: string; operator: string; values: string[] }[]
              }[]
            }
          }
        }
      | undefined
  )?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms
  if (!terms || terms.length === 0) return true
  return terms.some((t) =>
    (t.matchFields ?? []).every(
      (f) =>
        f.key === 'metadata.name' && f.operator === 'In' && f.values.includes(node.metadata.name),
    ),
  )
}

function scheduleOne(ctx: Ctx, pod: Pod, usage: Map<string, Usage>): void {
  const { state } = ctx
  const nodes = listObjects(state, 'Node')
  const req = podRequests(pod)
  const reasons = new Map<string, number>()
  const fail = (r: string) => reasons.set(r, (reasons.get(r) ?? 0) + 1)
  const feasible: Node[] = []
  for (const n of nodes) {
    const u = usage.get(n.metadata.name) ?? { pods: 0, cpuMilli: 0, memBytes: 0 }
    if (!nodeReady(n) && !toleratesNotReady(pod)) {
      fail('1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }')
      continue
    }
    if (n.spec.unschedulable) {
      fail('node(s) were unschedulable')
      continue
    }
    if (!affinityAllows(pod, n)) {
      fail("node(s) didn't match Pod's node affinity/selector")
      continue
    }
    if (
      pod.spec.nodeSelector &&
      !Object.entries(pod.spec.nodeSelector).every(([k, v]) => n.metadata.labels?.[k] === v)
    ) {
      fail("node(s) didn't match Pod's node affinity/selector")
      continue
    }
    const alloc = n.status.allocatable
    let fits = true
    if (u.pods + 1 > Number(alloc.pods)) {
      fail('Too many pods')
      fits = false
    }
    if (req.cpuMilli > 0 && u.cpuMilli + req.cpuMilli > parseQuantity(alloc.cpu ?? '0') * 1000) {
      fail('Insufficient cpu')
      fits = false
    }
    if (req.memBytes > 0 && u.memBytes + req.memBytes > parseQuantity(alloc.memory ?? '0')) {
      fail('Insufficient memory')
      fits = false
    }
    if (fits) feasible.push(n)
  }

  if (feasible.length === 0) {
    const total = nodes.length
    const detail = [...reasons.entries()]
      .map(([r, n]) => (r.startsWith('1 node(s)') ? r.replace(/^1 /, `${n} `) : `${n} ${r}`))
      .sort()
      .join(', ')
    const message =
      total === 0
        ? 'no nodes available to schedule pods'
        : `0/${total} nodes are available: ${detail}${detail ? '. ' : ''}preemption: 0/${total} nodes are available: ${total} No preemption victims found for incoming pod.`
    const current = pod.status.conditions?.find((c) => c.type === 'PodScheduled')
    if (current?.message !== message) {
      const copy = deepClone(pod)
      copy.status.conditions = [
        {
          type: 'PodScheduled',
          status: 'False',
          lastProbeTime: null,
          lastTransitionTime: rfc3339(state.now),
          reason: 'Unschedulable',
          message,
        },
      ]
      putObject(ctx, copy)
      recordEvent(ctx, pod, 'Warning', 'FailedScheduling', message, SOURCE)
      emit(ctx, {
        type: 'pod.unschedulable',
        namespace: pod.metadata.namespace!,
        pod: pod.metadata.name,
        message,
      })
    }
    // the scheduler's backoff queue retries unschedulable pods periodically
    enqueue(ctx, 'scheduler', '*', RETRY_MS, true)
    return
  }

  // score: fewest pods of the same owner (default topology spread), then least allocated
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller)?.uid
  const sameOwner = new Map<string, number>()
  if (owner) {
    for (const p of dependentsOf(state, owner, 'Pod')) {
      if (p.spec.nodeName) sameOwner.set(p.spec.nodeName, (sameOwner.get(p.spec.nodeName) ?? 0) + 1)
    }
  }
  const score = (n: Node) => {
    const u = usage.get(n.metadata.name) ?? { pods: 0, cpuMilli: 0, memBytes: 0 }
    const cap = Number(n.status.allocatable.pods)
    return -100 * (sameOwner.get(n.metadata.name) ?? 0) + Math.round((100 * (cap - u.pods)) / cap)
  }
  let best: Node[] = []
  let bestScore = -Infinity
  for (const n of feasible) {
    const s = score(n)
    if (s > bestScore) {
      best = [n]
      bestScore = s
    } else if (s === bestScore) best.push(n)
  }
  const chosen = best[Math.floor(nextFloat(state.rng) * best.length)]!
  bind(ctx, pod, chosen.metadata.name)
  const u = usage.get(chosen.metadata.name) ?? { pods: 0, cpuMilli: 0, memBytes: 0 }
  usage.set(chosen.metadata.name, {
    pods: u.pods + 1,
    cpuMilli: u.cpuMilli + req.cpuMilli,
    memBytes: u.memBytes + req.memBytes,
  })
}

/** The binding subresource: sets spec.nodeName and the PodScheduled condition. */
function bind(ctx: Ctx, pod: Pod, nodeName: string): void {
  const copy = deepClone(pod)
  copy.spec.nodeName = nodeName
  copy.status.conditions = [
    {
      type: 'PodScheduled',
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: rfc3339(ctx.state.now),
    },
  ]
  putObject(ctx, copy)
  recordEvent(
    ctx,
    pod,
    'Normal',
    'Scheduled',
    `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`,
    SOURCE,
  )
  emit(ctx, {
    type: 'pod.scheduled',
    namespace: pod.metadata.namespace!,
    pod: pod.metadata.name,
    node: nodeName,
  })
}
