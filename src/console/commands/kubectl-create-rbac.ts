import type { PolicyRule, Subject } from '../../engine/index.ts'
import { lookupResource } from '../../engine/index.ts'
import type { NewObjectLike } from './kubectlTypes.ts'
import type { CommandResult, CommandSpec, FlagSpec, Invocation, OutputLine } from '../types.ts'
import { fail, err } from '../types.ts'
import type { CommandEnv } from '../types.ts'
import { str, strs } from '../flags.ts'
import { namespaceOf, withGlobals } from './kubectlFlags.ts'
import { createFlags, submit } from './kubectl-create.ts'

// kubectl create role / clusterrole / rolebinding / clusterrolebinding
// (k8s.io/kubectl/pkg/cmd/create: create_role.go, create_clusterrole.go, create_rolebinding.go,
// create_clusterrolebinding.go): the generators build the object client-side and POST it.
// Simplification: --aggregation-rule is not offered, and the API server's escalation check
// ("is attempting to grant RBAC permissions not currently held") is not modelled.

const RBAC = 'rbac.authorization.k8s.io'

// create_role.go validResourceVerbs and specialVerbs
const VALID_RESOURCE_VERBS = [
  '*',
  'get',
  'delete',
  'list',
  'create',
  'update',
  'patch',
  'watch',
  'proxy',
  'deletecollection',
  'use',
  'bind',
  'escalate',
  'impersonate',
]
const VALID_NON_RESOURCE_VERBS = ['*', 'get', 'post', 'put', 'delete', 'patch', 'head', 'options']
const SPECIAL_VERBS: Record<string, [string, string][]> = {
  use: [['policy', 'podsecuritypolicies']],
  bind: [
    [RBAC, 'roles'],
    [RBAC, 'clusterroles'],
  ],
  escalate: [
    [RBAC, 'roles'],
    [RBAC, 'clusterroles'],
  ],
  impersonate: [
    ['', 'users'],
    ['', 'serviceaccounts'],
    ['', 'groups'],
    ['authentication.k8s.io', 'userextras'],
    ['authentication.k8s.io', 'uids'],
  ],
}

/** StringSlice flags (--verb, --resource) accept comma-separated values and repeats. */
const slice = (inv: Invocation, name: string) =>
  strs(inv.flags, name).flatMap((v) => v.split(',').filter(Boolean))

/** cmdutil.CheckErr: a RESTMapper miss prints bare, every other error with `error: `. */
const errorText = (e: string) => (e.startsWith("the server doesn't have") ? e : `error: ${e}`)

const uniq = (xs: string[]) => xs.filter((x, i) => xs.indexOf(x) === i)

const nameRequired = (inv: Invocation, cmd: string): CommandResult | undefined =>
  inv.args.length === 1
    ? undefined
    : fail([
        `error: exactly one NAME is required, got ${inv.args.length}`,
        `See 'kubectl create ${cmd} -h' for help and examples`,
      ])

interface ResourceOption {
  resource: string
  group: string
  subresource: string
}

/** Complete(): `resource.group/subresource`; a bare `*` alone stands for every resource. */
function parseResources(inv: Invocation): ResourceOption[] {
  const out: ResourceOption[] = []
  for (const r of slice(inv, 'resource')) {
    const [main, subresource = ''] = r.split(/\/(.*)/s, 2) as [string, string?]
    const dot = main.indexOf('.')
    const resource = dot >= 0 ? main.slice(0, dot) : main
    const group = dot >= 0 ? main.slice(dot + 1) : ''
    if (resource === '*' && dot < 0 && !r.includes('/'))
      return [{ resource: '*', group: '', subresource: '' }]
    out.push({ resource, group, subresource })
  }
  return out
}

/**
 * Validate() + generateResourcePolicyRules(): one rule per API group (groups sorted), resources
 * resolved through discovery (short names become plurals). Returns the rules or kubectl's error.
 */
function resourceRules(
  verbs: string[],
  resources: ResourceOption[],
  names: string[],
  warnings: OutputLine[],
): PolicyRule[] | string {
  for (const v of verbs)
    if (!VALID_RESOURCE_VERBS.includes(v))
      warnings.push({ text: `Warning: '${v}' is not a standard resource verb`, tone: 'warn' })
  const byGroup = new Map<string, string[]>()
  for (const r of resources) {
    if (!r.resource) return 'resource must be specified if apiGroup/subresource specified'
    // a bare `*` keeps the empty group: apiGroups [""], resources ["*"] (kubectl v1.32)
    if (r.resource === '*') {
      byGroup.set(r.group, ['*'])
      break
    }
    const found = lookupResource(r.group ? `${r.resource}.${r.group}` : r.resource)
    const plural = found?.resource ?? r.resource
    const group = found?.group ?? r.group
    for (const v of verbs) {
      const special = SPECIAL_VERBS[v]
      if (special && !special.some(([g, res]) => g === group && res === plural))
        return `can not perform '${v}' on '${plural}' in group '${group}'`
    }
    if (!found && !verbs.some((v) => SPECIAL_VERBS[v]))
      return `the server doesn't have a resource type "${r.resource}"`
    const full = r.subresource ? `${plural}/${r.subresource}` : plural
    const list = byGroup.get(group) ?? []
    if (!list.includes(full)) list.push(full)
    byGroup.set(group, list)
  }
  return [...byGroup.keys()].sort().map((g) => ({
    apiGroups: [g],
    resources: byGroup.get(g)!,
    ...(names.length ? { resourceNames: names } : {}),
    verbs,
  }))
}

