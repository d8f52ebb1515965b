import type { Ctx } from '../context.ts'
import { schedule } from '../context.ts'
import { deepClone } from '../clone.ts'
import type { NodeGroup, Subnet } from '../model/aws.ts'
import type { Node, Pod } from '../model/k8s.ts'
import type { ClusterState } from '../model/state.ts'
import { deleteObjectGracefully } from '../apiserver/api.ts'
import { getObject, listObjects, putObject } from '../apiserver/store.ts'
import { recordEvent } from '../apiserver/recorder.ts'
import { nextInt, randomHex } from '../random.ts'
import { rfc3339, SECOND } from '../time.ts'
import { launchNode } from './bootstrap.ts'
import { INSTANCE_TYPES } from './instanceTypes.ts'
import { terminateInstances } from './terminate.ts'

// Managed node groups after the cluster exists (what `eksctl create/scale/delete nodegroup` drive).
// EKS CreateNodegroup makes an Auto Scaling group; its instances boot (~80–110 s to a registered
// kubelet), register NotReady until aws-node has set up the VPC CNI, then turn Ready; the group
// goes CREATING -> ACTIVE once every desired node is Ready. Scale-in and delete drain the nodes
// first (managed node groups drain through the Kubernetes API: docs managed-node-groups.html,
// "automatically drained ... during terminations"), then terminate the instances (aws/terminate.ts).
// Defaults are eksctl's for a managed group: AL2023, ON_DEMAND, min = max = desired unless given.
// Simplified: the instance shows up in EC2 only when its kubelet registers (no `pending`); the
// group's own subnets are used in order (ASG's AZ balancing), no launch template versions; scale-in
// evicts and terminates in the same instant (the real lifecycle hook waits for the drain); no
// PodDisruptionBudgets; the node turns Ready as aws-node starts (the kubelet checks every ~5 s).

export interface NewNodeGroup {
  name: string
  instanceType: string
  desired: number
  min: number
  max: number
  privateNetworking: boolean
}

/** How long an instance takes from RunInstances to a registered kubelet (boot + nodeadm). */
function bootDelay(state: ClusterState): number {
  return nextInt(state.rng, 80, 110) * SECOND
}

function subnetsFor(state: ClusterState, privateNetworking: boolean): Subnet[] {
  return state.aws.subnets.filter((s) => s.public === !privateNetworking)
}

function scheduleLaunch(ctx: Ctx, ng: NodeGroup, subnetId: string): void {
  schedule(ctx, bootDelay(ctx.state), {
    kind: 'aws.nodegroup',
    step: 'launch',
    nodegroup: ng.name,
    subnetId,
  })
}

/** Subnets for `n` new instances: the group's subnets with the fewest live instances first. */
function pickSubnets(state: ClusterState, ng: NodeGroup, n: number): string[] {
  const count = new Map(ng.subnetIds.map((id) => [id, 0]))
  for (const i of Object.values(state.aws.instances))
    if (i.nodegroup === ng.name && (i.state === 'running' || i.state === 'pending'))
      count.set(i.subnetId, (count.get(i.subnetId) ?? 0) + 1)
  const out: string[] = []
  for (let k = 0; k < n; k++) {
    const id = [...ng.subnetIds].sort((a, b) => count.get(a)! - count.get(b)!)[0]!
    out.push(id)
    count.set(id, count.get(id)! + 1)
  }
  return out
}

