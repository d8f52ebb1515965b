import { deepClone } from '../clone.ts'
import type { Ctx } from '../context.ts'
import { emit, schedule } from '../context.ts'
import type { Container, ContainerStatus, Pod, PodCondition, PodStatus } from '../model/k8s.ts'
import type { ContainerRuntime, NodeRuntime, PodRuntime } from '../model/node.ts'
import { getObject, listObjects, putObject } from '../apiserver/store.ts'
import { removePod } from '../apiserver/api.ts'
import { recordEvent } from '../apiserver/recorder.ts'
import { nextInt, randomHex, uuid } from '../random.ts'
import { rfc3339 } from '../time.ts'
import { resolveImage } from '../workloads/images.ts'
import { startProgram, startFailure, type Output } from '../workloads/programs.ts'
import { cniAdd, cniDel } from '../net/ipam/cni.ts'
import { awsNodeStarted } from '../net/ipam/ipamd.ts'
import { enqueue } from '../apiserver/watch.ts'
import { runProgramTick, programStartContext } from './programs.ts'
import { curlAtStart } from '../workloads/curl.ts'
import { writeContainerLog } from '../logs/rotate.ts'
import { kubeProxyStarted } from '../net/kubeproxy/sync.ts'
import {
  mountVolumes,
  resolveRefEnv,
  resyncVolumes,
  scheduleResync,
  subPathFiles,
  writePendingStatus,
} from './volumes.ts'

// The kubelet on each node: it watches pods bound to its node and drives them, as syncPod does:
// sandbox (pause container + network namespace + CNI ADD), image pulls, container starts, restarts
// with back-off, graceful termination, and the pod status it reports to the API server.
// Reference: kubernetes/kubernetes pkg/kubelet/kubelet.go (SyncPod), kuberuntime/kuberuntime_manager.go.

const BACKOFF_INITIAL_MS = 10_000
const BACKOFF_MAX_MS = 300_000
export function kubeletSource(node: string) {
  return { component: 'kubelet', host: node }
}

function backoffDelay(attempts: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** Math.max(0, attempts - 1))
}

export function findPodRuntime(
  ctx: Ctx,
  namespace: string,
  name: string,
): { node: NodeRuntime; rt: PodRuntime } | undefined {
  const at = ctx.state.podRuntimes[`${namespace}/${name}`]
  const node = at && ctx.state.nodes[at.node]
  const rt = node?.pods[at!.uid]
  return node && rt ? { node, rt } : undefined
}

/** Reconcile one pod (key `namespace/name`) on the node it is bound to. */
export function syncPod(ctx: Ctx, key: string): void {
  const { state } = ctx
  const [namespace, name] = key.split('/') as [string, string]
  const pod = getObject(state, 'Pod', namespace, name)
  if (!pod) {
    // deleted from the API (force delete, or our own final delete): tear down whatever is left
    const found = findPodRuntime(ctx, namespace, name)
    if (found) teardown(ctx, found.node, found.rt)
    return
  }
  const nodeName = pod.spec.nodeName
  if (!nodeName) return
  const node = state.nodes[nodeName]
  if (!node || !node.ready) return
  let rt = node.pods[pod.metadata.uid]
  // a stale runtime of an older pod with the same name (deleted and recreated)
  const stale = findPodRuntime(ctx, namespace, name)
  if (stale && stale.rt.uid !== pod.metadata.uid) teardown(ctx, stale.node, stale.rt)

  if (pod.metadata.deletionTimestamp) {
    if (!rt) {
      if (node.mountBackoff) delete node.mountBackoff[pod.metadata.uid]
      if (node.sandboxBackoff) delete node.sandboxBackoff[pod.metadata.uid]
      removePod(ctx, pod)
      return
    }
    terminate(ctx, node, rt, pod)
    return
  }

  if (!rt) {
    // the pod worker backs off after a failed sync: updates meanwhile (its own status write among
    // them) wait for the retry queued at the end of the back-off
    const notBefore = node.sandboxBackoff?.[pod.metadata.uid]
    if (notBefore !== undefined && state.now < notBefore) {
      enqueue(ctx, 'kubelet', key, notBefore - state.now)
      return
    }
    // volumes first (WaitForAttachAndMount), then the sandbox: a missing Secret stops the pod here
    const volumes = mountVolumes(ctx, node, pod)
    if (!volumes) return
    rt = createSandbox(ctx, node, pod)
    if (!rt) return
    if (Object.keys(volumes).length) {
      rt.volumes = volumes
      scheduleResync(ctx, node, rt)
    }
    writeStatus(ctx, node, pod, rt)
    schedule(ctx, rt.sandboxReadyAt - state.now, {
      kind: 'kubelet.sync',
      node: node.name,
      podUid: rt.uid,
    })
    return
  }
  if (state.now < rt.sandboxReadyAt) return
  if (rt.volumes) resyncVolumes(ctx, node, pod, rt)

  let wakeAt: number | undefined
  const wake = (t: number | undefined, background = false) => {
    if (t === undefined) return
    if (background)
      schedule(
        ctx,
        t - state.now,
        { kind: 'kubelet.sync', node: node.name, podUid: rt!.uid },
        { background: true, dedupKey: `kubelet-bg|${rt!.uid}|${t}` },
      )
    else wakeAt = wakeAt === undefined ? t : Math.min(wakeAt, t)
  }
  // init containers run one at a time, each to completion, before the app containers
  const inits = rt.containers.filter((c) => c.init)
  let initsDone = true
  for (const c of inits) {
    if (c.state === 'exited' && c.exitCode === 0) continue
    initsDone = false
    progressContainer(ctx, node, pod, rt, c, wake)
    break
  }
  if (initsDone)
    for (const c of rt.containers) if (!c.init) progressContainer(ctx, node, pod, rt, c, wake)
  writeStatus(ctx, node, pod, rt)
  if (wakeAt !== undefined)
    schedule(
      ctx,
      wakeAt - state.now,
      { kind: 'kubelet.sync', node: node.name, podUid: rt.uid },
      { dedupKey: `kubelet|${rt.uid}|${wakeAt}` },
    )
}

