import { dump } from 'js-yaml'

// `kubectl get -o yaml` goes JSON -> map -> go-yaml, so keys come out sorted at every level, lists
// sit at the same indent as their key, strings that would read as another type are double-quoted,
// and long lines are never folded.
export function toYaml(value: unknown): string {
  return dump(value, {
    sortKeys: true,
    seqNoIndent: true,
    lineWidth: -1,
    quoteStyle: 'double',
    noRefs: true,
  })
}
