import type {
  AwsState,
  ClusterState,
  Eni,
  Instance,
  NodeGroup,
  Subnet,
} from '../../engine/index.ts'
import { INSTANCE_TYPES, NODE_OS } from '../../engine/index.ts'
import { rfc3339 } from '../../engine/time.ts'
import type { Json } from './jmespath.ts'
import { awsId, awsTime, beforeEpoch, hashDigits, hashHex, uuidFrom } from './derive.ts'

// API responses built from ClusterState.aws. Keys are listed in the member order of the services'
// models (botocore data/eks/2017-11-01 and data/ec2/2016-11-15 service-2.json, 2026), which is the
// order the CLI prints; members the service leaves unset are left out, as the CLI does.
// Values the engine does not hold are derived in derive.ts and marked [derived] here.

type Obj = { [k: string]: Json }
const tags = (t: Record<string, string>): Json[] =>
  Object.entries(t).map(([Key, Value]) => ({ Key, Value }))

// ---------------------------------------------------------------- shared derived facts

/** eksctl's ControlPlaneSecurityGroup (resourcesVpcConfig.securityGroupIds) [derived]. */
export const controlPlaneSg = (aws: AwsState) =>
  awsId('sg', `${aws.cluster.arn}/ControlPlaneSecurityGroup`)
/** EKS names the cluster security group eks-cluster-sg-<cluster>-<digits> [derived digits]. */
export const clusterSgName = (aws: AwsState) =>
  `eks-cluster-sg-${aws.cluster.name}-${hashDigits(`${aws.cluster.arn}/sg`, 10)}`
const nodegroupUuid = (aws: AwsState, ng: NodeGroup) =>
  uuidFrom(`${aws.cluster.arn}/nodegroup/${ng.name}`)
export const asgName = (aws: AwsState, ng: NodeGroup) => `eks-${ng.name}-${nodegroupUuid(aws, ng)}`
const stackName = (aws: AwsState) => `eksctl-${aws.cluster.name}-cluster`
const stackId = (aws: AwsState) =>
  `arn:aws:cloudformation:${aws.region}:${aws.accountId}:stack/${stackName(aws)}/${uuidFrom(`${aws.cluster.arn}/stack`)}`
/** AWS's own account that owns the EKS control-plane instances behind the cross-account ENIs [derived]. */
const eksServiceAccount = (aws: AwsState) => hashDigits(`${aws.region}/eks-service-account`, 12)
/** The VPC's main route table: created with the VPC, only the local route, no subnet uses it [derived]. */
const mainRouteTableId = (aws: AwsState) => awsId('rtb', `${aws.vpc.vpcId}/main`)

function stackTags(aws: AwsState, logicalId: string, name?: string): Record<string, string> {
  return {
    ...(name ? { Name: name } : {}),
    'alpha.eksctl.io/cluster-name': aws.cluster.name,
    'eksctl.cluster.k8s.io/v1alpha1/cluster-name': aws.cluster.name,
    'aws:cloudformation:stack-name': stackName(aws),
    'aws:cloudformation:logical-id': logicalId,
    'aws:cloudformation:stack-id': stackId(aws),
  }
}

// ---------------------------------------------------------------- EKS

