// The patch formats kubectl and the API server share: RFC 7386 JSON merge patch and RFC 6902 JSON
// patch. The API server (cli/serve) applies them to PATCH requests; `kubectl run --overrides`
// applies them to the pod it generates (kubectl/pkg/cmd/util/override_options.go: merge by default).

/** RFC 7386 JSON merge patch (also used for strategic merge patches: lists are replaced whole). */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch
  const out: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {}
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue // strategic-merge directives ($patch, $retainKeys …)
    if (v === null) delete out[k]
    else out[k] = mergePatch(out[k], v)
  }
  return out
}

/** RFC 6902 JSON patch: add, replace, remove (enough for `kubectl patch --type json`). */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new Error('json patch must be an array of operations')
  let doc = JSON.parse(JSON.stringify(target)) as unknown
  for (const op of ops as { op?: string; path?: string; value?: unknown }[]) {
    if (!op || typeof op.path !== 'string' || !['add', 'replace', 'remove'].includes(op.op ?? ''))
      throw new Error(`unsupported patch operation: ${JSON.stringify(op)}`)
    const keys = op.path
      .split('/')
      .slice(1)
      .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
    if (!keys.length) {
      doc = op.value
      continue
    }
    let parent = doc as Record<string, unknown>
    for (const k of keys.slice(0, -1)) {
      const next = parent?.[k]
      if (!next || typeof next !== 'object') throw new Error(`path ${op.path} not found`)
      parent = next as Record<string, unknown>
    }
    const last = keys[keys.length - 1]!
    if (Array.isArray(parent)) {
      const i = last === '-' ? parent.length : Number(last)
      if (!Number.isInteger(i) || i < 0 || i > parent.length)
        throw new Error(`path ${op.path} not found`)
      if (op.op === 'remove') parent.splice(i, 1)
      else if (op.op === 'add') parent.splice(i, 0, op.value)
      else parent[i] = op.value
    } else if (op.op === 'remove') delete parent[last]
    else parent[last] = op.value
  }
  return doc
}
