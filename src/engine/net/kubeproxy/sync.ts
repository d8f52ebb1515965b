import type { Ctx } from '../../context.ts'
import { emit } from '../../context.ts'
import type { ContainerRuntime, KubeProxyState, NodeRuntime, PodRuntime } from '../../model/node.ts'
import { listObjects } from '../../apiserver/store.ts'
import { enqueue, WATCH_LATENCY_MS } from '../../apiserver/watch.ts'
import { writeContainerLog } from '../../logs/rotate.ts'
import { EPOCH_MS } from '../../time.ts'
import { restoreOnNode } from './apply.ts'
import { kubeProxyEnsureRules, kubeletRules } from './baseline.ts'
import {
  buildRestore,
  CLEANUP_PERIOD_MS,
  eksProxierConfig,
  servicePortsFor,
  type SyncOutput,
} from './rules.ts'

// kube-proxy on each node, as the EKS add-on runs it (a DaemonSet pod, iptables mode, --v=2):
// it watches Services and EndpointSlices and, after each change, rewrites its rules with one
// iptables-restore --noflush. The first sync after start is full; later ones are partial (1.28+):
// only the chains of Services that changed are written, and stale chains are deleted with -X.
// It does not touch packets: the kernel moves them through the rules it wrote.

/**
 * minSyncPeriod: EKS's kube-proxy-config sets `0s` (FIDELITY §3.7, obs O-cfg), so a change is
 * written as soon as the watch delivers it; upstream's default would be 1s.
 */
export const MIN_SYNC_PERIOD_MS = 0
/** iptables.syncPeriod 30s: how long kube-proxy waits before retrying a failed restore */
export const SYNC_PERIOD_MS = CLEANUP_PERIOD_MS
/** informers list Services/EndpointSlices at start before the first sync (simulated delay) */
const STARTUP_SYNC_DELAY_MS = 100

/** The running kube-proxy container on a node, if any. */
export function kubeProxyContainer(
  node: NodeRuntime,
): { rt: PodRuntime; c: ContainerRuntime } | undefined {
  for (const rt of Object.values(node.pods)) {
    if (rt.namespace !== 'kube-system' || !rt.name.startsWith('kube-proxy-')) continue
    const c = rt.containers.find((x) => x.name === 'kube-proxy' && x.state === 'running')
    if (c) return { rt, c }
  }
  return undefined
}

/** At node boot: the kubelet's chains (aws-node adds the VPC CNI's when it starts). */
export function installNodeBaseline(ctx: Ctx, node: NodeRuntime): void {
  const count = (t: string) => t.split('\n').filter((l) => /^-[AI] /.test(l)).length
  // the VPC CNI's rules come when aws-node starts (net/ipam/ipamd.ts awsNodeStarted)
  const writes: ['kubelet' | 'aws-node', string][] = [['kubelet', kubeletRules()]]
  for (const [writer, text] of writes) {
    const r = restoreOnNode(node, text)
    if (r.ok) emit(ctx, { type: 'netfilter.baseline', node: node.name, writer, rules: count(text) })
  }
}

/** kube-proxy's container started on `nodeName`: it will do a full sync once its informers synced. */
export function kubeProxyStarted(ctx: Ctx, nodeName: string): void {
  const node = ctx.state.nodes[nodeName]
  if (!node) return
  // a restarted kube-proxy forgets everything but finds its old chains in iptables-save
  node.kubeProxy = {
    needFullSync: true,
    synced: {},
    natChains: node.kubeProxy?.natChains ?? [],
    syncs: node.kubeProxy?.syncs ?? 0,
  }
  enqueue(ctx, 'kube-proxy', nodeName, STARTUP_SYNC_DELAY_MS)
}

/** A Service or EndpointSlice changed: every running kube-proxy hears it from its watch. */
export function notifyKubeProxies(ctx: Ctx): void {
  for (const node of Object.values(ctx.state.nodes))
    if (node.kubeProxy) enqueue(ctx, 'kube-proxy', node.name, WATCH_LATENCY_MS + MIN_SYNC_PERIOD_MS)
}

/** What kube-proxy would restore on this node now, given what it remembers (pure: no writes). */
export function planSync(
  ctx: Ctx,
  node: NodeRuntime,
  kp: KubeProxyState,
): { out: SyncOutput; fingerprints: Record<string, string>; updated: Set<string> } {
  const entries = servicePortsFor(
    listObjects(ctx.state, 'Service'),
    listObjects(ctx.state, 'EndpointSlice'),
    node.name,
  )
  const byService: Record<string, unknown[]> = {}
  for (const e of entries) (byService[e.info.service] ??= []).push(e)
  const fingerprints: Record<string, string> = {}
  for (const [k, v] of Object.entries(byService)) fingerprints[k] = digest(JSON.stringify(v))
  const updated = new Set<string>()
  for (const [k, f] of Object.entries(fingerprints)) if (kp.synced[k] !== f) updated.add(k)
  for (const k of Object.keys(kp.synced)) if (!(k in fingerprints)) updated.add(k)
  // kube-proxy lists the nat table's chains (iptables-save) to find stale ones
  const existing = new Set(kp.natChains)
  for (const c of Object.keys(node.netfilter?.tables.nat.chains ?? {})) existing.add(c)
  const out = buildRestore({
    entries,
    config: eksProxierConfig(node.name, node.ip),
    fullSync: kp.needFullSync,
    updatedServices: updated,
    existingNatChains: existing,
    ...(kp.lastCleanupAt !== undefined ? { msSinceCleanup: ctx.state.now - kp.lastCleanupAt } : {}),
  })
  return { out, fingerprints, updated }
}