/** CreateNodegroup: the group record (CREATING) and its instances' launches. */
export function createManagedNodeGroup(ctx: Ctx, spec: NewNodeGroup): NodeGroup {
  const { state } = ctx
  const subnets = subnetsFor(state, spec.privateNetworking)
  const ng: NodeGroup = {
    name: spec.name,
    instanceType: spec.instanceType,
    desiredSize: spec.desired,
    minSize: spec.min,
    maxSize: spec.max,
    // the EKS AMI type follows the instance type's architecture (m6g: Graviton)
    amiType:
      INSTANCE_TYPES[spec.instanceType]?.arch === 'arm64'
        ? 'AL2023_ARM_64_STANDARD'
        : 'AL2023_x86_64_STANDARD',
    capacityType: 'ON_DEMAND',
    subnetIds: subnets.map((s) => s.subnetId),
    launchTemplateId: `lt-0${randomHex(state.rng, 16)}`,
    createdAt: rfc3339(state.now),
    status: spec.desired === 0 ? 'ACTIVE' : 'CREATING',
    ...(spec.privateNetworking ? { privateNetworking: true } : {}),
  }
  state.aws.nodeGroups[spec.name] = ng
  for (const id of pickSubnets(state, ng, spec.desired)) scheduleLaunch(ctx, ng, id)
  return ng
}

/** The Nodes of a group (label eks.amazonaws.com/nodegroup, which the kubelet registers with). */
export function nodeGroupNodes(state: ClusterState, name: string): Node[] {
  return listObjects(state, 'Node').filter(
    (n) => n.metadata.labels?.['eks.amazonaws.com/nodegroup'] === name,
  )
}

const isReady = (n: Node) =>
  n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True')

/** The group's live (running or starting) instances plus launches still booting. */
function liveInstanceIds(state: ClusterState, name: string): string[] {
  return Object.values(state.aws.instances)
    .filter((i) => i.nodegroup === name && (i.state === 'running' || i.state === 'pending'))
    .map((i) => i.instanceId)
}

/**
 * UpdateNodegroupConfig scalingConfig. Scale-out launches instances; scale-in drains and terminates
 * the newest instances first (simplified: the ASG's default policy also balances AZs).
 */
export function scaleNodeGroup(
  ctx: Ctx,
  name: string,
  desired: number,
  bounds: { min?: number; max?: number } = {},
): void {
  const { state } = ctx
  const ng = state.aws.nodeGroups[name]
  if (!ng) return
  if (bounds.min !== undefined) ng.minSize = bounds.min
  if (bounds.max !== undefined) ng.maxSize = bounds.max
  const before = ng.desiredSize
  ng.desiredSize = desired
  if (desired > before) {
    for (const id of pickSubnets(state, ng, desired - before)) scheduleLaunch(ctx, ng, id)
    return
  }
  const live = liveInstanceIds(state, name)
  const extra = live.length - desired
  if (extra <= 0) return
  const victims = live
    .map((id) => state.aws.instances[id]!)
    .sort(
      (a, b) =>
        b.launchTime.localeCompare(a.launchTime) || b.instanceId.localeCompare(a.instanceId),
    )
    .slice(0, extra)
  drainNodes(
    ctx,
    victims.map((i) => i.privateDnsName),
  )
  terminateInstances(
    ctx,
    victims.map((i) => i.instanceId),
  )
}

