import type { ClusterState } from '../model/state.ts'
import type { NodeRuntime } from '../model/node.ts'
import { intToIp, parseCidr } from '../net/ip.ts'
import { nextInt } from '../random.ts'

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
 * Foundation simplification: a pod's IP is a free address of its node's subnet, as on EKS, but it is
 * not yet tracked as a secondary IP of a particular ENI with the VPC CNI's warm pool; that model comes
 * with the CNI lesson (https://github.com/aws/amazon-vpc-cni-k8s/blob/master/docs/cni-proposal.md).
 */
export function allocatePodIp(state: ClusterState, node: NodeRuntime, owner: string): string {
  return allocateAddress(state, node.subnetId, `pod ${owner}`)
}

export function releaseIp(state: ClusterState, ip: string): void {
  delete state.aws.addresses[ip]
}
