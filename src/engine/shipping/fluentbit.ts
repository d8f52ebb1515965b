import type { Ctx } from '../context.ts'
import type { LogRecord, NodeRuntime, PodRuntime, ContainerRuntime } from '../model/node.ts'
import type { ClusterState } from '../model/state.ts'
import type { ConfigMap, Pod } from '../model/k8s.ts'
import { getObject } from '../apiserver/store.ts'
import { rfc3339Nano } from '../time.ts'
import { resolveImage } from '../workloads/images.ts'
import { ensureLogGroup, putLogEvents } from './cloudwatch.ts'

// Fluent Bit as the CloudWatch Container Insights quick start runs it (DaemonSet `fluent-bit` in
// `amazon-cloudwatch`, config from ConfigMaps `fluent-bit-config` + `fluent-bit-cluster-info`):
// on every node it tails /var/log/containers/*.log (the kubelet's symlinks to the CRI log files),
// parses each CRI line, adds Kubernetes metadata, and every `Flush 5` seconds ships the new
// records to CloudWatch Logs:
//   application.*  -> /aws/containerinsights/<cluster>/application, stream `<node>-application.var.log.containers.<file>`
//   aws-node*, kube-proxy* (dataplane.tail.*) -> /aws/containerinsights/<cluster>/dataplane
// Its read offsets live in a DB on the node's disk (hostPath /var/fluent-bit/state), so they
// survive a Fluent Bit restart but not the node.
// Source: aws-samples/amazon-cloudwatch-container-insights
//   k8s-deployment-manifest-templates/deployment-mode/daemonset/container-insights-monitoring/fluent-bit/fluent-bit.yaml
// Simplifications: one flush per 5 s tick reads everything new (no Refresh_Interval delay, no
// Mem_Buf_Limit back-pressure, no retries); the dataplane systemd input and host logs are not shipped.

export const FLUENT_BIT_FLUSH_MS = 5000
export const CLUSTER_INFO_CONFIGMAP = 'fluent-bit-cluster-info'

interface Offset {
  /** time of the last record shipped, and how many records with exactly that time were shipped */
  t: number
  n: number
}

export interface ShippingState {
  /** by node name: Fluent Bit's tail DB (offset per /var/log/containers file) */
  fluentBit: Record<string, { instance: string; files: Record<string, Offset> }>
}

/** One file under /var/log/containers, as a log shipper sees it. */
export interface TailedFile {
  /** /var/log/containers/<pod>_<namespace>_<container>-<id>.log */
  path: string
  basename: string
  namespace: string
  pod: string
  podUid: string
  container: string
  containerId: string
  image: string
  imageId: string
  records: readonly LogRecord[]
}

/** The kubelet's legacy symlink name, cut to 255 bytes as ext4 requires (pkg/kubelet/kuberuntime/legacy.go). */
export function containerLogBasename(
  pod: string,
  namespace: string,
  container: string,
  id: string,
): string {
  const full = `${pod}_${namespace}_${container}-${id}.log`
  return full.length <= 255 ? full : full.slice(0, 255 - 4) + '.log'
}

/**
 * The container log files on a node with their records.
 * TODO(logs model): switch to src/engine/logs' containerLogFiles(state, nodeName) when it lands;
 * until then the records are the container runtime's bounded in-memory copy.
 */
export function tailableFiles(state: ClusterState, nodeName: string): TailedFile[] {
  const node = state.nodes[nodeName]
  if (!node) return []
  const out: TailedFile[] = []
  const uids = Object.keys(node.pods).sort()
  for (const uid of uids) {
    const rt = node.pods[uid]!
    const instances: ContainerRuntime[] = [
      ...Object.keys(rt.previous)
        .sort()
        .map((k) => rt.previous[k]!),
      ...rt.containers,
    ]
    for (const c of instances) {
      if (!c.id) continue
      out.push(fileOf(rt, c))
    }
  }
  return out
}

function fileOf(rt: PodRuntime, c: ContainerRuntime): TailedFile {
  const basename = containerLogBasename(rt.name, rt.namespace, c.name, c.id!)
  const image = resolveImage(c.image)
  return {
    path: `/var/log/containers/${basename}`,
    basename,
    namespace: rt.namespace,
    pod: rt.name,
    podUid: rt.uid,
    container: c.name,
    containerId: c.id!,
    image: c.imageRef ?? image?.ref ?? c.image,
    imageId: c.imageId ?? image?.id ?? '',
    records: c.logs,
  }
}

function shippingOf(state: ClusterState): ShippingState {
  state.shipping ??= { fluentBit: {} }
  return state.shipping
}

/** Forget a node's tail DB (its disk is gone with the instance). */
export function forgetNode(state: ClusterState, nodeName: string): void {
  if (state.shipping) delete state.shipping.fluentBit[nodeName]
}

