import type { Ctx } from '../context.ts'
import { emit, schedule } from '../context.ts'
import type {
  ConfigMap,
  ConfigMapVolumeSource,
  Container,
  KeySelector,
  Pod,
  PodStatus,
  Secret,
  SecretVolumeSource,
  Volume,
} from '../model/k8s.ts'
import type { NodeRuntime, PodRuntime, VolumeFile, VolumeRuntime } from '../model/node.ts'
import { getObject, putObject } from '../apiserver/store.ts'
import { recordEvent } from '../apiserver/recorder.ts'
import { enqueue } from '../apiserver/watch.ts'
import { deepClone } from '../clone.ts'
import { base64, base64Decode, utf8Bytes, utf8Decode } from '../encoding.ts'
import { nextInt } from '../random.ts'
import { rfc3339 } from '../time.ts'
import { parseQuantity } from '../quantity.ts'
import { atomicWriterDir } from '../node/util.ts'
import { decodedLength } from '../apiserver/secrets.ts'
// (kubelet.ts imports this module too; kubeletSource is only called at run time, so the cycle is harmless)
import { kubeletSource } from './kubelet.ts'

// How Secrets and ConfigMaps reach a pod, as the kubelet does it:
// - volumes (pkg/volume/secret/secret.go, pkg/volume/configmap/configmap.go): the volume manager
//   fetches the object, builds the payload (every key, or just `items`, with defaultMode 0644 or
//   the item's mode) and the AtomicWriter (pkg/volume/util/atomic_writer.go) writes it into a new
//   timestamped directory, then swaps the `..data` symlink; each key is a symlink `<key> ->
//   ..data/<key>`. A Secret volume is a memory-backed emptyDir (tmpfs) whose size is the pod's memory
//   limit or the node's allocatable memory (pkg/volume/emptydir/empty_dir.go
//   calculateEmptyDirMemorySize); a ConfigMap volume sits on the node's disk.
//   A missing Secret keeps the pod in ContainerCreating: "MountVolume.SetUp failed for volume …",
//   retried with exponential back-off, 500ms doubling to 2m2s
//   (pkg/util/goroutinemap/exponentialbackoff), unless the source is `optional: true`.
// - updates: the kubelet re-projects these volumes when it resyncs the pod: every syncFrequency
//   (1m) with up to 50% jitter (pod_workers.go workerResyncIntervalJitterFactor), reading from its
//   watch-based cache (configMapAndSecretChangeDetectionStrategy: Watch). So an update shows up
//   60-90 s later. "The total delay … can be as long as the kubelet sync period + cache
//   propagation delay" (kubernetes.io/docs/concepts/configuration/secret, "Mounted Secrets are
//   updated automatically"). A `subPath` mount is a bind mount of one file and never updates.
// - env (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables): resolved once when the container
//   is created; a missing Secret or key is CreateContainerConfigError and the pod worker retries.
// Simplification: the watch cache is the API object itself (the watch delay is a few ms).

/** syncFrequency (1m) and the pod workers' resync jitter factor 0.5 */
const RESYNC_MS = 60_000
const RESYNC_JITTER_MS = 30_000
/** nestedpendingoperations: initialDurationBeforeRetry, maxDurationBeforeRetry */
const MOUNT_RETRY_INITIAL_MS = 500
const MOUNT_RETRY_MAX_MS = 122_000
/** the kubelet's WaitForAttachAndMount timeout (podAttachAndMountTimeout) */
const MOUNT_TIMEOUT_MS = 120_000

interface Source {
  kind: 'secret' | 'configmap'
  name: string
  items?: { key: string; path: string; mode?: number }[]
  defaultMode: number
  optional: boolean
}

function sourceOf(v: Volume): Source | undefined {
  if (v.secret) {
    const s = v.secret as SecretVolumeSource
    return {
      kind: 'secret',
      name: s.secretName ?? '',
      ...(s.items ? { items: s.items } : {}),
      defaultMode: s.defaultMode ?? 0o644,
      optional: s.optional === true,
    }
  }
  if (v.configMap) {
    const c = v.configMap as ConfigMapVolumeSource
    return {
      kind: 'configmap',
      name: c.name ?? '',
      ...(c.items ? { items: c.items } : {}),
      defaultMode: c.defaultMode ?? 0o644,
      optional: c.optional === true,
    }
  }
  return undefined
}

