import type { Ctx } from '../context.ts'
import { schedule } from '../context.ts'
import { deepClone } from '../clone.ts'
import type { Instance } from '../model/aws.ts'
import type { Node, Pod } from '../model/k8s.ts'
import type { ClusterState, LifecycleStep } from '../model/state.ts'
import { deleteObject, getObject, listObjects, putObject } from '../apiserver/store.ts'
import { recordEvent } from '../apiserver/recorder.ts'
import { nextInt } from '../random.ts'
import { rfc3339, SECOND } from '../time.ts'
import { releaseIp } from './vpc.ts'
import { launchNode } from './bootstrap.ts'
import { forgetNode } from '../shipping/fluentbit.ts'

// What happens when a worker's EC2 instance is terminated (`aws ec2 terminate-instances`):
//  1. EC2: running -> shutting-down at once, -> terminated 30–60 s later. The OS goes down within a
//     few seconds: the kubelet, every container and the root EBS volume (DeleteOnTermination) with
//     all of /var/log/pods are gone for good.
//  2. kube-controller-manager's node lifecycle controller: no status from the kubelet for
//     node-monitor-grace-period -> Ready=Unknown ("Kubelet stopped posting node status."), the
//     node.kubernetes.io/unreachable taints, and the node's pods marked not ready.
//  3. The AWS cloud-controller-manager (cloud node lifecycle controller, every 5 s) deletes a NotReady
//     Node whose instance no longer exists (terminated).
//  4. podgc deletes pods bound to a node that no longer exists ("orphaned"), after a 40 s quarantine
//     (it runs every 20 s); their ReplicaSets / DaemonSets create replacements.
//  5. The managed node group's Auto Scaling group sees the terminated instance and launches a
//     replacement to keep the desired capacity; it registers as a new Node ~1.5–2 min later.
// References: kubernetes/kubernetes pkg/controller/nodelifecycle, pkg/controller/podgc/gc_controller.go,
// k8s.io/cloud-provider controllers/nodelifecycle/node_lifecycle_controller.go,
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-health-checks.html
// Simplification: the replacement instance appears in EC2 only once it is running (no `pending`).

/** nodeMonitorGracePeriod (kube-controller-manager). 40s upstream default before v1.32, 50s from v1.32. */
export const NODE_MONITOR_GRACE_MS = 50 * SECOND
const CCM_PERIOD_MS = 5 * SECOND
const PODGC_QUARANTINE_MS = 40 * SECOND
const PODGC_PERIOD_MS = 20 * SECOND

const STATE_CODES = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  stopping: 64,
  stopped: 80,
  terminated: 48,
}

export interface InstanceStateChange {
  InstanceId: string
  CurrentState: { Code: number; Name: string }
  PreviousState: { Code: number; Name: string }
}

function later(ctx: Ctx, ms: number, step: LifecycleStep, instanceId: string, node: string): void {
  // background: the cluster counts as "settled" while an instance shuts down or a replacement boots,
  // so the console's settle-after-command leaves the learner in the window between the steps
  schedule(
    ctx,
    ms,
    { kind: 'aws.lifecycle', step, instanceId, node },
    { background: true, dedupKey: `aws.lifecycle|${step}|${instanceId}` },
  )
}

function nodeNameOf(state: ClusterState, instanceId: string): string {
  const i = state.aws.instances[instanceId]
  return i?.privateDnsName ?? ''
}

/** TerminateInstances. Ids must exist (the caller validates them); returns the API's state changes. */
export function terminateInstances(ctx: Ctx, instanceIds: string[]): InstanceStateChange[] {
  const { state } = ctx
  const out: InstanceStateChange[] = []
  for (const id of instanceIds) {
    const inst = state.aws.instances[id]
    if (!inst) throw new Error(`InvalidInstanceID.NotFound: ${id}`)
    const prev = inst.state
    if (prev === 'running' || prev === 'pending') {
      inst.state = 'shutting-down'
      inst.terminatedAt = state.now
      const node = nodeNameOf(state, id)
      later(ctx, nextInt(state.rng, 2, 5) * SECOND, 'shutdown', id, node)
      later(ctx, nextInt(state.rng, 30, 60) * SECOND, 'terminated', id, node)
      later(ctx, NODE_MONITOR_GRACE_MS + nextInt(state.rng, 0, 4) * SECOND, 'notready', id, node)
    }
    out.push({
      CurrentState: { Code: STATE_CODES[inst.state], Name: inst.state },
      InstanceId: id,
      PreviousState: { Code: STATE_CODES[prev], Name: prev },
    })
  }
  return out
}

