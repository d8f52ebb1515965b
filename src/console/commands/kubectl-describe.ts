import { QUANTITY_BINARY, QUANTITY_DECIMAL } from '../../engine/index.ts'
import type {
  ClusterState,
  ConfigMap,
  Container,
  ContainerState,
  ContainerStatus,
  DaemonSet,
  Deployment,
  EndpointSlice,
  KEvent,
  KObject,
  LabelSelector,
  Namespace,
  Node,
  Pod,
  PodTemplateSpec,
  ReplicaSet,
  ResourceInfo,
  Secret,
  Service,
  Toleration,
  Volume,
} from '../../engine/index.ts'
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../../engine/index.ts'
import {
  base64Decode,
  base64DecodeText,
  humanDuration,
  listObjects,
  parseRfc3339,
} from '../../engine/index.ts'
import type { CommandSpec, OutputLine } from '../types.ts'
import { err, out, textLines } from '../types.ts'
import { bool, str } from '../flags.ts'
import { policyRuleRows } from '../format/rbac.ts'
import { ALL_NAMESPACES_FLAG, SELECTOR_FLAG, namespaceOf, withGlobals } from './kubectlFlags.ts'
import { parseResourceArgs, listFor, getFor, groupResource } from '../kubectl/resources.ts'
import { parseSelector, matchesSelector } from '../kubectl/selectors.ts'
import {
  LEVEL_0,
  LEVEL_1,
  LEVEL_2,
  LEVEL_3,
  PrefixWriter,
  goSort,
  rfc1123z,
  rfc1123zAt,
  tabbedString,
} from '../format/describe.ts'

// `kubectl describe`, a port of kubectl v1.32's describers:
//   k8s.io/kubectl/pkg/describe/describe.go      (what each kind prints, and in which order)
//   k8s.io/kubectl/pkg/cmd/describe/describe.go  (argument handling, prefix matching, separators)
// Each describer writes the same tab-separated strings describe.go writes; format/describe.ts lays
// them out with a port of Go's text/tabwriter, so the alignment quirks of the real thing (blocks that
// restart after a tab-less line, trailing spaces after condition statuses) come out identical.
// Ground truth for the output: docs/research/kubectl-formats.md §2 (captured from a real kubectl v1.32).

interface Ctx {
  state: ClusterState
  showEvents: boolean
}

// ---------------------------------------------------------------------------------------------
// Small helpers shared by the describers

const since = (ctx: Ctx, ts: string | undefined | null): string =>
  ts ? humanDuration(ctx.state.now - parseRfc3339(ts)) : '<unknown>'

const sortedKeys = (m: Record<string, unknown> | undefined): string[] =>
  Object.keys(m ?? {}).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))

/** labels.FormatLabels: `k=v,k=v` sorted by key, `<none>` when empty. */
function formatLabels(m: Record<string, string> | undefined): string {
  const keys = sortedKeys(m)
  return keys.length ? keys.map((k) => `${k}=${m![k]}`).join(',') : '<none>'
}

/** metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key; empty selector → ''. */
function selectorString(sel: LabelSelector | undefined): string {
  const reqs: { key: string; text: string }[] = []
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {}))
    reqs.push({ key: k, text: `${k}=${v}` })
  for (const e of sel?.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(',')
    const text =
      e.operator === 'In'
        ? `${e.key} in (${vals})`
        : e.operator === 'NotIn'
          ? `${e.key} notin (${vals})`
          : e.operator === 'Exists'
            ? e.key
            : `!${e.key}`
    reqs.push({ key: e.key, text })
  }
  return reqs
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.text)
    .join(',')
}

/** metav1.FormatLabelSelector: like selectorString but `<none>` when empty. */
const formatLabelSelector = (sel: LabelSelector | undefined) => selectorString(sel) || '<none>'

function selectorMatches(
  sel: LabelSelector | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {}
  if (!sel) return false
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false
  for (const e of sel.matchExpressions ?? []) {
    const has = e.key in l
    if (e.operator === 'In' && !(has && (e.values ?? []).includes(l[e.key]!))) return false
    if (e.operator === 'NotIn' && has && (e.values ?? []).includes(l[e.key]!)) return false
    if (e.operator === 'Exists' && !has) return false
    if (e.operator === 'DoesNotExist' && has) return false
  }
  return true
}

function controllerOf(obj: KObject): { kind: string; name: string; uid: string } | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller)
}

/** printLabelsMultiline (also used for Node-Selectors): sorted `k=v`, continuation lines re-enter the value column. */
function printLabelsMultiline(
  w: PrefixWriter,
  title: string,
  labels: Record<string, string> | undefined,
): void {
  w.write(LEVEL_0, `${title}:\t`)
  const keys = sortedKeys(labels)
  if (keys.length === 0) return w.writeLine('<none>')
  keys.forEach((k, i) => {
    if (i !== 0) w.write(LEVEL_0, '\t')
    w.write(LEVEL_0, `${k}=${labels![k]}\n`)
  })
}

const MAX_ANNOTATION_LEN = 140

/** printAnnotationsMultiline: `k: v` sorted; long or multi-line values go on their own lines, shortened. */
function printAnnotationsMultiline(
  w: PrefixWriter,
  title: string,
  annotations: Record<string, string> | undefined,
): void {
  w.write(LEVEL_0, `${title}:\t`)
  // kubectl hides the (huge) last-applied-configuration annotation
  const keys = sortedKeys(annotations).filter(
    (k) => k !== 'kubectl.kubernetes.io/last-applied-configuration',
  )
  if (keys.length === 0) return w.writeLine('<none>')
  keys.forEach((key, i) => {
    if (i !== 0) w.write(LEVEL_0, '\t')
    const value = annotations![key]!.replace(/\n$/, '')
    if (value.length + key.length + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      w.write(LEVEL_0, `${key}:\n`)
      for (const s of value.split('\n'))
        w.write(
          LEVEL_0,
          `\t  ${s.length > MAX_ANNOTATION_LEN - 2 ? s.slice(0, MAX_ANNOTATION_LEN - 2) + '...' : s}\n`,
        )
    } else {
      w.write(LEVEL_0, `${key}: ${value}\n`)
    }
  })
}

/** printTolerationsMultilineWithIndent: `key[=value]:Effect op=Exists for Ns`, sorted by key with Go's (unstable) sort.Slice. */
function printTolerationsMultiline(
  w: PrefixWriter,
  title: string,
  tolerations: Toleration[] | undefined,
): void {
  w.write(LEVEL_0, `${title}:\t`)
  if (!tolerations?.length) return w.writeLine('<none>')
  const sorted = goSort([...tolerations], (a, b) => (a.key ?? '') < (b.key ?? ''))
  sorted.forEach((t, i) => {
    if (i !== 0) w.write(LEVEL_0, '\t')
    let s = t.key ?? ''
    if (t.value) s += `=${t.value}`
    if (t.effect) s += `:${t.effect}`
    if (t.operator === 'Exists' && !t.value) s += t.key || t.effect ? ' op=Exists' : 'op=Exists'
    if (t.tolerationSeconds !== undefined) s += ` for ${t.tolerationSeconds}s`
    w.write(LEVEL_0, s + '\n')
  })
}

// ---------------------------------------------------------------------------------------------
// Quantities: just enough of apimachinery's resource.Quantity to add requests and print them in
// canonical form (`100m`, `170Mi`, `2`) the way Quantity.String() does.

interface Quantity {
  /** value × 1000, an integer (milli-units), so CPU and bytes both stay exact */
  milli: number
  binary: boolean
}

const BIN = QUANTITY_BINARY
const DEC = QUANTITY_DECIMAL