export function eksCluster(aws: AwsState): Obj {
  const c = aws.cluster
  return {
    name: c.name,
    arn: c.arn,
    createdAt: awsTime(c.createdAt, c.arn),
    version: c.version,
    endpoint: c.endpoint,
    roleArn: c.roleArn,
    resourcesVpcConfig: {
      // eksctl passes every subnet it created, public first
      subnetIds: aws.subnets.map((s) => s.subnetId),
      securityGroupIds: [controlPlaneSg(aws)],
      clusterSecurityGroupId: c.clusterSecurityGroupId,
      vpcId: aws.vpc.vpcId,
      endpointPublicAccess: true,
      endpointPrivateAccess: false,
      publicAccessCidrs: ['0.0.0.0/0'],
    },
    kubernetesNetworkConfig: {
      serviceIpv4Cidr: c.serviceIpv4Cidr,
      ipFamily: 'ipv4',
      elasticLoadBalancing: { enabled: false },
    },
    logging: {
      clusterLogging: [
        {
          types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'],
          enabled: false,
        },
      ],
    },
    identity: { oidc: { issuer: c.oidcIssuer } },
    status: 'ACTIVE',
    certificateAuthority: { data: c.certificateAuthority },
    platformVersion: c.platformVersion,
    tags: {
      'aws:cloudformation:stack-name': stackName(aws),
      'alpha.eksctl.io/cluster-name': c.name,
      'aws:cloudformation:stack-id': stackId(aws),
      'eksctl.cluster.k8s.io/v1alpha1/cluster-name': c.name,
      'alpha.eksctl.io/cluster-oidc-enabled': 'false',
      'aws:cloudformation:logical-id': 'ControlPlane',
      Name: `${stackName(aws)}/ControlPlane`,
    },
    // No `encryptionConfig`: since 1.28 EKS envelope-encrypts all API data by default with an
    // AWS-owned KMS key, and the API does not report that key. encryptionConfig
    // ([{resources: ["secrets"], provider: {keyArn}}]) appears only with a customer managed key.
    // "If your cluster uses an AWS owned key, then this will be detailed in the EKS console
    // (excluding the ARN of the key)." https://docs.aws.amazon.com/eks/latest/userguide/envelope-encryption.html
    ...(c.encryptionConfig ? { encryptionConfig: c.encryptionConfig } : {}),
    health: { issues: [] },
    accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
    // [unconfirmed presence, per docs/research/kubectl-formats.md §6] upgradePolicy, zonalShiftConfig
    upgradePolicy: { supportType: 'EXTENDED' },
    zonalShiftConfig: { enabled: false },
  }
}

/** AL2023 EKS AMI release version, e.g. 1.32.9-20260120, from the node's kubelet and OS image. */
function releaseVersion(): string {
  const k = NODE_OS.kubeletVersion.replace(/^v/, '').replace(/-.*$/, '')
  const date = NODE_OS.osImage.replace(/^.*\./, '')
  return `${k}-${date}`
}

export function eksNodegroup(aws: AwsState, ng: NodeGroup): Obj {
  const c = aws.cluster
  const id = nodegroupUuid(aws, ng)
  const arn = `arn:aws:eks:${aws.region}:${aws.accountId}:nodegroup/${c.name}/${ng.name}/${id}`
  return {
    nodegroupName: ng.name,
    nodegroupArn: arn,
    clusterName: c.name,
    version: c.version,
    releaseVersion: releaseVersion(),
    createdAt: awsTime(ng.createdAt, arn),
    // [derived] the node group turns ACTIVE (its last modification) once its nodes have joined
    modifiedAt: awsTime(ng.createdAt, `${arn}/modified`, 2 * 60_000 + 14_000),
    status: ng.status ?? 'ACTIVE',
    capacityType: ng.capacityType,
    scalingConfig: { minSize: ng.minSize, maxSize: ng.maxSize, desiredSize: ng.desiredSize },
    instanceTypes: [ng.instanceType],
    subnets: ng.subnetIds,
    amiType: ng.amiType,
    nodeRole: `arn:aws:iam::${aws.accountId}:role/eksctl-${c.name}-nodegroup-${ng.name}-NodeInstanceRole-${hashHex(`${arn}/role`, 12).toUpperCase()}`,
    labels: {
      'alpha.eksctl.io/cluster-name': c.name,
      'alpha.eksctl.io/nodegroup-name': ng.name,
    },
    resources: { autoScalingGroups: [{ name: asgName(aws, ng) }] },
    // no diskSize: eksctl creates managed node groups with a launch template, and the volume size
    // lives there (EKS reports diskSize only for node groups without one)
    health: { issues: [] },
    updateConfig: { maxUnavailable: 1 },
    launchTemplate: {
      name: `eksctl-${c.name}-nodegroup-${ng.name}`,
      version: '1',
      id: ng.launchTemplateId,
    },
    tags: {
      'aws:cloudformation:stack-name': `eksctl-${c.name}-nodegroup-${ng.name}`,
      'alpha.eksctl.io/cluster-name': c.name,
      'alpha.eksctl.io/nodegroup-name': ng.name,
      'alpha.eksctl.io/nodegroup-type': 'managed',
      'eksctl.cluster.k8s.io/v1alpha1/cluster-name': c.name,
      'aws:cloudformation:logical-id': 'ManagedNodeGroup',
    },
  }
}