/** One step of the chain above (WorkItem `aws.lifecycle`). */
export function runLifecycle(
  ctx: Ctx,
  step: LifecycleStep,
  instanceId: string,
  node: string,
): void {
  switch (step) {
    case 'shutdown':
      return shutdown(ctx, instanceId, node)
    case 'terminated':
      return terminated(ctx, instanceId, node)
    case 'notready':
      return markNotReady(ctx, instanceId, node)
    case 'ccm':
      return cloudNodeLifecycle(ctx, instanceId, node)
    case 'podgc':
      return podgcOrphans(ctx, node)
    case 'asg':
      return asgReplace(ctx, instanceId, node)
    case 'join':
      return asgJoin(ctx, instanceId)
  }
}

/** The OS shuts down: containers, kubelet and the node's files are gone. Pod IPs stay secondary IPs
 * of the instance's ENIs until EC2 deletes them at termination. */
function shutdown(ctx: Ctx, _instanceId: string, nodeName: string): void {
  const { state } = ctx
  const rt = state.nodes[nodeName]
  if (!rt) return
  for (const pod of Object.values(rt.pods)) {
    const key = `${pod.namespace}/${pod.name}`
    if (state.podRuntimes[key]?.uid === pod.uid) delete state.podRuntimes[key]
  }
  delete state.nodes[nodeName]
  forgetNode(state, nodeName)
}

function terminated(ctx: Ctx, instanceId: string, nodeName: string): void {
  const { state } = ctx
  const inst = state.aws.instances[instanceId]
  if (!inst || inst.state === 'terminated') return
  shutdown(ctx, instanceId, nodeName)
  inst.state = 'terminated'
  // the primary ENI is deleted with the instance (DeleteOnTermination), and its address released
  for (const eniId of inst.eniIds) {
    const eni = state.aws.enis[eniId]
    if (!eni) continue
    releaseIp(state, eni.privateIpAddress)
    for (const ip of eni.secondaryIps) releaseIp(state, ip)
    delete state.aws.enis[eniId]
  }
  // the Auto Scaling group's health check notices and launches a replacement
  const ng = state.aws.nodeGroups[inst.nodegroup]
  if (ng) later(ctx, nextInt(state.rng, 5, 20) * SECOND, 'asg', instanceId, nodeName)
  // the cloud node lifecycle controller's next pass
  later(ctx, nextInt(state.rng, 0, CCM_PERIOD_MS / SECOND) * SECOND, 'ccm', instanceId, nodeName)
}

function markNotReady(ctx: Ctx, instanceId: string, nodeName: string): void {
  const { state } = ctx
  const node = getObject(state, 'Node', undefined, nodeName)
  if (!node || state.nodes[nodeName]?.ready) return
  const now = rfc3339(state.now)
  const copy = deepClone(node)
  for (const c of copy.status.conditions) {
    if (c.status !== 'Unknown') c.lastTransitionTime = now
    c.status = 'Unknown'
    c.reason = 'NodeStatusUnknown'
    c.message = 'Kubelet stopped posting node status.'
  }
  const taints: { key: string; effect: string; timeAdded?: string }[] = (
    copy.spec.taints ?? []
  ).filter((t) => t.key !== 'node.kubernetes.io/unreachable')
  taints.push(
    { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: now },
    { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: now },
  )
  // the cloud controller taints a node whose instance is shut down (kept until it is deleted)
  if (state.aws.instances[instanceId]?.state !== 'running')
    taints.push({ key: 'node.cloudprovider.kubernetes.io/shutdown', effect: 'NoSchedule' })
  copy.spec.taints = taints as NonNullable<Node['spec']['taints']>
  putObject(ctx, copy)
  recordEvent(ctx, copy, 'Normal', 'NodeNotReady', `Node ${nodeName} status is now: NodeNotReady`, {
    component: 'node-controller',
  })
  // MarkPodsNotReady: the Ready condition of every pod on the node goes False
  for (const pod of podsOn(state, nodeName)) {
    const p = deepClone(pod)
    let changed = false
    for (const c of p.status.conditions ?? []) {
      if ((c.type === 'Ready' || c.type === 'ContainersReady') && c.status !== 'False') {
        c.status = 'False'
        c.lastTransitionTime = now
        changed = true
      }
    }
    if (!changed) continue
    putObject(ctx, p)
    recordEvent(ctx, p, 'Warning', 'NodeNotReady', 'Node is not ready', {
      component: 'node-controller',
    })
  }
  later(ctx, CCM_PERIOD_MS, 'ccm', instanceId, nodeName)
}

function podsOn(state: ClusterState, nodeName: string): Pod[] {
  return listObjects(state, 'Pod').filter((p) => p.spec.nodeName === nodeName)
}

function nodeIsReady(n: Node): boolean {
  return n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True')
}