function normaliseVerbs(inv: Invocation): string[] {
  const v = uniq(slice(inv, 'verb'))
  return v.includes('*') ? ['*'] : v
}

const ROLE_FLAGS: FlagSpec[] = [
  {
    name: 'verb',
    type: 'strings',
    description: 'Verb that applies to the resources contained in the rule',
  },
  {
    name: 'resource',
    type: 'strings',
    description: 'Resource that the rule applies to',
  },
  {
    name: 'resource-name',
    type: 'strings',
    description:
      'Resource in the white list that the rule applies to, repeat this flag for multiple items',
  },
]

/** dry-run=client prints the object as generated (creationTimestamp: null); the server gets it without. */
function post(
  env: CommandEnv,
  inv: Invocation,
  obj: NewObjectLike,
  ref: string,
  warnings: OutputLine[],
): CommandResult {
  // the generators set metadata.namespace only when -n was given (o.EnforceNamespace), so a client
  // dry run without -n prints none (checked against kubectl v1.32)
  const { namespace, ...meta } = obj.metadata as { namespace?: string }
  const printable = {
    ...obj,
    metadata: {
      creationTimestamp: null,
      ...meta,
      ...(namespace !== undefined && str(inv.flags, 'namespace') ? { namespace } : {}),
    },
  }
  const r =
    str(inv.flags, 'dry-run') === 'client'
      ? submit(env, inv, printable as NewObjectLike, ref, 'created', '')
      : submit(env, inv, obj, ref, 'created', '')
  return warnings.length ? { ...r, lines: [...warnings, ...r.lines] } : r
}

export const kubectlCreateRole: CommandSpec = {
  path: ['kubectl', 'create', 'role'],
  modes: ['local'],
  summary: 'Create a role with single rule',
  usage:
    'kubectl create role NAME --verb=verb --resource=resource.group/subresource [--resource-name=resourcename] [--dry-run=server|client|none]',
  mutates: true,
  flags: withGlobals([...ROLE_FLAGS, ...createFlags]),
  run(inv, env) {
    const bad = nameRequired(inv, 'role')
    if (bad) return bad
    const name = inv.args[0]!
    const verbs = normaliseVerbs(inv)
    if (!verbs.length) return fail(['error: at least one verb must be specified'])
    const resources = parseResources(inv)
    if (!resources.length) return fail(['error: at least one resource must be specified'])
    const warnings: OutputLine[] = []
    const rules = resourceRules(verbs, resources, uniq(strs(inv.flags, 'resource-name')), warnings)
    if (typeof rules === 'string')
      return { lines: [...warnings, err(errorText(rules))], exitCode: 1 }
    const obj = {
      apiVersion: `${RBAC}/v1`,
      kind: 'Role',
      metadata: { name, namespace: namespaceOf(inv.flags) },
      rules,
    }
    return post(env, inv, obj, `role.${RBAC}/${name}`, warnings)
  },
}

export const kubectlCreateClusterRole: CommandSpec = {
  path: ['kubectl', 'create', 'clusterrole'],
  modes: ['local'],
  summary: 'Create a cluster role',
  usage:
    'kubectl create clusterrole NAME --verb=verb --resource=resource.group [--resource-name=resourcename] [--dry-run=server|client|none]',
  mutates: true,
  flags: withGlobals([
    ...ROLE_FLAGS,
    {
      name: 'non-resource-url',
      type: 'strings',
      description: 'A partial url that user should have access to.',
    },
    ...createFlags,
  ]),
  run(inv, env) {
    const bad = nameRequired(inv, 'clusterrole')
    if (bad) return bad
    const name = inv.args[0]!
    const verbs = normaliseVerbs(inv)
    const resources = parseResources(inv)
    const urls = slice(inv, 'non-resource-url')
    const names = uniq(strs(inv.flags, 'resource-name'))
    if (!verbs.length) return fail(['error: at least one verb must be specified'])
    if (!resources.length && !urls.length)
      return fail(['error: one of resource or nonResourceURL must be specified'])
    const warnings: OutputLine[] = []
    let rules: PolicyRule[] = []
    if (resources.length) {
      const r = resourceRules(verbs, resources, names, warnings)
      if (typeof r === 'string') return { lines: [...warnings, err(errorText(r))], exitCode: 1 }
      rules = r
    }
    if (urls.length) {
      // --resource-name applies to the resource rule only; with URLs alone kubectl v1.32 ignores it
      for (const v of verbs)
        if (!VALID_NON_RESOURCE_VERBS.includes(v))
          return fail([`error: invalid verb: '${v}' for nonResourceURL`])
      for (const u of urls) {
        if (u === '*') continue
        if (!u.startsWith('/')) return fail(['error: nonResourceURL should start with /'])
        if (u.slice(0, -1).includes('*'))
          return fail([
            "error: nonResourceURL only supports wildcard matches when '*' is at the end",
          ])
      }
      rules.push({ nonResourceURLs: urls, verbs })
    }
    const obj = { apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name }, rules }
    return post(env, inv, obj, `clusterrole.${RBAC}/${name}`, warnings)
  },
}