function specOf(pod: Pod, c: ContainerRuntime): Container {
  const list = c.init ? (pod.spec.initContainers ?? []) : pod.spec.containers
  return list.find((x) => x.name === c.name)!
}

/** The pod worker's back-off after a failed sync (kubelet.go: backOffPeriod). Simplified: the real
 * worker jitters it by up to half (pod_workers.go workerBackOffPeriodJitterFactor = 0.5: 10-15 s). */
const SANDBOX_RETRY_MS = 10_000

function createSandbox(ctx: Ctx, node: NodeRuntime, pod: Pod): PodRuntime | undefined {
  const { state } = ctx
  const hostNetwork = !!pod.spec.hostNetwork
  const sandboxId = randomHex(state.rng, 64)
  const netns = hostNetwork ? '' : `/var/run/netns/cni-${uuid(state.rng)}`
  let ip = node.ip
  if (!hostNetwork) {
    const ns = pod.metadata.namespace!
    const r = cniAdd(ctx, node, { namespace: ns, name: pod.metadata.name }, sandboxId, netns)
    if (!r.ok) {
      // containerd tears the sandbox down again; the pod worker retries after its back-off
      recordEvent(
        ctx,
        pod,
        'Warning',
        'FailedCreatePodSandBox',
        `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${sandboxId}": plugin type="aws-cni" name="aws-cni" failed (add): ${r.error}`,
        kubeletSource(node.name),
      )
      node.sandboxBackoff ??= {}
      node.sandboxBackoff[pod.metadata.uid] = state.now + SANDBOX_RETRY_MS
      writePendingStatus(ctx, node, pod)
      enqueue(ctx, 'kubelet', `${ns}/${pod.metadata.name}`, SANDBOX_RETRY_MS)
      return undefined
    }
    ip = r.ip
    if (node.sandboxBackoff) delete node.sandboxBackoff[pod.metadata.uid]
  }
  const rt: PodRuntime = {
    uid: pod.metadata.uid,
    namespace: pod.metadata.namespace!,
    name: pod.metadata.name,
    sandboxId,
    netns,
    // pause container + CNI ADD (veth, IP, routes): a fraction of a second
    sandboxReadyAt: state.now + nextInt(state.rng, 400, 1100),
    hostNetwork,
    ip,
    startedAt: state.now,
    containers: [
      ...(pod.spec.initContainers ?? []).map((c) => newContainer(c, true)),
      ...pod.spec.containers.map((c) => newContainer(c, false)),
    ],
    previous: {},
  }
  node.pods[rt.uid] = rt
  emit(ctx, {
    type: 'pod.phase',
    namespace: rt.namespace,
    pod: rt.name,
    node: node.name,
    phase: 'Pending',
    reason: 'ContainerCreating',
  })
  if (!hostNetwork)
    emit(ctx, { type: 'pod.ip', namespace: rt.namespace, pod: rt.name, node: node.name, ip })
  return rt
}

