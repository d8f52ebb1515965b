import type { ClusterState, KObject, ResourceInfo } from '../../engine/index.ts'
import {
  RESOURCES,
  lookupResource,
  listObjects,
  getObject,
  qualifiedSingular,
} from '../../engine/index.ts'

// How kubectl reads "TYPE NAME", "TYPE/NAME", "TYPE1,TYPE2" and "all" from the command line.

export type ResourceArgs =
  | { ok: true; requests: { resource: ResourceInfo; names: string[] }[]; multiType: boolean }
  | { ok: false; error: string }

/** What `kubectl get all` lists. */
const ALL = ['pods', 'services', 'daemonsets', 'deployments', 'replicasets']

export function parseResourceArgs(args: readonly string[]): ResourceArgs {
  if (args.length === 0) return { ok: false, error: 'Required resource not specified.' }
  const requests: { resource: ResourceInfo; names: string[] }[] = []
  if (args.some((a) => a.includes('/'))) {
    for (const a of args) {
      const [type, name] = a.split('/', 2)
      if (!name)
        return {
          ok: false,
          error: `there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'`,
        }
      const r = lookupResource(type!)
      if (!r) return { ok: false, error: `the server doesn't have a resource type "${type}"` }
      const existing = requests.find((x) => x.resource === r)
      if (existing) existing.names.push(name)
      else requests.push({ resource: r, names: [name] })
    }
    return { ok: true, requests, multiType: true }
  }
  const [types, ...names] = args
  const typeList = types!.split(',').flatMap((t) => (t === 'all' ? ALL : [t]))
  for (const t of typeList) {
    const r = lookupResource(t)
    if (!r) return { ok: false, error: `the server doesn't have a resource type "${t}"` }
    if (!requests.some((x) => x.resource === r)) requests.push({ resource: r, names: [...names] })
  }
  return { ok: true, requests, multiType: typeList.length > 1 }
}

export function listFor(
  state: ClusterState,
  r: ResourceInfo,
  namespace: string | undefined,
): KObject[] {
  return listObjects(state, r.kind, r.namespaced ? namespace : undefined)
}

export function getFor(
  state: ClusterState,
  r: ResourceInfo,
  namespace: string,
  name: string,
): KObject | undefined {
  return getObject(state, r.kind, r.namespaced ? namespace : undefined, name)
}

/** `deployment.apps/web`, `pod/web-…`, `node/ip-…` */
export function objectRef(r: ResourceInfo, name: string): string {
  return `${qualifiedSingular(r)}/${name}`
}

/** `deployments.apps`, `pods` — the form used in API error messages. */
export function groupResource(r: ResourceInfo): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource
}

export { RESOURCES }
