// EC2 instance types the simulation offers, with the VPC CNI limits that decide max pods.
// ENIs and IPv4 per ENI: aws/amazon-vpc-cni-k8s misc/eni-max-pods.txt and pkg/vpc/vpc_ip_resource_limit.go
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html#AvailableIpPerENI); vCPUs and
// memory from the EC2 instance type pages. Every row's max pods equals eni-max-pods.txt (ipamd.test.ts).
// maxPods = ENIs * (IPv4 per ENI - 1) + 2 (the +2: aws-node and kube-proxy use the host network).

export interface InstanceType {
  name: string
  vcpus: number
  memoryMiB: number
  enis: number
  ipv4PerEni: number
  arch: 'amd64' | 'arm64'
}

export const INSTANCE_TYPES: Record<string, InstanceType> = Object.fromEntries(
  (
    [
      ['t3.nano', 2, 512, 2, 2, 'amd64'],
      ['t3.micro', 2, 1024, 2, 2, 'amd64'],
      ['t3.small', 2, 2048, 3, 4, 'amd64'],
      ['t3.medium', 2, 4096, 3, 6, 'amd64'],
      ['t3.large', 2, 8192, 3, 12, 'amd64'],
      ['t3.xlarge', 4, 16384, 4, 15, 'amd64'],
      ['t3.2xlarge', 8, 32768, 4, 15, 'amd64'],
      ['m5.large', 2, 8192, 3, 10, 'amd64'],
      ['m5.xlarge', 4, 16384, 4, 15, 'amd64'],
      ['m5.2xlarge', 8, 32768, 4, 15, 'amd64'],
      ['m5.4xlarge', 16, 65536, 8, 30, 'amd64'],
      ['m5.8xlarge', 32, 131072, 8, 30, 'amd64'],
      ['m5.12xlarge', 48, 196608, 8, 30, 'amd64'],
      ['m5.16xlarge', 64, 262144, 15, 50, 'amd64'],
      ['m5.24xlarge', 96, 393216, 15, 50, 'amd64'],
      ['c5.large', 2, 4096, 3, 10, 'amd64'],
      ['c5.xlarge', 4, 8192, 4, 15, 'amd64'],
      ['c5.2xlarge', 8, 16384, 4, 15, 'amd64'],
      ['c5.4xlarge', 16, 32768, 8, 30, 'amd64'],
      ['c5.9xlarge', 36, 73728, 8, 30, 'amd64'],
      ['c5.12xlarge', 48, 98304, 8, 30, 'amd64'],
      ['c5.18xlarge', 72, 147456, 15, 50, 'amd64'],
      ['c5.24xlarge', 96, 196608, 15, 50, 'amd64'],
      ['m6g.medium', 1, 4096, 2, 4, 'arm64'],
      ['m6g.large', 2, 8192, 3, 10, 'arm64'],
      ['m6g.xlarge', 4, 16384, 4, 15, 'arm64'],
      ['m6g.2xlarge', 8, 32768, 4, 15, 'arm64'],
      ['m6g.4xlarge', 16, 65536, 8, 30, 'arm64'],
      ['m6g.8xlarge', 32, 131072, 8, 30, 'arm64'],
      ['m6g.12xlarge', 48, 196608, 8, 30, 'arm64'],
      ['m6g.16xlarge', 64, 262144, 15, 50, 'arm64'],
    ] as const
  ).map(([name, vcpus, memoryMiB, enis, ipv4PerEni, arch]) => [
    name,
    { name, vcpus, memoryMiB, enis, ipv4PerEni, arch },
  ]),
)

export function maxPods(t: InstanceType): number {
  return t.enis * (t.ipv4PerEni - 1) + 2
}

/** EKS AMI kube-reserved CPU: 6% of the first core, 1% of the second, 0.5% of the next two, 0.25% above four. */
function reservedCpuMillis(vcpus: number): number {
  let m = 0
  for (let core = 1; core <= vcpus; core++)
    m += core === 1 ? 60 : core === 2 ? 10 : core <= 4 ? 5 : 2.5
  return Math.round(m)
}

/**
 * Node capacity and allocatable as the kubelet reports them on an AL2023 EKS node.
 * Memory: nodeadm reserves 11 * maxPods + 255 MiB (kube-reserved), plus evictionHard memory.available 100Mi
 * (awslabs/amazon-eks-ami nodeadm/internal/kubelet/config.go). Capacity is what the kernel reports, a
 * little under the instance size; t3.medium shows 3943372Ki on real nodes, so we scale from that ratio.
 */
export function nodeResources(t: InstanceType) {
  const pods = maxPods(t)
  const capacityKi = Math.round((t.memoryMiB * 1024 * 3943372) / (4096 * 1024))
  const reservedKi = (11 * pods + 255 + 100) * 1024
  return {
    capacity: {
      cpu: String(t.vcpus),
      'ephemeral-storage': '20959212Ki',
      'hugepages-1Gi': '0',
      'hugepages-2Mi': '0',
      memory: `${capacityKi}Ki`,
      pods: String(pods),
    },
    allocatable: {
      cpu: `${t.vcpus * 1000 - reservedCpuMillis(t.vcpus)}m`,
      'ephemeral-storage': '18242267924',
      'hugepages-1Gi': '0',
      'hugepages-2Mi': '0',
      memory: `${capacityKi - reservedKi}Ki`,
      pods: String(pods),
    },
  }
}
