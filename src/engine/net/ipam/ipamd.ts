import type { Ctx } from '../../context.ts'
import { emit } from '../../context.ts'
import type { ClusterState } from '../../model/state.ts'
import type { IpamdAddress, IpamdState, NodeRuntime } from '../../model/node.ts'
import type { Eni } from '../../model/aws.ts'
import { getObject } from '../../apiserver/store.ts'
import { INSTANCE_TYPES, type InstanceType } from '../../aws/instanceTypes.ts'
import { allocateAddressSeeded } from '../../aws/vpc.ts'
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
// so an ENI is attached in the same instant the pool runs low. The pool never shrinks (ipamd frees
// surplus ENIs and IPs at most every 30 s; that is not modelled). Which free address a pod gets is
// the first one in device order (the real datastore walks a Go map, so the ENI is arbitrary).

/** IP_COOLDOWN_PERIOD: a released address is not handed out again for 30 s (A-readme). */
export const IP_COOLDOWN_MS = 30_000

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
  const device = ipamd.enis.length
  const seed = `${node.instanceId}/eni/${device}/${inst.eniIds.length}`
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
  ipamd.enis.push(eniId)
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
  for (const [device, eniId] of ipamd.enis.entries())
    for (const [ip, a] of Object.entries(ipamd.ips)) {
      if (a.eniId !== eniId || a.pod || cooling(a, state.now)) continue
      a.pod = { ...pod }
      a.assignedAt = state.now
      delete a.unassignedAt
      reconcilePool(ctx, node)
      return { ok: true, ip, eniId, deviceNumber: device }
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
}

/** Where an address lives on this node, for the CNI's routes and rules. */
export function addressInfo(
  node: NodeRuntime,
  ip: string,
): { eniId: string; deviceNumber: number } | undefined {
  const a = node.ipamd?.ips[ip]
  if (!a) return undefined
  return { eniId: a.eniId, deviceNumber: node.ipamd!.enis.indexOf(a.eniId) }
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
