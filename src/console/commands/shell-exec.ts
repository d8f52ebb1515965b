import type { ClusterState, Pod } from '../../engine/index.ts'
import {
  getObject,
  listObjects,
  selectorMatches,
  isPodReady,
  lookupResource,
} from '../../engine/index.ts'
import { containerFs } from '../../engine/node/containerFs.ts'
import { hashHex } from '../../engine/node/util.ts'
import type { CommandSpec, OutputLine, ShellMode } from '../types.ts'
import { err, ok } from '../types.ts'
import { bool, str } from '../flags.ts'
import { withGlobals, namespaceOf } from './kubectlFlags.ts'
import { containerEnvironment, runLine } from './shell-context.ts'
import { parseCommandLine } from '../tokenize.ts'
import { resolveCommand } from './index.ts'

// kubectl exec: the API server proxies the request to the kubelet on the pod's node, which asks
// containerd to start a process in the container (`ctr task exec`). Errors come from each of those
// hops in turn: kubectl (completed pod), the API server (NotFound, no host), the kubelet (container
// not running) and containerd/runc (no such executable in the image).
// Research: docs/research/kubectl-formats.md §4.

const SHELLS = new Set([
  'sh',
  'bash',
  'ash',
  '/bin/sh',
  '/bin/bash',
  '/bin/ash',
  '/usr/bin/bash',
  '/usr/bin/sh',
])

interface Target {
  pod?: Pod
  error?: string
}

export function ownerPods(
  state: ClusterState,
  kind: string,
  namespace: string,
  name: string,
): Target {
  const r = lookupResource(kind)
  if (!r) return { error: `error: the server doesn't have a resource type "${kind}"` }
  if (r.kind === 'Pod') {
    const pod = getObject(state, 'Pod', namespace, name)
    return pod ? { pod } : { error: `Error from server (NotFound): pods "${name}" not found` }
  }
  const owner = getObject(state, r.kind, namespace, name) as
    { spec?: { selector?: unknown } } | undefined
  if (!owner)
    return {
      error: `Error from server (NotFound): ${r.group ? `${r.resource}.${r.group}` : r.resource} "${name}" not found`,
    }
  const selector = owner.spec?.selector as Parameters<typeof selectorMatches>[0] | undefined
  const pods = listObjects(state, 'Pod', namespace).filter(
    (p) => selector && selectorMatches(selector, p.metadata.labels ?? {}),
  )
  if (pods.length === 0)
    return { error: `error: cannot attach to ${r.kind} ${name}: no pods found` }
  // kubectl's GetFirstPod sorts active, ready, older pods first
  pods.sort((a, b) => {
    const rank = (p: Pod) => [
      p.spec.nodeName ? 0 : 1,
      p.status.phase === 'Running' ? 0 : 1,
      isPodReady(p) ? 0 : 1,
    ]
    const ra = rank(a)
    const rb = rank(b)
    for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!
    return a.metadata.creationTimestamp < b.metadata.creationTimestamp
      ? -1
      : a.metadata.creationTimestamp > b.metadata.creationTimestamp
        ? 1
        : 0
  })
  return { pod: pods[0]! }
}