// ---------------------------------------------------------------- EC2

const subnetOf = (aws: AwsState, id: string): Subnet | undefined =>
  aws.subnets.find((s) => s.subnetId === id)

function instanceTags(aws: AwsState, i: Instance): Record<string, string> {
  const ng = aws.nodeGroups[i.nodegroup]
  const c = aws.cluster.name
  return {
    Name: `${c}-${i.nodegroup}-Node`,
    'alpha.eksctl.io/nodegroup-name': i.nodegroup,
    'alpha.eksctl.io/nodegroup-type': 'managed',
    'aws:autoscaling:groupName': ng ? asgName(aws, ng) : '',
    'aws:ec2launchtemplate:id': ng?.launchTemplateId ?? '',
    'aws:ec2launchtemplate:version': '1',
    'aws:eks:cluster-name': c,
    'eks:cluster-name': c,
    'eks:nodegroup-name': i.nodegroup,
    [`k8s.io/cluster-autoscaler/${c}`]: 'owned',
    'k8s.io/cluster-autoscaler/enabled': 'true',
    [`kubernetes.io/cluster/${c}`]: 'owned',
  }
}

function eniPrivateIps(
  aws: AwsState,
  eni: Eni,
  pub: { ip: string; dns: string; owner: string } | undefined,
): Json[] {
  const dns = (ip: string) => `ip-${ip.replaceAll('.', '-')}.${aws.region}.compute.internal`
  const assoc = pub
    ? { Association: { IpOwnerId: pub.owner, PublicDnsName: pub.dns, PublicIp: pub.ip } }
    : {}
  return [
    {
      ...assoc,
      Primary: true,
      PrivateDnsName: dns(eni.privateIpAddress),
      PrivateIpAddress: eni.privateIpAddress,
    },
    ...eni.secondaryIps.map((ip) => ({
      Primary: false,
      PrivateDnsName: dns(ip),
      PrivateIpAddress: ip,
    })),
  ]
}

function nodeGroups(aws: AwsState): Json[] {
  return [{ GroupId: aws.cluster.clusterSecurityGroupId, GroupName: clusterSgName(aws) }]
}

/** An ENI as it appears inside DescribeInstances (InstanceNetworkInterface). */
function instanceEni(aws: AwsState, i: Instance, eni: Eni): Obj {
  const isPrimary = eni.deviceIndex === 0
  const pub =
    isPrimary && i.publicIpAddress
      ? { ip: i.publicIpAddress, dns: i.publicDnsName ?? '', owner: 'amazon' }
      : undefined
  return {
    ...(pub
      ? { Association: { IpOwnerId: 'amazon', PublicDnsName: pub.dns, PublicIp: pub.ip } }
      : {}),
    Attachment: {
      AttachTime: awsTime(i.launchTime, undefined),
      AttachmentId: awsId('eni-attach', eni.networkInterfaceId),
      DeleteOnTermination: true,
      DeviceIndex: eni.deviceIndex,
      Status: 'attached',
      NetworkCardIndex: 0,
    },
    Description: eni.description,
    Groups: nodeGroups(aws),
    Ipv6Addresses: [],
    MacAddress: eni.macAddress,
    NetworkInterfaceId: eni.networkInterfaceId,
    OwnerId: aws.accountId,
    PrivateDnsName: `ip-${eni.privateIpAddress.replaceAll('.', '-')}.${aws.region}.compute.internal`,
    PrivateIpAddress: eni.privateIpAddress,
    PrivateIpAddresses: eniPrivateIps(aws, eni, pub),
    SourceDestCheck: true,
    Status: 'in-use',
    SubnetId: eni.subnetId,
    VpcId: aws.vpc.vpcId,
    InterfaceType: 'interface',
  }
}

