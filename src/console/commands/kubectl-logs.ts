import type { ClusterState, KObject, LogLineOut, Pod } from '../../engine/index.ts'
import {
  emitLogsRequest,
  getObject,
  isPodReady,
  kubeletUnreachableError,
  listObjects,
  lookupResource,
  parseDuration,
  readPodLogs,
  selectorMatches,
} from '../../engine/index.ts'
import type { CommandEnv, CommandResult, CommandSpec, OutputLine } from '../types.ts'
import { err, out } from '../types.ts'
import { bool, int, str } from '../flags.ts'
import { SELECTOR_FLAG, namespaceOf, withGlobals } from './kubectlFlags.ts'
import { parseSelector, matchesSelector } from '../kubectl/selectors.ts'
import { groupResource } from '../kubectl/resources.ts'

// kubectl logs: kubectl -> API server -> kubelet on the pod's node -> the container's live log file
// (engine/logs/read.ts). Outputs and errors follow kubectl 1.32 (kubectl/pkg/cmd/logs/logs.go,
// polymorphichelpers/logsforobject.go, kubelet validateContainerLogStatus; see
// docs/research/kubectl-formats.md §4).
// `-f` streams in the web console until Ctrl+C (CommandResult.stream); the terminal console, which
// settles after each command and cannot be interrupted, follows for a bounded FOLLOW_MS, then returns;
// the same in the web console and the terminal console.

/** how long `kubectl logs -f` / `tail -f` follow before returning */
export const FOLLOW_MS = 10_000
const MAX_LOG_REQUESTS = 5

interface Target {
  pod: Pod
  containers: string[]
}

/** Container names as kubectl lists them: containers, ephemeral (ephem), init (init). */
function allContainerNames(pod: Pod): string {
  return [
    ...pod.spec.containers.map((c) => c.name),
    ...(pod.spec.initContainers ?? []).map((c) => `${c.name} (init)`),
  ].join(', ')
}

/** podutils.ByLogging: the pod `kubectl logs deploy/x` picks. */
function byLogging(a: Pod, b: Pod): number {
  const assigned = (p: Pod) => (p.spec.nodeName ? 0 : 1)
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b)
  const rank: Record<string, number> = { Running: 0, Unknown: 1, Pending: 2 }
  const ra = rank[a.status.phase ?? ''] ?? 3
  const rb = rank[b.status.phase ?? ''] ?? 3
  if (ra !== rb) return ra - rb
  const rdy = (p: Pod) => (isPodReady(p) ? 0 : 1)
  if (rdy(a) !== rdy(b)) return rdy(a) - rdy(b)
  const restarts = (p: Pod) =>
    Math.max(0, ...(p.status.containerStatuses ?? []).map((s) => s.restartCount))
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a)
  const ta = a.metadata.creationTimestamp ?? ''
  const tb = b.metadata.creationTimestamp ?? ''
  if (ta !== tb) return ta < tb ? -1 : 1
  return a.metadata.name < b.metadata.name ? -1 : 1
}

function selectorOf(o: KObject): Record<string, string> | undefined {
  const spec = (o as { spec?: { selector?: unknown } }).spec
  const sel = spec?.selector as
    { matchLabels?: Record<string, string> } | Record<string, string> | undefined
  if (!sel) return undefined
  if ((o.kind as string) === 'Service') return sel as Record<string, string>
  return (sel as { matchLabels?: Record<string, string> }).matchLabels ?? {}
}

function containersFor(
  pod: Pod,
  container: string | undefined,
  all: boolean,
  notes: OutputLine[],
): string[] | string {
  if (all)
    return [
      ...(pod.spec.initContainers ?? []).map((c) => c.name),
      ...pod.spec.containers.map((c) => c.name),
    ]
  let name = container
  if (!name) {
    const ann = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container']
    if (ann && pod.spec.containers.some((c) => c.name === ann)) name = ann
    else {
      if (ann)
        notes.push(err(`Default container name "${ann}" not found in pod ${pod.metadata.name}`))
      name = pod.spec.containers[0]!.name
      if (pod.spec.containers.length > 1 || (pod.spec.initContainers ?? []).length > 0)
        notes.push(err(`Defaulted container "${name}" out of: ${allContainerNames(pod)}`))
    }
  }
  const known = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].some(
    (c) => c.name === name,
  )
  if (!known) return `error: container ${name} is not valid for pod ${pod.metadata.name}`
  return [name]
}