/** The cloud node lifecycle controller: a NotReady node whose instance no longer exists is deleted. */
function cloudNodeLifecycle(ctx: Ctx, instanceId: string, nodeName: string): void {
  const { state } = ctx
  const node = getObject(state, 'Node', undefined, nodeName)
  if (!node || nodeIsReady(node)) return
  const inst = state.aws.instances[instanceId]
  if (inst && inst.state !== 'terminated') {
    later(ctx, CCM_PERIOD_MS, 'ccm', instanceId, nodeName)
    return
  }
  recordEvent(
    ctx,
    node,
    'Normal',
    'DeletingNode',
    `Deleting node ${nodeName} because it does not exist in the cloud provider`,
    { component: 'cloud-node-lifecycle-controller' },
  )
  deleteObject(ctx, node)
  // podgc notices the orphans on its next pass, after the quarantine
  later(
    ctx,
    PODGC_QUARANTINE_MS + nextInt(state.rng, 0, PODGC_PERIOD_MS / SECOND) * SECOND,
    'podgc',
    instanceId,
    nodeName,
  )
}

/** podgc gcOrphaned: force-delete every pod bound to a node that does not exist. */
function podgcOrphans(ctx: Ctx, nodeName: string): void {
  const { state } = ctx
  if (getObject(state, 'Node', undefined, nodeName)) return
  for (const pod of podsOn(state, nodeName)) deleteObject(ctx, pod)
}

function asgReplace(ctx: Ctx, instanceId: string, nodeName: string): void {
  const { state } = ctx
  const old = state.aws.instances[instanceId]
  if (!old) return
  const ng = state.aws.nodeGroups[old.nodegroup]
  if (!ng) return
  const live = Object.values(state.aws.instances).filter(
    (i) => i.nodegroup === ng.name && (i.state === 'running' || i.state === 'pending'),
  )
  if (live.length >= ng.desiredSize) return
  // boots, runs nodeadm, and the kubelet registers
  later(ctx, nextInt(state.rng, 80, 110) * SECOND, 'join', instanceId, nodeName)
}

function asgJoin(ctx: Ctx, replacedId: string): void {
  const { state } = ctx
  const old = state.aws.instances[replacedId]
  if (!old) return
  const ng = state.aws.nodeGroups[old.nodegroup]
  if (!ng) return
  const live = Object.values(state.aws.instances).filter(
    (i) => i.nodegroup === ng.name && (i.state === 'running' || i.state === 'pending'),
  )
  if (live.length >= ng.desiredSize) return
  // Auto Scaling keeps the AZs balanced: the subnet with the fewest live instances, in order
  const subnets = ng.subnetIds
    .map((id) => state.aws.subnets.find((s) => s.subnetId === id)!)
    .filter(Boolean)
  const count = (subnetId: string) => live.filter((i) => i.subnetId === subnetId).length
  const subnet = [...subnets].sort(
    (a, b) =>
      count(a.subnetId) - count(b.subnetId) ||
      (a.subnetId === old.subnetId ? -1 : b.subnetId === old.subnetId ? 1 : 0),
  )[0]
  if (!subnet) return
  launchNode(ctx, ng.name, subnet)
}

/** Whether an instance backs a live kubelet (for views and `kubectl logs`). */
export function instanceRunning(i: Instance | undefined): boolean {
  return i?.state === 'running'
}

/**
 * What `kubectl logs` gets when the API server cannot reach the pod's kubelet, or undefined when it
 * can. The API server proxies GET /containerLogs/<ns>/<pod>/<container> to <nodeIP>:10250:
 *  - Node object gone (deleted by the cloud controller, pod not yet collected): the node lookup fails;
 *  - instance shutting down / terminated: nothing answers on the node's address any more.
 * Wording from kubelet-proxy failures reported upstream (e.g. kubernetes/kubernetes#62511, #102139).
 */
export function kubeletUnreachableError(
  state: ClusterState,
  pod: Pod,
  container: string,
  opts: { follow?: boolean; previous?: boolean } = {},
): string | undefined {
  const nodeName = pod.spec.nodeName
  if (!nodeName) return undefined
  const node = getObject(state, 'Node', undefined, nodeName)
  if (!node) return `Error from server (NotFound): nodes "${nodeName}" not found`
  const inst = Object.values(state.aws.instances).find((i) => i.privateDnsName === nodeName)
  if (state.nodes[nodeName] && instanceRunning(inst)) return undefined
  const ip =
    node.status.addresses?.find((a) => a.type === 'InternalIP')?.address ??
    inst?.privateIpAddress ??
    ''
  const q = [opts.follow ? 'follow=true' : '', opts.previous ? 'previous=true' : '']
    .filter(Boolean)
    .join('&')
  const url = `https://${ip}:10250/containerLogs/${pod.metadata.namespace}/${pod.metadata.name}/${container}${q ? '?' + q : ''}`
  return `Error from server: Get "${url}": dial tcp ${ip}:10250: connect: no route to host`
}