function newContainer(c: Container, init: boolean): ContainerRuntime {
  return {
    name: c.name,
    image: c.image,
    init,
    state: 'waiting',
    waitingReason: init ? 'PodInitializing' : 'ContainerCreating',
    restartCount: 0,
    backoffAttempts: 0,
    program: { kind: 'exited' },
    logs: [],
  }
}

type Wake = (t: number | undefined, background?: boolean) => void

function progressContainer(
  ctx: Ctx,
  node: NodeRuntime,
  pod: Pod,
  rt: PodRuntime,
  c: ContainerRuntime,
  wake: Wake,
): void {
  const { state } = ctx
  const spec = specOf(pod, c)
  const fieldPath = `spec.${c.init ? 'initContainers' : 'containers'}{${c.name}}`
  const src = kubeletSource(node.name)

  if (c.state === 'running') return

  if (c.state === 'exited') {
    const policy = pod.spec.restartPolicy ?? 'Always'
    const restart = c.init
      ? c.exitCode !== 0 && policy !== 'Never'
      : policy === 'Always' || (policy === 'OnFailure' && c.exitCode !== 0)
    if (!restart) return
    if (c.backoffUntil === undefined) {
      // the first restart is immediate; later ones back off 10s, 20s, 40s … 5m
      const delay = c.backoffAttempts === 0 ? 0 : backoffDelay(c.backoffAttempts)
      c.backoffAttempts++
      c.backoffKind = 'crash'
      c.backoffUntil = state.now + delay
      if (delay > 0)
        recordEvent(
          ctx,
          pod,
          'Warning',
          'BackOff',
          `Back-off restarting failed container ${c.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
          src,
          fieldPath,
        )
    }
    if (state.now < c.backoffUntil) {
      wake(c.backoffUntil, true)
      return
    }
    // restart: the old instance becomes "previous"
    rt.previous[c.name] = { ...c, logs: c.logs }
    Object.assign(c, {
      state: 'waiting',
      waitingReason: undefined,
      waitingMessage: undefined,
      backoffUntil: undefined,
      id: undefined,
      restartCount: c.restartCount + 1,
      // the new instance writes <restartCount>.log from scratch; the old files stay with `previous`
      logs: [],
      logBytes: undefined,
      rotated: undefined,
      rotateCheckAt: undefined,
      stopRequestedAt: undefined,
    })
  }

  if (c.backoffUntil !== undefined && state.now < c.backoffUntil) {
    if (c.backoffKind === 'image') {
      c.waitingReason = 'ImagePullBackOff'
      c.waitingMessage = `Back-off pulling image "${spec.image}"`
    }
    wake(c.backoffUntil, true)
    return
  }

  const image = resolveImage(spec.image)
  if (c.state === 'waiting') {
    const policy = spec.imagePullPolicy ?? 'IfNotPresent'
    const present = image && node.images[image.ref]
    if (present && policy !== 'Always') {
      recordEvent(
        ctx,
        pod,
        'Normal',
        'Pulled',
        `Container image "${spec.image}" already present on machine`,
        src,
        fieldPath,
      )
      startContainer(ctx, node, pod, rt, c, spec, wake)
      return
    }
    recordEvent(ctx, pod, 'Normal', 'Pulling', `Pulling image "${spec.image}"`, src, fieldPath)
    c.state = 'pulling'
    c.waitingReason =
      c.restartCount > 0 ||
      c.backoffAttempts > 0 ||
      c.waitingReason === 'CreateContainerConfigError'
        ? c.waitingReason
        : c.init
          ? 'PodInitializing'
          : 'ContainerCreating'
    // a cached image only needs its manifest checked; a fresh pull takes time in proportion to its size
    const ms = !image
      ? nextInt(state.rng, 400, 900)
      : present
        ? nextInt(state.rng, 150, 450)
        : Math.round(600 + image.info.sizeBytes / 40_000 + nextInt(state.rng, 0, 800))
    c.pullStartedAt = state.now
    c.pullDoneAt = state.now + ms
    wake(c.pullDoneAt)
    return
  }

  if (c.state === 'pulling') {
    if (state.now < (c.pullDoneAt ?? 0)) {
      wake(c.pullDoneAt)
      return
    }
    if (!image) {
      emit(ctx, {
        type: 'container.pull',
        node: node.name,
        image: spec.image,
        ok: false,
        ms: state.now - (c.pullStartedAt ?? state.now),
      })
      recordEvent(
        ctx,
        pod,
        'Warning',
        'Failed',
        `Failed to pull image "${spec.image}": ${pullError(spec.image)}`,
        src,
        fieldPath,
      )
      recordEvent(ctx, pod, 'Warning', 'Failed', 'Error: ErrImagePull', src, fieldPath)
      c.state = 'waiting'
      c.waitingReason = 'ErrImagePull'
      c.waitingMessage = pullError(spec.image)
      const delay = backoffDelay(c.backoffAttempts + 1)
      c.backoffAttempts++
      c.backoffKind = 'image'
      c.backoffUntil = state.now + delay
      // kubelet reports ImagePullBackOff as soon as the next sync sees the back-off
      wake(state.now + nextInt(state.rng, 900, 1600))
      recordEventLater(ctx, pod, spec.image, fieldPath, src)
      return
    }
    node.images[image.ref] = { ref: image.ref, sizeBytes: image.info.sizeBytes }
    const ms = state.now - (c.pullStartedAt ?? state.now)
    emit(ctx, { type: 'container.pull', node: node.name, image: image.ref, ok: true, ms })
    const dur = formatGoDuration(ms)
    recordEvent(
      ctx,
      pod,
      'Normal',
      'Pulled',
      `Successfully pulled image "${spec.image}" in ${dur} (${dur} including waiting). Image size: ${image.info.sizeBytes} bytes.`,
      src,
      fieldPath,
    )
    c.backoffAttempts = c.backoffKind === 'image' ? 0 : c.backoffAttempts
    c.backoffKind = c.backoffKind === 'image' ? undefined : c.backoffKind
    startContainer(ctx, node, pod, rt, c, spec, wake)
  }
}

/** The "Back-off pulling image" event and the Failed "Error: ImagePullBackOff" come once the back-off is observed. */
function recordEventLater(
  ctx: Ctx,
  pod: Pod,
  image: string,
  fieldPath: string,
  src: { component: string; host?: string },
) {
  recordEvent(ctx, pod, 'Normal', 'BackOff', `Back-off pulling image "${image}"`, src, fieldPath)
  recordEvent(ctx, pod, 'Warning', 'Failed', 'Error: ImagePullBackOff', src, fieldPath)
}

/** Go's time.Duration.String() for sub-minute values: 1.234567s, 512ms. */
export function formatGoDuration(ms: number): string {
  if (ms < 1000) return `${Number(ms.toFixed(6))}ms`
  return `${Number((ms / 1000).toFixed(9))}s`
}

export function pullError(image: string): string {
  const { repository } = splitRepo(image)
  return `failed to pull and unpack image "${repository}": failed to resolve reference "${repository}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`
}

function splitRepo(image: string): { repository: string } {
  // containerd reports the normalised reference (docker.io/library/nginxx:latest)
  let name = image
  const lastSlash = name.lastIndexOf('/')
  const colon = name.lastIndexOf(':')
  let tag = 'latest'
  if (colon > lastSlash) {
    tag = name.slice(colon + 1)
    name = name.slice(0, colon)
  }
  const first = name.split('/')[0]!
  if (!(name.includes('/') && (first.includes('.') || first === 'localhost')))
    name = name.includes('/') ? `docker.io/${name}` : `docker.io/library/${name}`
  return { repository: `${name}:${tag}` }
}

function startContainer(
  ctx: Ctx,
  node: NodeRuntime,
  pod: Pod,
  rt: PodRuntime,
  c: ContainerRuntime,
  spec: Container,
  wake: Wake,
): void {
  const { state } = ctx
  const image = resolveImage(spec.image)!
  const fieldPath = `spec.${c.init ? 'initContainers' : 'containers'}{${c.name}}`
  const src = kubeletSource(node.name)
  // generateContainerConfig: env from Secrets/ConfigMaps is resolved before the container exists
  const refs = resolveRefEnv(ctx, node, pod, spec)
  if (!refs.ok) {
    recordEvent(ctx, pod, 'Warning', 'Failed', `Error: ${refs.message}`, src, fieldPath)
    c.state = 'waiting'
    c.waitingReason = 'CreateContainerConfigError'
    c.waitingMessage = refs.message
    // the pod worker retries a failed sync after its back-off (10s, jittered)
    c.backoffUntil = state.now + nextInt(state.rng, 10_000, 15_000)
    wake(c.backoffUntil, true)
    return
  }
  c.backoffUntil = undefined
  c.refEnv = refs.env
  c.subPathFiles = subPathFiles(rt, spec)
  c.id = randomHex(state.rng, 64)
  c.imageRef = image.ref
  c.imageId = image.id
  recordEvent(ctx, pod, 'Normal', 'Created', `Created container: ${c.name}`, src, fieldPath)
  const failure = startFailure(spec, image.info)
  if (failure) {
    recordEvent(ctx, pod, 'Warning', 'Failed', `Error: ${failure}`, src, fieldPath)
    Object.assign(c, {
      state: 'exited',
      exitCode: 128,
      exitReason: 'StartError',
      exitMessage: failure,
      startedAt: undefined,
      finishedAt: state.now,
    })
    wake(state.now + 10)
    return
  }
  recordEvent(ctx, pod, 'Normal', 'Started', `Started container ${c.name}`, src, fieldPath)
  c.state = 'running'
  c.waitingReason = undefined
  c.waitingMessage = undefined
  c.startedAt = state.now
  c.pid = node.nextPid
  node.nextPid += nextInt(state.rng, 20, 120)
  const env = containerEnv(ctx, pod, spec, image.info.env, c.refEnv)
  const { program, output } = startProgram(spec, image.info, {
    ...programStartContext(state, node, rt, env),
    curl: (a) => curlAtStart(ctx, node, rt, a),
  })
  c.program = program
  emit(ctx, {
    type: 'container.start',
    node: node.name,
    namespace: rt.namespace,
    pod: rt.name,
    container: c.name,
    id: c.id,
  })
  appendLogs(ctx, node, rt, c, output)
  // kube-proxy lists Services and EndpointSlices, then writes its rules (net/kubeproxy)
  if (image.info.behaviour === 'kube-proxy') kubeProxyStarted(ctx, node.name)
  // a (re)started aws-node reads its env again: WARM_* targets, SNAT/connmark rules (net/ipam)
  if (image.info.behaviour === 'aws-node') awsNodeStarted(ctx, node, env)
  if (program.kind !== 'daemon')
    schedule(
      ctx,
      program.kind === 'exit' ? program.afterMs : 0,
      {
        kind: 'container.tick',
        node: node.name,
        podUid: rt.uid,
        container: c.name,
        containerId: c.id,
      },
      { background: true },
    )
  // the pod-level status write follows in syncPod
  wake(undefined)
}

/** What `env` shows inside the container: image env, pod env, HOSTNAME, and the Service links. */
/**
 * What `env` shows inside a container: the image's ENV, HOSTNAME, the pod spec's env (with the
 * downward-API fieldRefs resolved), and the Docker-link-style variables for Services: those of the
 * pod's namespace plus the `kubernetes` Service of `default`, for every pod
 * (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables, pkg/kubelet/envvars/envvars.go FromServices).
 * The simulation has no image USER, so HOME is root's.
 */
export function containerEnv(
  ctx: { state: Ctx['state'] },
  pod: Pod,
  spec: Container,
  imageEnv: Record<string, string>,
  /** values from Secrets/ConfigMaps as the kubelet resolved them when it created the container */
  refEnv: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: pod.metadata.name,
    ...imageEnv,
  }
  {
    // enableServiceLinks: false drops the namespace's Services, never the API server's own
    const services =
      pod.spec.enableServiceLinks === false
        ? []
        : listObjects(ctx.state, 'Service', pod.metadata.namespace)
    const master = getObject(ctx.state, 'Service', 'default', 'kubernetes')
    if (master && !services.some((x) => x.metadata.uid === master.metadata.uid))
      services.push(master)
    for (const svc of services) {
      if (!svc.spec.clusterIP || svc.spec.clusterIP === 'None') continue
      const prefix = svc.metadata.name.toUpperCase().replaceAll('-', '_')
      const ip = svc.spec.clusterIP
      const first = svc.spec.ports[0]
      if (!first) continue
      env[`${prefix}_SERVICE_HOST`] = ip
      env[`${prefix}_SERVICE_PORT`] = String(first.port)
      for (const p of svc.spec.ports)
        if (p.name)
          env[`${prefix}_SERVICE_PORT_${p.name.toUpperCase().replaceAll('-', '_')}`] = String(
            p.port,
          )
      const proto = (p: { protocol: string }) => p.protocol.toLowerCase()
      env[`${prefix}_PORT`] = `${proto(first)}://${ip}:${first.port}`
      for (const p of svc.spec.ports) {
        const base = `${prefix}_PORT_${p.port}_${p.protocol.toUpperCase()}`
        env[base] = `${proto(p)}://${ip}:${p.port}`
        env[`${base}_PROTO`] = proto(p)
        env[`${base}_PORT`] = String(p.port)
        env[`${base}_ADDR`] = ip
      }
    }
  }
  // envFrom first, then env (a later entry wins), as makeEnvironmentVariables builds it
  const fromEnvFrom = new Set(Object.keys(refEnv))
  for (const e of spec.env ?? []) fromEnvFrom.delete(e.name)
  for (const k of fromEnvFrom) env[k] = refEnv[k]!
  for (const e of spec.env ?? []) {
    if (e.value !== undefined)
      env[e.name] = e.value.replace(/\$\((\w+)\)/g, (m, n: string) => env[n] ?? m)
    else if (e.name in refEnv) env[e.name] = refEnv[e.name]!
    else {
      const field = (e.valueFrom as { fieldRef?: { fieldPath: string } } | undefined)?.fieldRef
        ?.fieldPath
      const v = field ? fieldRefValue(pod, field) : undefined
      if (v !== undefined) env[e.name] = v
    }
  }
  env.HOME = '/root'
  return env
}

/** The downward API's fieldRef paths. */
export function fieldRefValue(pod: Pod, path: string): string | undefined {
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name
    case 'metadata.namespace':
      return pod.metadata.namespace
    case 'metadata.uid':
      return pod.metadata.uid
    case 'spec.nodeName':
      return pod.spec.nodeName
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName
    case 'status.podIP':
      return pod.status.podIP
    case 'status.hostIP':
      return pod.status.hostIP
    default: {
      const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path)
      return m ? (pod.metadata[m[1] as 'labels' | 'annotations']?.[m[2]!] ?? '') : undefined
    }
  }
}