/** The pod's Secret and ConfigMap volumes. */
export function dataVolumes(pod: Pod): Volume[] {
  return (pod.spec.volumes ?? []).filter((v) => v.secret || v.configMap)
}

/** Every key of a Secret or ConfigMap as base64 of its bytes. */
function dataOf(obj: Secret | ConfigMap): Record<string, string> {
  if (obj.kind === 'Secret') return obj.data ?? {}
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(obj.data ?? {})) out[k] = base64(utf8Bytes(v))
  Object.assign(out, obj.binaryData ?? {})
  return out
}

function fetch(
  ctx: Ctx,
  node: NodeRuntime,
  pod: Pod,
  kind: 'Secret' | 'ConfigMap',
  name: string,
  use: { volume: string } | { container: string },
): Secret | ConfigMap | undefined {
  const obj = getObject(ctx.state, kind, pod.metadata.namespace, name)
  emit(ctx, {
    type: 'kubelet.fetch',
    node: node.name,
    namespace: pod.metadata.namespace!,
    pod: pod.metadata.name,
    kind,
    name,
    ...('volume' in use
      ? { use: 'volume', volume: use.volume }
      : { use: 'env', container: use.container }),
    found: !!obj,
  })
  return obj
}

/** MakePayload: the files of one volume, or the error SetUp fails with. */
function payload(
  src: Source,
  obj: Secret | ConfigMap | undefined,
): { files: VolumeFile[] } | { error: string } {
  if (!obj) {
    if (src.optional) return { files: [] }
    return { error: `${src.kind === 'secret' ? 'secret' : 'configmap'} "${src.name}" not found` }
  }
  const data = dataOf(obj)
  const files: VolumeFile[] = []
  if (!src.items?.length) {
    for (const k of Object.keys(data).sort())
      files.push({ path: k, b64: data[k]!, mode: src.defaultMode })
    return { files }
  }
  for (const it of src.items) {
    if (!(it.key in data)) {
      if (src.optional) continue
      return {
        error:
          src.kind === 'secret'
            ? `references non-existent secret key: ${it.key}`
            : `configmap references non-existent config key: ${it.key}`,
      }
    }
    files.push({ path: it.path, b64: data[it.key]!, mode: it.mode ?? src.defaultMode })
  }
  return { files }
}

/** Size of a Secret volume's tmpfs in KiB: the pod's memory limit when every container sets one
 * (ResourceConfigForPod), else the node's allocatable memory; the kernel rounds to 4 KiB pages. */
export function tmpfsSizeKiB(ctx: { state: Ctx['state'] }, nodeName: string, pod: Pod): number {
  const node = getObject(ctx.state, 'Node', undefined, nodeName)
  const allocatable = parseQuantity(node?.status.allocatable.memory ?? '3Gi')
  // the pod's limit is max(sum of app containers, largest init container), and only when every
  // container declares one (pkg/kubelet/cm/helpers_linux.go ResourceConfigForPod)
  const limit = (c: Container) => c.resources?.limits?.memory
  const all = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]
  let bytes = allocatable
  if (all.every((c) => limit(c) !== undefined)) {
    const sum = pod.spec.containers.reduce((n, c) => n + parseQuantity(limit(c)!), 0)
    const init = Math.max(
      0,
      ...(pod.spec.initContainers ?? []).map((c) => parseQuantity(limit(c)!)),
    )
    const podLimit = Math.max(sum, init)
    if (podLimit > 0 && podLimit <= allocatable) bytes = podLimit
  }
  return Math.ceil(bytes / 4096) * 4
}

/** Fetch a volume's source and make its payload; a SetUp failure is recorded as the kubelet's
 * FailedMount event and gives undefined (the first mount and every resync report it alike). */
