import type { Ctx } from '../../context.ts'
import { emit, schedule } from '../../context.ts'
import type { ClusterState } from '../../model/state.ts'
import type { IpamdAddress, IpamdState, NodeRuntime } from '../../model/node.ts'
import type { Eni } from '../../model/aws.ts'
import { getObject } from '../../apiserver/store.ts'
import { INSTANCE_TYPES, type InstanceType } from '../../aws/instanceTypes.ts'
import { allocateAddressSeeded, releaseIp } from '../../aws/vpc.ts'
import { hashHex } from '../../node/util.ts'
import { rfc3339 } from '../../time.ts'
import { snatConfigFromEnv, vpcCniHostRulesUpdate } from '../kubeproxy/baseline.ts'
import { restoreOnNode } from '../kubeproxy/apply.ts'
import { nodeNetworkReady } from '../../aws/nodegroups.ts'

// ipamd, the half of aws-node that owns the node's addresses (aws/amazon-vpc-cni-k8s pkg/ipamd/ipamd.go,
// pkg/ipamd/datastore/data_store.go; docs/eni-and-ip-target.md). It keeps a warm pool of secondary
// IPv4 addresses on the instance's ENIs, attaching ENIs (up to the instance type's limit) as pods use
// them; the CNI plugin asks it for one address per pod (ADD) and gives it back (DEL).
//
// Simplified, and said so: the real ipamd checks the pool every 5 s (ipPoolMonitorInterval) and an
// ENI takes a few seconds to attach; here the pool is topped up at once after every ADD and DEL,
// so an ENI is attached in the same instant the pool runs low. The pool shrinks through
// ipamdPoolCheck (below), run on the simulated clock when something may have become freeable
// rather than every 5 s. Which free address a pod gets is the first one in device order (the real
// datastore walks a Go map, so the ENI is arbitrary).

/** IP_COOLDOWN_PERIOD: a released address is not handed out again for 30 s (A-readme). */
export const IP_COOLDOWN_MS = 30_000
/** decreaseIPPoolInterval (pkg/ipamd/ipamd.go): WARM_IP_TARGET surplus is unassigned at most every 30 s */
export const DECREASE_IP_POOL_INTERVAL_MS = 30_000
/** minENILifeTime (pkg/ipamd/api/v1 / datastore): an ENI younger than a minute is never freed */
export const MIN_ENI_LIFE_MS = 60_000
/** ipPoolMonitorInterval: after freeing an ENI, ipamd looks again on its next tick */
const POOL_MONITOR_MS = 5_000

export interface IpamdConfig {
  warmEniTarget: number
  warmIpTarget?: number
  minimumIpTarget?: number
}

/** The aws-node DaemonSet's env as ipamd reads it at start (unset/invalid = default). */
export function ipamdConfig(state: ClusterState): IpamdConfig {
  const ds = getObject(state, 'DaemonSet', 'kube-system', 'aws-node')
  const env = ds?.spec.template.spec?.containers.find((c) => c.name === 'aws-node')?.env ?? []
  const num = (name: string) => {
    const v = env.find((e) => e.name === name)?.value
    if (v === undefined || !/^\d+$/.test(v.trim())) return undefined
    return Number(v)
  }
  const warmIp = num('WARM_IP_TARGET')
  const minIp = num('MINIMUM_IP_TARGET')
  return {
    warmEniTarget: num('WARM_ENI_TARGET') ?? 1,
    ...(warmIp !== undefined && warmIp > 0 ? { warmIpTarget: warmIp } : {}),
    ...(minIp !== undefined && minIp > 0 ? { minimumIpTarget: minIp } : {}),
  }
}

export function instanceTypeOf(state: ClusterState, node: NodeRuntime): InstanceType {
  const inst = state.aws.instances[node.instanceId]
  return INSTANCE_TYPES[inst?.instanceType ?? 't3.medium'] ?? INSTANCE_TYPES['t3.medium']!
}

/** AL2023 names the ENI in device slot N `ens<5+N>` (ens5 primary, ens6, ens7 …: FIDELITY §5.4). */
export function eniInterface(deviceNumber: number): string {
  return `ens${5 + deviceNumber}`
}

