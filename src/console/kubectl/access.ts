import type { ClusterState, RequestAttributes, ResourceInfo, UserInfo } from '../../engine/index.ts'
import {
  ApiError,
  authorize,
  clusterCreator,
  forbidden,
  getObject,
  impersonate,
  lookupResource,
} from '../../engine/index.ts'
import type { CommandEnv, CommandSpec, Invocation, OutputLine } from '../types.ts'
import { err } from '../types.ts'
import { bool, str, strs } from '../flags.ts'
import { apiErrorLines } from '../errors.ts'
import { namespaceOf } from '../commands/kubectlFlags.ts'
import { readManifests } from '../commands/kubectl-apply.ts'
import { ownerPods } from '../commands/shell-exec.ts'
import { parseResourceArgs } from './resources.ts'

// Every kubectl request reaches the API server as a user. Without --as that is the learner (the IAM
// user that created the cluster, allowed everything by EKS's access policy); with --as/--as-group
// the API server first checks that the learner may impersonate, then authorizes as that identity.
//
// The console's commands read and write the engine directly, so the check happens here, once, in
// front of each kubectl command: the request attributes are derived from the command line the way
// kubectl would send them (verb, resource, namespace, name), and a denied request runs nothing.
// Simplification: kubectl sends one request per object and carries on after a 403, so
// `kubectl get pods,secrets` as a user who may read only pods prints the pods and then the error;
// here every refused request prints its error and nothing of the command runs.

/** The identity of this command's requests (impersonated with --as), or kubectl's error lines. */
export function requestUser(state: ClusterState, inv: Invocation): UserInfo | OutputLine[] {
  const real = clusterCreator(state.aws)
  const as = str(inv.flags, 'as') ?? ''
  const asGroups = strs(inv.flags, 'as-group')
  if (!as) {
    // kubectl refuses before sending anything: client-go's kubeconfig validation names the
    // kubeconfig user, which `aws eks update-kubeconfig` calls by the cluster ARN (checked against
    // kubectl v1.32: `error: requesting uid, groups or user-extra for <user> without impersonating a user`)
    if (asGroups.length)
      return [
        err(
          `error: requesting uid, groups or user-extra for ${state.aws.cluster.arn} without impersonating a user`,
        ),
      ]
    return real
  }
  const user = impersonate(state, real, as, asGroups)
  return user instanceof ApiError ? apiErrorLines(user) : user
}

const attrs = (
  user: UserInfo,
  verb: string,
  r: ResourceInfo,
  namespace: string,
  name?: string,
  subresource?: string,
): RequestAttributes => ({
  user,
  verb,
  apiGroup: r.group,
  resource: r.resource,
  ...(subresource ? { subresource } : {}),
  namespace: r.namespaced ? namespace : '',
  ...(name ? { name } : {}),
})

/** GET by name, else LIST (what get, describe and wait send). */
function readRequests(user: UserInfo, inv: Invocation, args: string[]): RequestAttributes[] {
  const parsed = parseResourceArgs(args)
  if (!parsed.ok) return []
  const ns = bool(inv.flags, 'all-namespaces') ? '' : namespaceOf(inv.flags)
  return parsed.requests.flatMap(({ resource: r, names }) =>
    names.length ? names.map((n) => attrs(user, 'get', r, ns, n)) : [attrs(user, 'list', r, ns)],
  )
}

/** A request, and the words kubectl puts before the server's message when it is refused. */
type Request = RequestAttributes & { errorPrefix?: string }

/** cli-runtime resource.Info.String(): how kubectl names the object in apply's errors. */
function infoString(r: ResourceInfo, name: string, namespace: string): string {
  return `Resource: "${r.group}/${r.version}, Resource=${r.resource}", GroupVersionKind: "${r.group}/${r.version}, Kind=${r.kind}"\nName: "${name}", Namespace: "${r.namespaced ? namespace : ''}"`
}

function manifestRequests(
  user: UserInfo,
  inv: Invocation,
  env: CommandEnv,
  verb: 'apply' | 'create' | 'delete',
): Request[][] {
  const read = readManifests(inv, env)
  if (!read.ok) return []
  const ns = namespaceOf(inv.flags)
  const creating = `error when creating "${read.source}": `
  return read.manifests.flatMap((m): Request[][] => {
    const name = String(m.obj.metadata.name ?? '')
    const mns = (m.obj.metadata.namespace as string | undefined) ?? ns
    if (verb === 'create')
      return [[{ ...attrs(user, 'create', m.resource, mns), errorPrefix: creating }]]
    if (verb === 'delete') return [[attrs(user, 'delete', m.resource, mns, name)]]
    // kubectl apply GETs the live object, then PATCHes it or POSTs a new one
    const live = getObject(
      env.sim.state,
      m.resource.kind,
      m.resource.namespaced ? mns : undefined,
      name,
    )
    // apply.go: "error when retrieving current configuration of:\n<info>\nfrom server for: <source>: …"
    // (a refused PATCH is reported without the patch body kubectl would print)
    const retrieving = `error when retrieving current configuration of:\n${infoString(m.resource, name, mns)}\nfrom server for: "${read.source}": `
    return [
      [
        { ...attrs(user, 'get', m.resource, mns, name), errorPrefix: retrieving },
        live
          ? attrs(user, 'patch', m.resource, mns, name)
          : { ...attrs(user, 'create', m.resource, mns), errorPrefix: creating },
      ],
    ]
  })
}