export function ec2Instance(aws: AwsState, i: Instance): Obj {
  const type = INSTANCE_TYPES[i.instanceType]
  const vcpus = type?.vcpus ?? 2
  const subnet = subnetOf(aws, i.subnetId)
  const enis = i.eniIds.map((id) => aws.enis[id]).filter((e): e is Eni => !!e)
  const stateCode = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48 }[i.state]
  const launch = awsTime(i.launchTime, undefined)
  return {
    Architecture: type?.arch === 'arm64' ? 'arm64' : 'x86_64',
    BlockDeviceMappings: [
      {
        DeviceName: '/dev/xvda',
        Ebs: {
          AttachTime: launch,
          DeleteOnTermination: true,
          Status: 'attached',
          VolumeId: awsId('vol', i.instanceId),
        },
      },
    ],
    ClientToken: `fleet-${uuidFrom(`${i.instanceId}/token`)}-0`,
    EbsOptimized: false,
    EnaSupport: true,
    Hypervisor: 'xen',
    IamInstanceProfile: {
      Arn: `arn:aws:iam::${aws.accountId}:instance-profile/eks-${uuidFrom(`${aws.cluster.arn}/nodegroup/${i.nodegroup}`)}`,
      Id: `AIPA${hashHex(`${i.nodegroup}/profile`, 17).toUpperCase()}`,
    },
    NetworkInterfaces: enis.map((e) => instanceEni(aws, i, e)),
    RootDeviceName: '/dev/xvda',
    RootDeviceType: 'ebs',
    SecurityGroups: nodeGroups(aws),
    SourceDestCheck: true,
    Tags: tags(instanceTags(aws, i)),
    VirtualizationType: 'hvm',
    CpuOptions: { CoreCount: Math.max(1, vcpus / 2), ThreadsPerCore: vcpus === 1 ? 1 : 2 },
    CapacityReservationSpecification: { CapacityReservationPreference: 'open' },
    HibernationOptions: { Configured: false },
    MetadataOptions: {
      State: 'applied',
      HttpTokens: 'required',
      HttpPutResponseHopLimit: 2,
      HttpEndpoint: 'enabled',
      HttpProtocolIpv6: 'disabled',
      InstanceMetadataTags: 'disabled',
    },
    EnclaveOptions: { Enabled: false },
    BootMode: 'uefi-preferred',
    PlatformDetails: 'Linux/UNIX',
    UsageOperation: 'RunInstances',
    UsageOperationUpdateTime: launch,
    PrivateDnsNameOptions: {
      HostnameType: 'ip-name',
      EnableResourceNameDnsARecord: false,
      EnableResourceNameDnsAAAARecord: false,
    },
    MaintenanceOptions: { AutoRecovery: 'default', RebootMigration: 'default' },
    CurrentInstanceBootMode: 'uefi',
    NetworkPerformanceOptions: { BandwidthWeighting: 'default' },
    Operator: { Managed: false },
    InstanceId: i.instanceId,
    ImageId: i.imageId,
    State: { Code: stateCode, Name: i.state },
    PrivateDnsName: i.privateDnsName,
    PublicDnsName: i.publicDnsName ?? '',
    StateTransitionReason: '',
    AmiLaunchIndex: 0,
    ProductCodes: [],
    InstanceType: i.instanceType,
    LaunchTime: launch,
    Placement: {
      AvailabilityZoneId: subnet?.availabilityZoneId ?? '',
      GroupName: '',
      Tenancy: 'default',
      AvailabilityZone: i.availabilityZone,
    },
    Monitoring: { State: 'disabled' },
    SubnetId: i.subnetId,
    VpcId: aws.vpc.vpcId,
    PrivateIpAddress: i.privateIpAddress,
    ...(i.publicIpAddress ? { PublicIpAddress: i.publicIpAddress } : {}),
  }
}

/** One reservation per instance: the Auto Scaling group launches them one at a time. */
export function ec2Reservation(aws: AwsState, i: Instance): Obj {
  return {
    ReservationId: awsId('r', i.instanceId),
    OwnerId: aws.accountId,
    Groups: [],
    Instances: [ec2Instance(aws, i)],
  }
}

function usedInSubnet(state: ClusterState, s: Subnet): number {
  const [base, bits] = s.cidrBlock.split('/')
  const toInt = (ip: string) => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0)
  const lo = toInt(base!)
  const size = 2 ** (32 - Number(bits))
  return Object.keys(state.aws.addresses).filter((ip) => {
    const n = toInt(ip)
    return n >= lo && n < lo + size
  }).length
}

