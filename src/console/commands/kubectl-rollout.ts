import type { ClusterState, DaemonSet, Deployment } from '../../engine/index.ts'
import {
  getObject,
  lookupResource,
  patchObject,
  parseDuration,
  rfc3339,
} from '../../engine/index.ts'
import type { CommandSpec, OutputLine } from '../types.ts'
import { ok, fail, out, err } from '../types.ts'
import { bool, str } from '../flags.ts'
import { namespaceOf, withGlobals } from './kubectlFlags.ts'
import { apiErrorLines } from '../errors.ts'

// kubectl rollout status: watches the Deployment and prints a line each time the rollout's state
// changes (kubectl pkg/polymorphichelpers/rollout_status.go), advancing simulated time until done.

/** The status message for a Deployment, and whether the rollout is done (DeploymentStatusViewer). */
export function deploymentRolloutStatus(d: Deployment): {
  message: string
  done: boolean
  error?: string
} {
  const name = d.metadata.name
  if ((d.metadata.generation ?? 0) > (d.status.observedGeneration ?? 0))
    return { message: 'Waiting for deployment spec update to be observed...', done: false }
  const progressing = d.status.conditions?.find((c) => c.type === 'Progressing')
  if (progressing?.reason === 'ProgressDeadlineExceeded')
    return {
      message: '',
      done: false,
      error: `deployment "${name}" exceeded its progress deadline`,
    }
  const want = d.spec.replicas
  const updated = d.status.updatedReplicas ?? 0
  const replicas = d.status.replicas ?? 0
  const available = d.status.availableReplicas ?? 0
  if (updated < want)
    return {
      message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${want} new replicas have been updated...`,
      done: false,
    }
  if (replicas > updated)
    return {
      message: `Waiting for deployment "${name}" rollout to finish: ${replicas - updated} old replicas are pending termination...`,
      done: false,
    }
  if (available < updated)
    return {
      message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`,
      done: false,
    }
  return { message: `deployment "${name}" successfully rolled out`, done: true }
}

/** DaemonSetStatusViewer (rollout_status.go): updated pods, then available pods. */
export function daemonSetRolloutStatus(ds: DaemonSet): {
  message: string
  done: boolean
  error?: string
} {
  const name = ds.metadata.name
  if ((ds.spec.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate')
    return {
      message: '',
      done: true,
      error: 'rollout status is only available for RollingUpdate strategy type',
    }
  if ((ds.metadata.generation ?? 0) > (ds.status.observedGeneration ?? 0))
    return { message: 'Waiting for daemon set spec update to be observed...', done: false }
  const desired = ds.status.desiredNumberScheduled
  const updated = ds.status.updatedNumberScheduled ?? 0
  const available = ds.status.numberAvailable ?? 0
  if (updated < desired)
    return {
      message: `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`,
      done: false,
    }
  if (available < desired)
    return {
      message: `Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...`,
      done: false,
    }
  return { message: `daemon set "${name}" successfully rolled out`, done: true }
}

function target(args: string[]): { type: string; name: string } | undefined {
  const [a, b] = args[0]?.includes('/') ? args[0].split('/') : args
  return a && b ? { type: a, name: b } : undefined
}

export const kubectlRolloutStatus: CommandSpec = {
  path: ['kubectl', 'rollout', 'status'],
  modes: ['local'],
  summary: 'Show the status of the rollout (waits until it finishes)',
  usage: 'kubectl rollout status (TYPE NAME | TYPE/NAME) [--timeout=duration] [-w=false]',
  args: ['resource', 'deployment'],
  flags: withGlobals([
    {
      name: 'watch',
      short: 'w',
      type: 'bool',
      default: true,
      description: "Watch the status of the rollout until it's done.",
    },
    {
      name: 'timeout',
      type: 'string',
      description: 'The length of time to wait before ending watch, zero means never.',
    },
  ]),
  run(inv, env) {
    const t = target(inv.args)
    if (!t) return fail(['error: required resource not specified'])
    const r = lookupResource(t.type)
    if (!r) return fail([`error: the server doesn't have a resource type "${t.type}"`])
    if (r.kind !== 'Deployment' && r.kind !== 'DaemonSet')
      return fail([`error: no status viewer has been implemented for ${r.kind}`])
    const ns = namespaceOf(inv.flags)
    const kind = r.kind
    const get = (s: ClusterState) =>
      getObject(s, kind, ns, t.name) as Deployment | DaemonSet | undefined
    const statusOf = (o: Deployment | DaemonSet) =>
      o.kind === 'DaemonSet' ? daemonSetRolloutStatus(o) : deploymentRolloutStatus(o)
    if (!get(env.sim.state))
      return fail([`Error from server (NotFound): ${r.resource}.apps "${t.name}" not found`])
    const timeoutText = str(inv.flags, 'timeout')
    const timeout = timeoutText ? parseDuration(timeoutText) : undefined
    if (timeoutText && timeout === undefined)
      return fail([
        `error: invalid argument "${timeoutText}" for "--timeout" flag: time: invalid duration "${timeoutText}"`,
      ])
    const lines: OutputLine[] = []
    let last = ''
    const report = (s: ClusterState): boolean => {
      const d = get(s)
      if (!d) return true
      const st = statusOf(d)
      if (st.error) return true
      if (st.message !== last) {
        lines.push(out(st.message))
        last = st.message
      }
      return st.done
    }
    if (report(env.sim.state) || !bool(inv.flags, 'watch')) return finish()
    // no timeout means "until the deployment's own progress deadline" (600s by default); cap for safety
    env.sim.runUntil(report, timeout && timeout > 0 ? timeout : 60 * 60_000)
    return finish()

    function finish() {
      const d = get(env.sim.state)
      if (!d)
        return {
          lines: [...lines, err(`error: ${r!.singular} "${t!.name}" was deleted`)],
          exitCode: 1,
        }
      const st = statusOf(d)
      if (st.error) return { lines: [...lines, err(`error: ${st.error}`)], exitCode: 1 }
      if (!st.done && bool(inv.flags, 'watch'))
        return { lines: [...lines, err('error: timed out waiting for the condition')], exitCode: 1 }
      return { lines, exitCode: 0 }
    }
  },
}

export const kubectlRolloutRestart: CommandSpec = {
  path: ['kubectl', 'rollout', 'restart'],
  modes: ['local'],
  summary: 'Restart a resource (new pods replace the old ones)',
  usage: 'kubectl rollout restart (TYPE NAME | TYPE/NAME)',
  mutates: true,
  args: ['resource', 'deployment'],
  flags: withGlobals([]),
  run(inv, env) {
    const t = target(inv.args)
    if (!t) return fail(['error: required resource not specified'])
    const r = lookupResource(t.type)
    if (!r) return fail([`error: the server doesn't have a resource type "${t.type}"`])
    if (r.kind !== 'Deployment' && r.kind !== 'DaemonSet')
      return fail([`error: ${r.resource} "${t.name}" restarting is not supported`])
    const ns = namespaceOf(inv.flags)
    const res = env.sim.transact((ctx) =>
      patchObject(ctx, r.kind as 'Deployment', ns, t.name, (d) => {
        d.spec.template.metadata.annotations = {
          ...(d.spec.template.metadata.annotations ?? {}),
          'kubectl.kubernetes.io/restartedAt': rfc3339(ctx.state.now).replace('Z', 'Z'),
        }
      }),
    )
    if (!res.ok) return { lines: apiErrorLines(res.error), exitCode: 1 }
    return ok([`${r.singular}.${r.group}/${t.name} restarted`])
  },
}