/**
 * A compact stand-in for "this Service's ports and endpoints as kube-proxy last saw them": 53 bits
 * of the cyrb53 string hash, so the state stays small with thousands of Services on many nodes.
 */
function digest(s: string): string {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)
}

/** The 'kube-proxy' controller: one node's syncProxyRules. */
export function syncKubeProxy(ctx: Ctx, nodeName: string): void {
  const node = ctx.state.nodes[nodeName]
  const kp = node?.kubeProxy
  const proc = node && kubeProxyContainer(node)
  if (!node || !kp || !proc || !node.ready) return
  const { out, fingerprints, updated } = planSync(ctx, node, kp)
  const full = kp.needFullSync
  // nothing this node's kube-proxy tracks changed (e.g. a slice of another address family)
  if (!full && updated.size === 0 && out.deletedChains.length === 0) return
  const log = kubeProxyLog(ctx, node, proc)
  log('I', 'proxier.go:828', '"Syncing iptables rules" ipFamily="IPv4"')
  if (full) {
    const ensure = kubeProxyEnsureRules(node.netfilter)
    if (ensure) restoreOnNode(node, ensure)
  }
  log(
    'I',
    'proxier.go:1547',
    `"Reloading service iptables data" ipFamily="IPv4" numServices=${out.numServices} numEndpoints=${out.numEndpoints} numFilterChains=${out.numFilterChains} numFilterRules=${out.numFilterRules} numNATChains=${out.numNATChains} numNATRules=${out.numNATRules}`,
  )
  const r = restoreOnNode(node, out.text)
  const rules = out.text.split('\n').filter((l) => l.startsWith('-A ')).length
  const event = {
    type: 'kubeproxy.sync' as const,
    node: node.name,
    full,
    chainsWritten: out.writtenChains,
    chainsDeleted: out.deletedChains,
    rules,
    services: out.numServices,
    endpoints: out.numEndpoints,
  }
  if (!r.ok) {
    // the changes are consumed: only a full sync can repair the tables (proxier.go needFullSync)
    kp.needFullSync = true
    log(
      'E',
      'proxier.go:1564',
      `"Failed to execute iptables-restore" err="${r.error}" ipFamily="IPv4"`,
    )
    log('I', 'proxier.go:833', '"Sync failed" ipFamily="IPv4" retryingTime="30s"')
    emit(ctx, { ...event, error: r.error })
    enqueue(ctx, 'kube-proxy', node.name, SYNC_PERIOD_MS, true)
    return
  }
  kp.needFullSync = false
  kp.synced = fingerprints
  kp.natChains = [...out.activeNatChains, ...out.staleChains].sort()
  if (out.cleanedUp) kp.lastCleanupAt = ctx.state.now
  kp.syncs++
  kp.lastSyncAt = ctx.state.now
  emit(ctx, event)
  log('I', 'proxier.go:822', `"SyncProxyRules complete" ipFamily="IPv4" elapsed="${elapsed(out)}"`)
}

/**
 * How long the sync "took" for the log line. Simulated: a deterministic estimate from the size of
 * the restore input (real syncs of a few hundred rules take a few ms), formatted as Go prints a
 * time.Duration.
 */
function elapsed(out: SyncOutput): string {
  const us = 1500 + 9 * (out.numNATRules + out.numFilterRules) + 37 * out.numNATChains
  return `${(us / 1000).toFixed(6).replace(/\.?0+$/, '')}ms`
}

const p2 = (n: number) => String(n).padStart(2, '0')

/** klog lines into kube-proxy's container log (stderr), as its --v=2 logging prints them. */
function kubeProxyLog(ctx: Ctx, node: NodeRuntime, proc: { rt: PodRuntime; c: ContainerRuntime }) {
  return (level: 'I' | 'E', file: string, msg: string) => {
    const now = ctx.state.now
    const d = new Date(EPOCH_MS + now)
    const us = String(Math.floor((now % 1000) * 1000)).padStart(6, '0')
    const head = `${level}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${us}`
    writeContainerLog(ctx, node, proc.rt, proc.c, [
      { stream: 'stderr', text: `${head}       1 ${file}] ${msg}` },
    ])
  }
}
