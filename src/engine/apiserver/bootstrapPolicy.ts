import type { Ctx } from '../context.ts'
import type {
  ClusterRole,
  ClusterRoleBinding,
  KObject,
  PolicyRule,
  Role,
  RoleBinding,
  Subject,
} from '../model/k8s.ts'
import { createRng, uuid } from '../random.ts'
import { fnv32a } from '../controllers/hash.ts'
import { rfc3339 } from '../time.ts'
import { getObject, putObject } from './store.ts'
import { deepClone } from '../clone.ts'

// The RBAC objects a fresh EKS cluster already has, as `kubectl get clusterroles,clusterrolebindings`
// lists them. The API server writes Kubernetes' own at startup (the "rbac/bootstrap-roles" post-start
// hook, plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go and controller_policy.go); EKS adds
// its eks:* objects and the add-ons' roles
// (https://docs.aws.amazon.com/eks/latest/userguide/default-roles-users.html).
//
// Simplification: a real cluster has about 70 ClusterRoles (every controller's system:controller:*
// role, system:node, system:kube-scheduler…). We keep the ones a learner meets when asking "who can
// read a Secret?": the user-facing roles and what makes them, the discovery roles every authenticated
// user is bound to, and a few EKS and add-on roles for realism.

const READ = ['get', 'list', 'watch']
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update']
const READ_WRITE = [...READ, ...WRITE]

// rbacv1helpers.NewRule(...).RuleOrDie() sorts every list of the rule it builds (Rule(): sort.Strings),
// so the stored bootstrap roles list verbs alphabetically: `kubectl describe clusterrole` shows them so
const rule = (verbs: string[], apiGroups: string[], resources: string[]): PolicyRule => ({
  apiGroups: [...apiGroups].sort(),
  resources: [...resources].sort(),
  verbs: [...verbs].sort(),
})

