import type { ClusterState } from '../engine/index.ts'
import { RESOURCES, listObjects } from '../engine/index.ts'
import { commandsForMode } from './commands/index.ts'
import type { ShellMode } from './types.ts'

/**
 * Tab completion from the command table: command words, then flags of the resolved command, then
 * resource types and object names for positional arguments. Returns full replacement candidates for
 * the last word.
 */
export function complete(input: string, mode: ShellMode, state: ClusterState): string[] {
  const words = input.split(/\s+/)
  const last = words[words.length - 1] ?? ''
  const before = words.slice(0, -1).filter(Boolean)
  const specs = commandsForMode(mode)
  // command words
  const matchingPrefix = specs.filter(
    (s) =>
      s.path.slice(0, before.length).every((w, i) => w === before[i]) &&
      s.path.length > before.length,
  )
  if (matchingPrefix.length && !last.startsWith('-')) {
    const next = [...new Set(matchingPrefix.map((s) => s.path[before.length]!))]
      .filter((w) => w.startsWith(last))
      .sort()
    if (next.length) return next
  }
  const spec = specs
    .filter((s) => s.path.every((w, i) => before[i] === w))
    .sort((a, b) => b.path.length - a.path.length)[0]
  if (!spec) return []
  if (last.startsWith('-')) {
    return (spec.flags ?? [])
      .flatMap((f) => [`--${f.name}`])
      .filter((f) => f.startsWith(last))
      .sort()
  }
  const prev = before[before.length - 1]
  const flag = spec.flags?.find(
    (f) => prev === `--${f.name}` || (f.short && prev === `-${f.short}`),
  )
  if (flag?.values) return flag.values.filter((v) => v.startsWith(last))
  if (flag && flag.name === 'namespace')
    return listObjects(state, 'Namespace')
      .map((n) => n.metadata.name)
      .filter((n) => n.startsWith(last))
  const positional = before.slice(spec.path.length).filter((w) => !w.startsWith('-'))
  const kinds = spec.args ?? []
  const kind = kinds[Math.min(positional.length, kinds.length - 1)]
  const nsIdx = before.findIndex((w) => w === '-n' || w === '--namespace')
  const ns = nsIdx >= 0 ? before[nsIdx + 1] : 'default'
  let candidates: string[]
  switch (kind) {
    case 'resource':
      candidates = RESOURCES.flatMap((r) => [r.resource, ...r.shortNames])
      break
    case 'pod': {
      // after a resource type, complete names of that type
      const typed = positional[0]
      const r = typed
        ? RESOURCES.find(
            (x) => x.resource === typed || x.singular === typed || x.shortNames.includes(typed),
          )
        : undefined
      candidates = listObjects(state, r?.kind ?? 'Pod', r && !r.namespaced ? undefined : ns).map(
        (o) => o.metadata.name,
      )
      break
    }
    case 'node':
      candidates = listObjects(state, 'Node').map((n) => n.metadata.name)
      break
    case 'deployment':
      candidates = listObjects(state, 'Deployment', ns).map((d) => d.metadata.name)
      break
    case 'namespace':
      candidates = listObjects(state, 'Namespace').map((n) => n.metadata.name)
      break
    case 'instance':
      candidates = Object.keys(state.aws.instances)
      break
    default:
      candidates = []
  }
  return [...new Set(candidates)].filter((c) => c.startsWith(last)).sort()
}
