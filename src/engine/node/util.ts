import { fnv32a } from '../controllers/hash.ts'
import { EPOCH_MS } from '../time.ts'

// Small pure helpers shared by the node filesystem, process table and container views.
// Values that a real node draws at random (tokens, temp-dir suffixes, session ids) are derived
// from a hash of stable inputs here, so reading the filesystem never touches the seeded rng.

/** Deterministic hex of any length from a seed string. */
import { utf8Bytes } from '../encoding.ts'

export { base64, base64DecodeText, base64Decode, utf8Bytes } from '../encoding.ts'

export function hashHex(seed: string, length: number): string {
  let out = ''
  let h = fnv32a(seed)
  for (let i = 0; out.length < length; i++) {
    h = fmix32((h ^ Math.imul(i + 1, 0x9e3779b9)) >>> 0)
    out += h.toString(16).padStart(8, '0')
  }
  return out.slice(0, length)
}

/** MurmurHash3's finaliser: spreads every input bit over the whole word. */
function fmix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** Deterministic integer in [0, n). */
export function hashInt(seed: string, n: number): number {
  return fmix32(fnv32a(seed)) % n
}

const p2 = (n: number) => String(n).padStart(2, '0')
export const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
]
export const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']

export function utcParts(simMs: number) {
  const d = new Date(EPOCH_MS + Math.floor(simMs))
  return {
    y: d.getUTCFullYear(),
    mo: d.getUTCMonth(),
    d: d.getUTCDate(),
    h: d.getUTCHours(),
    mi: d.getUTCMinutes(),
    s: d.getUTCSeconds(),
    ms: d.getUTCMilliseconds(),
    wd: d.getUTCDay(),
  }
}

/** `2026-03-02 08:46:12.123456789 +0000` (GNU stat %y) */
export function statTime(simMs: number, seed = ''): string {
  const t = utcParts(simMs)
  const ns = String(t.ms * 1e6 + (seed ? hashInt(seed, 1e6) : 0)).padStart(9, '0')
  return `${t.y}-${p2(t.mo + 1)}-${p2(t.d)} ${p2(t.h)}:${p2(t.mi)}:${p2(t.s)}.${ns} +0000`
}

/** `..2026_03_02_08_46_12.1234567890`: the timestamped directory of the kubelet's atomic writer */
export function atomicWriterDir(simMs: number, seed: string): string {
  const t = utcParts(simMs)
  return `..${t.y}_${p2(t.mo + 1)}_${p2(t.d)}_${p2(t.h)}_${p2(t.mi)}_${p2(t.s)}.${1000000000 + hashInt(seed, 3000000000)}`
}

/** The bytes containerd writes for a container's output (CRI format; see engine/logs/cri.ts). */
export { criLogText } from '../logs/cri.ts'

/** SHA-1 (FIPS 180-4) of a UTF-8 string, as hex. Used for the VPC CNI's veth names. */
export function sha1Hex(text: string): string {
  const bytes = utf8Bytes(text)
  const ml = bytes.length * 8
  bytes.push(0x80)
  while (bytes.length % 64 !== 56) bytes.push(0)
  for (let i = 7; i >= 0; i--) bytes.push(i >= 4 ? 0 : (ml >>> (i * 8)) & 0xff)
  let h0 = 0x67452301
  let h1 = 0xefcdab89
  let h2 = 0x98badcfe
  let h3 = 0x10325476
  let h4 = 0xc3d2e1f0
  const w = new Array<number>(80)
  const rotl = (x: number, n: number) => ((x << n) | (x >>> (32 - n))) >>> 0
  for (let off = 0; off < bytes.length; off += 64) {
    for (let i = 0; i < 16; i++)
      w[i] =
        ((bytes[off + i * 4]! << 24) |
          (bytes[off + i * 4 + 1]! << 16) |
          (bytes[off + i * 4 + 2]! << 8) |
          bytes[off + i * 4 + 3]!) >>>
        0
    for (let i = 16; i < 80; i++) w[i] = rotl(w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!, 1)
    let [a, b, c, d, e] = [h0, h1, h2, h3, h4]
    for (let i = 0; i < 80; i++) {
      const f =
        i < 20
          ? (b & c) | (~b & d)
          : i < 40
            ? b ^ c ^ d
            : i < 60
              ? (b & c) | (b & d) | (c & d)
              : b ^ c ^ d
      const k = i < 20 ? 0x5a827999 : i < 40 ? 0x6ed9eba1 : i < 60 ? 0x8f1bbcdc : 0xca62c1d6
      const t = (rotl(a, 5) + (f >>> 0) + e + k + w[i]!) >>> 0
      e = d
      d = c
      c = rotl(b, 30)
      b = a
      a = t
    }
    h0 = (h0 + a) >>> 0
    h1 = (h1 + b) >>> 0
    h2 = (h2 + c) >>> 0
    h3 = (h3 + d) >>> 0
    h4 = (h4 + e) >>> 0
  }
  return [h0, h1, h2, h3, h4].map((x) => x.toString(16).padStart(8, '0')).join('')
}

/** The host side of a pod's veth: `eni` + first 11 hex of SHA-1("<namespace>.<pod>") (amazon-vpc-cni-k8s names.go). */
export function vethName(namespace: string, pod: string, prefix = 'eni'): string {
  return prefix + sha1Hex(`${namespace}.${pod}`).slice(0, 11)
}