const SUBJECT_FLAGS: FlagSpec[] = [
  {
    name: 'user',
    type: 'strings',
    description:
      'Usernames to bind to the clusterrole. The flag can be repeated to add multiple users.',
  },
  {
    name: 'group',
    type: 'strings',
    description:
      'Groups to bind to the clusterrole. The flag can be repeated to add multiple groups.',
  },
  {
    name: 'serviceaccount',
    type: 'strings',
    description:
      'Service accounts to bind to the clusterrole, in the format <namespace>:<name>. The flag can be repeated to add multiple service accounts.',
  },
]

/** Users, then groups, then service accounts, as the generators append them. */
function subjects(inv: Invocation): Subject[] | string {
  const out: Subject[] = [
    ...strs(inv.flags, 'user').map((name) => ({ apiGroup: RBAC, kind: 'User' as const, name })),
    ...strs(inv.flags, 'group').map((name) => ({ apiGroup: RBAC, kind: 'Group' as const, name })),
  ]
  for (const sa of strs(inv.flags, 'serviceaccount')) {
    const t = sa.split(':')
    if (t.length !== 2 || !t[1]) return 'serviceaccount must be <namespace>:<name>'
    out.push({ kind: 'ServiceAccount', namespace: t[0]!, name: t[1] })
  }
  return out
}

export const kubectlCreateRoleBinding: CommandSpec = {
  path: ['kubectl', 'create', 'rolebinding'],
  modes: ['local'],
  summary: 'Create a role binding for a particular role or cluster role',
  usage:
    'kubectl create rolebinding NAME --clusterrole=NAME|--role=NAME [--user=username] [--group=groupname] [--serviceaccount=namespace:serviceaccountname] [--dry-run=server|client|none]',
  mutates: true,
  flags: withGlobals([
    { name: 'role', type: 'string', description: 'Role this RoleBinding should reference' },
    {
      name: 'clusterrole',
      type: 'string',
      description: 'ClusterRole this RoleBinding should reference',
    },
    ...SUBJECT_FLAGS,
    ...createFlags,
  ]),
  run(inv, env) {
    const bad = nameRequired(inv, 'rolebinding')
    if (bad) return bad
    const name = inv.args[0]!
    const role = str(inv.flags, 'role') ?? ''
    const clusterRole = str(inv.flags, 'clusterrole') ?? ''
    if (!role === !clusterRole)
      return fail(['error: exactly one of clusterrole or role must be specified'])
    const subs = subjects(inv)
    if (typeof subs === 'string') return fail([`error: ${subs}`])
    const obj = {
      apiVersion: `${RBAC}/v1`,
      kind: 'RoleBinding',
      metadata: { name, namespace: namespaceOf(inv.flags) },
      roleRef: {
        apiGroup: RBAC,
        kind: role ? 'Role' : 'ClusterRole',
        name: role || clusterRole,
      },
      subjects: subs,
    }
    return post(env, inv, obj, `rolebinding.${RBAC}/${name}`, [])
  },
}

export const kubectlCreateClusterRoleBinding: CommandSpec = {
  path: ['kubectl', 'create', 'clusterrolebinding'],
  modes: ['local'],
  summary: 'Create a cluster role binding for a particular cluster role',
  usage:
    'kubectl create clusterrolebinding NAME --clusterrole=NAME [--user=username] [--group=groupname] [--serviceaccount=namespace:serviceaccountname] [--dry-run=server|client|none]',
  mutates: true,
  flags: withGlobals([
    {
      name: 'clusterrole',
      type: 'string',
      description: 'ClusterRole this ClusterRoleBinding should reference',
    },
    ...SUBJECT_FLAGS,
    ...createFlags,
  ]),
  run(inv, env) {
    const clusterRole = str(inv.flags, 'clusterrole')
    if (clusterRole === undefined) return fail(['error: required flag(s) "clusterrole" not set'])
    const bad = nameRequired(inv, 'clusterrolebinding')
    if (bad) return bad
    const name = inv.args[0]!
    const subs = subjects(inv)
    if (typeof subs === 'string') return fail([`error: ${subs}`])
    const obj = {
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: clusterRole },
      subjects: subs,
    }
    return post(env, inv, obj, `clusterrolebinding.${RBAC}/${name}`, [])
  },
}

export const CREATE_RBAC_COMMANDS: CommandSpec[] = [
  kubectlCreateRole,
  kubectlCreateClusterRole,
  kubectlCreateRoleBinding,
  kubectlCreateClusterRoleBinding,
]