function parseQty(text: string): Quantity {
  const m = /^([+-]?\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(text.trim())
  if (!m) return { milli: 0, binary: false }
  const suffix = m[2] ?? ''
  const mult = BIN[suffix] ?? DEC[suffix] ?? 1
  // round up to a whole milli-unit, as Quantity.MilliValue does
  return { milli: Math.ceil(Number(m[1]) * mult * 1000 - 1e-6), binary: suffix in BIN }
}

/** Quantity.String() in canonical form. */
function qtyString(q: Quantity | undefined): string {
  if (!q || q.milli === 0) return '0'
  if (q.binary && Math.abs(q.milli) >= 1024 * 1000 && q.milli % 1000 === 0) {
    // BinarySI: the largest power of 1024 that divides the value exactly
    let v = q.milli / 1000
    const suffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']
    let i = 0
    while (i < suffixes.length - 1 && v % 1024 === 0) {
      v /= 1024
      i++
    }
    return `${v}${suffixes[i]}`
  }
  // DecimalSI (also what a BinarySI value below 1Ki or with a fraction falls back to)
  if (q.milli % 1000 !== 0) return `${q.milli}m`
  let v = q.milli / 1000
  const suffixes = ['', 'k', 'M', 'G', 'T', 'P', 'E']
  let i = 0
  while (i < suffixes.length - 1 && v % 1000 === 0) {
    v /= 1000
    i++
  }
  return `${v}${suffixes[i]}`
}

type ResourceList = Record<string, Quantity>

function toList(m: Record<string, string> | undefined): ResourceList {
  const out: ResourceList = {}
  for (const [k, v] of Object.entries(m ?? {})) out[k] = parseQty(v)
  return out
}

/** Quantity.Add keeps the receiver's format unless it was zero. */
function addList(into: ResourceList, add: ResourceList): void {
  for (const [k, v] of Object.entries(add)) {
    const cur = into[k]
    into[k] = cur
      ? { milli: cur.milli + v.milli, binary: cur.milli === 0 ? v.binary : cur.binary }
      : { ...v }
  }
}

function maxList(into: ResourceList, other: ResourceList): void {
  for (const [k, v] of Object.entries(other))
    if (!into[k] || v.milli > into[k]!.milli) into[k] = { ...v }
}

/** k8s.io/kubectl/pkg/util/resource PodRequestsAndLimits: sum of containers, at least the largest init container. */
function podRequestsAndLimits(pod: Pod): { reqs: ResourceList; limits: ResourceList } {
  const reqs: ResourceList = {}
  const limits: ResourceList = {}
  for (const c of pod.spec.containers) {
    addList(reqs, toList(c.resources?.requests))
    addList(limits, toList(c.resources?.limits))
  }
  const initReqs: ResourceList = {}
  const initLimits: ResourceList = {}
  for (const c of pod.spec.initContainers ?? []) {
    maxList(initReqs, toList(c.resources?.requests))
    maxList(initLimits, toList(c.resources?.limits))
  }
  maxList(reqs, initReqs)
  maxList(limits, initLimits)
  return { reqs, limits }
}

/** Quantity.Value(): whole units, rounded up. */
const qtyValue = (q: Quantity | undefined) => (q ? Math.ceil(q.milli / 1000) : 0)
const pct = (num: number, den: number) => (den === 0 ? 0 : Math.trunc((num / den) * 100))

// ---------------------------------------------------------------------------------------------
// Events (DescribeEvents + searchEvents)

function eventsFor(ctx: Ctx, obj: KObject): KEvent[] {
  const { name, uid, namespace } = obj.metadata
  const isNode = obj.kind === 'Node'
  // Node events carry the node's UID (controllers) or its name (kubelet); kubectl runs both queries.
  // Pod events are searched without a kind (describe.go clears ref.Kind for pods).
  const matches = (e: KEvent, wantUid: string) =>
    e.involvedObject.name === name &&
    (e.involvedObject.namespace ?? '') === (namespace ?? '') &&
    (obj.kind === 'Pod' || e.involvedObject.kind === obj.kind) &&
    e.involvedObject.uid === wantUid
  const all = listObjects(ctx.state, 'Event', isNode ? undefined : namespace)
  const found = all.filter((e) => matches(e, uid))
  if (isNode && uid !== name) found.push(...all.filter((e) => matches(e, name)))
  return found
}

function describeEvents(ctx: Ctx, w: PrefixWriter, obj: KObject): void {
  if (!ctx.showEvents) return
  const events = eventsFor(ctx, obj)
  if (events.length === 0) return w.write(LEVEL_0, 'Events:\t<none>\n')
  // event.SortableEvents orders by lastTimestamp with sort.Sort (not stable: see goSort)
  const time = (e: KEvent) => parseRfc3339(e.lastTimestamp || e.firstTimestamp)
  goSort(events, (a, b) => time(a) < time(b))
  w.write(LEVEL_0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n')
  w.write(LEVEL_1, '----\t------\t----\t----\t-------\n')
  for (const e of events) {
    const first = since(ctx, e.firstTimestamp)
    const interval =
      e.count > 1 ? `${since(ctx, e.lastTimestamp)} (x${e.count} over ${first})` : first
    const source = e.source.component || e.reportingComponent
    w.write(LEVEL_1, `${e.type}\t${e.reason}\t${interval}\t${source}\t${e.message.trim()}\n`)
  }
}

// ---------------------------------------------------------------------------------------------
// Pods and pod templates

// The engine keeps init container statuses beside containerStatuses (the API field name).
type PodStatusWithInit = Pod['status'] & { initContainerStatuses?: ContainerStatus[] }

interface Probe {
  exec?: { command?: string[] }
  httpGet?: { path?: string; port: number | string; host?: string; scheme?: string }
  tcpSocket?: { port: number | string; host?: string }
  initialDelaySeconds?: number
  timeoutSeconds?: number
  periodSeconds?: number
  successThreshold?: number
  failureThreshold?: number
}
type ContainerWithProbes = Container & {
  livenessProbe?: Probe
  readinessProbe?: Probe
  startupProbe?: Probe
}

/** DescribeProbe */
function describeProbe(p: Probe): string {
  const attrs = `delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s #success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`
  if (p.exec) return `exec [${(p.exec.command ?? []).join(' ')}] ${attrs}`
  if (p.httpGet)
    return `http-get ${(p.httpGet.scheme ?? 'HTTP').toLowerCase()}://${p.httpGet.host ?? ''}:${p.httpGet.port}${p.httpGet.path ?? ''} ${attrs}`
  if (p.tcpSocket) return `tcp-socket ${p.tcpSocket.host ?? ''}:${p.tcpSocket.port} ${attrs}`
  return `unknown ${attrs}`
}

function describeStatus(w: PrefixWriter, stateName: string, state: ContainerState): void {
  if (state.running) {
    w.write(LEVEL_2, `${stateName}:\tRunning\n`)
    w.write(LEVEL_3, `Started:\t${rfc1123z(state.running.startedAt)}\n`)
  } else if (state.waiting) {
    w.write(LEVEL_2, `${stateName}:\tWaiting\n`)
    if (state.waiting.reason) w.write(LEVEL_3, `Reason:\t${state.waiting.reason}\n`)
  } else if (state.terminated) {
    const t = state.terminated
    w.write(LEVEL_2, `${stateName}:\tTerminated\n`)
    if (t.reason) w.write(LEVEL_3, `Reason:\t${t.reason}\n`)
    if (t.message) w.write(LEVEL_3, `Message:\t${t.message}\n`)
    w.write(LEVEL_3, `Exit Code:\t${t.exitCode}\n`)
    w.write(LEVEL_3, `Started:\t${rfc1123z(t.startedAt)}\n`)
    w.write(LEVEL_3, `Finished:\t${rfc1123z(t.finishedAt)}\n`)
  } else {
    w.write(LEVEL_2, `${stateName}:\tWaiting\n`)
  }
}

function describeResources(w: PrefixWriter, r: Container['resources'], level: number): void {
  for (const [title, list] of [
    ['Limits', r?.limits],
    ['Requests', r?.requests],
  ] as const) {
    const keys = sortedKeys(list)
    if (keys.length) w.write(level, `${title}:\n`)
    for (const k of keys) w.write(level + 1, `${k}:\t${qtyString(parseQty(list![k]!))}\n`)
  }
}

/** The value a downward-API env var resolves to (EnvValueRetriever), for the fields pods commonly use. */
function fieldValue(pod: Pod | undefined, path: string): string {
  if (!pod) return ''
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name
    case 'metadata.namespace':
      return pod.metadata.namespace ?? ''
    case 'metadata.uid':
      return pod.metadata.uid
    case 'spec.nodeName':
      return pod.spec.nodeName ?? ''
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? ''
    case 'status.podIP':
      return pod.status.podIP ?? ''
    case 'status.hostIP':
      return pod.status.hostIP ?? ''
    default:
      return ''
  }
}

function describeEnv(w: PrefixWriter, c: Container, pod: Pod | undefined): void {
  // describeContainerEnvFrom, printed only when the container has envFrom
  if (c.envFrom?.length) {
    w.write(LEVEL_2, 'Environment Variables from:\n')
    for (const e of c.envFrom) {
      const ref = e.configMapRef ?? e.secretRef
      const from = e.configMapRef ? 'ConfigMap' : e.secretRef ? 'Secret' : ''
      const kind = e.prefix ? `${from} with prefix '${e.prefix}'` : from
      w.write(LEVEL_3, `${ref?.name ?? ''}\t${kind}\tOptional: ${ref?.optional === true}\n`)
    }
  }
  w.write(LEVEL_2, `Environment:${c.env?.length ? '' : '\t<none>'}\n`)
  for (const e of c.env ?? []) {
    const from = e.valueFrom as
      | {
          fieldRef?: { apiVersion?: string; fieldPath: string }
          resourceFieldRef?: { resource: string }
          secretKeyRef?: { name: string; key: string; optional?: boolean }
          configMapKeyRef?: { name: string; key: string; optional?: boolean }
        }
      | undefined
    if (!from) {
      ;(e.value ?? '')
        .split('\n')
        .forEach((s, i) => w.write(LEVEL_3, i === 0 ? `${e.name}:\t${s}\n` : `\t${s}\n`))
    } else if (from.fieldRef) {
      w.write(
        LEVEL_3,
        `${e.name}:\t${fieldValue(pod, from.fieldRef.fieldPath)} (${from.fieldRef.apiVersion ?? 'v1'}:${from.fieldRef.fieldPath})\n`,
      )
    } else if (from.resourceFieldRef) {
      w.write(LEVEL_3, `${e.name}:\t (${from.resourceFieldRef.resource})\n`)
    } else if (from.secretKeyRef) {
      w.write(
        LEVEL_3,
        `${e.name}:\t<set to the key '${from.secretKeyRef.key}' in secret '${from.secretKeyRef.name}'>\tOptional: ${from.secretKeyRef.optional === true}\n`,
      )
    } else if (from.configMapKeyRef) {
      w.write(
        LEVEL_3,
        `${e.name}:\t<set to the key '${from.configMapKeyRef.key}' of config map '${from.configMapKeyRef.name}'>\tOptional: ${from.configMapKeyRef.optional === true}\n`,
      )
    }
  }
}

/** describeContainers: `space` is '' for pods and '  ' inside a pod template (names then get one extra space). */
function describeContainers(
  w: PrefixWriter,
  label: string,
  containers: Container[],
  statuses: ContainerStatus[] | undefined,
  pod: Pod | undefined,
  space: string,
): void {
  const byName = new Map((statuses ?? []).map((s) => [s.name, s]))
  w.write(LEVEL_0, `${space}${label}:${containers.length ? '' : ' <none>'}\n`)
  for (const c of containers as ContainerWithProbes[]) {
    const status = byName.get(c.name)
    w.write(LEVEL_1, `${space ? ' ' : ''}${c.name}:\n`)
    if (status) w.write(LEVEL_2, `Container ID:\t${status.containerID ?? ''}\n`)
    w.write(LEVEL_2, `Image:\t${c.image}\n`)
    if (status) w.write(LEVEL_2, `Image ID:\t${status.imageID ?? ''}\n`)
    const ports = (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ')
    const hostPorts = (c.ports ?? [])
      .map((p) => `${p.hostPort ?? 0}/${p.protocol ?? 'TCP'}`)
      .join(', ')
    w.write(LEVEL_2, ports.includes(',') ? `Ports:\t${ports}\n` : `Port:\t${ports || '<none>'}\n`)
    w.write(
      LEVEL_2,
      hostPorts.includes(',')
        ? `Host Ports:\t${hostPorts}\n`
        : `Host Port:\t${hostPorts || '<none>'}\n`,
    )
    for (const [title, list] of [
      ['Command', c.command],
      ['Args', c.args],
    ] as const) {
      if (!list?.length) continue
      w.write(LEVEL_2, `${title}:\n`)
      for (const a of list) for (const s of a.split('\n')) w.write(LEVEL_3, `${s}\n`)
    }
    if (status) {
      describeStatus(w, 'State', status.state)
      if (status.lastState?.terminated) describeStatus(w, 'Last State', status.lastState)
      w.write(LEVEL_2, `Ready:\t${status.ready ? 'True' : 'False'}\n`)
      w.write(LEVEL_2, `Restart Count:\t${status.restartCount}\n`)
    }
    describeResources(w, c.resources, LEVEL_2)
    if (c.livenessProbe) w.write(LEVEL_2, `Liveness:\t${describeProbe(c.livenessProbe)}\n`)
    if (c.readinessProbe) w.write(LEVEL_2, `Readiness:\t${describeProbe(c.readinessProbe)}\n`)
    if (c.startupProbe) w.write(LEVEL_2, `Startup:\t${describeProbe(c.startupProbe)}\n`)
    describeEnv(w, c, pod)
    const mounts = [...(c.volumeMounts ?? [])].sort((a, b) =>
      a.mountPath < b.mountPath ? -1 : a.mountPath > b.mountPath ? 1 : 0,
    )
    w.write(LEVEL_2, `Mounts:${mounts.length ? '' : '\t<none>'}\n`)
    for (const m of mounts as {
      name: string
      mountPath: string
      readOnly?: boolean
      subPath?: string
    }[]) {
      const flags = [m.readOnly ? 'ro' : 'rw', ...(m.subPath ? [`path="${m.subPath}"`] : [])]
      w.write(LEVEL_3, `${m.mountPath} from ${m.name} (${flags.join(',')})\n`)
    }
  }
}

interface ProjectedSource {
  serviceAccountToken?: { expirationSeconds?: number }
  configMap?: { name: string; optional?: boolean }
  secret?: { name: string; optional?: boolean }
  downwardAPI?: unknown
}

/** describeVolumes, for the volume types the simulation creates. The projected source labels are
 * v1.32's (`ConfigMapOptional:  <nil>`; newer kubectl prints `Optional:  false`). */
function describeVolumes(w: PrefixWriter, volumes: Volume[] | undefined, space: string): void {
  if (!volumes?.length) return w.write(LEVEL_0, `${space}Volumes:\t<none>\n`)
  w.write(LEVEL_0, `${space}Volumes:\n`)
  const optional = (v: boolean | undefined) => (v === undefined ? '<nil>' : String(v))
  for (const v of volumes) {
    w.write(LEVEL_1, `${space ? ' ' : ''}${v.name}:\n`)
    const hostPath = v.hostPath as { path: string; type?: string } | undefined
    const emptyDir = v.emptyDir as { medium?: string; sizeLimit?: string } | undefined
    const secret = v.secret as { secretName: string; optional?: boolean } | undefined
    const configMap = v.configMap as { name: string; optional?: boolean } | undefined
    const projected = v.projected as { sources?: ProjectedSource[] } | undefined
    if (hostPath) {
      w.write(
        LEVEL_2,
        `Type:\tHostPath (bare host directory volume)\n    Path:\t${hostPath.path}\n    HostPathType:\t${hostPath.type || '<none>'}\n`,
      )
    } else if (emptyDir) {
      w.write(
        LEVEL_2,
        `Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t${emptyDir.medium ?? ''}\n    SizeLimit:\t${emptyDir.sizeLimit ?? '<unset>'}\n`,
      )
    } else if (secret) {
      w.write(
        LEVEL_2,
        `Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t${secret.secretName}\n    Optional:\t${secret.optional === true}\n`,
      )
    } else if (configMap) {
      w.write(
        LEVEL_2,
        `Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t${configMap.name}\n    Optional:\t${configMap.optional === true}\n`,
      )
    } else if (projected) {
      w.write(
        LEVEL_2,
        'Type:\tProjected (a volume that contains injected data from multiple sources)\n',
      )
      for (const s of projected.sources ?? []) {
        if (s.secret)
          w.write(
            LEVEL_2,
            `SecretName:\t${s.secret.name}\n    SecretOptionalName:\t${optional(s.secret.optional)}\n`,
          )
        else if (s.downwardAPI) w.write(LEVEL_2, 'DownwardAPI:\ttrue\n')
        else if (s.configMap)
          w.write(
            LEVEL_2,
            `ConfigMapName:\t${s.configMap.name}\n    ConfigMapOptional:\t${optional(s.configMap.optional)}\n`,
          )
        else if (s.serviceAccountToken)
          w.write(
            LEVEL_2,
            `TokenExpirationSeconds:\t${s.serviceAccountToken.expirationSeconds ?? 3600}\n`,
          )
      }
    } else {
      w.write(LEVEL_1, '<unknown>\n')
    }
  }
}

/** qos.GetPodQOS: the status field, or computed from the containers' requests and limits. */
function podQos(pod: Pod): string {
  if (pod.status.qosClass) return pod.status.qosClass
  const all = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]
  if (
    all.every(
      (c) =>
        !Object.keys(c.resources?.requests ?? {}).length &&
        !Object.keys(c.resources?.limits ?? {}).length,
    )
  )
    return 'BestEffort'
  const guaranteed = all.every((c) =>
    ['cpu', 'memory'].every(
      (r) =>
        c.resources?.limits?.[r] &&
        (c.resources.requests?.[r] ?? c.resources.limits[r]) === c.resources.limits[r],
    ),
  )
  return guaranteed ? 'Guaranteed' : 'Burstable'
}

function describePod(ctx: Ctx, pod: Pod): string {
  return tabbedString((w) => {
    const { metadata: m, spec, status } = pod
    w.write(LEVEL_0, `Name:\t${m.name}\n`)
    w.write(LEVEL_0, `Namespace:\t${m.namespace}\n`)
    if (spec.priority !== undefined) w.write(LEVEL_0, `Priority:\t${spec.priority}\n`)
    if (spec.priorityClassName)
      w.write(LEVEL_0, `Priority Class Name:\t${spec.priorityClassName}\n`)
    if (spec.serviceAccountName) w.write(LEVEL_0, `Service Account:\t${spec.serviceAccountName}\n`)
    w.write(
      LEVEL_0,
      spec.nodeName ? `Node:\t${spec.nodeName}/${status.hostIP ?? ''}\n` : 'Node:\t<none>\n',
    )
    if (status.startTime) w.write(LEVEL_0, `Start Time:\t${rfc1123z(status.startTime)}\n`)
    printLabelsMultiline(w, 'Labels', m.labels)
    printAnnotationsMultiline(w, 'Annotations', m.annotations)
    if (m.deletionTimestamp && status.phase !== 'Failed' && status.phase !== 'Succeeded') {
      // deletionTimestamp lies in the future (now + grace period), so this reads `<invalid>` on a real cluster too
      w.write(LEVEL_0, `Status:\tTerminating (lasts ${since(ctx, m.deletionTimestamp)})\n`)
      w.write(LEVEL_0, `Termination Grace Period:\t${m.deletionGracePeriodSeconds ?? 0}s\n`)
    } else {
      w.write(LEVEL_0, `Status:\t${status.phase}\n`)
    }
    if (status.reason) w.write(LEVEL_0, `Reason:\t${status.reason}\n`)
    if (status.message) w.write(LEVEL_0, `Message:\t${status.message}\n`)
    w.write(LEVEL_0, `IP:\t${status.podIP ?? ''}\n`)
    if (!status.podIPs?.length) w.write(LEVEL_0, 'IPs:\t<none>\n')
    else {
      w.write(LEVEL_0, 'IPs:\n')
      for (const ip of status.podIPs) w.write(LEVEL_1, `IP:\t${ip.ip}\n`)
    }
    const ctrl = controllerOf(pod)
    if (ctrl) w.write(LEVEL_0, `Controlled By:\t${ctrl.kind}/${ctrl.name}\n`)
    if (spec.initContainers?.length)
      describeContainers(
        w,
        'Init Containers',
        spec.initContainers,
        (status as PodStatusWithInit).initContainerStatuses,
        pod,
        '',
      )
    describeContainers(w, 'Containers', spec.containers, status.containerStatuses, pod, '')
    if (status.conditions?.length) {
      w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\n')
      // the space before each tab is in describe.go ("%v \t%v \n"): it shows as a trailing space
      for (const c of status.conditions) w.write(LEVEL_1, `${c.type} \t${c.status} \n`)
    }
    describeVolumes(w, spec.volumes, '')
    w.write(LEVEL_0, `QoS Class:\t${podQos(pod)}\n`)
    printLabelsMultiline(w, 'Node-Selectors', spec.nodeSelector)
    printTolerationsMultiline(w, 'Tolerations', spec.tolerations)
    describeEvents(ctx, w, pod)
  })
}

/** DescribePodTemplate (Deployment, ReplicaSet, DaemonSet). */
function describePodTemplate(w: PrefixWriter, t: PodTemplateSpec): void {
  w.write(LEVEL_0, 'Pod Template:\n')
  printLabelsMultiline(w, '  Labels', t.metadata.labels)
  if (Object.keys(t.metadata.annotations ?? {}).length)
    printAnnotationsMultiline(w, '  Annotations', t.metadata.annotations)
  if (t.spec.serviceAccountName)
    w.write(LEVEL_1, `Service Account:\t${t.spec.serviceAccountName}\n`)
  if (t.spec.initContainers?.length)
    describeContainers(w, 'Init Containers', t.spec.initContainers, undefined, undefined, '  ')
  describeContainers(w, 'Containers', t.spec.containers, undefined, undefined, '  ')
  describeVolumes(w, t.spec.volumes, '  ')
  if (t.spec.priorityClassName)
    w.write(LEVEL_1, `Priority Class Name:\t${t.spec.priorityClassName}\n`)
  printLabelsMultiline(w, '  Node-Selectors', t.spec.nodeSelector)
  printTolerationsMultiline(w, '  Tolerations', t.spec.tolerations)
}

/** getPodStatusForController: pods matching the selector whose controller is this object. */
function podPhaseCounts(ctx: Ctx, owner: KObject, selector: LabelSelector): string {
  const counts = { Running: 0, Pending: 0, Succeeded: 0, Failed: 0 }
  for (const p of listObjects(ctx.state, 'Pod', owner.metadata.namespace)) {
    if (
      !selectorMatches(selector, p.metadata.labels) ||
      controllerOf(p)?.uid !== owner.metadata.uid
    )
      continue
    if (p.status.phase in counts) counts[p.status.phase as keyof typeof counts]++
  }
  return `${counts.Running} Running / ${counts.Pending} Waiting / ${counts.Succeeded} Succeeded / ${counts.Failed} Failed`
}

// ---------------------------------------------------------------------------------------------
// Workloads

const intOrString = (v: string | number | undefined) => (v === undefined ? '' : String(v))

/** deploymentutil.EqualIgnoreHash: the templates match once the pod-template-hash label is dropped. */
function templateKey(t: PodTemplateSpec): string {
  const labels = { ...(t.metadata.labels ?? {}) }
  delete labels['pod-template-hash']
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
          )
        : v
  return JSON.stringify(canon({ ...t, metadata: { ...t.metadata, labels } }))
}