export function appendLogs(
  ctx: Ctx,
  node: NodeRuntime,
  rt: PodRuntime,
  c: ContainerRuntime,
  output: Output[],
): void {
  // containerd writes the lines to the live log file; the kubelet rotates it (engine/logs/rotate.ts)
  writeContainerLog(ctx, node, rt, c, output)
}

/** A container's program has exited (or was killed): record it and let the pod sync decide what next. */
export function containerExited(
  ctx: Ctx,
  node: NodeRuntime,
  rt: PodRuntime,
  c: ContainerRuntime,
  exitCode: number,
  reason?: string,
): void {
  const { state } = ctx
  c.state = 'exited'
  c.exitCode = exitCode
  c.exitReason = reason ?? (exitCode === 0 ? 'Completed' : 'Error')
  c.finishedAt = state.now
  c.program = { kind: 'exited' }
  c.backoffUntil = undefined
  emit(ctx, {
    type: 'container.exit',
    node: node.name,
    namespace: rt.namespace,
    pod: rt.name,
    container: c.name,
    exitCode,
  })
  schedule(
    ctx,
    1,
    { kind: 'kubelet.sync', node: node.name, podUid: rt.uid },
    { dedupKey: `kubelet|${rt.uid}|${state.now + 1}` },
  )
}

