import type { Kind } from './k8s.ts'

// The API resources the simulated API server knows, as discovery would list them.
export interface ResourceInfo {
  resource: string // plural, as in the URL and in `kubectl get <resource>`
  singular: string
  kind: Kind
  group: string // '' for the core group
  version: string
  namespaced: boolean
  shortNames: string[]
  /** Path segment under /registry. Kubernetes keeps a few historic exceptions:
   * services -> services/specs, nodes -> minions (pkg/kubeapiserver/default_storage_factory_builder.go,
   * SpecialDefaultResourcePrefixes). */
  etcdPrefix: string
}

export const RESOURCES: readonly ResourceInfo[] = [
  {
    resource: 'pods',
    singular: 'pod',
    kind: 'Pod',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['po'],
    etcdPrefix: 'pods',
  },
  {
    resource: 'nodes',
    singular: 'node',
    kind: 'Node',
    group: '',
    version: 'v1',
    namespaced: false,
    shortNames: ['no'],
    etcdPrefix: 'minions',
  },
  {
    resource: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    group: '',
    version: 'v1',
    namespaced: false,
    shortNames: ['ns'],
    etcdPrefix: 'namespaces',
  },
  {
    resource: 'services',
    singular: 'service',
    kind: 'Service',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['svc'],
    etcdPrefix: 'services/specs',
  },
  {
    resource: 'events',
    singular: 'event',
    kind: 'Event',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['ev'],
    etcdPrefix: 'events',
  },
  {
    resource: 'serviceaccounts',
    singular: 'serviceaccount',
    kind: 'ServiceAccount',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['sa'],
    etcdPrefix: 'serviceaccounts',
  },
  {
    resource: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['cm'],
    etcdPrefix: 'configmaps',
  },
  {
    resource: 'secrets',
    singular: 'secret',
    kind: 'Secret',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: [],
    etcdPrefix: 'secrets',
  },
  {
    resource: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    shortNames: ['deploy'],
    etcdPrefix: 'deployments',
  },
  {
    resource: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    shortNames: ['rs'],
    etcdPrefix: 'replicasets',
  },
  {
    resource: 'daemonsets',
    singular: 'daemonset',
    kind: 'DaemonSet',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    shortNames: ['ds'],
    etcdPrefix: 'daemonsets',
  },
  {
    resource: 'endpointslices',
    singular: 'endpointslice',
    kind: 'EndpointSlice',
    group: 'discovery.k8s.io',
    version: 'v1',
    namespaced: true,
    shortNames: [],
    etcdPrefix: 'endpointslices',
  },
  {
    resource: 'roles',
    singular: 'role',
    kind: 'Role',
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    namespaced: true,
    shortNames: [],
    etcdPrefix: 'roles',
  },
  {
    resource: 'clusterroles',
    singular: 'clusterrole',
    kind: 'ClusterRole',
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    namespaced: false,
    shortNames: [],
    etcdPrefix: 'clusterroles',
  },
  {
    resource: 'rolebindings',
    singular: 'rolebinding',
    kind: 'RoleBinding',
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    namespaced: true,
    shortNames: [],
    etcdPrefix: 'rolebindings',
  },
  {
    resource: 'clusterrolebindings',
    singular: 'clusterrolebinding',
    kind: 'ClusterRoleBinding',
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    namespaced: false,
    shortNames: [],
    etcdPrefix: 'clusterrolebindings',
  },
]

const byKind = new Map(RESOURCES.map((r) => [r.kind, r]))

export function resourceForKind(kind: Kind): ResourceInfo {
  const r = byKind.get(kind)
  if (!r) throw new Error(`no resource for kind ${kind}`)
  return r
}

/** Resolves what a user typed (`po`, `pods`, `pod`, `deployment.apps`, `Deployment`) the way kubectl's RESTMapper does. */
export function lookupResource(typed: string): ResourceInfo | undefined {
  const t = typed.toLowerCase()
  const [name, ...groupParts] = t.split('.')
  const group = groupParts.join('.')
  return RESOURCES.find(
    (r) =>
      (r.resource === name ||
        r.singular === name ||
        r.shortNames.includes(name ?? '') ||
        r.kind.toLowerCase() === name) &&
      (group === '' || r.group === group || `${r.version}.${r.group}` === group),
  )
}

export function apiVersionOf(r: ResourceInfo): string {
  return r.group ? `${r.group}/${r.version}` : r.version
}

/** Full resource name as kubectl prints it in `<resource>.<group>/<name>` (e.g. deployment.apps/web). */
export function qualifiedSingular(r: ResourceInfo): string {
  return r.group ? `${r.singular}.${r.group}` : r.singular
}

export function etcdKey(r: ResourceInfo, namespace: string | undefined, name: string): string {
  return r.namespaced
    ? `/registry/${r.etcdPrefix}/${namespace}/${name}`
    : `/registry/${r.etcdPrefix}/${name}`
}
