import type { ClusterState } from '../model/state.ts'
import { nextInt } from '../random.ts'
import { intToIp, ipToInt, parseCidr } from '../net/ip.ts'

/**
 * ClusterIPs come from the service CIDR (EKS default 10.100.0.0/16). The real allocator picks at
 * random, preferring the upper band so the lower band stays free for static IPs (KEP-3070); `.1` is
 * the kubernetes Service and `.10` kube-dns.
 */
export function allocateClusterIp(state: ClusterState, owner: string): string {
  const { base, size } = parseCidr(state.aws.cluster.serviceIpv4Cidr)
  const lowerBand = Math.min(256, Math.max(16, Math.floor(size / 16)))
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const ip = intToIp(base + nextInt(state.rng, lowerBand, size - 2))
    if (!state.serviceIps[ip]) {
      state.serviceIps[ip] = owner
      return ip
    }
  }
  throw new Error('service CIDR exhausted')
}

export function reserveClusterIp(state: ClusterState, ip: string, owner: string): string {
  const { base, size } = parseCidr(state.aws.cluster.serviceIpv4Cidr)
  const n = ipToInt(ip)
  if (n < base || n >= base + size)
    throw new Error(`${ip} is not in ${state.aws.cluster.serviceIpv4Cidr}`)
  state.serviceIps[ip] = owner
  return ip
}