function resolveTargets(
  state: ClusterState,
  inv: { args: string[]; flags: Record<string, unknown> },
  ns: string,
  notes: OutputLine[],
): Target[] | string {
  const container = str(inv.flags as never, 'container')
  const all = bool(inv.flags as never, 'all-containers')
  const selector = str(inv.flags as never, 'selector')
  let pods: Pod[]
  if (selector !== undefined) {
    if (inv.args.length > 0) return 'error: only a selector (-l) or a POD name is allowed'
    const reqs = parseSelector(selector)
    if (typeof reqs === 'string') return `error: ${reqs}`
    pods = listObjects(state, 'Pod', ns)
      .filter((p) => matchesSelector(reqs, p.metadata.labels))
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))
    if (pods.length === 0) return [] // "No resources found in <ns> namespace." on stderr
  } else {
    const arg = inv.args[0]
    if (!arg)
      return "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples"
    const slash = arg.indexOf('/')
    if (slash < 0 || ['pod', 'pods', 'po'].includes(arg.slice(0, slash))) {
      const name = slash < 0 ? arg : arg.slice(slash + 1)
      const pod = getObject(state, 'Pod', ns, name)
      if (!pod)
        return slash < 0
          ? `error: error from server (NotFound): pods "${name}" not found in namespace "${ns}"`
          : `Error from server (NotFound): pods "${name}" not found`
      pods = [pod]
    } else {
      const r = lookupResource(arg.slice(0, slash))
      const name = arg.slice(slash + 1)
      if (!r) return `error: the server doesn't have a resource type "${arg.slice(0, slash)}"`
      const o = getObject(state, r.kind as 'Deployment', ns, name) as KObject | undefined
      if (!o) return `Error from server (NotFound): ${groupResource(r)} "${name}" not found`
      const sel = selectorOf(o)
      if (!sel)
        return `error: cannot get the logs from ${groupResource(r)}: selector for ${o.kind} not implemented`
      const matching = listObjects(state, 'Pod', ns)
        .filter((p) => selectorMatches({ matchLabels: sel }, p.metadata.labels ?? {}))
        .sort(byLogging)
      if (matching.length === 0) return 'error: timed out waiting for the condition'
      if (matching.length > 1)
        notes.push(err(`Found ${matching.length} pods, using pod/${matching[0]!.metadata.name}`))
      pods = [matching[0]!]
    }
  }
  const targets: Target[] = []
  for (const pod of pods) {
    const cs = containersFor(pod, container, all, notes)
    if (typeof cs === 'string') return cs
    targets.push({ pod, containers: cs })
  }
  return targets
}

function format(l: LogLineOut, timestamps: boolean, prefix: string): string {
  return `${prefix}${timestamps ? `${l.timestamp} ` : ''}${l.message}`
}

export const kubectlLogs: CommandSpec = {
  path: ['kubectl', 'logs'],
  modes: ['local'],
  summary: 'Print the logs for a container in a pod',
  usage: 'kubectl logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]',
  args: ['pod'],
  flags: withGlobals([
    {
      name: 'container',
      short: 'c',
      type: 'string',
      description: 'Print the logs of this container',
    },
    {
      name: 'follow',
      short: 'f',
      type: 'bool',
      description: 'Specify if the logs should be streamed.',
    },
    {
      name: 'previous',
      short: 'p',
      type: 'bool',
      description:
        'If true, print the logs for the previous instance of the container in a pod if it exists.',
    },
    {
      name: 'tail',
      type: 'int',
      default: -1,
      description:
        'Lines of recent log file to display. Defaults to -1 with no selector, showing all log lines otherwise 10, if a selector is provided.',
    },
    {
      name: 'since',
      type: 'string',
      description:
        'Only return logs newer than a relative duration like 5s, 2m, or 3h. Defaults to all logs. Only one of since-time / since may be used.',
    },
    {
      name: 'timestamps',
      type: 'bool',
      description: 'Include timestamps on each line in the log output',
    },
    {
      name: 'all-containers',
      type: 'bool',
      description: "Get all containers' logs in the pod(s).",
    },
    {
      name: 'prefix',
      type: 'bool',
      description: 'Prefix each log line with the log source (pod name and container name)',
    },
    {
      name: 'max-log-requests',
      type: 'int',
      default: MAX_LOG_REQUESTS,
      description:
        'Specify maximum number of concurrent logs to follow when using by a selector. Defaults to 5.',
    },
    SELECTOR_FLAG,
  ]),
  run(inv, env) {
    return runLogs(inv, env)
  },
}

