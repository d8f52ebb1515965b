import type { KObject } from '../../engine/index.ts'
export { jsonPatch, mergePatch } from '../../console/kubectl/patch.ts'
import {
  fieldSelectorFilter,
  parseSelector,
  matchesSelector,
} from '../../console/kubectl/selectors.ts'

// labelSelector and fieldSelector as the apiserver reads them from a list or watch URL.

export type Filter = (o: KObject) => boolean

export function labelFilter(text: string | null): Filter | string {
  if (!text) return () => true
  const reqs = parseSelector(text)
  if (typeof reqs === 'string') return reqs
  return (o) => matchesSelector(reqs, o.metadata.labels)
}

/** fields.ParseSelector of a URL's fieldSelector (values unescaped), as the console parses it. */
export function fieldFilter(text: string | null): Filter | string {
  return fieldSelectorFilter(text, true)
}
