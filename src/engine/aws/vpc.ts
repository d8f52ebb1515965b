import type { ClusterState } from '../model/state.ts'
import { intToIp, parseCidr } from '../net/ip.ts'
import { nextInt } from '../random.ts'
import { hashInt } from '../node/util.ts'

// Private IPv4 addresses in the VPC's subnets. AWS reserves the first four and the last address of
// every subnet (network, VPC router, DNS, future use, broadcast), and EC2 picks a free address for
// each new ENI or secondary IP; we pick one at random from the seeded rng, never one already in use.
// https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html

export function allocateAddress(state: ClusterState, subnetId: string, owner: string): string {
  const subnet = state.aws.subnets.find((s) => s.subnetId === subnetId)
  if (!subnet) throw new Error(`unknown subnet ${subnetId}`)
  const { base, size } = parseCidr(subnet.cidrBlock)
  for (let attempt = 0; attempt < 2000; attempt++) {
    const ip = intToIp(base + nextInt(state.rng, 4, size - 2))
    if (!state.aws.addresses[ip]) {
      state.aws.addresses[ip] = owner
      return ip
    }
  }
  // nearly full: walk from the bottom
  for (let i = 4; i < size - 1; i++) {
    const ip = intToIp(base + i)
    if (!state.aws.addresses[ip]) {
      state.aws.addresses[ip] = owner
      return ip
    }
  }
  throw new Error(`InsufficientFreeAddressesInSubnet: ${subnetId}`)
}

/**
 * The same rule without the cluster's rng: the address is drawn from a hash of `seed`. ipamd's
 * EC2 calls (AssignPrivateIpAddresses, CreateNetworkInterface) use it, so that how many addresses
 * the warm pool holds never shifts the random stream every other part of the simulation draws from.
 * Returns undefined when the subnet has no free address (EC2's InsufficientFreeAddressesInSubnet).
 */
export function allocateAddressSeeded(
  state: ClusterState,
  subnetId: string,
  owner: string,
  seed: string,
): string | undefined {
  const subnet = state.aws.subnets.find((s) => s.subnetId === subnetId)
  if (!subnet) return undefined
  const { base, size } = parseCidr(subnet.cidrBlock)
  for (let attempt = 0; attempt < 64; attempt++) {
    const ip = intToIp(base + 4 + hashInt(`${seed}/${attempt}`, size - 5))
    if (!state.aws.addresses[ip]) {
      state.aws.addresses[ip] = owner
      return ip
    }
  }
  for (let i = 4; i < size - 1; i++) {
    const ip = intToIp(base + i)
    if (!state.aws.addresses[ip]) {
      state.aws.addresses[ip] = owner
      return ip
    }
  }
  return undefined
}

export function releaseIp(state: ClusterState, ip: string): void {
  delete state.aws.addresses[ip]
}
