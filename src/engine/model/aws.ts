import type { CloudWatchLogsState } from '../shipping/cloudwatch.ts'

// The AWS side: a VPC in the eksctl default layout, the managed control plane, EC2 worker nodes.

export interface Subnet {
  subnetId: string
  cidrBlock: string
  availabilityZone: string
  availabilityZoneId: string
  public: boolean
  routeTableId: string
  /** eksctl's subnet names, e.g. eksctl-demo-cluster/SubnetPublicUSWEST2A */
  name: string
  mapPublicIpOnLaunch: boolean
}

export interface Route {
  destinationCidrBlock: string
  gatewayId?: string // 'local' or igw-…
  natGatewayId?: string
}

export interface RouteTable {
  routeTableId: string
  name: string
  routes: Route[]
  subnetIds: string[]
}

export interface NatGateway {
  natGatewayId: string
  subnetId: string
  privateIp: string
  publicIp: string
  allocationId: string
  networkInterfaceId: string
  /** the gateway's translation table (net/vpc.ts), created on first use */
  translations?: NatTranslation[]
}

/** One connection through a NAT gateway: the inside source and the outside port it got. */
export interface NatTranslation {
  proto: 'tcp' | 'udp' | 'icmp'
  /** inside source address and port (ICMP: echo id) */
  src: string
  sport: number
  /** the destination; with proto it is the "unique destination" of the 55,000 limit */
  dst: string
  dport: number
  /** the port (ICMP: id) on the gateway's address */
  natPort: number
  /** simulated ms of the last packet (idle connections time out after 350 s) */
  lastUsed: number
}

export interface Eni {
  networkInterfaceId: string
  subnetId: string
  privateIpAddress: string
  /** secondary IPs (VPC CNI: pod addresses); empty until the CNI issue fills it */
  secondaryIps: string[]
  macAddress: string
  deviceIndex: number
  attachedTo?: string // instance id
  description: string
  /** simulated ms of AttachNetworkInterface (ENIs the VPC CNI attached); absent = at launch */
  attachedAt?: number
  /** the tags it was created with (the VPC CNI's ENIs); absent = none */
  tags?: Record<string, string>
}

export interface Instance {
  instanceId: string
  instanceType: string
  availabilityZone: string
  subnetId: string
  privateIpAddress: string
  publicIpAddress?: string
  privateDnsName: string
  publicDnsName?: string
  imageId: string
  launchTime: string
  state: 'pending' | 'running' | 'shutting-down' | 'terminated'
  nodegroup: string
  eniIds: string[]
  /** set by TerminateInstances (aws/terminate.ts) */
  terminatedAt?: number
}

export interface NodeGroup {
  name: string
  instanceType: string
  desiredSize: number
  minSize: number
  maxSize: number
  amiType: 'AL2023_x86_64_STANDARD' | 'AL2023_ARM_64_STANDARD'
  capacityType: 'ON_DEMAND'
  subnetIds: string[]
  launchTemplateId: string
  createdAt: string
  /** EKS's nodegroup status (absent: ACTIVE); eksctl-created groups go CREATING -> ACTIVE (aws/nodegroups.ts) */
  status?: 'CREATING' | 'ACTIVE' | 'DELETING'
  /** `--node-private-networking`: the nodes are in the private subnets, no public IPv4 */
  privateNetworking?: boolean
}

export interface ControlPlane {
  /** API server instances (>= 2) and etcd members (3), one per AZ, in an AWS-owned VPC. */
  apiServers: { id: string; availabilityZone: string }[]
  etcdMembers: { id: string; name: string; availabilityZone: string; isLeader: boolean }[]
  /** the ENIs EKS places in your subnets; they are the endpoints of default/kubernetes */
  crossAccountEnis: { networkInterfaceId: string; subnetId: string; privateIpAddress: string }[]
}

export interface EksCluster {
  name: string
  arn: string
  accountId: string
  region: string
  version: string
  platformVersion: string
  endpoint: string
  createdAt: string
  roleArn: string
  clusterSecurityGroupId: string
  serviceIpv4Cidr: string
  oidcIssuer: string
  certificateAuthority: string
  envelopeEncryption: 'aws-owned-kms' | 'none'
  /** `aws eks associate-encryption-config` / create-cluster `--encryption-config`: a customer managed key */
  encryptionConfig?: { resources: string[]; provider: { keyArn: string } }[]
}

export interface AwsState {
  accountId: string
  region: string
  vpc: { vpcId: string; cidrBlock: string }
  subnets: Subnet[]
  routeTables: RouteTable[]
  internetGateway: { internetGatewayId: string }
  natGateways: NatGateway[]
  instances: Record<string, Instance>
  enis: Record<string, Eni>
  nodeGroups: Record<string, NodeGroup>
  cluster: EksCluster
  controlPlane: ControlPlane
  /** every private address handed out in the VPC, by whom: EC2 never hands one out twice */
  addresses: Record<string, string>
  /** CloudWatch Logs (shipping/cloudwatch.ts): lives in AWS, so it outlives any node; created on first write */
  logs?: CloudWatchLogsState
}