function setUpPayload(
  ctx: Ctx,
  node: NodeRuntime,
  pod: Pod,
  v: Volume,
  src: Source,
): { files: VolumeFile[]; resourceVersion: string } | undefined {
  const obj = fetch(ctx, node, pod, src.kind === 'secret' ? 'Secret' : 'ConfigMap', src.name, {
    volume: v.name,
  })
  const p = payload(src, obj)
  if ('error' in p) {
    recordEvent(
      ctx,
      pod,
      'Warning',
      'FailedMount',
      `MountVolume.SetUp failed for volume "${v.name}" : ${p.error}`,
      kubeletSource(node.name),
    )
    return undefined
  }
  return { files: p.files, resourceVersion: obj?.metadata.resourceVersion ?? '' }
}

function write(
  ctx: Ctx,
  node: NodeRuntime,
  pod: Pod,
  v: Volume,
  src: Source,
  files: VolumeFile[],
  rv: string,
  prev: VolumeRuntime | undefined,
): VolumeRuntime {
  const now = ctx.state.now
  const path = volumeDir(pod.metadata.uid, { kind: src.kind, name: v.name })
  const vol: VolumeRuntime = {
    name: v.name,
    kind: src.kind,
    source: src.name,
    medium: src.kind === 'secret' ? 'tmpfs' : 'disk',
    ...(src.kind === 'secret' ? { sizeKiB: tmpfsSizeKiB(ctx, node.name, pod) } : {}),
    dir: atomicWriterDir(now, `${path}|${rv}|${now}`),
    writtenAt: now,
    mountedAt: prev?.mountedAt ?? now,
    resourceVersion: rv,
    files,
  }
  emit(ctx, {
    type: 'kubelet.volume',
    node: node.name,
    namespace: pod.metadata.namespace!,
    pod: pod.metadata.name,
    volume: v.name,
    kind: src.kind === 'secret' ? 'Secret' : 'ConfigMap',
    name: src.name,
    path,
    medium: vol.medium,
    keys: files.map((f) => f.path),
    bytes: files.reduce((n, f) => n + decodedLength(f.b64), 0),
    reason: prev ? 'update' : 'mount',
    dir: vol.dir,
  })
  return vol
}

/**
 * Sets up the pod's Secret/ConfigMap volumes before its sandbox starts. Returns them (possibly
 * empty), or undefined when one could not be set up: then a FailedMount event is recorded, the pod
 * reports ContainerCreating, and a retry is queued with back-off.
 */
export function mountVolumes(
  ctx: Ctx,
  node: NodeRuntime,
  pod: Pod,
): Record<string, VolumeRuntime> | undefined {
  const { state } = ctx
  const volumes = dataVolumes(pod)
  if (volumes.length === 0) return {}
  const key = `${pod.metadata.namespace}/${pod.metadata.name}`
  const uid = pod.metadata.uid
  const backoff = node.mountBackoff?.[uid]
  if (backoff && state.now < backoff.nextAt) {
    enqueue(ctx, 'kubelet', key, backoff.nextAt - state.now, true)
    return undefined
  }
  const out: Record<string, VolumeRuntime> = {}
  const failed: string[] = []
  for (const v of volumes) {
    const src = sourceOf(v)!
    const p = setUpPayload(ctx, node, pod, v, src)
    if (!p) {
      failed.push(v.name)
      continue
    }
    out[v.name] = write(ctx, node, pod, v, src, p.files, p.resourceVersion, undefined)
  }
  if (failed.length === 0) {
    if (node.mountBackoff) delete node.mountBackoff[uid]
    return out
  }
  const attempts = (backoff?.attempts ?? 0) + 1
  const delay = Math.min(MOUNT_RETRY_MAX_MS, MOUNT_RETRY_INITIAL_MS * 2 ** (attempts - 1))
  const since = backoff?.since ?? state.now
  let timeoutAt = backoff?.timeoutAt ?? since + MOUNT_TIMEOUT_MS
  if (state.now >= timeoutAt) {
    // the pod worker gave up waiting for the volumes (and will try again after its back-off)
    recordEvent(
      ctx,
      pod,
      'Warning',
      'FailedMount',
      `Unable to attach or mount volumes: unmounted volumes=[${failed.join(' ')}], unattached volumes=[], failed to process volumes=[]: context deadline exceeded`,
      kubeletSource(node.name),
    )
    timeoutAt = state.now + MOUNT_TIMEOUT_MS + nextInt(state.rng, 10_000, 15_000)
  }
  node.mountBackoff ??= {}
  node.mountBackoff[uid] = { attempts, nextAt: state.now + delay, since, timeoutAt }
  enqueue(ctx, 'kubelet', key, delay, true)
  writePendingStatus(ctx, node, pod)
  return undefined
}