/** `kubectl cordon`: spec.unschedulable, and the taint the node lifecycle controller adds for it. */
export function cordonNode(ctx: Ctx, nodeName: string): void {
  const node = getObject(ctx.state, 'Node', undefined, nodeName)
  if (!node || node.spec.unschedulable) return
  const copy = deepClone(node)
  copy.spec.unschedulable = true
  copy.spec.taints = [
    ...(copy.spec.taints ?? []),
    { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
  ]
  putObject(ctx, copy)
  recordEvent(
    ctx,
    copy,
    'Normal',
    'NodeNotSchedulable',
    `Node ${nodeName} status is now: NodeNotSchedulable`,
    {
      component: 'kubelet',
      host: nodeName,
    },
  )
}

/** Pods a drain evicts: everything but DaemonSet pods and pods already on their way out. */
export function drainablePods(state: ClusterState, nodeName: string): Pod[] {
  return listObjects(state, 'Pod').filter(
    (p) =>
      p.spec.nodeName === nodeName &&
      !p.metadata.deletionTimestamp &&
      !(p.metadata.ownerReferences ?? []).some((o) => o.kind === 'DaemonSet') &&
      p.status.phase !== 'Succeeded' &&
      p.status.phase !== 'Failed',
  )
}

/** Cordon, then evict (graceful delete; no PodDisruptionBudgets are modelled) every drainable pod. */
export function drainNodes(ctx: Ctx, nodeNames: readonly string[]): void {
  for (const n of nodeNames) cordonNode(ctx, n)
  for (const n of nodeNames)
    for (const p of drainablePods(ctx.state, n))
      deleteObjectGracefully(ctx, 'Pod', p.metadata.namespace!, p.metadata.name)
}

/** DeleteNodegroup: the group goes DELETING, its instances are terminated, the record goes when they are. */
export function deleteNodeGroup(ctx: Ctx, name: string): void {
  const { state } = ctx
  const ng = state.aws.nodeGroups[name]
  if (!ng) return
  ng.status = 'DELETING'
  ng.desiredSize = 0
  ng.minSize = 0
  const live = liveInstanceIds(state, name)
  if (live.length) terminateInstances(ctx, live)
  // the ASG is deleted once its instances are gone (terminated 30–60 s after the call)
  schedule(ctx, 70 * SECOND + nextInt(state.rng, 0, 30) * SECOND, {
    kind: 'aws.nodegroup',
    step: 'deleted',
    nodegroup: name,
  })
}

/** The kubelet saw the CNI config aws-node wrote: the Node turns Ready and loses its not-ready taint. */
export function nodeNetworkReady(ctx: Ctx, nodeName: string): void {
  const node = getObject(ctx.state, 'Node', undefined, nodeName)
  if (!node || isReady(node)) return
  const ready = node.status.conditions.find((c) => c.type === 'Ready')
  if (!ready || ready.reason !== 'KubeletNotReady') return
  const copy = deepClone(node)
  const now = rfc3339(ctx.state.now)
  for (const c of copy.status.conditions)
    if (c.type === 'Ready')
      Object.assign(c, {
        status: 'True',
        reason: 'KubeletReady',
        message: 'kubelet is posting ready status',
        lastTransitionTime: now,
        lastHeartbeatTime: now,
      })
  copy.spec.taints = (copy.spec.taints ?? []).filter(
    (t) => t.key !== 'node.kubernetes.io/not-ready',
  )
  if (copy.spec.taints.length === 0) delete copy.spec.taints
  putObject(ctx, copy)
  recordEvent(ctx, copy, 'Normal', 'NodeReady', `Node ${nodeName} status is now: NodeReady`, {
    component: 'kubelet',
    host: nodeName,
  })
  const ngName = copy.metadata.labels?.['eks.amazonaws.com/nodegroup']
  if (ngName) updateGroupStatus(ctx.state, ngName)
}

/** CREATING -> ACTIVE once the desired number of the group's nodes are Ready. */
function updateGroupStatus(state: ClusterState, name: string): void {
  const ng = state.aws.nodeGroups[name]
  if (!ng || ng.status !== 'CREATING') return
  if (nodeGroupNodes(state, name).filter(isReady).length >= ng.desiredSize) ng.status = 'ACTIVE'
}

/** WorkItem `aws.nodegroup`. */
export function runNodeGroupWork(
  ctx: Ctx,
  step: 'launch' | 'deleted',
  name: string,
  subnetId: string | undefined,
): void {
  const { state } = ctx
  const ng = state.aws.nodeGroups[name]
  if (!ng) return
  if (step === 'deleted') {
    if (liveInstanceIds(state, name).length === 0) delete state.aws.nodeGroups[name]
    else schedule(ctx, 15 * SECOND, { kind: 'aws.nodegroup', step: 'deleted', nodegroup: name })
    return
  }
  if (ng.status === 'DELETING' || liveInstanceIds(state, name).length >= ng.desiredSize) return
  const subnet = state.aws.subnets.find((s) => s.subnetId === subnetId)
  if (!subnet) return
  launchNode(ctx, name, subnet, { joinNotReady: true })
}

/** eksctl's generated nodegroup name: "ng-" and 8 hex characters (from the cluster's rng here). */
export function newNodeGroupName(ctx: Ctx): string {
  return `ng-${randomHex(ctx.state.rng, 8)}`
}
