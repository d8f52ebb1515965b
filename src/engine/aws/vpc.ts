import type { ClusterState } from '../model/state.ts'
import { intToIp, parseCidr } from '../net/ip.ts'
import { nextInt } from '../random.ts'
import { hashInt } from '../node/util.ts'

/** The Amazon-provided DNS server (Route 53 Resolver): the VPC's base address plus two (192.168.0.2).
 * https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html */
export function vpcDnsAddress(state: ClusterState): string {
  return intToIp(parseCidr(state.aws.vpc.cidrBlock).base + 2)
}

// Private IPv4 addresses in the VPC's subnets. AWS reserves the first four and the last address of
// every subnet (network, VPC router, DNS, future use, broadcast), and EC2 picks a free address for
// each new ENI or secondary IP; we pick one at random from the seeded rng, never one already in use.
// https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html

export function allocateAddress(state: ClusterState, subnetId: string, owner: string): string {
  const subnet = state.aws.subnets.find((s) => s.subnetId === subnetId)
  if (!subnet) throw new Error(`unknown subnet ${subnetId}`)
  const { base, size } = parseCidr(subnet.cidrBlock)
  const ip = claim(state, base, size, owner, 2000, () => nextInt(state.rng, 4, size - 2))
  if (ip === undefined) throw new Error(`InsufficientFreeAddressesInSubnet: ${subnetId}`)
  return ip
}

/** Up to `attempts` draws of an offset into the subnet, then (nearly full) a walk from the bottom
 * over the usable addresses; the first free one is recorded as `owner`'s. */
function claim(
  state: ClusterState,
  base: number,
  size: number,
  owner: string,
  attempts: number,
  draw: (attempt: number) => number,
): string | undefined {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const ip = intToIp(base + draw(attempt))
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
  return claim(
    state,
    base,
    size,
    owner,
    64,
    (attempt) => 4 + hashInt(`${seed}/${attempt}`, size - 5),
  )
}

export function releaseIp(state: ClusterState, ip: string): void {
  delete state.aws.addresses[ip]
}