/** The device number of an ENI ipamd holds (its slot: ens<5+N>, route table N + 1). */
export function eniDevice(ipamd: IpamdState, eniId: string): number {
  return ipamd.devices?.[eniId] ?? ipamd.enis.indexOf(eniId)
}

/** The route table ipamd gives a secondary ENI: device number + 1 (primary: main, 254). */
export function eniRouteTable(deviceNumber: number): number {
  return deviceNumber === 0 ? 254 : deviceNumber + 1
}

export interface PoolStats {
  enis: number
  total: number
  assigned: number
  cooling: number
  /** total - assigned: what the warm targets count (cooling addresses included) */
  available: number
}

function cooling(a: IpamdAddress, now: number): boolean {
  return !a.pod && a.unassignedAt !== undefined && now < a.unassignedAt + IP_COOLDOWN_MS
}

export function poolStats(node: NodeRuntime, now: number): PoolStats {
  const ips = Object.values(node.ipamd?.ips ?? {})
  const assigned = ips.filter((a) => a.pod).length
  return {
    enis: node.ipamd?.enis.length ?? 0,
    total: ips.length,
    assigned,
    cooling: ips.filter((a) => cooling(a, now)).length,
    available: ips.length - assigned,
  }
}

/** ipamd starts with the primary ENI (the node's primary IP; it never goes to a pod) and fills the pool. */
export function startIpamd(ctx: Ctx, node: NodeRuntime): void {
  const inst = ctx.state.aws.instances[node.instanceId]
  const primary = inst?.eniIds[0]
  if (!primary) return
  node.ipamd = { enis: [primary], ips: {}, ifindex: { [primary]: 2 }, nextIfindex: 3 }
  reconcilePool(ctx, node)
}

/** Secondary IPs an ENI can still take: IPv4 per ENI, minus its primary address. */
function room(ipamd: IpamdState, eniId: string, t: InstanceType): number {
  const used = Object.values(ipamd.ips).filter((a) => a.eniId === eniId).length
  return t.ipv4PerEni - 1 - used
}

/** How many more secondary IPs the warm pool wants now (0 = it is big enough). */
function shortfall(cfg: IpamdConfig, s: PoolStats, t: InstanceType): number {
  if (cfg.warmIpTarget !== undefined || cfg.minimumIpTarget !== undefined) {
    // WARM_IP_TARGET (or MINIMUM_IP_TARGET alone, which implies a warm target of 0) overrides WARM_ENI_TARGET
    const warm = cfg.warmIpTarget ?? 0
    return Math.max(0, warm - s.available, (cfg.minimumIpTarget ?? 0) - s.total)
  }
  // WARM_ENI_TARGET: keep that many whole ENIs' worth of addresses free
  const want = cfg.warmEniTarget * (t.ipv4PerEni - 1)
  return s.available < want ? want - s.available : 0
}

/** The pool monitor: attach addresses (on an ENI with room) or ENIs until the warm target holds. */
export function reconcilePool(ctx: Ctx, node: NodeRuntime): void {
  const { state } = ctx
  const ipamd = node.ipamd
  if (!ipamd) return
  const t = instanceTypeOf(state, node)
  const cfg = ipamdConfig(state)
  const warmIpMode = cfg.warmIpTarget !== undefined || cfg.minimumIpTarget !== undefined
  for (let guard = 0; guard < 64; guard++) {
    const need = shortfall(cfg, poolStats(node, state.now), t)
    if (need === 0) return
    const withRoom = ipamd.enis.find((id) => room(ipamd, id, t) > 0)
    if (withRoom) {
      // AssignPrivateIpAddresses on an ENI that has free slots
      const n = Math.min(need, room(ipamd, withRoom, t))
      const got = assignSecondary(ctx, node, withRoom, n)
      if (got.length === 0) return
      emit(ctx, {
        type: 'ec2.assignPrivateIps',
        instanceId: node.instanceId,
        node: node.name,
        networkInterfaceId: withRoom,
        ips: got,
      })
      continue
    }
    if (ipamd.enis.length >= t.enis) return // the instance's ENI limit: the pool is as big as it gets
    // CreateNetworkInterface + AttachNetworkInterface; a new ENI gets a full set of secondary IPs,
    // or in WARM_IP_TARGET mode only what the target needs (one EC2 call instead of two)
    const eniId = attachEni(ctx, node)
    if (!eniId) return
    const n = warmIpMode ? Math.min(need, t.ipv4PerEni - 1) : t.ipv4PerEni - 1
    const got = assignSecondary(ctx, node, eniId, n)
    const eni = state.aws.enis[eniId]!
    emit(ctx, {
      type: 'ec2.attachEni',
      instanceId: node.instanceId,
      node: node.name,
      networkInterfaceId: eniId,
      deviceIndex: eni.deviceIndex,
      interface: eniInterface(eni.deviceIndex),
      privateIp: eni.privateIpAddress,
      ips: got,
    })
    if (got.length === 0) return
  }
}