/** `TYPE NAME` or `TYPE/NAME` as the first argument(s): the objects a command acts on. */
function targets(args: string[]): { r: ResourceInfo; name: string }[] {
  const parsed = parseResourceArgs(args)
  if (!parsed.ok) return []
  return parsed.requests.flatMap(({ resource: r, names }) => names.map((name) => ({ r, name })))
}

const POD = lookupResource('pods')!

/**
 * The API requests a kubectl command line makes, in the order kubectl makes them, grouped per
 * object: within a group, a refused request stops the rest (apply does not POST what it could not GET).
 */
export function requestsFor(
  spec: CommandSpec,
  inv: Invocation,
  env: CommandEnv,
  user: UserInfo,
): Request[][] {
  const [, sub] = spec.path
  if (sub === 'apply') return manifestRequests(user, inv, env, 'apply')
  if (
    (sub === 'delete' || (sub === 'create' && spec.path.length === 2)) &&
    strs(inv.flags, 'filename').length
  )
    return manifestRequests(user, inv, env, sub)
  // expose GETs the object it exposes, then POSTs the Service: one chain
  if (sub === 'expose') return [singleRequests(spec, inv, user)]
  const ns = namespaceOf(inv.flags)
  // logs GETs the pod through the resource builder, then GETs pods/NAME/log (kubectl logs.go)
  if (sub === 'logs' && inv.args[0] && !inv.args[0].includes('/'))
    return [
      [attrs(user, 'get', POD, ns, inv.args[0]), attrs(user, 'get', POD, ns, inv.args[0], 'log')],
    ]
  // scale's resource builder GETs each object before the PATCH of its scale subresource
  // (kubectl scale.go: the builder has no RequireObject(false)); a refused GET stops there
  if (sub === 'scale')
    return targets(inv.args).map((t) => [
      attrs(user, 'get', t.r, ns, t.name),
      attrs(user, 'patch', t.r, ns, t.name, 'scale'),
    ])
  // exec GETs the pod (or the owner, then LISTs its pods) and POSTs pods/NAME/exec
  if (sub === 'exec') {
    const t = inv.args[0]
    if (!t) return []
    const slash = t.indexOf('/')
    const [kind, name] = slash >= 0 ? [t.slice(0, slash), t.slice(slash + 1)] : ['pods', t]
    const r = lookupResource(kind)
    if (!r) return []
    const pod = ownerPods(env.sim.state, kind, ns, name).pod?.metadata.name
    return [
      [
        attrs(user, 'get', r, ns, name),
        ...(r.kind === 'Pod' ? [] : [attrs(user, 'list', POD, ns)]),
        ...(pod ? [attrs(user, 'create', POD, ns, pod, 'exec')] : []),
      ],
    ]
  }
  return singleRequests(spec, inv, user).map((a) => [a])
}

function singleRequests(spec: CommandSpec, inv: Invocation, user: UserInfo): RequestAttributes[] {
  const ns = namespaceOf(inv.flags)
  const [, sub, gen] = spec.path
  switch (sub) {
    case 'get':
    case 'describe':
    case 'wait':
      return readRequests(user, inv, inv.args)
    case 'delete': {
      const named = targets(inv.args)
      if (named.length) return named.map((t) => attrs(user, 'delete', t.r, ns, t.name))
      // --all / -l: kubectl lists, then deletes each object it found
      return readRequests(user, inv, inv.args.slice(0, 1))
    }
    case 'create': {
      const r = gen ? lookupResource(gen) : undefined
      return r ? [attrs(user, 'create', r, ns)] : []
    }
    case 'run':
      return [attrs(user, 'create', POD, ns)]
    case 'expose': {
      const svc = lookupResource('services')!
      return [
        ...targets(inv.args).map((t) => attrs(user, 'get', t.r, ns, t.name)),
        attrs(user, 'create', svc, ns),
      ]
    }
    case 'rollout':
      return targets(inv.args).map((t) =>
        attrs(user, gen === 'restart' ? 'patch' : 'get', t.r, ns, t.name),
      )
    case 'logs': {
      const t = inv.args[0]
      if (!t) return []
      if (t.includes('/')) return targets([t]).map((x) => attrs(user, 'get', x.r, ns, x.name))
      return [attrs(user, 'get', POD, ns, t)]
    }
    default:
      return []
  }
}

/** The 403 lines, one per refused request (kubectl reports each), or undefined when all are allowed. */
export function denied(state: ClusterState, requests: Request[][]): OutputLine[] | undefined {
  const lines: OutputLine[] = []
  for (const chain of requests)
    for (const a of chain) {
      const d = authorize(state, a)
      if (d.allowed) continue
      const { errorPrefix, ...request } = a
      for (const l of apiErrorLines(forbidden(request, d.reason), errorPrefix))
        lines.push(...l.text.split('\n').map((text) => ({ ...l, text })))
      break
    }
  return lines.length ? lines : undefined
}

/** Wraps a kubectl command so its requests are authenticated, impersonated and authorized first. */
export function withAccessCheck(spec: CommandSpec): CommandSpec {
  if (spec.path[0] !== 'kubectl' || spec.path.length < 2 || spec.path[1] === 'config') return spec
  return {
    ...spec,
    run(inv, env) {
      const state = env.sim.state
      const user = requestUser(state, inv)
      if (Array.isArray(user)) return { lines: user, exitCode: 1 }
      // the learner's own requests are allowed by the access policy: skip the derivation
      if (user.name !== clusterCreator(state.aws).name) {
        const lines = denied(state, requestsFor(spec, inv, env, user))
        if (lines) return { lines, exitCode: 1 }
      }
      return spec.run(inv, env)
    },
  }
}