/** Status of a pod whose sandbox cannot start yet: every container waiting in ContainerCreating. */
export function writePendingStatus(ctx: Ctx, node: NodeRuntime, pod: Pod): void {
  const now = rfc3339(ctx.state.now)
  const prev = pod.status.conditions ?? []
  const cond = (type: string, status: string, reason?: string, message?: string) => {
    const old = prev.find((c) => c.type === type)
    return {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime: old && old.status === status ? old.lastTransitionTime : now,
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
    }
  }
  const names = pod.spec.containers.map((c) => c.name).join(' ')
  const inits = pod.spec.initContainers ?? []
  const waiting = (c: Container, reason: string) => ({
    image: c.image,
    imageID: '',
    lastState: {},
    name: c.name,
    ready: false,
    restartCount: 0,
    started: false,
    state: { waiting: { reason } },
  })
  const status = {
    conditions: [
      cond('PodReadyToStartContainers', 'False'),
      inits.length
        ? cond(
            'Initialized',
            'False',
            'ContainersNotInitialized',
            `containers with incomplete status: [${inits.map((c) => c.name).join(' ')}]`,
          )
        : cond('Initialized', 'True'),
      cond('Ready', 'False', 'ContainersNotReady', `containers with unready status: [${names}]`),
      cond(
        'ContainersReady',
        'False',
        'ContainersNotReady',
        `containers with unready status: [${names}]`,
      ),
      prev.find((c) => c.type === 'PodScheduled') ?? cond('PodScheduled', 'True'),
    ],
    containerStatuses: pod.spec.containers.map((c) => waiting(c, 'ContainerCreating')),
    hostIP: node.ip,
    hostIPs: [{ ip: node.ip }],
    ...(inits.length
      ? { initContainerStatuses: inits.map((c) => waiting(c, 'PodInitializing')) }
      : {}),
    phase: 'Pending',
    qosClass: pod.status.qosClass,
    startTime: pod.status.startTime ?? now,
  } as PodStatus
  if (JSON.stringify(status) === JSON.stringify(pod.status)) return
  const copy = deepClone(pod)
  copy.status = status
  putObject(ctx, copy)
}

/** Schedules the pod's next periodic resync (60-90 s away). */
export function scheduleResync(ctx: Ctx, node: NodeRuntime, rt: PodRuntime): void {
  const at = ctx.state.now + RESYNC_MS + nextInt(ctx.state.rng, 0, RESYNC_JITTER_MS)
  rt.volumeSyncAt = at
  schedule(
    ctx,
    at - ctx.state.now,
    { kind: 'kubelet.sync', node: node.name, podUid: rt.uid },
    { background: true, dedupKey: `kubelet-resync|${rt.uid}|${at}` },
  )
}

/**
 * The periodic resync: re-project each Secret/ConfigMap volume; a changed source gets a new
 * timestamped directory and `..data` swaps to it. A source that disappeared keeps the old files
 * (and the SetUp failure is reported as an event).
 */
export function resyncVolumes(ctx: Ctx, node: NodeRuntime, pod: Pod, rt: PodRuntime): void {
  if (rt.volumeSyncAt === undefined || ctx.state.now < rt.volumeSyncAt) return
  for (const v of dataVolumes(pod)) {
    const src = sourceOf(v)!
    const prev = rt.volumes?.[v.name]
    if (!prev) continue
    const p = setUpPayload(ctx, node, pod, v, src)
    if (!p) continue
    if (JSON.stringify(p.files) === JSON.stringify(prev.files)) continue
    rt.volumes![v.name] = write(ctx, node, pod, v, src, p.files, p.resourceVersion, prev)
  }
  scheduleResync(ctx, node, rt)
}

