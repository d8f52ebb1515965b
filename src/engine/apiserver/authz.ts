import type { AwsState } from '../model/aws.ts'
import type { ClusterState } from '../model/state.ts'
import type { PolicyRule, RoleRef, Subject } from '../model/k8s.ts'
import { awsHashHex } from '../aws/ids.ts'
import { ApiError } from './errors.ts'
import { getObject, listObjects } from './store.ts'

// The API server's authorization step. On EKS the chain is `--authorization-mode=Node,RBAC,Webhook`
// (the flag as EKS's control-plane log prints it); the webhook is EKS's own authorizer for access
// entries and their access policies (AmazonEKSClusterAdminPolicy…), which are not RBAC objects and
// never show up in `kubectl get clusterrolebindings`
// (https://docs.aws.amazon.com/eks/latest/userguide/access-policies.html).
// The first authorizer that allows wins; none ever denies outright, so "no" means "nobody allowed it".
//
// Simplification: the Node authorizer (kubelets' own identities) is not modelled: only people
// (the learner, impersonated users and service accounts) make requests here.

/** user.Info: who is asking, as the authenticator resolved them. */
export interface UserInfo {
  name: string
  uid?: string
  groups: string[]
  extra?: Record<string, string[]>
}

/** authorizer.Attributes: a resource request (resource set) or a non-resource one (path set). */
export interface RequestAttributes {
  user: UserInfo
  verb: string
  apiGroup?: string
  resource?: string
  subresource?: string
  /** '' or absent: cluster scope (a cluster-scoped object, or a list across all namespaces) */
  namespace?: string
  name?: string
  /** non-resource URL, e.g. /healthz */
  path?: string
}

export interface Decision {
  allowed: boolean
  /** "RBAC: allowed by …" on yes; on no, RBAC's evaluation errors (bindings to missing roles) */
  reason: string
}

export const AUTHENTICATED = 'system:authenticated'
const SA_PREFIX = 'system:serviceaccount:'

/** The groups the API server gives a service account's token (pkg/serviceaccount/util.go MakeGroupNames). */
export function serviceAccountGroups(namespace: string): string[] {
  return ['system:serviceaccounts', `system:serviceaccounts:${namespace}`]
}

/** `system:serviceaccount:<ns>:<name>` → [ns, name] */
export function splitServiceAccountUser(name: string): [string, string] | undefined {
  if (!name.startsWith(SA_PREFIX)) return undefined
  const parts = name.slice(SA_PREFIX.length).split(':')
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined
  return [parts[0], parts[1]]
}

/**
 * The learner's kubectl: the IAM user that created the cluster (the same ARN `aws sts
 * get-caller-identity` prints), authenticated by aws-iam-authenticator. With access entries the
 * username is the IAM ARN and the only group is system:authenticated; its admin rights come from the
 * access policy, not from a group such as system:masters. The shape is what `kubectl auth whoami`
 * prints on EKS (eks-workshop "read-only" lab; the extras of an IAM user as in
 * aws-samples' EKS CTF write-ups).
 */
export function clusterCreator(aws: AwsState): UserInfo {
  const arn = `arn:aws:iam::${aws.accountId}:user/learner`
  const principalId = `AIDA${stableId(`${aws.accountId}/learner`, 17)}`
  return {
    name: arn,
    uid: `aws-iam-authenticator:${aws.accountId}:${principalId}`,
    groups: [AUTHENTICATED],
    extra: {
      accessKeyId: [`AKIA${stableId(`${aws.accountId}/learner/key`, 16)}`],
      arn: [arn],
      canonicalArn: [arn],
      principalId: [principalId],
      sessionName: [''],
      'sigs.k8s.io/aws-iam-authenticator/principalId': [principalId],
    },
  }
}

/** IAM-style ids: the derivation the console's `aws sts get-caller-identity` uses too, so whoami's
 * principalId equals sts's UserId. */
function stableId(key: string, n: number): string {
  return awsHashHex(key, n).toUpperCase().replace(/[01]/g, 'Q')
}

/** An EKS access entry with its associated access policies (cluster scope only in this model). */
export interface AccessEntry {
  principalArn: string
  policies: string[]
}

/** EKS creates one access entry for the cluster creator with AmazonEKSClusterAdminPolicy
 * (bootstrapClusterCreatorAdminPermissions, eksctl's default). */
export function accessEntries(state: ClusterState): AccessEntry[] {
  return [
    {
      principalArn: clusterCreator(state.aws).name,
      policies: ['arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy'],
    },
  ]
}

// ------------------------------------------------------------------ RBAC (pkg/registry/rbac/validation/rule.go)

function has(list: readonly string[] | undefined, value: string): boolean {
  return !!list && (list.includes('*') || list.includes(value))
}