function describeDeployment(ctx: Ctx, d: Deployment): string {
  // GetAllReplicaSetsInChunks: ReplicaSets this Deployment controls; the new one is the oldest whose
  // template equals the Deployment's; every other one is old (listed in API order, 0-replica ones too).
  const owned = listObjects(ctx.state, 'ReplicaSet', d.metadata.namespace).filter(
    (rs) =>
      selectorMatches(d.spec.selector, rs.metadata.labels) &&
      controllerOf(rs)?.uid === d.metadata.uid,
  )
  const want = templateKey(d.spec.template)
  const byAge = goSort(
    [...owned],
    (a, b) =>
      parseRfc3339(a.metadata.creationTimestamp) < parseRfc3339(b.metadata.creationTimestamp) ||
      (a.metadata.creationTimestamp === b.metadata.creationTimestamp &&
        a.metadata.name < b.metadata.name),
  )
  const newRS = byAge.find((rs) => templateKey(rs.spec.template) === want)
  const oldRSs = owned.filter((rs) => rs !== newRS)
  const rsList = (list: ReplicaSet[]) =>
    list
      .map(
        (rs) =>
          `${rs.metadata.name} (${rs.status.replicas ?? 0}/${rs.spec.replicas} replicas created)`,
      )
      .join(', ') || '<none>'

  return tabbedString((w) => {
    const { spec, status } = d
    w.write(LEVEL_0, `Name:\t${d.metadata.name}\n`)
    w.write(LEVEL_0, `Namespace:\t${d.metadata.namespace}\n`)
    w.write(LEVEL_0, `CreationTimestamp:\t${rfc1123z(d.metadata.creationTimestamp)}\n`)
    printLabelsMultiline(w, 'Labels', d.metadata.labels)
    printAnnotationsMultiline(w, 'Annotations', d.metadata.annotations)
    w.write(LEVEL_0, `Selector:\t${selectorString(spec.selector)}\n`)
    w.write(
      LEVEL_0,
      `Replicas:\t${spec.replicas} desired | ${status.updatedReplicas ?? 0} updated | ${status.replicas ?? 0} total | ${status.availableReplicas ?? 0} available | ${status.unavailableReplicas ?? 0} unavailable\n`,
    )
    w.write(LEVEL_0, `StrategyType:\t${spec.strategy.type}\n`)
    w.write(LEVEL_0, `MinReadySeconds:\t${spec.minReadySeconds ?? 0}\n`)
    const ru = spec.strategy.rollingUpdate
    if (ru)
      w.write(
        LEVEL_0,
        `RollingUpdateStrategy:\t${intOrString(ru.maxUnavailable)} max unavailable, ${intOrString(ru.maxSurge)} max surge\n`,
      )
    describePodTemplate(w, spec.template)
    if (status.conditions?.length) {
      w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tReason\n')
      w.write(LEVEL_1, '----\t------\t------\n')
      for (const c of status.conditions) w.write(LEVEL_1, `${c.type} \t${c.status}\t${c.reason}\n`)
    }
    if (owned.length) {
      w.write(LEVEL_0, `OldReplicaSets:\t${rsList(oldRSs)}\n`)
      w.write(LEVEL_0, `NewReplicaSet:\t${rsList(newRS ? [newRS] : [])}\n`)
    }
    describeEvents(ctx, w, d)
  })
}