/**
 * The tags ipamd creates an ENI with (pkg/awsutils/awsutils.go createENI: buildENITags, then
 * `node.k8s.amazonaws.com/createdAt` in Go's time.RFC3339; the cluster tag only when aws-node's
 * CLUSTER_NAME is set, as the EKS add-on sets it). ADDITIONAL_ENI_TAGS is not modelled. EC2
 * documents no order for a TagSet: they are listed by key.
 */
function eniTags(state: ClusterState, instanceId: string): Record<string, string> {
  const ds = getObject(state, 'DaemonSet', 'kube-system', 'aws-node')
  const env = ds?.spec.template.spec?.containers.find((c) => c.name === 'aws-node')?.env ?? []
  const cluster = env.find((e) => e.name === 'CLUSTER_NAME')?.value
  return {
    ...(cluster ? { 'cluster.k8s.amazonaws.com/name': cluster } : {}),
    'node.k8s.amazonaws.com/createdAt': rfc3339(state.now),
    'node.k8s.amazonaws.com/instance_id': instanceId,
  }
}

function attachEni(ctx: Ctx, node: NodeRuntime): string | undefined {
  const { state } = ctx
  const ipamd = node.ipamd!
  const inst = state.aws.instances[node.instanceId]
  if (!inst) return undefined
  // the lowest free slot (after a freed ENI, a hole among the device numbers)
  const used = new Set(ipamd.enis.map((id) => eniDevice(ipamd, id)))
  let device = 0
  while (used.has(device)) device++
  // freed ENIs count in the seed: EC2 never hands out a deleted ENI's id again
  const seed = `${node.instanceId}/eni/${device}/${inst.eniIds.length}${ipamd.freedEnis ? `/${ipamd.freedEnis}` : ''}`
  const eniId = `eni-0${hashHex(seed, 16)}`
  const ip = allocateAddressSeeded(state, node.subnetId, eniId, `${seed}/primary`)
  if (!ip) return undefined // InsufficientFreeAddressesInSubnet
  const eni: Eni = {
    networkInterfaceId: eniId,
    subnetId: node.subnetId,
    privateIpAddress: ip,
    secondaryIps: [],
    macAddress: ['0a', ...hashHex(`${seed}/mac`, 10).match(/../g)!].join(':'),
    deviceIndex: device,
    attachedTo: node.instanceId,
    // what ipamd writes on the ENIs it creates (pkg/awsutils/awsutils.go: eniDescriptionPrefix)
    description: `aws-K8S-${node.instanceId}`,
    attachedAt: state.now,
    tags: eniTags(state, node.instanceId),
  }
  state.aws.enis[eniId] = eni
  inst.eniIds.push(eniId)
  if (ipamd.devices) ipamd.devices[eniId] = device
  ipamd.enis.push(eniId)
  ipamd.enis.sort((a, b) => eniDevice(ipamd, a) - eniDevice(ipamd, b))
  ipamd.ifindex[eniId] = ipamd.nextIfindex++
  return eniId
}

function assignSecondary(ctx: Ctx, node: NodeRuntime, eniId: string, n: number): string[] {
  const { state } = ctx
  const eni = state.aws.enis[eniId]
  if (!eni) return []
  const got: string[] = []
  for (let i = 0; i < n; i++) {
    const seed = `${eniId}/secondary/${eni.secondaryIps.length}`
    const ip = allocateAddressSeeded(state, eni.subnetId, eniId, seed)
    if (!ip) break
    eni.secondaryIps.push(ip)
    node.ipamd!.ips[ip] = { eniId }
    got.push(ip)
  }
  return got
}