/** rbac/v1 helpers VerbMatches, APIGroupMatches, ResourceMatches, ResourceNameMatches, NonResourceURLMatches. */
export function ruleAllows(attrs: RequestAttributes, rule: PolicyRule): boolean {
  if (!has(rule.verbs, attrs.verb)) return false
  if (attrs.resource === undefined) {
    const path = attrs.path ?? ''
    return (rule.nonResourceURLs ?? []).some(
      (u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))),
    )
  }
  if (!has(rule.apiGroups, attrs.apiGroup ?? '')) return false
  const combined = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource
  const resources = rule.resources ?? []
  const resourceOk =
    resources.includes('*') ||
    resources.includes(combined) ||
    (!!attrs.subresource && resources.includes(`*/${attrs.subresource}`))
  if (!resourceOk) return false
  const names = rule.resourceNames ?? []
  return names.length === 0 || names.includes(attrs.name ?? '')
}

/** appliesToUser: does this binding subject name the user (a ServiceAccount defaults to the binding's namespace)? */
export function subjectMatches(user: UserInfo, s: Subject, bindingNamespace: string): boolean {
  switch (s.kind) {
    case 'User':
      return user.name === s.name
    case 'Group':
      return user.groups.includes(s.name)
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace
      return !!ns && user.name === `${SA_PREFIX}${ns}:${s.name}`
    }
  }
}

/** The rules a role ref points at, or the lister's NotFound (`role.rbac.authorization.k8s.io "x" not found`). */
function rulesOf(
  state: ClusterState,
  ref: RoleRef,
  namespace: string,
): { rules: PolicyRule[] } | { error: string } {
  if (ref.kind === 'ClusterRole') {
    const r = getObject(state, 'ClusterRole', undefined, ref.name)
    return r
      ? { rules: r.rules ?? [] }
      : { error: `clusterrole.rbac.authorization.k8s.io "${ref.name}" not found` }
  }
  const r = getObject(state, 'Role', namespace, ref.name)
  return r
    ? { rules: r.rules ?? [] }
    : { error: `role.rbac.authorization.k8s.io "${ref.name}" not found` }
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount')
    return `ServiceAccount "${s.namespace || bindingNamespace}/${s.name}"`
  return `${s.kind} "${s.name}"`
}

/**
 * VisitRulesFor: every ClusterRoleBinding, then (for a namespaced request) the RoleBindings of that
 * namespace. The visitor returns false to stop.
 */
export function visitRulesFor(
  state: ClusterState,
  user: UserInfo,
  namespace: string,
  visit: (source: string, rule: PolicyRule | undefined, error: string | undefined) => boolean,
): void {
  for (const b of listObjects(state, 'ClusterRoleBinding')) {
    const s = (b.subjects ?? []).find((x) => subjectMatches(user, x, ''))
    if (!s) continue
    const res = rulesOf(state, b.roleRef, '')
    if ('error' in res) {
      if (!visit('', undefined, res.error)) return
      continue
    }
    const source = `ClusterRoleBinding "${b.metadata.name}" of ClusterRole "${b.roleRef.name}" to ${describeSubject(s, '')}`
    for (const r of res.rules) if (!visit(source, r, undefined)) return
  }
  if (!namespace) return
  for (const b of listObjects(state, 'RoleBinding', namespace)) {
    const s = (b.subjects ?? []).find((x) => subjectMatches(user, x, namespace))
    if (!s) continue
    const res = rulesOf(state, b.roleRef, namespace)
    if ('error' in res) {
      if (!visit('', undefined, res.error)) return
      continue
    }
    const source = `RoleBinding "${b.metadata.name}/${namespace}" of ${b.roleRef.kind} "${b.roleRef.name}" to ${describeSubject(s, namespace)}`
    for (const r of res.rules) if (!visit(source, r, undefined)) return
  }
}