function describeReplicaSet(ctx: Ctx, rs: ReplicaSet): string {
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${rs.metadata.name}\n`)
    w.write(LEVEL_0, `Namespace:\t${rs.metadata.namespace}\n`)
    w.write(LEVEL_0, `Selector:\t${formatLabelSelector(rs.spec.selector)}\n`)
    printLabelsMultiline(w, 'Labels', rs.metadata.labels)
    printAnnotationsMultiline(w, 'Annotations', rs.metadata.annotations)
    const ctrl = controllerOf(rs)
    if (ctrl) w.write(LEVEL_0, `Controlled By:\t${ctrl.kind}/${ctrl.name}\n`)
    w.write(
      LEVEL_0,
      `Replicas:\t${rs.status.replicas ?? 0} current / ${rs.spec.replicas} desired\n`,
    )
    w.write(LEVEL_0, `Pods Status:\t${podPhaseCounts(ctx, rs, rs.spec.selector)}\n`)
    describePodTemplate(w, rs.spec.template)
    describeEvents(ctx, w, rs)
  })
}

function describeDaemonSet(ctx: Ctx, ds: DaemonSet): string {
  return tabbedString((w) => {
    const s = ds.status
    w.write(LEVEL_0, `Name:\t${ds.metadata.name}\n`)
    w.write(LEVEL_0, `Namespace:\t${ds.metadata.namespace}\n`)
    w.write(LEVEL_0, `Selector:\t${selectorString(ds.spec.selector)}\n`)
    w.write(LEVEL_0, `Node-Selector:\t${formatLabels(ds.spec.template.spec.nodeSelector)}\n`)
    printLabelsMultiline(w, 'Labels', ds.metadata.labels)
    printAnnotationsMultiline(w, 'Annotations', ds.metadata.annotations)
    // these five lines have no tab in describe.go, so they break the alignment block
    w.write(LEVEL_0, `Desired Number of Nodes Scheduled: ${s.desiredNumberScheduled}\n`)
    w.write(LEVEL_0, `Current Number of Nodes Scheduled: ${s.currentNumberScheduled}\n`)
    w.write(
      LEVEL_0,
      `Number of Nodes Scheduled with Up-to-date Pods: ${s.updatedNumberScheduled ?? 0}\n`,
    )
    w.write(LEVEL_0, `Number of Nodes Scheduled with Available Pods: ${s.numberAvailable ?? 0}\n`)
    w.write(LEVEL_0, `Number of Nodes Misscheduled: ${s.numberMisscheduled}\n`)
    w.write(LEVEL_0, `Pods Status:\t${podPhaseCounts(ctx, ds, ds.spec.selector)}\n`)
    describePodTemplate(w, ds.spec.template)
    describeEvents(ctx, w, ds)
  })
}

// ---------------------------------------------------------------------------------------------
// Services and EndpointSlices

/** formatEndpointSlices: ready `ip:port` for the named port, at most 3, then ` + N more...`. */
function formatEndpointSlices(slices: EndpointSlice[], portName: string): string {
  if (slices.length === 0) return '<none>'
  const list: string[] = []
  const max = 3
  let more = false
  let count = 0
  for (const s of slices) {
    for (const port of s.ports ?? []) {
      if ((port.name ?? '') !== portName) continue
      for (const ep of s.endpoints) {
        // describe.go checks the limit before skipping not-ready endpoints; kept as is
        if (list.length === max) more = true
        if (ep.conditions.ready === false) continue
        if (!more) list.push(`${ep.addresses[0]}:${port.port}`)
        count++
      }
    }
    if (!s.ports?.length) {
      for (const ep of s.endpoints) {
        if (list.length === max) more = true
        if (ep.conditions.ready === false) continue
        if (!more) list.push(ep.addresses[0]!)
        count++
      }
    }
  }
  const ret = list.join(',')
  return more ? `${ret} + ${count - max} more...` : ret
}

function describeService(ctx: Ctx, svc: Service): string {
  const slices = listObjects(ctx.state, 'EndpointSlice', svc.metadata.namespace).filter(
    (s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name,
  )
  return tabbedString((w) => {
    const { spec } = svc
    w.write(LEVEL_0, `Name:\t${svc.metadata.name}\n`)
    w.write(LEVEL_0, `Namespace:\t${svc.metadata.namespace}\n`)
    printLabelsMultiline(w, 'Labels', svc.metadata.labels)
    printAnnotationsMultiline(w, 'Annotations', svc.metadata.annotations)
    w.write(LEVEL_0, `Selector:\t${formatLabels(spec.selector)}\n`)
    w.write(LEVEL_0, `Type:\t${spec.type}\n`)
    if (spec.ipFamilyPolicy) w.write(LEVEL_0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`)
    w.write(
      LEVEL_0,
      `IP Families:\t${spec.ipFamilies?.length ? spec.ipFamilies.join(',') : '<none>'}\n`,
    )
    w.write(LEVEL_0, `IP:\t${spec.clusterIP ?? ''}\n`)
    w.write(LEVEL_0, `IPs:\t${spec.clusterIPs?.length ? spec.clusterIPs.join(',') : '<none>'}\n`)
    const extra = spec as { externalIPs?: string[]; loadBalancerIP?: string }
    if (extra.externalIPs?.length)
      w.write(LEVEL_0, `External IPs:\t${extra.externalIPs.join(',')}\n`)
    if (extra.loadBalancerIP)
      w.write(LEVEL_0, `Desired LoadBalancer IP:\t${extra.loadBalancerIP}\n`)
    if (spec.externalName) w.write(LEVEL_0, `External Name:\t${spec.externalName}\n`)
    const ingress =
      (svc.status?.loadBalancer as { ingress?: { ip?: string; hostname?: string }[] } | undefined)
        ?.ingress ?? []
    if (ingress.length)
      w.write(
        LEVEL_0,
        `LoadBalancer Ingress:\t${ingress.map((i) => i.ip || i.hostname || '').join(', ')}\n`,
      )
    for (const p of spec.ports ?? []) {
      const name = p.name || '<unset>'
      w.write(LEVEL_0, `Port:\t${name}\t${p.port}/${p.protocol}\n`)
      w.write(LEVEL_0, `TargetPort:\t${p.targetPort ?? p.port}/${p.protocol}\n`)
      if (p.nodePort) w.write(LEVEL_0, `NodePort:\t${name}\t${p.nodePort}/${p.protocol}\n`)
      w.write(LEVEL_0, `Endpoints:\t${formatEndpointSlices(slices, p.name ?? '')}\n`)
    }
    w.write(LEVEL_0, `Session Affinity:\t${spec.sessionAffinity}\n`)
    if (spec.externalTrafficPolicy)
      w.write(LEVEL_0, `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`)
    if (spec.internalTrafficPolicy)
      w.write(LEVEL_0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`)
    describeEvents(ctx, w, svc)
  })
}

function describeEndpointSlice(ctx: Ctx, eps: EndpointSlice): string {
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${eps.metadata.name}\n`)
    w.write(LEVEL_0, `Namespace:\t${eps.metadata.namespace}\n`)
    printLabelsMultiline(w, 'Labels', eps.metadata.labels)
    printAnnotationsMultiline(w, 'Annotations', eps.metadata.annotations)
    w.write(LEVEL_0, `AddressType:\t${eps.addressType}\n`)
    if (!eps.ports?.length) w.write(LEVEL_0, 'Ports: <unset>\n')
    else {
      w.write(LEVEL_0, 'Ports:\n')
      w.write(LEVEL_1, 'Name\tPort\tProtocol\n')
      w.write(LEVEL_1, '----\t----\t--------\n')
      for (const p of eps.ports)
        w.write(LEVEL_1, `${p.name || '<unset>'}\t${p.port ?? '<unset>'}\t${p.protocol}\n`)
    }
    if (!eps.endpoints.length) w.write(LEVEL_0, 'Endpoints: <none>\n')
    else {
      w.write(LEVEL_0, 'Endpoints:\n')
      for (const ep of eps.endpoints) {
        w.write(LEVEL_1, `- Addresses:\t${ep.addresses.join(', ') || '<none>'}\n`)
        w.write(LEVEL_2, 'Conditions:\n')
        w.write(
          LEVEL_3,
          `Ready:\t${ep.conditions.ready === undefined ? '<unset>' : String(ep.conditions.ready)}\n`,
        )
        w.write(LEVEL_2, `Hostname:\t${(ep as { hostname?: string }).hostname ?? '<unset>'}\n`)
        if (ep.targetRef)
          w.write(LEVEL_2, `TargetRef:\t${ep.targetRef.kind}/${ep.targetRef.name}\n`)
        w.write(LEVEL_2, `NodeName:\t${ep.nodeName ?? '<unset>'}\n`)
        w.write(LEVEL_2, `Zone:\t${ep.zone ?? '<unset>'}\n`)
      }
    }
    describeEvents(ctx, w, eps)
  })
}