export type AssignResult =
  { ok: true; ip: string; eniId: string; deviceNumber: number } | { ok: false; error: string }

/** The CNI plugin's AddNetwork gRPC call: a free, cooled-down secondary IP for the pod. */
export function assignPodIp(
  ctx: Ctx,
  node: NodeRuntime,
  pod: { namespace: string; name: string; containerId: string },
): AssignResult {
  const { state } = ctx
  const ipamd = node.ipamd
  if (!ipamd) return { ok: false, error: 'add cmd: Error received from AddNetwork gRPC call' }
  for (const eniId of ipamd.enis)
    for (const [ip, a] of Object.entries(ipamd.ips)) {
      if (a.eniId !== eniId || a.pod || cooling(a, state.now)) continue
      a.pod = { ...pod }
      a.assignedAt = state.now
      delete a.unassignedAt
      reconcilePool(ctx, node)
      return { ok: true, ip, eniId, deviceNumber: eniDevice(ipamd, eniId) }
    }
  // nothing free: the pool may be able to grow (ipamd would do so on its next check)
  reconcilePool(ctx, node)
  // datastore.ErrNoAvailableIPInDataStore surfaces to the kubelet as this (cmd/routed-eni-cni-plugin)
  return { ok: false, error: 'add cmd: failed to assign an IP address to container' }
}

/** DelNetwork: the address goes back to the pool and cools down for 30 s. */
export function releasePodIp(ctx: Ctx, node: NodeRuntime, ip: string): void {
  const a = node.ipamd?.ips[ip]
  if (!a || !a.pod) return
  delete a.pod
  a.unassignedAt = ctx.state.now
  reconcilePool(ctx, node)
  // the pool may now be too big: look once this address has cooled down (earlier it blocks both
  // freeing its ENI and, here, unassigning it)
  schedulePoolCheck(ctx, node, IP_COOLDOWN_MS)
}

/** Where an address lives on this node, for the CNI's routes and rules. */
export function addressInfo(
  node: NodeRuntime,
  ip: string,
): { eniId: string; deviceNumber: number } | undefined {
  const a = node.ipamd?.ips[ip]
  if (!a) return undefined
  return { eniId: a.eniId, deviceNumber: eniDevice(node.ipamd!, a.eniId) }
}

/**
 * aws-node's container started on `node` (the kubelet calls this): ipamd reads its env again (a new
 * WARM_* target takes effect through the pool) and SetupHostNetwork reconciles the SNAT/connmark
 * rules (net/kubeproxy/baseline.ts vpcCniHostRulesUpdate) through iptables-restore --noflush.
 * `env` is the container's own env, so a pod of the old revision keeps the old behaviour.
 * Simplified: the rules are written as the container starts (ipamd first waits for the API server).
 */
export function awsNodeStarted(ctx: Ctx, node: NodeRuntime, env: Record<string, string>): void {
  reconcilePool(ctx, node)
  // a lower WARM_* target may leave the pool too big
  schedulePoolCheck(ctx, node, 0)
  // aws-node writes /etc/cni/net.d/10-aws.conflist: a node that registered NotReady turns Ready
  // (simplified: at once; the kubelet notices within its ~5 s runtime status check)
  nodeNetworkReady(ctx, node.name)
  const text = vpcCniHostRulesUpdate(
    node.netfilter,
    [ctx.state.aws.vpc.cidrBlock],
    node.ip,
    snatConfigFromEnv(env),
  )
  if (!text) return
  const r = restoreOnNode(node, text)
  if (r.ok)
    emit(ctx, {
      type: 'netfilter.baseline',
      node: node.name,
      writer: 'aws-node',
      rules: text.split('\n').filter((l) => /^-[AI] /.test(l)).length,
    })
}