/** The path of a volume's directory on the node. */
export function volumeDir(podUid: string, v: Pick<VolumeRuntime, 'kind' | 'name'>): string {
  return `/var/lib/kubelet/pods/${podUid}/volumes/kubernetes.io~${v.kind}/${v.name}`
}

/** A volume file's content as text (UTF-8; invalid bytes show as U+FFFD, as a terminal would). */
export function fileText(f: VolumeFile): string {
  return utf8Decode(base64Decode(f.b64) ?? [])
}

// ---------------------------------------------------------------------------------------------
// env

type EnvResult = { ok: true; env: Record<string, string> } | { ok: false; message: string }

/**
 * The values a container's env takes from Secrets and ConfigMaps (envFrom first, then env entries),
 * resolved as makeEnvironmentVariables does; the first missing object or key fails container creation.
 */
export function resolveRefEnv(ctx: Ctx, node: NodeRuntime, pod: Pod, spec: Container): EnvResult {
  const ns = pod.metadata.namespace!
  const env: Record<string, string> = {}
  const cache = new Map<string, Secret | ConfigMap | undefined>()
  const get = (kind: 'Secret' | 'ConfigMap', name: string) => {
    const k = `${kind}/${name}`
    if (!cache.has(k)) cache.set(k, fetch(ctx, node, pod, kind, name, { container: spec.name }))
    return cache.get(k)
  }
  const notFound = (kind: 'Secret' | 'ConfigMap', name: string) =>
    `${kind === 'Secret' ? 'secret' : 'configmap'} "${name}" not found`
  for (const from of spec.envFrom ?? []) {
    const ref = from.secretRef ?? from.configMapRef
    if (!ref) continue
    const kind = from.secretRef ? 'Secret' : 'ConfigMap'
    const obj = get(kind, ref.name)
    if (!obj) {
      if (ref.optional) continue
      return { ok: false, message: notFound(kind, ref.name) }
    }
    const data = dataOf(obj)
    const invalid: string[] = []
    for (const k of Object.keys(data).sort()) {
      const name = (from.prefix ?? '') + k
      // validation.IsEnvVarName; invalid names are skipped with an event
      if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name)) {
        invalid.push(name)
        continue
      }
      env[name] = utf8Decode(base64Decode(data[k]!) ?? [])
    }
    if (invalid.length)
      recordEvent(
        ctx,
        pod,
        'Warning',
        'InvalidEnvironmentVariableNames',
        `Keys [${invalid.join(', ')}] from the EnvFrom ${kind === 'Secret' ? 'secret' : 'configMap'} ${ns}/${ref.name} were skipped since they are considered invalid environment variable names.`,
        kubeletSource(node.name),
      )
  }
  for (const e of spec.env ?? []) {
    const vf = e.valueFrom as
      { secretKeyRef?: KeySelector; configMapKeyRef?: KeySelector } | undefined
    const ref = vf?.secretKeyRef ?? vf?.configMapKeyRef
    if (e.value !== undefined || !ref) continue
    const kind = vf?.secretKeyRef ? 'Secret' : 'ConfigMap'
    const obj = get(kind, ref.name)
    if (!obj) {
      if (ref.optional) continue
      return { ok: false, message: notFound(kind, ref.name) }
    }
    const data = dataOf(obj)
    if (!(ref.key in data)) {
      if (ref.optional) continue
      return { ok: false, message: `couldn't find key ${ref.key} in ${kind} ${ns}/${ref.name}` }
    }
    env[e.name] = utf8Decode(base64Decode(data[ref.key]!) ?? [])
  }
  return { ok: true, env }
}

/** The files behind a container's `subPath` mounts of Secret/ConfigMap volumes, as they are now. */
export function subPathFiles(
  rt: PodRuntime,
  spec: Container,
): Record<string, VolumeFile> | undefined {
  let out: Record<string, VolumeFile> | undefined
  for (const m of spec.volumeMounts ?? []) {
    const vol = rt.volumes?.[m.name]
    if (!m.subPath || !vol) continue
    const f = vol.files.find((x) => x.path === m.subPath)
    if (f) (out ??= {})[m.mountPath] = f
  }
  return out
}