export const kubectlExec: CommandSpec = {
  path: ['kubectl', 'exec'],
  modes: ['local'],
  summary: 'Execute a command in a container',
  usage: 'kubectl exec (POD | TYPE/NAME) [-c CONTAINER] [-i] [-t] -- COMMAND [args...]',
  args: ['pod'],
  flags: withGlobals([
    {
      name: 'container',
      short: 'c',
      type: 'string',
      description:
        'Container name. If omitted, use the kubectl.kubernetes.io/default-container annotation for selecting the container to be attached or the first container in the pod will be chosen',
    },
    { name: 'stdin', short: 'i', type: 'bool', description: 'Pass stdin to the container' },
    { name: 'tty', short: 't', type: 'bool', description: 'Stdin is a TTY' },
    {
      name: 'quiet',
      short: 'q',
      type: 'bool',
      description: 'Only print output from the remote session',
    },
    {
      name: 'pod-running-timeout',
      type: 'string',
      description: 'The length of time to wait until at least one pod is running',
    },
  ]),
  run(inv, env) {
    const state = env.sim.state
    const namespace = namespaceOf(inv.flags)
    const target = inv.args[0]
    if (!target)
      return { lines: [err('error: pod, type/name or --filename must be specified')], exitCode: 1 }
    if (inv.args.length > 1)
      return {
        lines: [
          err(
            'error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead',
          ),
          err("See 'kubectl exec -h' for help and examples"),
        ],
        exitCode: 1,
      }
    const command = inv.rest
    if (command.length === 0)
      return {
        lines: [err('error: you must specify at least one command for the container')],
        exitCode: 1,
      }
    const slash = target.indexOf('/')
    const t =
      slash >= 0
        ? ownerPods(state, target.slice(0, slash), namespace, target.slice(slash + 1))
        : ownerPods(state, 'pods', namespace, target)
    if (!t.pod) return { lines: [err(t.error!)], exitCode: 1 }
    const pod = t.pod
    const name = pod.metadata.name
    const lines: OutputLine[] = []
    if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed')
      return {
        lines: [
          err(
            `error: cannot exec into a container in a completed pod; current phase is ${pod.status.phase}`,
          ),
        ],
        exitCode: 1,
      }
    let containerName = str(inv.flags, 'container')
    const names = pod.spec.containers.map((c) => c.name)
    if (containerName === undefined) {
      const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container']
      containerName = annotated && names.includes(annotated) ? annotated : names[0]!
      if (names.length > 1 && !annotated && !bool(inv.flags, 'quiet'))
        lines.push({
          text: `Defaulted container "${containerName}" out of: ${names.join(', ')}`,
          tone: 'warn',
        })
    } else if (
      !names.includes(containerName) &&
      !(pod.spec.initContainers ?? []).some((c) => c.name === containerName)
    ) {
      return {
        lines: [...lines, err(`error: container ${containerName} is not valid for pod ${name}`)],
        exitCode: 1,
      }
    }
    if (!pod.spec.nodeName)
      return {
        lines: [
          ...lines,
          err(`Error from server (BadRequest): pod ${name} does not have a host assigned`),
        ],
        exitCode: 1,
      }
    const view = containerFs(state, pod.metadata.namespace!, name, containerName)
    if (!view || view.container.state !== 'running')
      return {
        lines: [
          ...lines,
          err(`error: unable to upgrade connection: container not found ("${containerName}")`),
        ],
        exitCode: 1,
      }

    const argv0 = command[0]!
    if (!view.hasExecutable(argv0)) {
      const execId = hashHex(
        `exec|${view.container.id}|${state.now}|${command.join(' ')}|${env.history.length}`,
        64,
      )
      return {
        lines: [
          ...lines,
          err(
            `error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "${execId}": OCI runtime exec failed: exec failed: unable to start container process: exec: "${argv0}": executable file not found in $PATH: unknown`,
          ),
        ],
        exitCode: 1,
      }
    }
    const tty = bool(inv.flags, 'tty')
    const interactive = bool(inv.flags, 'stdin')
    const mode: ShellMode = {
      kind: 'container',
      namespace: pod.metadata.namespace!,
      pod: name,
      container: containerName,
      shell: view.shellFor(argv0) ?? 'sh',
    }
    if (SHELLS.has(argv0) && command.length === 1) {
      if (interactive && tty) {
        env.setMode(mode)
        return ok(lines)
      }
      if (tty)
        lines.push({
          text: 'Unable to use a TTY - input is not a terminal or the right kind of file',
          tone: 'warn',
        })
      // a shell with no terminal and no input reads EOF and exits
      if (inv.stdin)
        return finish(
          lines,
          runLine(
            inv.stdin.trim(),
            mode,
            { ...env, tty } as typeof env,
            containerEnvironment(state, view, tty),
          ),
        )
      return ok(lines)
    }
    const execEnv = { ...env, tty } as typeof env
    let result
    if (SHELLS.has(argv0) && command[1] === '-c' && command[2] !== undefined) {
      const parsed = parseCommandLine(command[2])
      if (!parsed.ok)
        result = {
          lines: [
            err(
              `${mode.kind === 'container' && mode.shell === 'bash' ? 'bash' : 'sh'}: ${parsed.error.replace(/^bash: /, '')}`,
            ),
          ],
          exitCode: 2,
        }
      else result = runLine(command[2], mode, execEnv, containerEnvironment(state, view, tty))
    } else {
      const found = resolveCommand(command, mode)
      if (!found.ok)
        result = {
          lines: [
            {
              text: `(Cutaway does not simulate \`${argv0}\` inside containers yet; the image does have it.)`,
              tone: 'dim' as const,
            },
          ],
          exitCode: 0,
        }
      else result = runLine(command, mode, execEnv)
    }
    return finish(lines, result)
  },
}

function finish(lines: OutputLine[], r: { lines: OutputLine[]; exitCode: number }) {
  const all = [...lines, ...r.lines]
  if (r.exitCode !== 0) all.push(err(`command terminated with exit code ${r.exitCode}`))
  return { lines: all, exitCode: r.exitCode }
}
