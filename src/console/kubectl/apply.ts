import type { Ctx, KObject } from '../../engine/index.ts'
import {
  applyUpdateDefaults,
  canonicalJson,
  createObject,
  getObject,
  updateObject,
  deepClone,
} from '../../engine/index.ts'
import type { Manifest } from './manifests.ts'

// Client-side `kubectl apply`: create when absent; otherwise a three-way merge of the live object,
// the new manifest, and the last-applied-configuration annotation (fields you removed from the
// manifest are removed; fields others set are kept). Lists of named items (containers, ports, env)
// merge by name, as the strategic merge patch does for these fields; other lists are replaced.

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'

type Json = unknown
type Obj = Record<string, Json>

const isObj = (v: Json): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v)

/** The patchMergeKey of the list, as the API types declare it: name, or containerPort / port for port lists. */
function mergeKeyOf(desired: Json[], live: Json[]): string | undefined {
  for (const key of ['name', 'containerPort', 'port']) {
    if ([...desired, ...live].every((x) => isObj(x) && x[key] !== undefined)) return key
  }
  return undefined
}

function mergeList(live: Json[], desired: Json[], last: Json[] | undefined): Json[] {
  const key = mergeKeyOf(desired, live)
  if (!key) return deepClone(desired)
  return desired.map((d) => {
    const k = (d as Obj)[key]
    const l = live.find((x) => (x as Obj)[key] === k)
    const la = last?.find((x) => isObj(x) && x[key] === k)
    return l ? merge(l, d, la) : deepClone(d)
  })
}

export function merge(live: Json, desired: Json, last: Json): Json {
  if (isObj(desired) && isObj(live)) {
    const out: Obj = { ...deepClone(live) }
    for (const [k, v] of Object.entries(desired))
      out[k] = merge(live[k], v, isObj(last) ? last[k] : undefined)
    if (isObj(last)) for (const k of Object.keys(last)) if (!(k in desired)) delete out[k]
    return out
  }
  if (Array.isArray(desired) && Array.isArray(live))
    return mergeList(live, desired, Array.isArray(last) ? last : undefined)
  return deepClone(desired)
}

export type ApplyOutcome = 'created' | 'configured' | 'unchanged'

/** Applies one manifest inside a transaction; returns what happened and whether to warn about a missing annotation. */
export function applyOne(
  ctx: Ctx,
  m: Manifest,
  namespace: string,
  dryRun: boolean,
): { outcome: ApplyOutcome; obj: KObject; warnMissingAnnotation: boolean } {
  const manifest = deepClone(m.obj)
  if (m.resource.namespaced) manifest.metadata.namespace = manifest.metadata.namespace ?? namespace
  else delete manifest.metadata.namespace
  const annotation = JSON.stringify(manifest) + '\n'
  const live = getObject(
    ctx.state,
    m.resource.kind,
    manifest.metadata.namespace,
    String(manifest.metadata.name ?? ''),
  )
  if (!live) {
    const withAnnotation = deepClone(manifest)
    withAnnotation.metadata.annotations = {
      ...((withAnnotation.metadata.annotations as Record<string, string>) ?? {}),
      [LAST_APPLIED]: annotation,
    }
    const obj = createObject(ctx, withAnnotation as never, { dryRun })
    return { outcome: 'created', obj, warnMissingAnnotation: false }
  }
  const lastText = live.metadata.annotations?.[LAST_APPLIED]
  const last = lastText ? (JSON.parse(lastText) as Json) : undefined
  const desired = deepClone(manifest) as Obj
  delete desired.status
  const merged = merge(deepClone(live), desired, last) as KObject
  merged.metadata.annotations = {
    ...(merged.metadata.annotations ?? {}),
    [LAST_APPLIED]: annotation,
  }
  // identity fields always come from the live object
  merged.metadata.uid = live.metadata.uid
  merged.metadata.resourceVersion = live.metadata.resourceVersion
  merged.metadata.creationTimestamp = live.metadata.creationTimestamp
  ;(merged as { status?: unknown }).status = (live as { status?: unknown }).status
  // compare as the server would store it: defaulted fields the manifest leaves out are not changes
  applyUpdateDefaults(merged)
  if (canonicalJson(merged) === canonicalJson(live))
    return { outcome: 'unchanged', obj: deepClone(live), warnMissingAnnotation: false }
  const obj = dryRun ? merged : updateObject(ctx, merged)
  return { outcome: 'configured', obj, warnMissingAnnotation: !lastText }
}
