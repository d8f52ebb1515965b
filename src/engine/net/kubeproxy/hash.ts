import { sha256 } from '@noble/hashes/sha2.js'
import { utf8Bytes } from '../../encoding.ts'

// kube-proxy's chain names (pkg/proxy/iptables/proxier.go portProtoHash and
// servicePortEndpointChainName): SHA-256 over `servicePortName + protocol [+ endpoint]`, encoded
// with RFC 4648 base32 (standard alphabet, Go's base32.StdEncoding), first 16 characters.
// Every name is 25 characters (24 for KUBE-FW-), under iptables' 28-character limit.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** RFC 4648 base32 with `=` padding, as Go's base32.StdEncoding.EncodeToString. */
export function base32(bytes: Uint8Array): string {
  let out = ''
  let bits = 0
  let value = 0
  for (const b of bytes) {
    value = (value << 8) | b
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
    value &= (1 << bits) - 1
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31]
  while (out.length % 8 !== 0) out += '='
  return out
}

// kube-proxy computes each name once and keeps it in its servicePortInfo/endpointInfo; a memo of
// the pure hash does the same for us across syncs and nodes (bounded, so it cannot grow forever)
const memo = new Map<string, string>()
const MEMO_MAX = 200_000

function hash16(input: string): string {
  let h = memo.get(input)
  if (h === undefined) {
    if (memo.size >= MEMO_MAX) memo.clear()
    h = base32(sha256(Uint8Array.from(utf8Bytes(input)))).slice(0, 16)
    memo.set(input, h)
  }
  return h
}

/** `ns/svc:port` (`ns/svc` for an unnamed port): proxy.ServicePortName.String(). */
export function servicePortName(namespace: string, name: string, port: string): string {
  return port ? `${namespace}/${name}:${port}` : `${namespace}/${name}`
}

/** `ip:port`, `[ip]:port` for IPv6 (net.JoinHostPort, as BaseEndpointInfo.String()). */
export function endpointString(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`
}

/** protocol as kube-proxy hashes it: lower-cased */
const proto = (p: string) => p.toLowerCase()

export const serviceChainName = (spn: string, protocol: string) =>
  `KUBE-SVC-${hash16(spn + proto(protocol))}`
export const localChainName = (spn: string, protocol: string) =>
  `KUBE-SVL-${hash16(spn + proto(protocol))}`
export const externalChainName = (spn: string, protocol: string) =>
  `KUBE-EXT-${hash16(spn + proto(protocol))}`
export const firewallChainName = (spn: string, protocol: string) =>
  `KUBE-FW-${hash16(spn + proto(protocol))}`
export const endpointChainName = (spn: string, protocol: string, endpoint: string) =>
  `KUBE-SEP-${hash16(spn + proto(protocol) + endpoint)}`

const SERVICE_CHAIN_PREFIXES = ['KUBE-SVC-', 'KUBE-SVL-', 'KUBE-SEP-', 'KUBE-FW-', 'KUBE-EXT-']

/** isServiceChainName: the chains kube-proxy owns per service and may delete when stale. */
export function isServiceChainName(chain: string): boolean {
  return SERVICE_CHAIN_PREFIXES.some((p) => chain.startsWith(p))
}