/** utilerrors.NewAggregate(...).Error(): one message as it is, several in brackets. */
function aggregate(errors: string[]): string {
  return errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`
}

export function rbacAuthorize(state: ClusterState, attrs: RequestAttributes): Decision {
  let allowedBy: string | undefined
  const errors: string[] = []
  visitRulesFor(state, attrs.user, attrs.namespace ?? '', (source, rule, error) => {
    if (rule && ruleAllows(attrs, rule)) {
      allowedBy = source
      return false
    }
    if (error) errors.push(error)
    return true
  })
  if (allowedBy) return { allowed: true, reason: `RBAC: allowed by ${allowedBy}` }
  return { allowed: false, reason: errors.length ? `RBAC: ${aggregate(errors)}` : '' }
}

/** The union authorizer: RBAC, then EKS's access-entry webhook. */
export function authorize(state: ClusterState, attrs: RequestAttributes): Decision {
  const rbac = rbacAuthorize(state, attrs)
  if (rbac.allowed) return rbac
  const entry = accessEntries(state).find(
    (e) =>
      e.principalArn === attrs.user.name || attrs.user.extra?.canonicalArn?.[0] === e.principalArn,
  )
  // AmazonEKSClusterAdminPolicy is `*` on everything, like cluster-admin
  if (entry?.policies.some((p) => p.endsWith('/AmazonEKSClusterAdminPolicy')))
    return { allowed: true, reason: '' }
  return rbac
}

/** The rules a user holds in a namespace (SelfSubjectRulesReview), with RBAC's errors. */
export function rulesFor(
  state: ClusterState,
  user: UserInfo,
  namespace: string,
): { rules: PolicyRule[]; errors: string[] } {
  const rules: PolicyRule[] = []
  const errors: string[] = []
  visitRulesFor(state, user, namespace, (_s, rule, error) => {
    if (rule) rules.push(rule)
    if (error) errors.push(error)
    return true
  })
  return { rules, errors }
}

/** responsewriters.forbiddenMessage (k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go). */
export function forbiddenMessage(attrs: RequestAttributes): string {
  const who = `User "${attrs.user.name}"`
  if (attrs.resource === undefined) return `${who} cannot ${attrs.verb} path "${attrs.path ?? ''}"`
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource
  const where = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope'
  return `${who} cannot ${attrs.verb} resource "${resource}" in API group "${attrs.apiGroup ?? ''}" ${where}`
}

/**
 * The 403 the API server returns (responsewriters.Forbidden → apierrors.NewForbidden):
 * `secrets "db" is forbidden: User "…" cannot get resource "secrets" in API group "" in the namespace "default"`.
 */
export function forbidden(attrs: RequestAttributes, reason = ''): ApiError {
  const msg = forbiddenMessage(attrs) + (reason ? `: ${reason}` : '')
  if (attrs.resource === undefined) return new ApiError('Forbidden', `forbidden: ${msg}`, {})
  const gr = attrs.apiGroup ? `${attrs.resource}.${attrs.apiGroup}` : attrs.resource
  const head = attrs.name ? `${gr} "${attrs.name}" is forbidden` : `${gr} is forbidden`
  return new ApiError('Forbidden', `${head}: ${msg}`, {
    ...(attrs.name ? { name: attrs.name } : {}),
    ...(attrs.apiGroup ? { group: attrs.apiGroup } : {}),
    kind: attrs.resource,
  })
}

/** Throws the 403 unless the request is allowed (what the API server's authorization filter does). */
export function checkAccess(state: ClusterState, attrs: RequestAttributes): void {
  const d = authorize(state, attrs)
  if (!d.allowed) throw forbidden(attrs, d.reason)
}

/**
 * The impersonation filter (k8s.io/apiserver/pkg/endpoints/filters/impersonation.go): the real user
 * needs `impersonate` on users (or serviceaccounts) and on groups; the result gets the service
 * account's groups, the extra groups, and system:authenticated unless a group says otherwise.
 */
export function impersonate(
  state: ClusterState,
  real: UserInfo,
  as: string,
  asGroups: readonly string[],
): UserInfo | ApiError {
  const sa = splitServiceAccountUser(as)
  const checks: RequestAttributes[] = [
    sa
      ? {
          user: real,
          verb: 'impersonate',
          apiGroup: '',
          resource: 'serviceaccounts',
          namespace: sa[0],
          name: sa[1],
        }
      : { user: real, verb: 'impersonate', apiGroup: '', resource: 'users', name: as },
    ...asGroups.map((g) => ({
      user: real,
      verb: 'impersonate',
      apiGroup: '',
      resource: 'groups',
      name: g,
    })),
  ]
  for (const c of checks) {
    const d = authorize(state, c)
    if (!d.allowed) return forbidden(c, d.reason)
  }
  // a service account's fixed groups apply only when no --as-group was given
  const groups = asGroups.length ? [...asGroups] : sa ? serviceAccountGroups(sa[0]) : []
  if (
    as !== 'system:anonymous' &&
    !groups.includes(AUTHENTICATED) &&
    !groups.includes('system:unauthenticated')
  )
    groups.push(AUTHENTICATED)
  return { name: as, groups }
}

/** The SelfSubjectReview the apiserver answers `kubectl auth whoami` with: the requester as the
 * authenticator saw it. Field order is the Go struct's (kind, apiVersion; username, uid, groups,
 * extra), which -o json keeps. creationTimestamp is the caller's (the serve API sends null). */
export function selfSubjectReview(user: UserInfo, creationTimestamp: string | null) {
  return {
    kind: 'SelfSubjectReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { creationTimestamp },
    status: {
      userInfo: {
        username: user.name,
        ...(user.uid ? { uid: user.uid } : {}),
        groups: user.groups,
        ...(user.extra ? { extra: user.extra } : {}),
      },
    },
  }
}
