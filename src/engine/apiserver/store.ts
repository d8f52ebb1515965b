import type { Ctx } from '../context.ts'
import { emit } from '../context.ts'
import type { KObject, Kind, ObjectOfKind } from '../model/k8s.ts'
import type { ClusterState, EtcdEntry } from '../model/state.ts'
import { etcdKey, resourceForKind } from '../model/resources.ts'
import { notifyWatchers } from './watch.ts'
import { etcdValueSize, storedValueFor } from '../etcd/value.ts'
import { replicate } from '../etcd/raft.ts'

// etcd as the API server uses it: one key per object under /registry, a cluster-wide revision that
// every write bumps, and the object's resourceVersion = the revision of its last write.

export function keyOf(obj: Pick<KObject, 'kind' | 'metadata'>): string {
  return etcdKey(resourceForKind(obj.kind), obj.metadata.namespace, obj.metadata.name)
}

function bucket(state: ClusterState, kind: Kind): Record<string, EtcdEntry> {
  const name = resourceForKind(kind).etcdPrefix
  return (state.etcd.buckets[name] ??= {})
}

export function getEntry(
  state: ClusterState,
  kind: Kind,
  namespace: string | undefined,
  name: string,
): EtcdEntry | undefined {
  const r = resourceForKind(kind)
  return state.etcd.buckets[r.etcdPrefix]?.[etcdKey(r, namespace, name)]
}

export function getObject<K extends Kind>(
  state: ClusterState,
  kind: K,
  namespace: string | undefined,
  name: string,
): ObjectOfKind<K> | undefined {
  return getEntry(state, kind, namespace, name)?.value as ObjectOfKind<K> | undefined
}

/** Objects of a kind, in etcd key order (which is what a LIST returns: sorted by namespace, then name). */
export function listObjects<K extends Kind>(
  state: ClusterState,
  kind: K,
  namespace?: string,
): ObjectOfKind<K>[] {
  const r = resourceForKind(kind)
  const b = state.etcd.buckets[r.etcdPrefix]
  if (!b) return []
  let keys = Object.keys(b)
  if (r.namespaced && namespace !== undefined) {
    const prefix = `/registry/${r.etcdPrefix}/${namespace}/`
    keys = keys.filter((k) => k.startsWith(prefix))
  }
  keys.sort()
  return keys.map((k) => b[k]!.value as ObjectOfKind<K>)
}

/** Every key in etcd, sorted as `etcdctl get --prefix /registry --keys-only` lists them. */
export function allEntries(state: ClusterState): [string, EtcdEntry][] {
  const out: [string, EtcdEntry][] = []
  for (const b of Object.values(state.etcd.buckets))
    for (const [k, e] of Object.entries(b)) out.push([k, e])
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
}

function controllerUid(o: KObject | undefined): string | undefined {
  return o?.metadata.ownerReferences?.find((r) => r.controller)?.uid
}

function indexOwner(
  state: ClusterState,
  key: string,
  before: KObject | undefined,
  after: KObject | undefined,
): void {
  const a = controllerUid(before)
  const b = controllerUid(after)
  if (a === b) return
  if (a && state.dependents[a]) {
    delete state.dependents[a][key]
    if (Object.keys(state.dependents[a]).length === 0) delete state.dependents[a]
  }
  if (b) (state.dependents[b] ??= {})[key] = true
}

/** Objects of `kind` whose controller owner has this uid, sorted by key (an informer's owner index). */
export function dependentsOf<K extends Kind>(
  state: ClusterState,
  ownerUid: string,
  kind: K,
): ObjectOfKind<K>[] {
  const keys = state.dependents[ownerUid]
  if (!keys) return []
  const b = state.etcd.buckets[resourceForKind(kind).etcdPrefix]
  if (!b) return []
  return Object.keys(keys)
    .filter((k) => b[k])
    .sort()
    .map((k) => b[k]!.value as ObjectOfKind<K>)
}

/** Every object of a kind in no particular order (for scans where order does not matter). */
export function eachObject<K extends Kind>(state: ClusterState, kind: K): ObjectOfKind<K>[] {
  const b = state.etcd.buckets[resourceForKind(kind).etcdPrefix]
  return b ? Object.values(b).map((e) => e.value as ObjectOfKind<K>) : []
}

export function putObject<T extends KObject>(ctx: Ctx, obj: T): T {
  const { state } = ctx
  const key = keyOf(obj)
  const b = bucket(state, obj.kind)
  const prev = b[key]
  const revision = ++state.etcd.revision
  obj.metadata.resourceVersion = String(revision)
  b[key] = {
    value: obj,
    createRevision: prev ? prev.createRevision : revision,
    modRevision: revision,
    version: prev ? prev.version + 1 : 1,
    stored: storedValueFor(state, obj.kind, revision),
  }
  indexOwner(state, key, prev?.value, obj)
  const quiet = obj.kind === 'Event'
  if (!quiet) emit(ctx, { type: 'etcd.put', key, revision, created: !prev, kind: obj.kind })
  const entry = b[key]!
  replicate(
    ctx,
    {
      op: 'put',
      key,
      revision,
      // Events are written often and shown nowhere: their size is not worth encoding them for
      valueSize: quiet ? 0 : etcdValueSize(state, entry),
      encrypted: entry.stored?.dek !== undefined,
      apiServer: entry.stored!.apiServer,
    },
    quiet,
  )
  notifyWatchers(ctx, obj, prev?.value)
  return obj
}

export function deleteObject(ctx: Ctx, obj: KObject): void {
  const { state } = ctx
  const key = keyOf(obj)
  const b = bucket(state, obj.kind)
  if (!b[key]) return
  indexOwner(state, key, b[key]!.value, undefined)
  delete b[key]
  const revision = ++state.etcd.revision
  const quiet = obj.kind === 'Event'
  if (!quiet) emit(ctx, { type: 'etcd.delete', key, revision, kind: obj.kind })
  const servers = state.aws.controlPlane.apiServers.length || 1
  replicate(
    ctx,
    { op: 'delete', key, revision, valueSize: 0, encrypted: false, apiServer: revision % servers },
    quiet,
  )
  notifyWatchers(ctx, undefined, obj)
}