// ---------------------------------------------------------------------------------------------
// Nodes and namespaces

function describeNode(ctx: Ctx, node: Node): string {
  // field selector spec.nodeName=<node>,status.phase!=Failed,status.phase!=Succeeded, all namespaces
  const pods = listObjects(ctx.state, 'Pod').filter(
    (p) =>
      p.spec.nodeName === node.metadata.name &&
      p.status.phase !== 'Failed' &&
      p.status.phase !== 'Succeeded',
  )
  return tabbedString((w) => {
    const { metadata: m, spec, status } = node
    w.write(LEVEL_0, `Name:\t${m.name}\n`)
    const roles = new Set<string>()
    for (const [k, v] of Object.entries(m.labels ?? {})) {
      if (k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length)
        roles.add(k.slice('node-role.kubernetes.io/'.length))
      else if (k === 'kubernetes.io/role' && v) roles.add(v)
    }
    w.write(LEVEL_0, `Roles:\t${roles.size ? [...roles].sort().join(',') : '<none>'}\n`)
    printLabelsMultiline(w, 'Labels', m.labels)
    printAnnotationsMultiline(w, 'Annotations', m.annotations)
    w.write(LEVEL_0, `CreationTimestamp:\t${rfc1123z(m.creationTimestamp)}\n`)
    w.write(LEVEL_0, 'Taints:\t')
    const taints = [...(spec.taints ?? [])]
    if (!taints.length) w.writeLine('<none>')
    goSort(taints, (a, b) => `${a.effect},${a.key}` < `${b.effect},${b.key}`).forEach((t, i) => {
      if (i !== 0) w.write(LEVEL_0, '\t')
      w.write(LEVEL_0, `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}\n`)
    })
    w.write(LEVEL_0, `Unschedulable:\t${spec.unschedulable === true}\n`)
    // Simplified: the simulation keeps no Lease objects in kube-node-lease. The kubelet holds its
    // node's Lease, never sets acquireTime, and renews it every 10s; we show the renewal as now.
    w.write(LEVEL_0, 'Lease:\n')
    w.write(LEVEL_1, `HolderIdentity:\t${m.name}\n`)
    w.write(LEVEL_1, 'AcquireTime:\t<unset>\n')
    w.write(LEVEL_1, `RenewTime:\t${rfc1123zAt(ctx.state.now)}\n`)
    if (status.conditions?.length) {
      w.write(
        LEVEL_0,
        'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n',
      )
      w.write(LEVEL_1, '----\t------\t-----------------\t------------------\t------\t-------\n')
      for (const c of status.conditions)
        w.write(
          LEVEL_1,
          `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason} \t${c.message}\n`,
        )
    }
    w.write(LEVEL_0, 'Addresses:\n')
    for (const a of status.addresses ?? []) w.write(LEVEL_1, `${a.type}:\t${a.address}\n`)
    for (const [title, list] of [
      ['Capacity', status.capacity],
      ['Allocatable', status.allocatable],
    ] as const) {
      if (!Object.keys(list ?? {}).length) continue
      w.write(LEVEL_0, `${title}:\n`)
      for (const k of sortedKeys(list))
        w.write(LEVEL_0, `  ${k}:\t${qtyString(parseQty(list[k]!))}\n`)
    }
    const info = status.nodeInfo
    w.write(LEVEL_0, 'System Info:\n')
    w.write(LEVEL_0, `  Machine ID:\t${info.machineID}\n`)
    w.write(LEVEL_0, `  System UUID:\t${info.systemUUID}\n`)
    w.write(LEVEL_0, `  Boot ID:\t${info.bootID}\n`)
    w.write(LEVEL_0, `  Kernel Version:\t${info.kernelVersion}\n`)
    w.write(LEVEL_0, `  OS Image:\t${info.osImage}\n`)
    w.write(LEVEL_0, `  Operating System:\t${info.operatingSystem}\n`)
    w.write(LEVEL_0, `  Architecture:\t${info.architecture}\n`)
    w.write(LEVEL_0, `  Container Runtime Version:\t${info.containerRuntimeVersion}\n`)
    w.write(LEVEL_0, `  Kubelet Version:\t${info.kubeletVersion}\n`)
    w.write(LEVEL_0, `  Kube-Proxy Version:\t${info.kubeProxyVersion ?? ''}\n`)
    const cidrs = spec as { podCIDR?: string; podCIDRs?: string[] }
    if (cidrs.podCIDR) w.write(LEVEL_0, `PodCIDR:\t${cidrs.podCIDR}\n`)
    if (cidrs.podCIDRs?.length) w.write(LEVEL_0, `PodCIDRs:\t${cidrs.podCIDRs.join(',')}\n`)
    if (spec.providerID) w.write(LEVEL_0, `ProviderID:\t${spec.providerID}\n`)
    describeNodeResource(ctx, w, node, pods)
    describeEvents(ctx, w, node)
  })
}