/** The container a scheduled tick was meant for, if that very instance still runs (not a restart). */
export function runningContainer(
  ctx: Ctx,
  nodeName: string,
  podUid: string,
  containerName: string,
  containerId: string,
): { node: NodeRuntime; rt: PodRuntime; c: ContainerRuntime } | undefined {
  const node = ctx.state.nodes[nodeName]
  const rt = node?.pods[podUid]
  const c = rt?.containers.find((x) => x.name === containerName)
  if (!node || !rt || !c || c.id !== containerId || c.state !== 'running') return undefined
  return { node, rt, c }
}

export function containerTick(
  ctx: Ctx,
  nodeName: string,
  podUid: string,
  containerName: string,
  containerId: string,
): void {
  const found = runningContainer(ctx, nodeName, podUid, containerName, containerId)
  if (found) runProgramTick(ctx, found.node, found.rt, found.c)
}

function terminate(ctx: Ctx, node: NodeRuntime, rt: PodRuntime, pod: Pod): void {
  const { state } = ctx
  const grace = (pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000
  let pending = false
  for (const c of rt.containers) {
    if (c.state !== 'running') continue
    if (c.stopRequestedAt === undefined) {
      c.stopRequestedAt = state.now
      recordEvent(
        ctx,
        pod,
        'Normal',
        'Killing',
        `Stopping container ${c.name}`,
        kubeletSource(node.name),
        `spec.containers{${c.name}}`,
      )
    }
    // PID 1 that handles SIGTERM exits quickly; a plain `sh` as PID 1 ignores it and is SIGKILLed at the deadline
    const handlesTerm = c.program.kind === 'daemon'
    const exitAt = handlesTerm ? c.stopRequestedAt + 200 : c.stopRequestedAt + grace
    if (state.now >= exitAt)
      containerExited(ctx, node, rt, c, handlesTerm ? 0 : 137, handlesTerm ? 'Completed' : 'Error')
    else {
      pending = true
      schedule(
        ctx,
        exitAt - state.now,
        { kind: 'kubelet.sync', node: node.name, podUid: rt.uid },
        { dedupKey: `kubelet|${rt.uid}|${exitAt}` },
      )
    }
  }
  if (pending) {
    writeStatus(ctx, node, pod, rt)
    return
  }
  teardown(ctx, node, rt)
  const fresh = getObject(state, 'Pod', rt.namespace, rt.name)
  if (fresh && fresh.metadata.uid === rt.uid) removePod(ctx, fresh)
}

function teardown(ctx: Ctx, node: NodeRuntime, rt: PodRuntime): void {
  // CNI DEL: the IP goes back to ipamd's pool
  cniDel(ctx, node, rt)
  delete node.pods[rt.uid]
  const key = `${rt.namespace}/${rt.name}`
  if (ctx.state.podRuntimes[key]?.uid === rt.uid) delete ctx.state.podRuntimes[key]
  emit(ctx, {
    type: 'pod.phase',
    namespace: rt.namespace,
    pod: rt.name,
    node: node.name,
    phase: 'Deleted',
  })
}

// ---------------------------------------------------------------------------------------------
// status

function condition(
  prev: PodCondition[] | undefined,
  type: PodCondition['type'],
  status: PodCondition['status'],
  now: string,
  reason?: string,
  message?: string,
): PodCondition {
  const old = prev?.find((c) => c.type === type)
  const lastTransitionTime = old && old.status === status ? old.lastTransitionTime : now
  return {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  }
}

function containerStatus(
  now: number,
  pod: Pod,
  rt: PodRuntime,
  c: ContainerRuntime,
): ContainerStatus {
  const prev = rt.previous[c.name]
  const spec = specOf(pod, c)
  const state: ContainerStatus['state'] =
    c.state === 'running'
      ? { running: { startedAt: rfc3339(c.startedAt!) } }
      : c.state === 'exited' && !(c.backoffUntil !== undefined && c.backoffUntil > now)
        ? { terminated: terminatedOf(c) }
        : c.state === 'exited'
          ? {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: `back-off ${Math.round(backoffDelay(c.backoffAttempts) / 1000)}s restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
              },
            }
          : {
              waiting: {
                reason: c.waitingReason ?? 'ContainerCreating',
                ...(c.waitingMessage ? { message: c.waitingMessage } : {}),
              },
            }
  return {
    ...(c.id ? { containerID: `containerd://${c.id}` } : {}),
    image: c.imageRef ?? spec.image,
    imageID: c.imageId ?? '',
    // while a crashed container waits out its back-off, lastState is that crash; once restarted, the previous instance
    lastState:
      c.state === 'exited' && 'waiting' in state
        ? { terminated: terminatedOf(c) }
        : prev && prev.state === 'exited'
          ? { terminated: terminatedOf(prev) }
          : {},
    name: c.name,
    ready: c.state === 'running' && !c.init,
    restartCount: c.restartCount,
    started: c.state === 'running',
    state,
  }
}

function terminatedOf(c: ContainerRuntime) {
  return {
    ...(c.id ? { containerID: `containerd://${c.id}` } : {}),
    exitCode: c.exitCode ?? 0,
    finishedAt: rfc3339(c.finishedAt ?? 0),
    ...(c.exitMessage ? { message: c.exitMessage } : {}),
    reason: c.exitReason ?? 'Completed',
    startedAt: rfc3339(c.startedAt ?? c.finishedAt ?? 0),
  }
}

export function computeStatus(ctx: Ctx, node: NodeRuntime, pod: Pod, rt: PodRuntime): PodStatus {
  const now = rfc3339(ctx.state.now)
  const prev = pod.status.conditions
  const sandboxReady = ctx.state.now >= rt.sandboxReadyAt
  const inits = rt.containers.filter((c) => c.init)
  const apps = rt.containers.filter((c) => !c.init)
  const initsDone = inits.every((c) => c.state === 'exited' && c.exitCode === 0)
  const notReady = apps.filter((c) => c.state !== 'running').map((c) => c.name)
  const incompleteInits = inits
    .filter((c) => !(c.state === 'exited' && c.exitCode === 0))
    .map((c) => c.name)
  const policy = pod.spec.restartPolicy ?? 'Always'
  const allTerminated = apps.every((c) => c.state === 'exited')
  let phase: PodStatus['phase'] = 'Pending'
  if (
    apps.some(
      (c) =>
        c.state === 'running' ||
        (c.state === 'exited' && policy === 'Always') ||
        c.restartCount > 0,
    )
  )
    phase = 'Running'
  if (allTerminated && policy !== 'Always' && apps.every((c) => c.exitCode === 0))
    phase = 'Succeeded'
  else if (allTerminated && policy === 'Never' && apps.some((c) => c.exitCode !== 0))
    phase = 'Failed'
  const containersReady = notReady.length === 0
  const scheduled = prev?.find((c) => c.type === 'PodScheduled')
  const conditions: PodCondition[] = [
    condition(prev, 'PodReadyToStartContainers', sandboxReady ? 'True' : 'False', now),
    condition(
      prev,
      'Initialized',
      initsDone ? 'True' : 'False',
      now,
      initsDone ? undefined : 'ContainersNotInitialized',
      initsDone ? undefined : `containers with incomplete status: [${incompleteInits.join(' ')}]`,
    ),
    condition(
      prev,
      'Ready',
      containersReady ? 'True' : 'False',
      now,
      containersReady ? undefined : 'ContainersNotReady',
      containersReady ? undefined : `containers with unready status: [${notReady.join(' ')}]`,
    ),
    condition(
      prev,
      'ContainersReady',
      containersReady ? 'True' : 'False',
      now,
      containersReady ? undefined : 'ContainersNotReady',
      containersReady ? undefined : `containers with unready status: [${notReady.join(' ')}]`,
    ),
    scheduled ?? condition(prev, 'PodScheduled', 'True', now),
  ]
  if (phase === 'Succeeded') {
    for (const c of conditions)
      if (c.type === 'Ready' || c.type === 'ContainersReady')
        Object.assign(c, { status: 'False', reason: 'PodCompleted' })
  }
  return {
    conditions,
    containerStatuses: apps.map((c) => containerStatus(ctx.state.now, pod, rt, c)),
    hostIP: node.ip,
    hostIPs: [{ ip: node.ip }],
    ...(inits.length
      ? { initContainerStatuses: inits.map((c) => containerStatus(ctx.state.now, pod, rt, c)) }
      : {}),
    phase,
    ...(sandboxReady ? { podIP: rt.ip, podIPs: [{ ip: rt.ip }] } : {}),
    qosClass: pod.status.qosClass,
    startTime: rfc3339(rt.startedAt),
  } as PodStatus
}

export function writeStatus(ctx: Ctx, node: NodeRuntime, pod: Pod, rt: PodRuntime): void {
  const status = computeStatus(ctx, node, pod, rt)
  if (JSON.stringify(status) === JSON.stringify(pod.status)) return
  const copy = deepClone(pod)
  copy.status = status
  if (copy.status.phase !== pod.status.phase)
    emit(ctx, {
      type: 'pod.phase',
      namespace: rt.namespace,
      pod: rt.name,
      node: node.name,
      phase: copy.status.phase,
    })
  putObject(ctx, copy)
}

/** nodeStatusReportFrequency: with nothing changed, the kubelet still reports node status every 5 minutes. */
export const NODE_STATUS_REPORT_MS = 5 * 60_000

export function nodeHeartbeat(ctx: Ctx, nodeName: string): void {
  const rt = ctx.state.nodes[nodeName]
  const node = getObject(ctx.state, 'Node', undefined, nodeName)
  if (!rt || !node || !rt.ready) return
  const copy = deepClone(node)
  const now = rfc3339(ctx.state.now)
  for (const c of copy.status.conditions) c.lastHeartbeatTime = now
  putObject(ctx, copy)
  schedule(
    ctx,
    NODE_STATUS_REPORT_MS,
    { kind: 'node.heartbeat', node: nodeName },
    { background: true },
  )
}
