import { deepClone } from '../clone.ts'
import type { Ctx } from '../context.ts'
import type { KObject, Kind, ObjectMeta, ObjectOfKind, Pod } from '../model/k8s.ts'
import { resourceForKind } from '../model/resources.ts'
import { nameSuffix, uuid } from '../random.ts'
import { rfc3339 } from '../time.ts'
import { ApiError, alreadyExists, invalid, notFound } from './errors.ts'
import { deleteObject, getObject, putObject } from './store.ts'
import { applyDefaults, applyUpdateDefaults } from './defaults.ts'
import { validateObject, validateUpdate } from './validation.ts'
import { allocateNodePorts } from './nodeports.ts'
import { enqueue, objectKey } from './watch.ts'

// The API server's verbs. Each one validates everything first and throws an ApiError before it
// writes anything, so a rejected request leaves the cluster exactly as it was.

/** An object as a client sends it: the API server fills in uid, resourceVersion, timestamps and defaults. */
export interface NewObject {
  apiVersion: string
  kind: Kind
  metadata: Partial<ObjectMeta> & { name?: string; generateName?: string }
  [field: string]: unknown
}

export function resourceName(kind: Kind): string {
  const r = resourceForKind(kind)
  return r.group ? `${r.resource}.${r.group}` : r.resource
}

export function kindName(kind: Kind): string {
  const r = resourceForKind(kind)
  return r.group ? `${r.kind}.${r.group}` : r.kind
}

/** POST: what `kubectl create`, `apply` (for a new object) and the controllers do. */
export function createObject<T extends KObject>(
  ctx: Ctx,
  input: NewObject,
  opts: { dryRun?: boolean } = {},
): T {
  const { state } = ctx
  const r = resourceForKind(input.kind)
  const meta = input.metadata
  let name = meta.name
  if (!name && meta.generateName) {
    // names.SimpleNameGenerator: base truncated to 58 chars + 5 random chars
    let attempt = 0
    do {
      name = meta.generateName.slice(0, 58) + nameSuffix(state.rng)
    } while (getObject(state, input.kind, meta.namespace, name) && ++attempt < 10)
  }
  if (!name)
    throw invalid(kindName(input.kind), '', [
      'metadata.name: Required value: name or generateName is required',
    ])
  const namespace = r.namespaced ? (meta.namespace ?? 'default') : undefined
  if (r.namespaced) {
    const ns = getObject(state, 'Namespace', undefined, namespace!)
    if (!ns) throw notFound('namespaces', namespace!)
    if (ns.metadata.deletionTimestamp && input.kind !== 'Event')
      throw forbiddenTerminating(input.kind, name, namespace!)
  }
  if (getObject(state, input.kind, namespace, name))
    throw alreadyExists(resourceName(input.kind), name)

  const obj = deepClone(input) as unknown as T
  obj.metadata = {
    ...(meta as ObjectMeta),
    name,
    ...(namespace ? { namespace } : {}),
    uid: uuid(state.rng),
    resourceVersion: '0',
    creationTimestamp: rfc3339(state.now),
  }
  if (!r.namespaced) delete obj.metadata.namespace
  applyDefaults(ctx, obj)
  validateObject(obj)
  if (opts.dryRun) return obj
  return putObject(ctx, obj)
}

function forbiddenTerminating(kind: Kind, name: string, namespace: string): ApiError {
  return new ApiError(
    'Forbidden',
    `${resourceName(kind)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
    { name, kind: resourceName(kind) },
  )
}

/** PUT of the whole object (spec and metadata); bumps metadata.generation when the spec changed. */
export function updateObject<T extends KObject>(ctx: Ctx, obj: T): T {
  const current = getObject(ctx.state, obj.kind, obj.metadata.namespace, obj.metadata.name)
  if (!current) throw notFound(resourceName(obj.kind), obj.metadata.name)
  applyUpdateDefaults(obj)
  if (obj.kind === 'Service' && current.kind === 'Service')
    allocateNodePorts(ctx.state, obj, current)
  validateObject(obj)
  validateUpdate(current, obj)
  if (
    'spec' in obj &&
    'spec' in current &&
    JSON.stringify(obj.spec) !== JSON.stringify(current.spec)
  ) {
    if (obj.metadata.generation !== undefined)
      obj.metadata.generation = (current.metadata.generation ?? 1) + 1
  }
  return putObject(ctx, obj)
}

/** Status subresource writes: controllers and kubelets report what they observed. */
export function updateStatus<T extends KObject>(ctx: Ctx, obj: T): T {
  return putObject(ctx, obj)
}

/** Read, change, write: the pattern every controller uses. The mutator works on a copy. */
export function patchObject<K extends Kind>(
  ctx: Ctx,
  kind: K,
  namespace: string | undefined,
  name: string,
  mutate: (o: ObjectOfKind<K>) => void,
): ObjectOfKind<K> {
  const current = getObject(ctx.state, kind, namespace, name)
  if (!current) throw notFound(resourceName(kind), name)
  const copy = deepClone(current) as ObjectOfKind<K>
  mutate(copy)
  if (JSON.stringify(copy) === JSON.stringify(current)) return current
  return updateObject(ctx, copy)
}

/**
 * DELETE. Pods are deleted gracefully: the API server sets deletionTimestamp (+ grace period) and the
 * kubelet stops the containers, then deletes the object for good. Owners are garbage-collected in the
 * background (propagationPolicy Background, kubectl's default).
 */
export function deleteObjectGracefully(
  ctx: Ctx,
  kind: Kind,
  namespace: string | undefined,
  name: string,
  opts: { gracePeriodSeconds?: number } = {},
): KObject {
  const { state } = ctx
  const obj = getObject(state, kind, namespace, name)
  if (!obj) throw notFound(resourceName(kind), name)
  if (kind === 'Pod') {
    const pod = obj as Pod
    if (pod.metadata.deletionTimestamp) return pod
    const grace = opts.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30
    if (!pod.spec.nodeName || grace === 0) {
      deleteObject(ctx, pod)
      return pod
    }
    const copy = deepClone(pod)
    copy.metadata.deletionTimestamp = rfc3339(state.now + grace * 1000)
    copy.metadata.deletionGracePeriodSeconds = grace
    return putObject(ctx, copy)
  }
  if (kind === 'Namespace') {
    const copy = deepClone(obj)
    copy.metadata.deletionTimestamp = rfc3339(state.now)
    ;(copy as ObjectOfKind<'Namespace'>).status.phase = 'Terminating'
    return putObject(ctx, copy)
  }
  deleteObject(ctx, obj)
  enqueue(ctx, 'gc', `${obj.metadata.uid}`)
  return obj
}

/** Final removal of a pod once its containers are gone (the kubelet's status manager does this). */
export function removePod(ctx: Ctx, pod: Pod): void {
  deleteObject(ctx, pod)
}

export { getObject, objectKey }