/** describeNodeResource: per-pod requests/limits as a share of allocatable, then the totals. */
function describeNodeResource(ctx: Ctx, w: PrefixWriter, node: Node, pods: Pod[]): void {
  w.write(LEVEL_0, `Non-terminated Pods:\t(${pods.length} in total)\n`)
  // the empty column after Name ("\t\t") is in describe.go; it widens the gap to four spaces
  w.write(
    LEVEL_1,
    'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n',
  )
  w.write(
    LEVEL_1,
    '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n',
  )
  const alloc = toList(
    Object.keys(node.status.allocatable ?? {}).length
      ? node.status.allocatable
      : node.status.capacity,
  )
  const allocCpu = alloc.cpu?.milli ?? 0
  const allocMem = qtyValue(alloc.memory)
  const cell = (q: Quantity | undefined, frac: number) => `${qtyString(q)} (${frac}%)`
  for (const p of pods) {
    const { reqs, limits } = podRequestsAndLimits(p)
    w.write(
      LEVEL_1,
      `${p.metadata.namespace}\t${p.metadata.name}\t\t${cell(reqs.cpu, pct(reqs.cpu?.milli ?? 0, allocCpu))}\t${cell(limits.cpu, pct(limits.cpu?.milli ?? 0, allocCpu))}\t${cell(reqs.memory, pct(qtyValue(reqs.memory), allocMem))}\t${cell(limits.memory, pct(qtyValue(limits.memory), allocMem))}\t${since(ctx, p.metadata.creationTimestamp)}\n`,
    )
  }
  w.write(
    LEVEL_0,
    'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n',
  )
  w.write(LEVEL_1, 'Resource\tRequests\tLimits\n')
  w.write(LEVEL_1, '--------\t--------\t------\n')
  const reqs: ResourceList = {}
  const limits: ResourceList = {}
  for (const p of pods) {
    const r = podRequestsAndLimits(p)
    addList(reqs, r.reqs)
    addList(limits, r.limits)
  }
  const row = (name: string, share: (q: Quantity | undefined) => number) =>
    w.write(
      LEVEL_1,
      `${name}\t${cell(reqs[name], share(reqs[name]))}\t${cell(limits[name], share(limits[name]))}\n`,
    )
  row('cpu', (q) => pct(q?.milli ?? 0, allocCpu))
  row('memory', (q) => pct(qtyValue(q), allocMem))
  row('ephemeral-storage', (q) => pct(qtyValue(q), qtyValue(alloc['ephemeral-storage'])))
  const standard = new Set(['cpu', 'memory', 'ephemeral-storage', 'storage', 'pods'])
  for (const name of sortedKeys(alloc).filter((k) => k.startsWith('hugepages-')))
    row(name, (q) => pct(qtyValue(q), qtyValue(alloc[name])))
  for (const name of sortedKeys(alloc).filter(
    (k) =>
      !k.startsWith('hugepages-') &&
      !standard.has(k) &&
      !k.startsWith('requests.') &&
      !k.startsWith('limits.'),
  ))
    w.write(LEVEL_1, `${name}\t${qtyString(reqs[name])}\t${qtyString(limits[name])}\n`)
}