// ---------------------------------------------------------------------------------------------
// Shrinking the pool (pkg/ipamd/ipamd.go updateIPPoolIfRequired, v1.19): on each pool-monitor tick
// ipamd grows the pool if it is too low; else, in WARM_IP_TARGET/MINIMUM_IP_TARGET mode, if it is
// too high and the last decrease was at least decreaseIPPoolInterval (30 s) ago, it unassigns the
// surplus (decreaseDatastorePool -> tryUnassignCidrsFromAll -> UnassignPrivateIpAddresses); then,
// if shouldRemoveExtraENIs (WARM_ENI_TARGET: available >= (target + 1) * IPs per ENI; always in
// WARM_IP_TARGET mode), tryFreeENI frees at most one ENI that getDeletableENI accepts (not the
// primary, not younger than minENILifeTime, no IP in cooldown, no pod, not needed for
// WARM_IP_TARGET/MINIMUM_IP_TARGET): DetachNetworkInterface + DeleteNetworkInterface.
//
// Simplified, and said so: instead of a 5 s ticker the check is a background work item on the
// simulated clock, queued when an address is released (for when its cooldown ends) and when
// aws-node starts; it re-queues itself for the moment the next blocker clears (an address's
// cooldown, an ENI's first minute, the 30 s decrease interval) or 5 s after freeing an ENI, and
// not at all when nothing can change, so the event queue stays quiet. The deletable ENI and the
// surplus addresses are taken in device order (the real datastore walks a Go map); addresses
// still cooling down are not unassigned (the real FindFreeableCidrs would take them too).

function warmIpMode(cfg: IpamdConfig): boolean {
  return cfg.warmIpTarget !== undefined || cfg.minimumIpTarget !== undefined
}

function schedulePoolCheck(ctx: Ctx, node: NodeRuntime, delayMs: number): void {
  schedule(
    ctx,
    delayMs,
    { kind: 'ipamd.pool', node: node.name },
    { background: true, dedupKey: `ipamd.pool/${node.name}` },
  )
}

/** ipamd's pool monitor, one tick: grow, unassign surplus IPs, free one surplus ENI. */
export function ipamdPoolCheck(ctx: Ctx, nodeName: string): void {
  const { state } = ctx
  const node = state.nodes[nodeName]
  const ipamd = node?.ipamd
  if (!node || !ipamd) return
  const now = state.now
  const t = instanceTypeOf(state, node)
  const cfg = ipamdConfig(state)
  const perEni = t.ipv4PerEni - 1
  reconcilePool(ctx, node)
  let wake = Infinity
  const coolEnd = (a: IpamdAddress) =>
    cooling(a, now) ? a.unassignedAt! + IP_COOLDOWN_MS : -Infinity

  if (warmIpMode(cfg)) {
    // datastoreTargetState's `over`: free addresses beyond WARM_IP_TARGET, never below MINIMUM_IP_TARGET
    const s = poolStats(node, now)
    const over = Math.max(
      0,
      Math.min(s.available - (cfg.warmIpTarget ?? 0), s.total - (cfg.minimumIpTarget ?? 0)),
    )
    if (over > 0) {
      const last = ipamd.lastDecreaseAt
      if (last !== undefined && now - last < DECREASE_IP_POOL_INTERVAL_MS)
        wake = Math.min(wake, last + DECREASE_IP_POOL_INTERVAL_MS)
      else {
        unassignSurplus(ctx, node, over)
        ipamd.lastDecreaseAt = now
        for (const a of Object.values(ipamd.ips)) if (!a.pod) wake = Math.min(wake, coolEnd(a))
      }
    }
  }

  const s = poolStats(node, now)
  if (warmIpMode(cfg) || s.available >= (cfg.warmEniTarget + 1) * perEni) {
    const freed = deletableEni(state, node, cfg, now)
    if (freed) {
      freeEni(ctx, node, freed)
      wake = Math.min(wake, now + POOL_MONITOR_MS)
    } else
      // an ENI without pods that is too young or still has a cooling address may go later
      for (const id of ipamd.enis.slice(1)) {
        const ips = Object.values(ipamd.ips).filter((a) => a.eniId === id)
        if (ips.some((a) => a.pod)) continue
        const attachedAt = state.aws.enis[id]?.attachedAt ?? 0
        const clear = Math.max(attachedAt + MIN_ENI_LIFE_MS, ...ips.map(coolEnd))
        if (clear > now) wake = Math.min(wake, clear)
      }
  }
  if (wake < Infinity) schedulePoolCheck(ctx, node, wake - now)
}

