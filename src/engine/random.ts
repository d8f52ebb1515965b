// Seeded PRNG kept in ClusterState (boardgame.io keeps its PRNG state in the game context the same
// way), so a seed plus a command log reproduces the same names, IPs and timings byte for byte.
// mulberry32: one 32-bit word of state, good enough for simulation choices.

export interface RngState {
  s: number
}

export function createRng(seed: number): RngState {
  return { s: seed >>> 0 }
}

/** Uniform float in [0, 1). Mutates the (draft) rng state. */
export function nextFloat(rng: RngState): number {
  rng.s = (rng.s + 0x6d2b79f5) >>> 0
  let t = rng.s
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

export function nextInt(rng: RngState, minInclusive: number, maxInclusive: number): number {
  return minInclusive + Math.floor(nextFloat(rng) * (maxInclusive - minInclusive + 1))
}

export function pick<T>(rng: RngState, items: readonly T[]): T {
  const item = items[Math.floor(nextFloat(rng) * items.length)]
  if (item === undefined) throw new Error('pick from empty list')
  return item
}

export function randomString(rng: RngState, alphabet: string, length: number): string {
  let out = ''
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(nextFloat(rng) * alphabet.length)]
  return out
}

export function randomHex(rng: RngState, length: number): string {
  return randomString(rng, '0123456789abcdef', length)
}

/** The alphabet of apimachinery's rand.String: no vowels, no 0/1/3 (k8s.io/apimachinery/pkg/util/rand). */
export const K8S_RAND_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'

/** The 5-character suffix the API server appends for generateName (names.SimpleNameGenerator). */
export function nameSuffix(rng: RngState): string {
  return randomString(rng, K8S_RAND_ALPHABET, 5)
}

/** A version-4 UUID as Kubernetes gives every object (metadata.uid). */
export function uuid(rng: RngState): string {
  const h = randomHex(rng, 32).split('')
  h[12] = '4'
  h[16] = '89ab'[parseInt(h[16] ?? '0', 16) & 3] ?? '8'
  const s = h.join('')
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`
}