/** describeNamespace. Quotas and limit ranges are not simulated, so both lists are empty, as on a fresh cluster. */
function describeNamespace(ns: Namespace): string {
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${ns.metadata.name}\n`)
    printLabelsMultiline(w, 'Labels', ns.metadata.labels)
    printAnnotationsMultiline(w, 'Annotations', ns.metadata.annotations)
    w.write(LEVEL_0, `Status:\t${ns.status.phase}\n`)
    w.write(LEVEL_0, '\n')
    w.write(LEVEL_0, 'No resource quota.\n')
    w.write(LEVEL_0, '\n')
    w.write(LEVEL_0, 'No LimitRange resource.\n')
  })
}

/** RoleDescriber / ClusterRoleDescriber: the rules broken down, compacted and sorted (format/rbac.ts). */
function describeRole(role: Role | ClusterRole): string {
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${role.metadata.name}\n`)
    printLabelsMultiline(w, 'Labels', role.metadata.labels)
    printAnnotationsMultiline(w, 'Annotations', role.metadata.annotations)
    w.write(LEVEL_0, 'PolicyRule:\n')
    w.write(LEVEL_1, 'Resources\tNon-Resource URLs\tResource Names\tVerbs\n')
    w.write(LEVEL_1, '---------\t-----------------\t--------------\t-----\n')
    for (const row of policyRuleRows(role.rules ?? [])) w.write(LEVEL_1, `${row}\n`)
  })
}

