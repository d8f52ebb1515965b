// Objects kubectl builds itself (`create … --dry-run=client -o json`, `run`) print as Go encodes the
// typed struct: TypeMeta (kind, then apiVersion), metadata, spec, status; ObjectMeta in its own
// order; 4-space indent. Checked against kubectl 1.32.5.

const TOP = ['kind', 'apiVersion', 'metadata']
const TOP_LAST = ['spec', 'status']
const META = [
  'name',
  'generateName',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]

function ordered(
  obj: Record<string, unknown>,
  first: string[],
  last: string[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of first) if (k in obj) out[k] = obj[k]
  for (const k of Object.keys(obj)) if (!first.includes(k) && !last.includes(k)) out[k] = obj[k]
  for (const k of last) if (k in obj) out[k] = obj[k]
  return out
}

/** Fields that are Go maps: encoding/json writes their keys sorted. */
const MAP_FIELDS = new Set([
  'labels',
  'annotations',
  'matchLabels',
  'selector',
  'nodeSelector',
  'data',
  'stringData',
  'capacity',
  'allocatable',
  'requests',
  'limits',
])

function sortMaps(v: unknown, key?: string): unknown {
  if (Array.isArray(v)) return v.map((x) => sortMaps(x))
  if (!v || typeof v !== 'object') return v
  const o = v as Record<string, unknown>
  const keys =
    key && MAP_FIELDS.has(key) && Object.values(o).every((x) => typeof x === 'string')
      ? Object.keys(o).sort()
      : Object.keys(o)
  const out: Record<string, unknown> = {}
  for (const k of keys) out[k] = sortMaps(o[k], k)
  return out
}

export function orderApiObject(v: unknown): unknown {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v
  const o = v as Record<string, unknown>
  if (!('kind' in o) || !('metadata' in o)) return v
  // a List is encoded as metav1.List: apiVersion, items, kind, metadata (as the tests have it)
  if (Array.isArray(o.items))
    return {
      apiVersion: o.apiVersion,
      items: o.items.map(orderApiObject),
      kind: o.kind,
      metadata: o.metadata,
    }
  const top = ordered(o, TOP, TOP_LAST)
  if (top.metadata && typeof top.metadata === 'object')
    top.metadata = ordered(top.metadata as Record<string, unknown>, META)
  if (Array.isArray(top.items)) top.items = top.items.map(orderApiObject)
  return top
}

export function toJson(value: unknown): string {
  return JSON.stringify(sortMaps(orderApiObject(value)), null, 4)
}

function sortAll(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortAll)
  if (!v || typeof v !== 'object') return v
  const o = v as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(o).sort()) out[k] = sortAll(o[k])
  return out
}

/**
 * `kubectl get -o json` (and -o json of objects read from files or returned by the server) prints
 * unstructured maps: Go's json.MarshalIndent writes map keys sorted at every level and escapes
 * <, > and & as \u003c, \u003e, \u0026 (kubectl printers/json.go). Checked against kubectl 1.32 by
 * the serve conformance test. toJson above keeps struct order for typed objects kubectl builds itself.
 */
export function toUnstructuredJson(value: unknown): string {
  return JSON.stringify(sortAll(value), null, 4)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
}