function runLogs(
  inv: { args: string[]; flags: Record<string, unknown> },
  env: CommandEnv,
): CommandResult {
  const flags = inv.flags as never
  const ns = namespaceOf(inv.flags)
  const follow = bool(flags, 'follow')
  const previous = bool(flags, 'previous')
  const timestamps = bool(flags, 'timestamps')
  const selector = str(flags, 'selector')
  let tail = int(flags, 'tail') ?? -1
  if (tail === -1 && selector !== undefined) tail = 10
  const sinceText = str(flags, 'since')
  let sinceMs: number | undefined
  if (sinceText !== undefined) {
    sinceMs = parseDuration(sinceText)
    if (sinceMs === undefined)
      return {
        lines: [
          err(
            `error: invalid argument "${sinceText}" for "--since" flag: time: invalid duration "${sinceText}"`,
          ),
        ],
        exitCode: 1,
      }
  }
  if (follow && previous)
    return {
      lines: [err('error: only one of follow (-f) or previous (-p) is allowed')],
      exitCode: 1,
    }

  const notes: OutputLine[] = []
  const targets = resolveTargets(env.sim.state, inv, ns, notes)
  if (typeof targets === 'string')
    return { lines: [...notes, ...targets.split('\n').map((t) => err(t))], exitCode: 1 }
  if (targets.length === 0)
    return { lines: [err(`No resources found in ${ns} namespace.`)], exitCode: 0 }
  const streams = targets.flatMap((t) => t.containers.map((c) => ({ pod: t.pod, container: c })))
  const maxReq = int(flags, 'max-log-requests') ?? MAX_LOG_REQUESTS
  if (follow && streams.length > maxReq)
    return {
      lines: [
        err(
          `error: you are attempting to follow ${streams.length} log streams, but maximum allowed concurrency is ${maxReq}, use --max-log-requests to increase the limit`,
        ),
      ],
      exitCode: 1,
    }
  const prefixed = bool(flags, 'prefix')
  const lines: OutputLine[] = [...notes]
  const seen = new Map<number, { time: number; ns: number }>()

  const readAll = (first: boolean, lines: OutputLine[]): string | undefined => {
    for (const [i, s] of streams.entries()) {
      const state = env.sim.state
      const pod = getObject(state, 'Pod', s.pod.metadata.namespace!, s.pod.metadata.name)
      if (!pod || pod.metadata.uid !== s.pod.metadata.uid) continue
      const unreachable = kubeletUnreachableError(state, pod, s.container, { follow, previous })
      if (unreachable) return unreachable
      const res = readPodLogs(state, pod, {
        namespace: ns,
        pod: pod.metadata.name,
        container: s.container,
        previous,
        ...(first && tail >= 0 ? { tailLines: tail } : {}),
        ...(first && sinceMs !== undefined ? { sinceMs } : {}),
      })
      if (!res.ok) return `Error from server (BadRequest): ${res.message}`
      const after = seen.get(i)
      const fresh = after
        ? res.lines.filter((l) => l.time > after.time || (l.time === after.time && l.ns > after.ns))
        : res.lines
      const last = res.lines.at(-1)
      if (last) seen.set(i, { time: last.time, ns: last.ns })
      else if (!after) seen.set(i, { time: -Infinity, ns: 0 })
      const prefix = prefixed ? `[pod/${pod.metadata.name}/${s.container}] ` : ''
      for (const l of fresh) lines.push(out(format(l, timestamps, prefix)))
      if (res.node && res.file && (first || fresh.length > 0)) {
        const info = {
          namespace: pod.metadata.namespace!,
          pod: pod.metadata.name,
          container: s.container,
          node: res.node,
          file: res.file,
          previous,
          follow,
          lines: fresh.length,
        }
        env.sim.transact((ctx) => emitLogsRequest(ctx, info))
      }
    }
    return undefined
  }

  const e = readAll(true, lines)
  if (e) return { lines: [...lines, err(e)], exitCode: 1 }
  if (follow && !env.settleAfterCommands) {
    // the web console: keep streaming as the clock runs, until Ctrl+C (or the pod's log is gone)
    const stream = {
      poll() {
        const fresh: OutputLine[] = []
        const fe = readAll(false, fresh)
        return fe ? { lines: [...fresh, err(fe)], done: true } : { lines: fresh, done: false }
      },
    }
    return { lines, exitCode: 0, stream }
  }
  if (follow) {
    // stream for a bounded simulated time, a second at a time
    for (let t = 0; t < FOLLOW_MS; t += 1000) {
      env.sim.advance(1000)
      const fe = readAll(false, lines)
      if (fe) return { lines: [...lines, err(fe)], exitCode: 1 }
    }
  }
  return { lines, exitCode: 0 }
}