/** RoleBindingDescriber / ClusterRoleBindingDescriber. */
function describeBinding(b: RoleBinding | ClusterRoleBinding): string {
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${b.metadata.name}\n`)
    printLabelsMultiline(w, 'Labels', b.metadata.labels)
    printAnnotationsMultiline(w, 'Annotations', b.metadata.annotations)
    w.write(LEVEL_0, 'Role:\n')
    w.write(LEVEL_1, `Kind:\t${b.roleRef.kind}\n`)
    w.write(LEVEL_1, `Name:\t${b.roleRef.name}\n`)
    w.write(LEVEL_0, 'Subjects:\n')
    w.write(LEVEL_1, 'Kind\tName\tNamespace\n')
    w.write(LEVEL_1, '----\t----\t---------\n')
    for (const s of b.subjects ?? [])
      w.write(LEVEL_1, `${s.kind}\t${s.name}\t${s.namespace ?? ''}\n`)
  })
}

/** describeSecret: sizes only, never the values (except a service-account token). Go ranges over
 * the data map in random order; here keys are sorted so the output is stable. */
function describeSecret(secret: Secret): string {
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${secret.metadata.name}\n`)
    w.write(LEVEL_0, `Namespace:\t${secret.metadata.namespace}\n`)
    printLabelsMultiline(w, 'Labels', secret.metadata.labels)
    printAnnotationsMultiline(w, 'Annotations', secret.metadata.annotations)
    w.write(LEVEL_0, `\nType:\t${secret.type}\n`)
    w.write(LEVEL_0, '\nData\n====\n')
    for (const k of sortedKeys(secret.data)) {
      const b64 = secret.data![k]!
      if (k === 'token' && secret.type === 'kubernetes.io/service-account-token')
        w.write(LEVEL_0, `${k}:\t${base64DecodeText(b64) ?? ''}\n`)
      else w.write(LEVEL_0, `${k}:\t${base64Decode(b64)?.length ?? 0} bytes\n`)
    }
  })
}

/** ConfigMapDescriber: every value in full (ConfigMaps are not secret), binary keys by size, events. */
function describeConfigMap(ctx: Ctx, cm: ConfigMap): string {
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${cm.metadata.name}\n`)
    w.write(LEVEL_0, `Namespace:\t${cm.metadata.namespace}\n`)
    printLabelsMultiline(w, 'Labels', cm.metadata.labels)
    printAnnotationsMultiline(w, 'Annotations', cm.metadata.annotations)
    w.write(LEVEL_0, '\nData\n====\n')
    for (const k of sortedKeys(cm.data)) {
      w.write(LEVEL_0, `${k}:\n----\n`)
      w.write(LEVEL_0, `${cm.data![k]}\n`)
    }
    w.write(LEVEL_0, '\nBinaryData\n====\n')
    for (const k of sortedKeys(cm.binaryData))
      w.write(LEVEL_0, `${k}: ${base64Decode(cm.binaryData![k]!)?.length ?? 0} bytes\n`)
    w.write(LEVEL_0, '\n')
    describeEvents(ctx, w, cm)
  })
}

function describeObject(ctx: Ctx, obj: KObject): string | undefined {
  switch (obj.kind) {
    case 'Role':
    case 'ClusterRole':
      return describeRole(obj)
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return describeBinding(obj)
    case 'Pod':
      return describePod(ctx, obj)
    case 'Node':
      return describeNode(ctx, obj)
    case 'Deployment':
      return describeDeployment(ctx, obj)
    case 'ReplicaSet':
      return describeReplicaSet(ctx, obj)
    case 'DaemonSet':
      return describeDaemonSet(ctx, obj)
    case 'Service':
      return describeService(ctx, obj)
    case 'EndpointSlice':
      return describeEndpointSlice(ctx, obj)
    case 'Namespace':
      return describeNamespace(obj)
    case 'Secret':
      return describeSecret(obj)
    case 'ConfigMap':
      return describeConfigMap(ctx, obj)
    default:
      return undefined
  }
}

// ---------------------------------------------------------------------------------------------
// The command (k8s.io/kubectl/pkg/cmd/describe/describe.go: Complete, Run, DescribeMatchingResources)

const NO_TYPE =
  'error: You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.'

export const kubectlDescribe: CommandSpec = {
  path: ['kubectl', 'describe'],
  modes: ['local'],
  summary: 'Show details of a specific resource or group of resources',
  usage: 'kubectl describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME) [options]',
  args: ['resource', 'pod'],
  flags: withGlobals([
    SELECTOR_FLAG,
    {
      ...ALL_NAMESPACES_FLAG,
      description:
        'If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.',
    },
    {
      name: 'show-events',
      type: 'bool',
      default: true,
      description: 'If true, display events related to the described object.',
    },
  ]),
  run(inv, env) {
    const state = env.sim.state
    const ctx: Ctx = { state, showEvents: inv.flags['show-events'] !== false }
    if (inv.args.length === 0) return { lines: [err(NO_TYPE)], exitCode: 1 }
    const parsed = parseResourceArgs(inv.args)
    if (!parsed.ok) return { lines: [err(`error: ${parsed.error}`)], exitCode: 1 }
    const allNs = bool(inv.flags, 'all-namespaces')
    const ns = namespaceOf(inv.flags)
    const selText = str(inv.flags, 'selector')
    const sel = selText !== undefined ? parseSelector(selText) : []
    if (typeof sel === 'string') return { lines: [err(`error: ${sel}`)], exitCode: 1 }
    if (selText !== undefined && parsed.requests.some((r) => r.names.length))
      return {
        lines: [err('error: name cannot be provided when a selector is specified')],
        exitCode: 1,
      }

    // the resource builder: named objects (collecting NotFound errors), or lists filtered by -l
    const infos: KObject[] = []
    const notFound: { r: ResourceInfo; name: string }[] = []
    for (const { resource: r, names } of parsed.requests) {
      if (names.length) {
        for (const n of names) {
          const o = getFor(state, r, ns, n)
          if (o) infos.push(o)
          else notFound.push({ r, name: n })
        }
      } else {
        infos.push(
          ...listFor(state, r, allNs ? undefined : ns).filter((o) =>
            matchesSelector(sel, o.metadata.labels),
          ),
        )
      }
    }
    const notFoundLine = (x: { r: ResourceInfo; name: string }) =>
      err(`Error from server (NotFound): ${groupResource(x.r)} "${x.name}" not found`)

    // `kubectl describe TYPE NAME_PREFIX`: no exact match → every object of TYPE in the namespace whose
    // name starts with the prefix, each description followed by a blank line.
    if (notFound.length && inv.args.length === 2 && !inv.args[0]!.includes('/')) {
      const r = parsed.requests[0]!.resource
      const prefix = inv.args[1]!
      const matches = listFor(state, r, ns).filter((o) => o.metadata.name.startsWith(prefix))
      if (!matches.length) return { lines: [notFoundLine(notFound[0]!)], exitCode: 1 }
      const lines: OutputLine[] = []
      for (const o of matches) {
        const s = describeObject(ctx, o)
        if (s === undefined) return { lines: [noDescriber(o)], exitCode: 1 }
        lines.push(...textLines(s + '\n'))
      }
      return { lines, exitCode: 0 }
    }

    // Run(): descriptions separated by "\n\n" (each already ends in a newline, so two blank lines)
    let text = ''
    const errors: OutputLine[] = []
    const seen = new Set<string>()
    for (const o of infos) {
      const s = describeObject(ctx, o)
      if (s === undefined) {
        const e = noDescriber(o)
        if (!seen.has(e.text)) errors.push(e)
        seen.add(e.text)
        continue
      }
      text += text ? `\n\n${s}` : s
    }
    errors.push(...notFound.map(notFoundLine))
    const lines: OutputLine[] = text ? textLines(text).map((l) => out(l.text)) : []
    if (infos.length === 0 && errors.length === 0)
      lines.push({
        text: allNs ? 'No resources found' : `No resources found in ${ns} namespace.`,
        tone: 'warn',
      })
    return { lines: [...lines, ...errors], exitCode: errors.length ? 1 : 0 }
  },
}

/** Kinds the simulation stores but this port has no describer for yet (kubectl would describe them). */
function noDescriber(o: KObject): OutputLine {
  return err(
    `error: describing ${o.kind} objects is not simulated yet (try kubectl get ${o.kind.toLowerCase()} ${o.metadata.name} -o yaml)`,
  )
}
