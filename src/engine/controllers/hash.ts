import { deepClone } from '../clone.ts'
import type { PodTemplateSpec } from '../model/k8s.ts'
import { K8S_RAND_ALPHABET } from '../random.ts'

/** FNV-1a, 32 bit. */
export function fnv32a(text: string): number {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    // feed UTF-16 code units as bytes (low, high) so non-ASCII input still hashes deterministically
    h ^= c & 0xff
    h = Math.imul(h, 16777619) >>> 0
    if (c > 0xff) {
      h ^= c >>> 8
      h = Math.imul(h, 16777619) >>> 0
    }
  }
  return h >>> 0
}

/** Stable JSON: keys sorted at every level, so equal templates hash equally. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(v)
}

/**
 * controller.ComputeHash: FNV-1a of the pod template (+ collisionCount), printed in decimal, each digit
 * mapped through rand.SafeEncodeString. So a pod-template-hash only contains 4-9, b, c, d, f, as real
 * ones do (e.g. 7d4b9c8f6d). Kubernetes hashes a Go-spew dump; we hash canonical JSON, so the values
 * differ from a real cluster's but have the same shape and stability.
 */
export function computeTemplateHash(template: PodTemplateSpec, collisionCount?: number): string {
  const t = deepClone(template)
  if (t.metadata?.labels) delete t.metadata.labels['pod-template-hash']
  let text = canonicalJson(t)
  if (collisionCount) text += `#${collisionCount}`
  return String(fnv32a(text))
    .split('')
    .map((d) => K8S_RAND_ALPHABET[d.charCodeAt(0) % K8S_RAND_ALPHABET.length])
    .join('')
}
