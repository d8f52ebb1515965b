// AWS ids the engine does not draw from the rng (IAM user/key ids) and the console's values that the
// engine does not model (console/aws/derive.ts) come from this one derivation, so an id printed by
// one command equals the same id printed by another (e.g. whoami's principalId and sts's UserId).

/** FNV-1a over the key, then xorshift32 to stretch it: `n` lowercase hex digits. */
export function awsHashHex(key: string, n: number): string {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  let out = ''
  let x = h || 1
  while (out.length < n) {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    out += x.toString(16).padStart(8, '0')
  }
  return out.slice(0, n)
}