/** Which CloudWatch group and Fluent Bit tag a file goes to, per the quick start's inputs. */
function routeOf(basename: string): { input: 'application' | 'dataplane'; tag: string } {
  const dataplane = basename.startsWith('aws-node') || basename.startsWith('kube-proxy')
  return dataplane
    ? { input: 'dataplane', tag: `dataplane.tail.var.log.containers.${basename}` }
    : { input: 'application', tag: `application.var.log.containers.${basename}` }
}

/** The Fluent Bit container on `nodeName` flushes (called on each of its 5 s ticks). */
export function fluentBitFlush(
  ctx: Ctx,
  node: NodeRuntime,
  rt: PodRuntime,
  containerId: string,
): void {
  const { state } = ctx
  const pod = getObject(state, 'Pod', rt.namespace, rt.name)
  if (!pod || pod.metadata.uid !== rt.uid) return
  // the env of the DaemonSet comes from this ConfigMap; without it the container would not start
  const info = getObject(state, 'ConfigMap', rt.namespace, CLUSTER_INFO_CONFIGMAP) as
    ConfigMap | undefined
  const data = info?.data ?? {}
  const cluster = data['cluster.name']
  if (!cluster) return
  const region = data['logs.region'] || state.aws.region
  const readFromHead = (data['read.head'] ?? 'Off').toLowerCase() === 'on'
  const host = hostName(pod)
  const db = (shippingOf(state).fluentBit[node.name] ??= { instance: containerId, files: {} })
  const files = tailableFiles(state, node.name)
  const restarted = db.instance !== containerId || Object.keys(db.files).length === 0
  db.instance = containerId
  for (const f of files) {
    let off = db.files[f.basename]
    if (!off) {
      // a file found at start-up without a DB entry is read from its end unless Read_from_Head is On;
      // files that appear later are read from the beginning
      const fromEnd = restarted && !readFromHead && f.containerId !== containerId
      off = fromEnd ? endOffset(f.records) : { t: -Infinity, n: 0 }
      db.files[f.basename] = off
    }
    const fresh = recordsAfter(f.records, off)
    if (fresh.length === 0) continue
    db.files[f.basename] = endOffset(f.records)
    const route = routeOf(f.basename)
    const group = ensureLogGroup(state, `/aws/containerinsights/${cluster}/${route.input}`, region)
    putLogEvents(
      state,
      group,
      `${host}-${route.tag}`,
      fresh.map((r) => ({
        timestamp: Math.floor(r.time),
        message: JSON.stringify(recordOf(route.input, r, f, host, node)),
      })),
    )
  }
  // files whose containers are gone: drop their DB entries (the kubelet removed the symlinks)
  for (const k of Object.keys(db.files))
    if (!files.some((f) => f.basename === k)) delete db.files[k]
}

function hostName(pod: Pod): string {
  // HOST_NAME comes from the downward API: spec.nodeName
  return pod.spec.nodeName ?? ''
}

function endOffset(records: readonly LogRecord[]): Offset {
  const last = records[records.length - 1]
  if (!last) return { t: -Infinity, n: 0 }
  let n = 0
  for (let i = records.length - 1; i >= 0 && records[i]!.time === last.time; i--) n++
  return { t: last.time, n }
}

function recordsAfter(records: readonly LogRecord[], off: Offset): LogRecord[] {
  const out: LogRecord[] = []
  let seenAtT = 0
  for (const r of records) {
    if (r.time < off.t) continue
    if (r.time === off.t && seenAtT < off.n) {
      seenAtT++
      continue
    }
    out.push(r)
  }
  return out
}

/**
 * The record as the pipeline builds it: the `cri` multiline parser's fields (time kept, stream,
 * `_p`, log), then `log_processed` when the line is JSON (Merge_Log On), then the kubernetes
 * filter's metadata (Labels Off, Annotations Off). Dataplane records skip the kubernetes filter
 * and get the `aws` filter's az / ec2_instance_id instead.
 */
function recordOf(
  input: 'application' | 'dataplane',
  r: LogRecord,
  f: TailedFile,
  host: string,
  node: NodeRuntime,
): Record<string, unknown> {
  const rec: Record<string, unknown> = {
    time: rfc3339Nano(r.time),
    stream: r.stream,
    _p: 'F',
    log: r.text,
  }
  if (input === 'dataplane') {
    rec.az = node.zone
    rec.ec2_instance_id = node.instanceId
    return rec
  }
  const parsed = parseJsonObject(r.text)
  if (parsed) rec.log_processed = parsed
  rec.kubernetes = {
    pod_name: f.pod,
    namespace_name: f.namespace,
    pod_id: f.podUid,
    host,
    container_name: f.container,
    docker_id: f.containerId,
    container_hash: f.imageId,
    container_image: f.image,
  }
  return rec
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined
  try {
    const v = JSON.parse(text) as unknown
    return v && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