/** getDeletableENI (pkg/ipamd/datastore/data_store.go), in device order. */
function deletableEni(
  state: ClusterState,
  node: NodeRuntime,
  cfg: IpamdConfig,
  now: number,
): string | undefined {
  const ipamd = node.ipamd!
  const all = Object.values(ipamd.ips)
  return ipamd.enis.find((id) => {
    if (eniDevice(ipamd, id) === 0) return false // "cannot be deleted because it is primary"
    const eni = all.filter((a) => a.eniId === id)
    const others = all.filter((a) => a.eniId !== id)
    const attachedAt = state.aws.enis[id]?.attachedAt ?? 0
    if (now - attachedAt < MIN_ENI_LIFE_MS) return false // "too young"
    if (eni.some((a) => cooling(a, now))) return false // "has IPs in cooling"
    if (eni.some((a) => a.pod)) return false // "it has pods assigned"
    if (cfg.warmIpTarget && others.filter((a) => !a.pod).length < cfg.warmIpTarget) return false
    if (cfg.minimumIpTarget && others.length < cfg.minimumIpTarget) return false
    return true
  })
}

/** The EC2 attachment id ipamd looks up before DetachNetworkInterface (as describe-network-interfaces shows it). */
export function eniAttachmentId(eniId: string): string {
  return `eni-attach-0${hashHex(`eni-attach/${eniId}`, 16)}`
}

/** tryFreeENI's FreeENI: detach and delete the ENI; its addresses go back to the subnet. */
function freeEni(ctx: Ctx, node: NodeRuntime, eniId: string): void {
  const { state } = ctx
  const ipamd = node.ipamd!
  const eni = state.aws.enis[eniId]
  if (!eni) return
  const device = eniDevice(ipamd, eniId)
  // the device numbers of the ENIs that stay no longer follow their index
  ipamd.devices ??= Object.fromEntries(ipamd.enis.map((id, i) => [id, i]))
  const ips = Object.keys(ipamd.ips).filter((ip) => ipamd.ips[ip]!.eniId === eniId)
  for (const ip of ips) {
    delete ipamd.ips[ip]
    releaseIp(state, ip)
  }
  releaseIp(state, eni.privateIpAddress)
  ipamd.enis = ipamd.enis.filter((id) => id !== eniId)
  delete ipamd.devices[eniId]
  delete ipamd.ifindex[eniId]
  ipamd.freedEnis = (ipamd.freedEnis ?? 0) + 1
  const inst = state.aws.instances[node.instanceId]
  if (inst) inst.eniIds = inst.eniIds.filter((id) => id !== eniId)
  delete state.aws.enis[eniId]
  emit(ctx, {
    type: 'ec2.detachEni',
    instanceId: node.instanceId,
    node: node.name,
    networkInterfaceId: eniId,
    attachmentId: eniAttachmentId(eniId),
    deviceIndex: device,
    interface: eniInterface(device),
    privateIp: eni.privateIpAddress,
    ips,
  })
}

/** tryUnassignCidrsFromAll: up to `over` free (cooled-down) secondary IPs, ENI by ENI. */
function unassignSurplus(ctx: Ctx, node: NodeRuntime, over: number): void {
  const { state } = ctx
  const ipamd = node.ipamd!
  for (const eniId of [...ipamd.enis]) {
    if (over <= 0) return
    const free = Object.keys(ipamd.ips).filter((ip) => {
      const a = ipamd.ips[ip]!
      return a.eniId === eniId && !a.pod && !cooling(a, state.now)
    })
    const ips = free.slice(0, over)
    if (ips.length === 0) continue
    for (const ip of ips) {
      delete ipamd.ips[ip]
      releaseIp(state, ip)
    }
    const eni = state.aws.enis[eniId]
    if (eni) eni.secondaryIps = eni.secondaryIps.filter((ip) => !ips.includes(ip))
    over -= ips.length
    emit(ctx, {
      type: 'ec2.unassignPrivateIps',
      instanceId: node.instanceId,
      node: node.name,
      networkInterfaceId: eniId,
      ips,
    })
  }
}
