import { awsHashHex, EPOCH_MS } from '../../engine/index.ts'

// Values the engine does not model (security group ids, association ids, millisecond fractions of
// AWS timestamps…) derived from what it does model: a hash of a stable key. No rng is drawn, so
// running an aws command never changes the simulation, and the same seed gives the same bytes.

/** `n` lowercase hex digits derived from the key (the engine's derivation, shared with IAM ids). */
export function hashHex(key: string, n: number): string {
  return awsHashHex(key, n)
}

export function hashInt(key: string, max: number): number {
  return parseInt(hashHex(key, 8), 16) % max
}

/** An EC2-style id: `sg-0` + 16 hex (the 17-character form every new resource gets). */
export function awsId(prefix: string, key: string): string {
  return `${prefix}-0${hashHex(`${prefix}/${key}`, 16)}`
}

export function uuidFrom(key: string): string {
  const h = hashHex(`uuid/${key}`, 32)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/** Digits only (account ids, the numeric suffix of eks-cluster-sg-<name>-<n>). */
export function hashDigits(key: string, n: number): string {
  let out = ''
  let i = 0
  while (out.length < n) out += String(parseInt(hashHex(`${key}/${i++}`, 8), 16)).slice(-4)
  return out.slice(0, n)
}

/**
 * A timestamp as AWS CLI v2 prints it (cli_timestamp_format=iso8601): Python's
 * datetime.isoformat() in the machine's local zone. We assume the learner's machine runs in UTC
 * (as CloudShell does), so the offset is +00:00. Services that return milliseconds (EKS, NAT
 * gateways) get a fraction printed as 6 digits; we take the milliseconds from a hash of the
 * resource's id (the engine's RFC 3339 times are whole seconds) and, like isoformat, print no
 * fraction at all when it is 0. EC2 LaunchTime/AttachTime come back as whole seconds: pass withMs=false.
 */
export function awsTime(rfc3339: string, msKey: string | undefined, offsetMs = 0): string {
  const base = Date.parse(rfc3339) + offsetMs
  const ms = msKey === undefined ? 0 : hashInt(`ms/${msKey}`, 1000)
  const iso = new Date(base - (base % 1000) + ms).toISOString() // 2026-03-02T08:40:00.348Z
  const whole = iso.slice(0, 19)
  return ms === 0 ? `${whole}+00:00` : `${whole}.${String(ms).padStart(3, '0')}000+00:00`
}

/** The simulation's epoch as RFC 3339, for resources created before the cluster (the VPC stack). */
export function beforeEpoch(ms: number): string {
  return new Date(EPOCH_MS - ms).toISOString().replace('.000Z', 'Z')
}