export function ec2Subnet(state: ClusterState, s: Subnet): Obj {
  const aws = state.aws
  const size = 2 ** (32 - Number(s.cidrBlock.split('/')[1]))
  const logical = s.name.replace(/^.*\//, '')
  return {
    AvailabilityZoneId: s.availabilityZoneId,
    MapCustomerOwnedIpOnLaunch: false,
    OwnerId: aws.accountId,
    AssignIpv6AddressOnCreation: false,
    Ipv6CidrBlockAssociationSet: [],
    Tags: tags({
      ...stackTags(aws, logical, s.name),
      [s.public ? 'kubernetes.io/role/elb' : 'kubernetes.io/role/internal-elb']: '1',
    }),
    SubnetArn: `arn:aws:ec2:${aws.region}:${aws.accountId}:subnet/${s.subnetId}`,
    EnableDns64: false,
    Ipv6Native: false,
    PrivateDnsNameOptionsOnLaunch: {
      HostnameType: 'ip-name',
      EnableResourceNameDnsARecord: false,
      EnableResourceNameDnsAAAARecord: false,
    },
    BlockPublicAccessStates: { InternetGatewayBlockMode: 'off' },
    SubnetId: s.subnetId,
    State: 'available',
    VpcId: aws.vpc.vpcId,
    CidrBlock: s.cidrBlock,
    // AWS reserves 5 addresses per subnet; every ENI primary and secondary (pod) IP is in use
    AvailableIpAddressCount: size - 5 - usedInSubnet(state, s),
    AvailabilityZone: s.availabilityZone,
    DefaultForAz: false,
    MapPublicIpOnLaunch: s.mapPublicIpOnLaunch,
  }
}

export function ec2RouteTables(aws: AwsState): Obj[] {
  const owned = aws.routeTables.map((rt) => ({
    Associations: rt.subnetIds.map((sid) => ({
      Main: false,
      RouteTableAssociationId: awsId('rtbassoc', `${rt.routeTableId}/${sid}`),
      RouteTableId: rt.routeTableId,
      SubnetId: sid,
      AssociationState: { State: 'associated' },
    })),
    PropagatingVgws: [],
    RouteTableId: rt.routeTableId,
    Routes: rt.routes.map((r) => ({
      DestinationCidrBlock: r.destinationCidrBlock,
      ...(r.gatewayId ? { GatewayId: r.gatewayId } : {}),
      ...(r.natGatewayId ? { NatGatewayId: r.natGatewayId } : {}),
      Origin: r.gatewayId === 'local' ? 'CreateRouteTable' : 'CreateRoute',
      State: 'active',
    })),
    Tags: tags(stackTags(aws, rt.name.replace(/^.*\//, ''), rt.name)),
    VpcId: aws.vpc.vpcId,
    OwnerId: aws.accountId,
  }))
  const main = mainRouteTableId(aws)
  return [
    ...owned,
    {
      Associations: [
        {
          Main: true,
          RouteTableAssociationId: awsId('rtbassoc', main),
          RouteTableId: main,
          AssociationState: { State: 'associated' },
        },
      ],
      PropagatingVgws: [],
      RouteTableId: main,
      Routes: [
        {
          DestinationCidrBlock: aws.vpc.cidrBlock,
          GatewayId: 'local',
          Origin: 'CreateRouteTable',
          State: 'active',
        },
      ],
      Tags: [],
      VpcId: aws.vpc.vpcId,
      OwnerId: aws.accountId,
    },
  ]
}

/** The VPC stack is created before the control plane: [derived] a few minutes before the cluster. */
const natCreated = (aws: AwsState, natId: string) =>
  awsTime(beforeEpoch(3 * 60_000 + 12_000), natId)

export function ec2NatGateways(aws: AwsState): Obj[] {
  return aws.natGateways.map((n) => ({
    CreateTime: natCreated(aws, n.natGatewayId),
    NatGatewayAddresses: [
      {
        AllocationId: n.allocationId,
        NetworkInterfaceId: n.networkInterfaceId,
        PrivateIp: n.privateIp,
        PublicIp: n.publicIp,
        AssociationId: awsId('eipassoc', n.allocationId),
        IsPrimary: true,
        Status: 'succeeded',
      },
    ],
    NatGatewayId: n.natGatewayId,
    State: 'available',
    SubnetId: n.subnetId,
    VpcId: aws.vpc.vpcId,
    Tags: tags(stackTags(aws, 'NATGateway', `${stackName(aws)}/NATGateway`)),
    ConnectivityType: 'public',
  }))
}

export function ec2InternetGateways(aws: AwsState): Obj[] {
  return [
    {
      Attachments: [{ State: 'available', VpcId: aws.vpc.vpcId }],
      InternetGatewayId: aws.internetGateway.internetGatewayId,
      OwnerId: aws.accountId,
      Tags: tags(stackTags(aws, 'InternetGateway', `${stackName(aws)}/InternetGateway`)),
    },
  ]
}

export function ec2Vpcs(aws: AwsState): Obj[] {
  return [
    {
      OwnerId: aws.accountId,
      InstanceTenancy: 'default',
      CidrBlockAssociationSet: [
        {
          AssociationId: awsId('vpc-cidr-assoc', aws.vpc.vpcId),
          CidrBlock: aws.vpc.cidrBlock,
          CidrBlockState: { State: 'associated' },
        },
      ],
      IsDefault: false,
      Tags: tags(stackTags(aws, 'VPC', `${stackName(aws)}/VPC`)),
      BlockPublicAccessStates: { InternetGatewayBlockMode: 'off' },
      VpcId: aws.vpc.vpcId,
      State: 'available',
      CidrBlock: aws.vpc.cidrBlock,
      DhcpOptionsId: awsId('dopt', aws.accountId),
    },
  ]
}

/** Every ENI in the VPC: the nodes' (primary and VPC CNI-attached), the NAT gateway's, and EKS's cross-account ENIs. */
export function ec2NetworkInterfaces(aws: AwsState): Obj[] {
  const out: Obj[] = []
  const azOf = (sid: string) => subnetOf(aws, sid)
  const dns = (ip: string) => `ip-${ip.replaceAll('.', '-')}.${aws.region}.compute.internal`
  for (const eni of Object.values(aws.enis)) {
    const inst = eni.attachedTo ? aws.instances[eni.attachedTo] : undefined
    const isPrimary = eni.deviceIndex === 0
    const pub =
      inst && isPrimary && inst.publicIpAddress
        ? { ip: inst.publicIpAddress, dns: inst.publicDnsName ?? '', owner: 'amazon' }
        : undefined
    out.push({
      ...(pub
        ? { Association: { IpOwnerId: 'amazon', PublicDnsName: pub.dns, PublicIp: pub.ip } }
        : {}),
      ...(inst
        ? {
            Attachment: {
              // ENIs the VPC CNI attached later carry their own attach time
              AttachTime:
                eni.attachedAt !== undefined
                  ? awsTime(rfc3339(eni.attachedAt), eni.networkInterfaceId)
                  : awsTime(inst.launchTime, undefined),
              AttachmentId: awsId('eni-attach', eni.networkInterfaceId),
              DeleteOnTermination: true,
              DeviceIndex: eni.deviceIndex,
              NetworkCardIndex: 0,
              InstanceId: inst.instanceId,
              InstanceOwnerId: aws.accountId,
              Status: 'attached',
            },
          }
        : {}),
      AvailabilityZone: azOf(eni.subnetId)?.availabilityZone ?? '',
      Description: eni.description,
      Groups: nodeGroups(aws),
      InterfaceType: 'interface',
      Ipv6Addresses: [],
      MacAddress: eni.macAddress,
      NetworkInterfaceId: eni.networkInterfaceId,
      OwnerId: aws.accountId,
      PrivateDnsName: dns(eni.privateIpAddress),
      ...(pub ? { PublicDnsName: pub.dns } : {}),
      PrivateIpAddress: eni.privateIpAddress,
      PrivateIpAddresses: eniPrivateIps(aws, eni, pub),
      Ipv4Prefixes: [],
      Ipv6Prefixes: [],
      RequesterManaged: false,
      SourceDestCheck: true,
      Status: inst ? 'in-use' : 'available',
      SubnetId: eni.subnetId,
      TagSet: tags(eni.tags ?? {}),
      VpcId: aws.vpc.vpcId,
      AvailabilityZoneId: azOf(eni.subnetId)?.availabilityZoneId ?? '',
    })
  }
  for (const n of aws.natGateways) {
    const s = azOf(n.subnetId)
    const assoc = {
      AllocationId: n.allocationId,
      AssociationId: awsId('eipassoc', n.allocationId),
      IpOwnerId: aws.accountId,
      PublicDnsName: `ec2-${n.publicIp.replaceAll('.', '-')}.${aws.region}.compute.amazonaws.com`,
      PublicIp: n.publicIp,
    }
    out.push({
      Association: assoc,
      Attachment: {
        AttachmentId: awsId('ela-attach', n.networkInterfaceId),
        DeleteOnTermination: false,
        DeviceIndex: 1,
        InstanceOwnerId: 'amazon-aws',
        Status: 'attached',
      },
      AvailabilityZone: s?.availabilityZone ?? '',
      Description: `Interface for NAT Gateway ${n.natGatewayId}`,
      Groups: [],
      InterfaceType: 'nat_gateway',
      Ipv6Addresses: [],
      MacAddress: `0a:${hashHex(`${n.networkInterfaceId}/mac`, 10).match(/../g)!.join(':')}`,
      NetworkInterfaceId: n.networkInterfaceId,
      OwnerId: aws.accountId,
      PrivateDnsName: dns(n.privateIp),
      PublicDnsName: assoc.PublicDnsName,
      PrivateIpAddress: n.privateIp,
      PrivateIpAddresses: [
        {
          Association: assoc,
          Primary: true,
          PrivateDnsName: dns(n.privateIp),
          PrivateIpAddress: n.privateIp,
        },
      ],
      Ipv4Prefixes: [],
      Ipv6Prefixes: [],
      RequesterManaged: true,
      SourceDestCheck: false,
      Status: 'in-use',
      SubnetId: n.subnetId,
      TagSet: [],
      VpcId: aws.vpc.vpcId,
      AvailabilityZoneId: s?.availabilityZoneId ?? '',
    })
  }
  for (const e of aws.controlPlane.crossAccountEnis) {
    const s = azOf(e.subnetId)
    out.push({
      Attachment: {
        AttachTime: awsTime(aws.cluster.createdAt, undefined, 4 * 60_000),
        AttachmentId: awsId('eni-attach', e.networkInterfaceId),
        DeleteOnTermination: true,
        DeviceIndex: 1,
        NetworkCardIndex: 0,
        InstanceOwnerId: eksServiceAccount(aws),
        Status: 'attached',
      },
      AvailabilityZone: s?.availabilityZone ?? '',
      Description: `Amazon EKS ${aws.cluster.name}`,
      Groups: [
        {
          GroupId: controlPlaneSg(aws),
          GroupName: `${stackName(aws)}-ControlPlaneSecurityGroup-${hashHex(`${aws.cluster.arn}/cpsg`, 12).toUpperCase()}`,
        },
        { GroupId: aws.cluster.clusterSecurityGroupId, GroupName: clusterSgName(aws) },
      ],
      InterfaceType: 'interface',
      Ipv6Addresses: [],
      MacAddress: `0a:${hashHex(`${e.networkInterfaceId}/mac`, 10).match(/../g)!.join(':')}`,
      NetworkInterfaceId: e.networkInterfaceId,
      OwnerId: aws.accountId,
      PrivateDnsName: dns(e.privateIpAddress),
      PrivateIpAddress: e.privateIpAddress,
      PrivateIpAddresses: [
        {
          Primary: true,
          PrivateDnsName: dns(e.privateIpAddress),
          PrivateIpAddress: e.privateIpAddress,
        },
      ],
      Ipv4Prefixes: [],
      Ipv6Prefixes: [],
      RequesterId: eksServiceAccount(aws),
      RequesterManaged: false,
      SourceDestCheck: true,
      Status: 'in-use',
      SubnetId: e.subnetId,
      TagSet: [],
      VpcId: aws.vpc.vpcId,
      AvailabilityZoneId: s?.availabilityZoneId ?? '',
    })
  }
  return out
}

// ---------------------------------------------------------------- STS

/** The learner's IAM user, which created the cluster (eksctl gives it cluster-admin through an access entry). */
export function callerIdentity(aws: AwsState): Obj {
  return {
    UserId: `AIDA${hashHex(`${aws.accountId}/learner`, 17).toUpperCase().replace(/[01]/g, 'Q')}`,
    Account: aws.accountId,
    Arn: `arn:aws:iam::${aws.accountId}:user/learner`,
  }
}
