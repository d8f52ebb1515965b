import type { ClusterState, ResourceInfo } from '../../engine/index.ts'
import { RESOURCES } from '../../engine/index.ts'
// the command table first: kubectl-misc.ts is part of an import cycle that must start there
import '../../console/commands/index.ts'
import { serverVersion } from '../../console/commands/kubectl-misc.ts'

// Legacy (unaggregated) discovery: /api, /apis, /api/v1, /apis/<group>/<version>.
// kubectl 1.32 first asks for the aggregated form (Accept: …;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,
// …, application/json); a server may answer with plain JSON and kubectl falls back to the legacy
// documents (client-go discovery/aggregated_discovery.go, "fallback to legacy discovery"). We do that.

/** What `kubectl get all` lists: the resources in the "all" category (printers of upstream registries). */
const ALL_CATEGORY = new Set(['pods', 'services', 'deployments', 'replicasets', 'daemonsets'])

const VERBS_RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']

export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>()
  for (const r of RESOURCES)
    if (r.group) seen.set(`${r.group}/${r.version}`, { group: r.group, version: r.version })
  return [...seen.values()]
}

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  }
}

export function apiGroupList() {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groupVersions().map(({ group, version }) => {
      const gv = { groupVersion: `${group}/${version}`, version }
      return { name: group, versions: [gv], preferredVersion: gv }
    }),
  }
}

export function apiGroup(group: string) {
  const gv = groupVersions().find((g) => g.group === group)
  if (!gv) return undefined
  const v = { groupVersion: `${group}/${gv.version}`, version: gv.version }
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: [v], preferredVersion: v }
}

function resourceEntry(r: ResourceInfo) {
  return {
    name: r.resource,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: VERBS_RW,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(ALL_CATEGORY.has(r.resource) ? { categories: ['all'] } : {}),
  }
}

/** The subresources kubectl uses against the modelled kinds. */
function subresources(r: ResourceInfo) {
  const subs: object[] = []
  if (r.kind === 'Pod')
    subs.push({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] })
  if (r.kind === 'Deployment' || r.kind === 'ReplicaSet')
    subs.push({
      name: `${r.resource}/scale`,
      singularName: '',
      namespaced: true,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    })
  return subs
}

export function apiResourceList(group: string, version: string) {
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version)
  if (!rs.length) return undefined
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: rs.flatMap((r) => [resourceEntry(r), ...subresources(r)]),
  }
}

/** /version: the EKS build string `kubectl version` prints, e.g. v1.32.9-eks-3025e55. */
export function versionInfo(state: ClusterState) {
  const git = serverVersion(state.aws.cluster.version)
  const [major, minor] = state.aws.cluster.version.split('.')
  return {
    major,
    minor,
    gitVersion: git,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.23.12',
    compiler: 'gc',
    platform: 'linux/amd64',
  }
}