// policy.go ClusterRoles(): system:aggregate-to-view/edit/admin. `view` deliberately leaves out
// Secrets ("escalating" resources); `edit` adds them, which is why edit can read every Secret in
// its namespace.
const AGGREGATE_TO_VIEW: PolicyRule[] = [
  rule(
    READ,
    [''],
    [
      'configmaps',
      'endpoints',
      'persistentvolumeclaims',
      'persistentvolumeclaims/status',
      'pods',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'serviceaccounts',
      'services',
      'services/status',
    ],
  ),
  rule(
    READ,
    [''],
    [
      'bindings',
      'events',
      'limitranges',
      'namespaces/status',
      'pods/log',
      'pods/status',
      'replicationcontrollers/status',
      'resourcequotas',
      'resourcequotas/status',
    ],
  ),
  rule(READ, [''], ['namespaces']),
  rule(READ, ['discovery.k8s.io'], ['endpointslices']),
  rule(
    READ,
    ['apps'],
    [
      'controllerrevisions',
      'daemonsets',
      'daemonsets/status',
      'deployments',
      'deployments/scale',
      'deployments/status',
      'replicasets',
      'replicasets/scale',
      'replicasets/status',
      'statefulsets',
      'statefulsets/scale',
      'statefulsets/status',
    ],
  ),
  rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
  rule(READ, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
  rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
  rule(READ, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
]

const AGGREGATE_TO_EDIT: PolicyRule[] = [
  rule(
    READ,
    [''],
    ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'],
  ),
  rule(['impersonate'], [''], ['serviceaccounts']),
  rule(WRITE, [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
  rule(['create'], [''], ['pods/eviction']),
  rule(
    WRITE,
    [''],
    [
      'configmaps',
      'events',
      'persistentvolumeclaims',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'secrets',
      'serviceaccounts',
      'services',
      'services/proxy',
    ],
  ),
  rule(['create'], [''], ['serviceaccounts/token']),
  rule(
    WRITE,
    ['apps'],
    [
      'daemonsets',
      'deployments',
      'deployments/rollback',
      'deployments/scale',
      'replicasets',
      'replicasets/scale',
      'statefulsets',
      'statefulsets/scale',
    ],
  ),
  rule(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
  rule(WRITE, ['batch'], ['cronjobs', 'jobs']),
  rule(WRITE, ['policy'], ['poddisruptionbudgets']),
  rule(WRITE, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
  rule(READ_WRITE, ['coordination.k8s.io'], ['leases']),
]

const AGGREGATE_TO_ADMIN: PolicyRule[] = [
  rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
  rule(READ_WRITE, ['rbac.authorization.k8s.io'], ['rolebindings', 'roles']),
]

const DISCOVERY_URLS = [
  '/api',
  '/api/*',
  '/apis',
  '/apis/*',
  '/healthz',
  '/livez',
  '/openapi',
  '/openapi/*',
  '/readyz',
  '/version',
  '/version/',
]
const PUBLIC_INFO_URLS = ['/healthz', '/livez', '/readyz', '/version', '/version/']

const BOOTSTRAP_LABELS = { 'kubernetes.io/bootstrapping': 'rbac-defaults' }
const AUTOUPDATE = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' }
const RBAC_GROUP = 'rbac.authorization.k8s.io'

const agg = (...names: string[]) =>
  Object.fromEntries(names.map((n) => [`rbac.authorization.k8s.io/aggregate-to-${n}`, 'true']))

interface RoleSpec {
  name: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
  rules: PolicyRule[]
  aggregateFrom?: string
}

const CLUSTER_ROLES: RoleSpec[] = [
  {
    name: 'admin',
    labels: BOOTSTRAP_LABELS,
    annotations: AUTOUPDATE,
    aggregateFrom: 'admin',
    // what the clusterrole-aggregation controller writes: the rules of the roles carrying its label,
    // taken in role-name order (edit, system:aggregate-to-admin), duplicates dropped
    rules: [...AGGREGATE_TO_EDIT, ...AGGREGATE_TO_VIEW, ...AGGREGATE_TO_ADMIN],
  },
  {
    name: 'aws-node',
    labels: {
      'app.kubernetes.io/instance': 'aws-vpc-cni',
      'app.kubernetes.io/name': 'aws-node',
      'app.kubernetes.io/version': 'v1.19.2',
    },
    // amazon-vpc-cni-k8s charts/aws-vpc-cni/templates/clusterrole.yaml
    rules: [
      rule(['list', 'watch', 'get'], ['crd.k8s.amazonaws.com'], ['eniconfigs']),
      rule(['list', 'watch', 'get'], [''], ['namespaces']),
      rule(['list', 'watch', 'get'], [''], ['pods']),
      rule(['list', 'watch', 'get'], [''], ['nodes']),
      rule(['create', 'patch', 'list'], ['', 'events.k8s.io'], ['events']),
      rule(['get', 'list', 'watch'], ['networking.k8s.aws'], ['policyendpoints']),
      rule(['get'], ['networking.k8s.aws'], ['policyendpoints/status']),
      rule(['get', 'list', 'watch', 'patch'], ['vpcresources.k8s.aws'], ['cninodes']),
    ],
  },
  {
    name: 'cluster-admin',
    labels: BOOTSTRAP_LABELS,
    annotations: AUTOUPDATE,
    rules: [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ],
  },
  {
    name: 'edit',
    labels: { ...BOOTSTRAP_LABELS, ...agg('admin') },
    annotations: AUTOUPDATE,
    aggregateFrom: 'edit',
    // system:aggregate-to-edit, then view
    rules: [...AGGREGATE_TO_EDIT, ...AGGREGATE_TO_VIEW],
  },
  {
    name: 'system:aggregate-to-admin',
    labels: { ...BOOTSTRAP_LABELS, ...agg('admin') },
    annotations: AUTOUPDATE,
    rules: AGGREGATE_TO_ADMIN,
  },
  {
    name: 'system:aggregate-to-edit',
    labels: { ...BOOTSTRAP_LABELS, ...agg('edit') },
    annotations: AUTOUPDATE,
    rules: AGGREGATE_TO_EDIT,
  },
  {
    name: 'system:aggregate-to-view',
    labels: { ...BOOTSTRAP_LABELS, ...agg('view') },
    annotations: AUTOUPDATE,
    rules: AGGREGATE_TO_VIEW,
  },
  {
    name: 'system:basic-user',
    labels: BOOTSTRAP_LABELS,
    annotations: AUTOUPDATE,
    rules: [
      rule(
        ['create'],
        ['authorization.k8s.io'],
        ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
      ),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ],
  },
  {
    name: 'system:discovery',
    labels: BOOTSTRAP_LABELS,
    annotations: AUTOUPDATE,
    rules: [{ nonResourceURLs: DISCOVERY_URLS, verbs: ['get'] }],
  },
  {
    name: 'system:public-info-viewer',
    labels: BOOTSTRAP_LABELS,
    annotations: AUTOUPDATE,
    rules: [{ nonResourceURLs: PUBLIC_INFO_URLS, verbs: ['get'] }],
  },
  {
    name: 'view',
    // the chain: view carries aggregate-to-edit, edit carries aggregate-to-admin
    labels: { ...BOOTSTRAP_LABELS, ...agg('edit') },
    annotations: AUTOUPDATE,
    aggregateFrom: 'view',
    rules: AGGREGATE_TO_VIEW,
  },
]

const group = (name: string): Subject => ({ apiGroup: RBAC_GROUP, kind: 'Group', name })

const CLUSTER_ROLE_BINDINGS: { name: string; role: string; subjects: Subject[]; eks?: boolean }[] =
  [
    {
      name: 'aws-node',
      role: 'aws-node',
      subjects: [{ kind: 'ServiceAccount', name: 'aws-node', namespace: 'kube-system' }],
      eks: true,
    },
    { name: 'cluster-admin', role: 'cluster-admin', subjects: [group('system:masters')] },
    {
      name: 'system:basic-user',
      role: 'system:basic-user',
      subjects: [group('system:authenticated')],
    },
    {
      name: 'system:discovery',
      role: 'system:discovery',
      subjects: [group('system:authenticated')],
    },
    {
      name: 'system:public-info-viewer',
      role: 'system:public-info-viewer',
      subjects: [group('system:authenticated'), group('system:unauthenticated')],
    },
  ]

// EKS's own namespaced objects (the user guide lists them; their rules are not published, so these
// carry the minimum their names describe and are marked as a simplification).
const EKS_ROLES: { name: string; namespace: string; rules: PolicyRule[]; user: string }[] = [
  {
    name: 'eks:authenticator',
    namespace: 'kube-system',
    rules: [rule(['get'], [''], ['configmaps'])],
    user: 'eks:authenticator',
  },
  {
    name: 'eks:k8s-metrics',
    namespace: 'kube-system',
    rules: [rule(['list'], ['apps'], ['deployments', 'daemonsets', 'statefulsets'])],
    user: 'eks:k8s-metrics',
  },
]

/** Writes the bootstrap RBAC policy. Uids come from a private generator so the cluster's own rng
 * (pod names, IPs) draws exactly what it drew before RBAC existed. */
export function bootstrapRbac(ctx: Ctx): void {
  const rng = createRng(fnv32a(`rbac-bootstrap/${ctx.state.rng.s}`))
  const meta = (name: string, namespace?: string, labels?: object, annotations?: object) => ({
    name,
    ...(namespace ? { namespace } : {}),
    uid: uuid(rng),
    resourceVersion: '0',
    creationTimestamp: rfc3339(ctx.state.now),
    ...(labels ? { labels: { ...labels } } : {}),
    ...(annotations ? { annotations: { ...annotations } } : {}),
  })
  const put = (o: KObject) => {
    if (!getObject(ctx.state, o.kind, o.metadata.namespace, o.metadata.name)) putObject(ctx, o)
  }
  for (const r of CLUSTER_ROLES) {
    const obj: ClusterRole = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta(r.name, undefined, r.labels, r.annotations),
      ...(r.aggregateFrom
        ? {
            aggregationRule: {
              clusterRoleSelectors: [
                {
                  matchLabels: {
                    [`rbac.authorization.k8s.io/aggregate-to-${r.aggregateFrom}`]: 'true',
                  },
                },
              ],
            },
          }
        : {}),
      rules: deepClone(r.rules),
    }
    put(obj)
  }
  for (const b of CLUSTER_ROLE_BINDINGS) {
    const obj: ClusterRoleBinding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(
        b.name,
        undefined,
        b.eks ? undefined : BOOTSTRAP_LABELS,
        b.eks ? undefined : AUTOUPDATE,
      ),
      roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: b.role },
      subjects: deepClone(b.subjects),
    }
    put(obj)
  }
  for (const r of EKS_ROLES) {
    const role: Role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(r.name, r.namespace),
      rules: deepClone(r.rules),
    }
    put(role)
    const binding: RoleBinding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(r.name, r.namespace),
      roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name: r.name },
      subjects: [{ apiGroup: RBAC_GROUP, kind: 'User', name: r.user }],
    }
    put(binding)
  }
}
