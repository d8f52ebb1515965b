import { CORE_SCHEMA, intYaml11Tag, loadAll, YAMLException } from 'js-yaml'
import type { ResourceInfo } from '../../engine/index.ts'
import { RESOURCES } from '../../engine/index.ts'

// Reading manifests the way kubectl does: YAML (multi-document, `---`) or JSON, converted to JSON
// objects, each checked for apiVersion/kind and mapped to a known resource (RESTMapper).
// Error wording follows kubectl (docs/research/kubectl-formats.md §4); YAML syntax errors are
// reported as go-yaml would ("yaml: line N: …"), mapping js-yaml's reasons where they differ.

export interface Manifest {
  resource: ResourceInfo
  obj: Record<string, unknown> & {
    apiVersion: string
    kind: string
    metadata: Record<string, unknown> & { name?: string; namespace?: string; generateName?: string }
  }
}

/** On failure, `error` is the complete message kubectl prints (one or more lines). */
export type ManifestResult = { ok: true; manifests: Manifest[] } | { ok: false; error: string }

function asLine(e: string): string {
  return e.startsWith('Error from server') ? e : `error: ${e}`
}

function goYamlReason(e: YAMLException): string {
  const r = e.reason ?? e.message
  if (/tab/i.test(r)) return 'found a tab character that violates indentation'
  if (
    /bad indentation of a mapping entry|incomplete explicit mapping pair|end of the stream or a document separator/.test(
      r,
    )
  )
    return 'mapping values are not allowed in this context'
  if (/bad indentation of a sequence entry/.test(r)) return 'did not find expected key'
  if (/unexpected end of the stream within a (single|double) quoted scalar/.test(r))
    return 'found unexpected end of stream'
  if (/duplicated mapping key/.test(r))
    return `mapping key "${/"([^"]+)"/.exec(e.message)?.[1] ?? ''}" already defined`
  return r
}

/** kubectl reads YAML with go-yaml v2 (YAML 1.1 integers): `defaultMode: 0400` is octal 256, as
 * the Kubernetes docs write file modes; YAML 1.2's core schema would read decimal 400. */
const SCHEMA = CORE_SCHEMA.withTags(intYaml11Tag)

/** Parses manifest text. `source` names the input in messages: `STDIN` for `-f -`, else the path. */
export function parseManifests(text: string, source: string): ManifestResult {
  let docs: unknown[]
  try {
    docs = text.trim().startsWith('{') ? [JSON.parse(text)] : loadAll(text, { schema: SCHEMA })
  } catch (e) {
    if (e instanceof YAMLException) {
      const line = (e.mark?.line ?? 0) + 1
      return {
        ok: false,
        error: `error: error parsing ${source}: error converting YAML to JSON: yaml: line ${line}: ${goYamlReason(e)}`,
      }
    }
    if (e instanceof SyntaxError)
      return {
        ok: false,
        error: `error: error parsing ${source}: invalid character in JSON: ${e.message}`,
      }
    throw e
  }
  const manifests: Manifest[] = []
  for (const doc of docs) {
    if (doc === null || doc === undefined) continue
    if (typeof doc !== 'object' || Array.isArray(doc))
      return {
        ok: false,
        error: `error: error parsing ${source}: error converting YAML to JSON: yaml: cannot unmarshal into Go value of type map[string]interface {}`,
      }
    const o = doc as Record<string, unknown>
    if (o.kind === 'List' && Array.isArray(o.items)) {
      for (const item of o.items) {
        const r = checkOne(item as Record<string, unknown>, source)
        if (typeof r === 'string') return { ok: false, error: asLine(r) }
        manifests.push(r)
      }
      continue
    }
    const r = checkOne(o, source)
    if (typeof r === 'string') return { ok: false, error: asLine(r) }
    manifests.push(r)
  }
  if (manifests.length === 0) return { ok: false, error: 'error: no objects passed to apply' }
  return { ok: true, manifests }
}

function checkOne(o: Record<string, unknown>, source: string): Manifest | string {
  if (!o.apiVersion)
    return `error validating "${source}": error validating data: apiVersion not set; if you choose to ignore these errors, turn validation off with --validate=false`
  if (!o.kind)
    return `error validating "${source}": error validating data: kind not set; if you choose to ignore these errors, turn validation off with --validate=false`
  const apiVersion = String(o.apiVersion)
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion]
  const r = RESOURCES.find((x) => x.kind === o.kind && x.group === group && x.version === version)
  const meta = (o.metadata ?? {}) as Record<string, unknown>
  if (!r) {
    return `resource mapping not found for name: "${String(meta.name ?? '')}" namespace: "${String(meta.namespace ?? '')}" from "${source}": no matches for kind "${String(o.kind)}" in version "${apiVersion}"\nensure CRDs are installed first`
  }
  if (!meta.name && !meta.generateName)
    return `error when retrieving current configuration of:\nResource: "${r.group ? `${r.group}/${r.version}` : r.version}, Resource=${r.resource}", GroupVersionKind: "${r.group ? `${r.group}/` : ''}${r.version}, Kind=${r.kind}"\nName: "", Namespace: "default"\nfrom server for: "${source}": resource name may not be empty`
  const typeError = typeCheck(o, r)
  if (typeError) return typeError
  return { resource: r, obj: { ...o, metadata: { ...meta } } as Manifest['obj'] }
}

/** The JSON decoding errors the API server returns for wrongly typed fields learners commonly write. */
function typeCheck(o: Record<string, unknown>, r: ResourceInfo): string | undefined {
  const spec = o.spec as Record<string, unknown> | undefined
  const bad = (path: string, goType: string, got: unknown, struct: string) =>
    `Error from server (BadRequest): ${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: json: cannot unmarshal ${typeof got === 'string' ? 'string' : typeof got} into Go struct field ${struct}.${path} of type ${goType}`
  if (spec && 'replicas' in spec && typeof spec.replicas !== 'number')
    return bad('spec.replicas', 'int32', spec.replicas, `${r.kind}Spec`)
  const podSpec = (
    r.kind === 'Pod'
      ? spec
      : (spec?.template as { spec?: Record<string, unknown> } | undefined)?.spec
  ) as { containers?: { ports?: { containerPort?: unknown }[] }[] } | undefined
  for (const c of podSpec?.containers ?? []) {
    for (const p of c.ports ?? [])
      if (p.containerPort !== undefined && typeof p.containerPort !== 'number')
        return bad('spec.containers.ports.containerPort', 'int32', p.containerPort, 'ContainerPort')
  }
  if (r.kind === 'Service') {
    for (const p of (spec?.ports as { port?: unknown }[] | undefined) ?? [])
      if (typeof p.port !== 'number') return bad('spec.ports.port', 'int32', p.port, 'ServicePort')
  }
  return undefined
}
