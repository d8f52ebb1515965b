import type { Ctx } from '../context.ts'
import { emit, schedule } from '../context.ts'
import { NODE_STATUS_REPORT_MS } from '../kubelet/kubelet.ts'
import type { AwsState, Instance, Subnet } from '../model/aws.ts'
import type { DaemonSet, Deployment, Node, Service } from '../model/k8s.ts'
import type { NodeRuntime } from '../model/node.ts'
import type { SimulationConfig } from '../model/state.ts'
import type { RngState } from '../random.ts'
import { nextInt, randomHex, randomString, uuid } from '../random.ts'
import { rfc3339, MINUTE } from '../time.ts'
import { createObject } from '../apiserver/api.ts'
import { reserveClusterIp } from '../apiserver/serviceips.ts'
import { bootstrapRbac } from '../apiserver/bootstrapPolicy.ts'
import { recordEvent } from '../apiserver/recorder.ts'
import { allocateAddress } from './vpc.ts'
import { startIpamd } from '../net/ipam/ipamd.ts'
import { INSTANCE_TYPES, nodeResources } from './instanceTypes.ts'
import { NODE_OS, kernelVersionFor } from './nodeInfo.ts'
import { IMAGES } from '../workloads/images.ts'
import { ipDnsLabel } from '../net/ip.ts'
import { startApiServers } from '../etcd/kms.ts'
import { installNodeBaseline } from '../net/kubeproxy/sync.ts'

// Builds the cluster eksctl would create with `eksctl create cluster --name demo --region us-west-2
// --node-type t3.medium --nodes 3`: a 192.168.0.0/16 VPC with a public and a private /19 in each of
// three AZs, one public route table to the internet gateway, a single NAT gateway (eksctl's default)
// with a private route table per AZ, the EKS control plane, and a managed node group.
// https://eksctl.io/usage/vpc-configuration/

const awsId = (rng: RngState, prefix: string) => `${prefix}-0${randomHex(rng, 16)}`

const AZ_IDS: Record<string, string> = { a: 'az1', b: 'az2', c: 'az3', d: 'az4' }

function regionShort(region: string): string {
  // us-west-2 -> usw2 (the AZ-ID prefix)
  const [geo, dir, n] = region.split('-')
  return `${geo}${(dir ?? '').replace('north', 'n').replace('south', 's').replace('east', 'e').replace('west', 'w').replace('central', 'c')}${n}`
}

export function createAws(rng: RngState, config: SimulationConfig): AwsState {
  const { region, clusterName } = config
  // the etcd leader follows the seed without drawing from the rng (names and IPs stay as they were)
  const etcdLeader = rng.s % 3
  const accountId = String(nextInt(rng, 1, 9)) + randomString(rng, '0123456789', 11)
  const azs = ['a', 'b', 'c'].map((l) => `${region}${l}`)
  const vpcId = awsId(rng, 'vpc')
  const igwId = awsId(rng, 'igw')
  const publicRt = awsId(rng, 'rtb')
  const subnets: Subnet[] = []
  const routeTables: AwsState['routeTables'] = [
    {
      routeTableId: publicRt,
      name: `eksctl-${clusterName}-cluster/PublicRouteTable`,
      routes: [
        { destinationCidrBlock: '192.168.0.0/16', gatewayId: 'local' },
        { destinationCidrBlock: '0.0.0.0/0', gatewayId: igwId },
      ],
      subnetIds: [],
    },
  ]
  azs.forEach((az, i) => {
    const suffix = az.toUpperCase().replaceAll('-', '')
    const id = awsId(rng, 'subnet')
    subnets.push({
      subnetId: id,
      cidrBlock: `192.168.${i * 32}.0/19`,
      availabilityZone: az,
      availabilityZoneId: `${regionShort(region)}-${AZ_IDS[az.slice(-1)]}`,
      public: true,
      routeTableId: publicRt,
      name: `eksctl-${clusterName}-cluster/SubnetPublic${suffix}`,
      mapPublicIpOnLaunch: true,
    })
    routeTables[0]!.subnetIds.push(id)
  })
  const nat = {
    natGatewayId: `nat-0${randomHex(rng, 16)}`,
    subnetId: subnets[0]!.subnetId,
    privateIp: '',
    publicIp: publicIp(rng),
    allocationId: awsId(rng, 'eipalloc'),
    networkInterfaceId: awsId(rng, 'eni'),
  }
  azs.forEach((az, i) => {
    const suffix = az.toUpperCase().replaceAll('-', '')
    const id = awsId(rng, 'subnet')
    const rt = awsId(rng, 'rtb')
    subnets.push({
      subnetId: id,
      cidrBlock: `192.168.${96 + i * 32}.0/19`,
      availabilityZone: az,
      availabilityZoneId: `${regionShort(region)}-${AZ_IDS[az.slice(-1)]}`,
      public: false,
      routeTableId: rt,
      name: `eksctl-${clusterName}-cluster/SubnetPrivate${suffix}`,
      mapPublicIpOnLaunch: false,
    })
    routeTables.push({
      routeTableId: rt,
      name: `eksctl-${clusterName}-cluster/PrivateRouteTable${suffix}`,
      routes: [
        { destinationCidrBlock: '192.168.0.0/16', gatewayId: 'local' },
        { destinationCidrBlock: '0.0.0.0/0', natGatewayId: nat.natGatewayId },
      ],
      subnetIds: [id],
    })
  })
  const clusterHex = randomHex(rng, 32).toUpperCase()
  const label = randomString(rng, 'abcdefghijklmnopqrstuvwxyz', 2) + String(nextInt(rng, 0, 9))
  const aws: AwsState = {
    accountId,
    region,
    vpc: { vpcId, cidrBlock: '192.168.0.0/16' },
    subnets,
    routeTables,
    internetGateway: { internetGatewayId: igwId },
    natGateways: [nat],
    instances: {},
    enis: {},
    nodeGroups: {},
    addresses: {},
    cluster: {
      name: clusterName,
      arn: `arn:aws:eks:${region}:${accountId}:cluster/${clusterName}`,
      accountId,
      region,
      version: config.kubernetesVersion,
      platformVersion: 'eks.19',
      endpoint: `https://${clusterHex}.${label}.${region}.eks.amazonaws.com`,
      createdAt: rfc3339(0),
      roleArn: `arn:aws:iam::${accountId}:role/eksctl-${clusterName}-cluster-ServiceRole-${randomString(rng, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 12)}`,
      clusterSecurityGroupId: awsId(rng, 'sg'),
      serviceIpv4Cidr: '10.100.0.0/16',
      oidcIssuer: `https://oidc.eks.${region}.amazonaws.com/id/${clusterHex}`,
      certificateAuthority:
        'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURCVENDQWUyZ0F3SUJBZ0lJ' +
        randomString(
          rng,
          'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
          1380,
        ) +
        'LS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=',
      // EKS envelope-encrypts all API data by default from 1.28 (docs: envelope-encryption.html)
      envelopeEncryption:
        Number(config.kubernetesVersion.split('.')[1]) >= 28 ? 'aws-owned-kms' : 'none',
      ...(config.encryptionKeyArn
        ? {
            encryptionConfig: [
              { resources: ['secrets'], provider: { keyArn: config.encryptionKeyArn } },
            ],
          }
        : {}),
    },
    controlPlane: {
      apiServers: azs
        .slice(0, 2)
        .map((az) => ({ id: `kube-apiserver-${randomHex(rng, 8)}`, availabilityZone: az })),
      etcdMembers: azs.map((az, i) => ({
        id: randomHex(rng, 16),
        name: `etcd-${i}`,
        availabilityZone: az,
        isLeader: i === etcdLeader,
      })),
      crossAccountEnis: [],
    },
  }
  // NAT gateway's private address in its public subnet; EKS's cross-account ENIs in two subnets
  nat.privateIp = allocateInto(aws, rng, subnets[0]!, `natgw ${nat.natGatewayId}`)
  for (const s of [subnets[3]!, subnets[4]!]) {
    const eni = awsId(rng, 'eni')
    aws.controlPlane.crossAccountEnis.push({
      networkInterfaceId: eni,
      subnetId: s.subnetId,
      privateIpAddress: allocateInto(aws, rng, s, `eks ${eni}`),
    })
  }
  return aws
}

function allocateInto(aws: AwsState, rng: RngState, s: Subnet, owner: string): string {
  // same rule as allocateAddress, usable before ClusterState exists
  return allocateAddress({ aws, rng } as never, s.subnetId, owner)
}

function publicIp(rng: RngState): string {
  const firsts = [34, 35, 44, 52, 54]
  return `${firsts[nextInt(rng, 0, firsts.length - 1)]}.${nextInt(rng, 1, 254)}.${nextInt(rng, 1, 254)}.${nextInt(rng, 1, 254)}`
}

/** The EKS control plane's own objects, created when the cluster comes up. */
export function bootstrapControlPlane(ctx: Ctx): void {
  const { state } = ctx
  // the API servers start before anything is written: each makes its KMS v2 data key
  startApiServers(ctx, 'startup')
  for (const name of ['default', 'kube-node-lease', 'kube-public', 'kube-system'])
    createObject(ctx, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
      spec: { finalizers: [] },
    } as never)
  reserveClusterIp(state, '10.100.0.1', 'default/kubernetes')
  createObject<Service>(ctx, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      labels: { component: 'apiserver', provider: 'kubernetes' },
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.100.0.1',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 443 }],
      sessionAffinity: 'None',
    },
  } as never)
  // the API server maintains this slice itself (name exactly "kubernetes"): the EKS ENIs, port 443
  createObject(ctx, {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      generation: 1,
      labels: { 'kubernetes.io/service-name': 'kubernetes' },
    },
    addressType: 'IPv4',
    endpoints: state.aws.controlPlane.crossAccountEnis.map((e) => ({
      addresses: [e.privateIpAddress],
      conditions: { ready: true, serving: true, terminating: false },
    })),
    ports: [{ name: 'https', port: 443, protocol: 'TCP' }],
  } as never)
  bootstrapRbac(ctx)
}

const EKS_ADDON_LABELS = {
  'app.kubernetes.io/instance': 'aws-vpc-cni',
  'app.kubernetes.io/name': 'aws-node',
  'k8s-app': 'aws-node',
  'app.kubernetes.io/version': 'v1.19.2',
}

/** EKS's default add-ons: the VPC CNI (aws-node), kube-proxy, and CoreDNS. */
export function bootstrapAddons(ctx: Ctx): void {
  const { state } = ctx
  const ecr = IMAGES.ECR.replace('us-west-2', state.config.region)
  createObject<DaemonSet>(ctx, {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'aws-node', namespace: 'kube-system', labels: EKS_ADDON_LABELS },
    spec: {
      selector: { matchLabels: { 'k8s-app': 'aws-node' } },
      template: {
        metadata: {
          labels: {
            'app.kubernetes.io/instance': 'aws-vpc-cni',
            'app.kubernetes.io/name': 'aws-node',
            'k8s-app': 'aws-node',
          },
        },
        spec: {
          hostNetwork: true,
          priorityClassName: 'system-node-critical',
          serviceAccountName: 'aws-node',
          // the EKS add-on manifests: aws-node and kube-proxy run on every node, NotReady ones included
          tolerations: [{ operator: 'Exists' }],
          initContainers: [
            {
              name: 'aws-vpc-cni-init',
              image: `${ecr}/amazon-k8s-cni-init:v1.19.2-eksbuild.1`,
              env: [
                { name: 'DISABLE_TCP_EARLY_DEMUX', value: 'false' },
                { name: 'ENABLE_IPv6', value: 'false' },
              ],
              resources: { requests: { cpu: '25m' } },
            },
          ],
          containers: [
            {
              name: 'aws-node',
              image: `${ecr}/amazon-k8s-cni:v1.19.2-eksbuild.1`,
              ports: [{ containerPort: 61678, name: 'metrics', protocol: 'TCP' }],
              env: [
                { name: 'AWS_VPC_CNI_NODE_PORT_SUPPORT', value: 'true' },
                { name: 'AWS_VPC_ENI_MTU', value: '9001' },
                { name: 'AWS_VPC_K8S_CNI_EXTERNALSNAT', value: 'false' },
                { name: 'AWS_VPC_K8S_CNI_RANDOMIZESNAT', value: 'prng' },
                { name: 'AWS_VPC_K8S_CNI_VETHPREFIX', value: 'eni' },
                { name: 'WARM_ENI_TARGET', value: '1' },
                { name: 'CLUSTER_NAME', value: state.config.clusterName },
              ],
              resources: { requests: { cpu: '25m' } },
            },
            {
              name: 'aws-eks-nodeagent',
              image: `${ecr}/amazon/aws-network-policy-agent:v1.1.6-eksbuild.1`,
              args: [
                '--enable-ipv6=false',
                '--enable-network-policy=false',
                '--enable-cloudwatch-logs=false',
                '--enable-policy-event-logs=false',
                '--log-file=/var/log/aws-routed-eni/network-policy-agent.log',
                '--metrics-bind-addr=:8162',
                '--health-probe-bind-addr=:8163',
                '--conntrack-cache-cleanup-period=300',
              ],
              resources: { requests: { cpu: '25m' } },
            },
          ],
        },
      },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } },
    },
  } as never)
  createObject<DaemonSet>(ctx, {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      name: 'kube-proxy',
      namespace: 'kube-system',
      labels: { 'eks.amazonaws.com/component': 'kube-proxy', 'k8s-app': 'kube-proxy' },
    },
    spec: {
      selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
      template: {
        metadata: { labels: { 'k8s-app': 'kube-proxy' } },
        spec: {
          hostNetwork: true,
          priorityClassName: 'system-node-critical',
          serviceAccountName: 'kube-proxy',
          tolerations: [{ operator: 'Exists' }],
          containers: [
            {
              name: 'kube-proxy',
              image: `${ecr}/eks/kube-proxy:v1.32.0-minimal-eksbuild.2`,
              command: [
                'kube-proxy',
                '--v=2',
                '--config=/var/lib/kube-proxy-config/config',
                '--hostname-override=$(NODE_NAME)',
              ],
              env: [
                {
                  name: 'NODE_NAME',
                  valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } },
                },
              ],
              resources: { requests: { cpu: '100m' } },
              securityContext: { privileged: true },
            },
          ],
        },
      },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } },
    },
  } as never)
  createObject<Deployment>(ctx, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'coredns',
      namespace: 'kube-system',
      labels: {
        'eks.amazonaws.com/component': 'coredns',
        'k8s-app': 'kube-dns',
        'kubernetes.io/name': 'CoreDNS',
      },
    },
    spec: {
      replicas: 2,
      selector: {
        matchLabels: { 'eks.amazonaws.com/component': 'coredns', 'k8s-app': 'kube-dns' },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: {
        metadata: { labels: { 'eks.amazonaws.com/component': 'coredns', 'k8s-app': 'kube-dns' } },
        spec: {
          priorityClassName: 'system-cluster-critical',
          serviceAccountName: 'coredns',
          containers: [
            {
              name: 'coredns',
              image: `${ecr}/eks/coredns:v1.11.4-eksbuild.2`,
              args: ['-conf', '/etc/coredns/Corefile'],
              ports: [
                { containerPort: 53, name: 'dns', protocol: 'UDP' },
                { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
                { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
              ],
              resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
            },
          ],
        },
      },
    },
  } as never)
  reserveClusterIp(state, '10.100.0.10', 'kube-system/kube-dns')
  createObject<Service>(ctx, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kube-dns',
      namespace: 'kube-system',
      labels: {
        'eks.amazonaws.com/component': 'kube-dns',
        'k8s-app': 'kube-dns',
        'kubernetes.io/cluster-service': 'true',
        'kubernetes.io/name': 'CoreDNS',
      },
      annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.100.0.10',
      selector: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    },
  } as never)
}

export function createNodeGroup(
  ctx: Ctx,
  name: string,
  instanceType: string,
  count: number,
  subnets?: Subnet[],
): void {
  const { state } = ctx
  const pubs = subnets ?? state.aws.subnets.filter((s) => s.public)
  state.aws.nodeGroups[name] = {
    name,
    instanceType,
    desiredSize: count,
    minSize: count,
    maxSize: count,
    amiType: 'AL2023_x86_64_STANDARD',
    capacityType: 'ON_DEMAND',
    subnetIds: pubs.map((s) => s.subnetId),
    launchTemplateId: `lt-0${randomHex(state.rng, 16)}`,
    createdAt: rfc3339(state.now),
  }
  for (let i = 0; i < count; i++) launchNode(ctx, name, pubs[i % pubs.length]!)
}

/** What the kubelet reports until the VPC CNI has written its config (aws-node running). */
export const CNI_NOT_READY_MESSAGE =
  'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized'

/**
 * An EC2 instance boots, nodeadm configures the kubelet, and the kubelet registers the Node.
 * `joinNotReady`: the Node registers NotReady (no CNI config yet) with the node.kubernetes.io/not-ready
 * taint, and turns Ready when aws-node starts on it (aws/nodegroups.ts nodeNetworkReady). The cluster's
 * first nodes and ASG replacements skip that step (simplified: Ready at registration).
 */
export function launchNode(
  ctx: Ctx,
  nodegroup: string,
  subnet: Subnet,
  opts: { joinNotReady?: boolean } = {},
): NodeRuntime {
  const { state } = ctx
  const ng = state.aws.nodeGroups[nodegroup]!
  const type = INSTANCE_TYPES[ng.instanceType]!
  const instanceId = `i-0${randomHex(state.rng, 16)}`
  const ip = allocateAddress(state, subnet.subnetId, instanceId)
  const dns = `${ipDnsLabel(ip)}.${state.config.region}.compute.internal`
  const eniId = `eni-0${randomHex(state.rng, 16)}`
  const pub = subnet.mapPublicIpOnLaunch ? publicIp(state.rng) : undefined
  const instance: Instance = {
    instanceId,
    instanceType: type.name,
    availabilityZone: subnet.availabilityZone,
    subnetId: subnet.subnetId,
    privateIpAddress: ip,
    ...(pub
      ? {
          publicIpAddress: pub,
          publicDnsName: `ec2-${pub.replaceAll('.', '-')}.${state.config.region}.compute.amazonaws.com`,
        }
      : {}),
    privateDnsName: dns,
    imageId: NODE_OS.amiId,
    launchTime: rfc3339(state.now),
    state: 'running',
    nodegroup,
    eniIds: [eniId],
  }
  state.aws.instances[instanceId] = instance
  state.aws.enis[eniId] = {
    networkInterfaceId: eniId,
    subnetId: subnet.subnetId,
    privateIpAddress: ip,
    secondaryIps: [],
    macAddress: mac(state.rng),
    deviceIndex: 0,
    attachedTo: instanceId,
    description: '',
  }
  emit(ctx, { type: 'ec2.launch', instanceId, instanceType: type.name, ip })
  const rt: NodeRuntime = {
    name: dns,
    instanceId,
    ip,
    subnetId: subnet.subnetId,
    zone: subnet.availabilityZone,
    ready: true,
    bootTime: state.now,
    bootId: uuid(state.rng),
    machineId: randomHex(state.rng, 32),
    images: { [IMAGES.pause]: { ref: IMAGES.pause, sizeBytes: 321520 } },
    pods: {},
    nextPid: 3000 + nextInt(state.rng, 0, 400),
  }
  state.nodes[dns] = rt
  // aws-node's ipamd fills the warm pool (simplified: as the node boots, not when aws-node starts)
  startIpamd(ctx, state.nodes[dns]!)
  // the kubelet's and the VPC CNI's iptables rules, before kube-proxy's first sync
  installNodeBaseline(ctx, state.nodes[dns]!)
  const res = nodeResources(type)
  const now = rfc3339(state.now)
  const cond = (
    type: 'MemoryPressure' | 'DiskPressure' | 'PIDPressure' | 'Ready',
    status: 'True' | 'False',
    reason: string,
    message: string,
  ) => ({ type, status, lastHeartbeatTime: now, lastTransitionTime: now, reason, message })
  const node = createObject<Node>(ctx, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: dns,
      labels: {
        // eksctl labels the nodes of the managed node groups it creates
        'alpha.eksctl.io/cluster-name': state.config.clusterName,
        'alpha.eksctl.io/nodegroup-name': nodegroup,
        'beta.kubernetes.io/arch': type.arch,
        'beta.kubernetes.io/instance-type': type.name,
        'beta.kubernetes.io/os': 'linux',
        'eks.amazonaws.com/capacityType': 'ON_DEMAND',
        'eks.amazonaws.com/nodegroup': nodegroup,
        'eks.amazonaws.com/nodegroup-image': NODE_OS.amiId,
        'failure-domain.beta.kubernetes.io/region': state.config.region,
        'failure-domain.beta.kubernetes.io/zone': subnet.availabilityZone,
        'k8s.io/cloud-provider-aws': randomHex(state.rng, 32),
        'kubernetes.io/arch': type.arch,
        'kubernetes.io/hostname': dns,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': type.name,
        'topology.k8s.aws/zone-id': subnet.availabilityZoneId,
        'topology.kubernetes.io/region': state.config.region,
        'topology.kubernetes.io/zone': subnet.availabilityZone,
      },
      annotations: {
        'alpha.kubernetes.io/provided-node-ip': ip,
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {
      providerID: `aws:///${subnet.availabilityZone}/${instanceId}`,
      // the node lifecycle controller taints a NotReady node (TaintNodesByCondition)
      ...(opts.joinNotReady
        ? { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] }
        : {}),
    },
    status: {
      capacity: res.capacity,
      allocatable: res.allocatable,
      conditions: [
        cond(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
        ),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond(
          'PIDPressure',
          'False',
          'KubeletHasSufficientPID',
          'kubelet has sufficient PID available',
        ),
        opts.joinNotReady
          ? cond('Ready', 'False', 'KubeletNotReady', CNI_NOT_READY_MESSAGE)
          : cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: ip },
        ...(pub ? [{ type: 'ExternalIP' as const, address: pub }] : []),
        { type: 'InternalDNS', address: dns },
        { type: 'Hostname', address: dns },
        ...(pub ? [{ type: 'ExternalDNS' as const, address: instance.publicDnsName! }] : []),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: rt.machineId,
        systemUUID: `ec2${randomHex(state.rng, 5)}-${randomHex(state.rng, 4)}-${randomHex(state.rng, 4)}-${randomHex(state.rng, 4)}-${randomHex(state.rng, 12)}`,
        bootID: rt.bootId,
        kernelVersion: kernelVersionFor(type.arch),
        osImage: NODE_OS.osImage,
        containerRuntimeVersion: NODE_OS.containerRuntimeVersion,
        kubeletVersion: NODE_OS.kubeletVersion,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: type.arch,
      },
      images: [],
    },
  } as never)
  schedule(ctx, NODE_STATUS_REPORT_MS, { kind: 'node.heartbeat', node: dns }, { background: true })
  const src = { component: 'kubelet', host: dns }
  recordEvent(ctx, node, 'Normal', 'Starting', 'Starting kubelet.', src)
  for (const [reason, msg] of [
    ['NodeHasSufficientMemory', 'NodeHasSufficientMemory'],
    ['NodeHasNoDiskPressure', 'NodeHasNoDiskPressure'],
    ['NodeHasSufficientPID', 'NodeHasSufficientPID'],
  ])
    recordEvent(ctx, node, 'Normal', reason!, `Node ${dns} status is now: ${msg}`, src)
  recordEvent(
    ctx,
    node,
    'Normal',
    'NodeAllocatableEnforced',
    'Updated Node Allocatable limit across pods',
    src,
  )
  recordEvent(
    ctx,
    node,
    'Normal',
    'RegisteredNode',
    `Node ${dns} event: Registered Node ${dns} in Controller`,
    { component: 'node-controller' },
  )
  if (!opts.joinNotReady)
    recordEvent(ctx, node, 'Normal', 'NodeReady', `Node ${dns} status is now: NodeReady`, src)
  return rt
}

function mac(rng: RngState): string {
  return ['0a', ...Array.from({ length: 5 }, () => randomHex(rng, 2))].join(':')
}

export const BOOT = { addonsAt: 6 * MINUTE, nodesAt: 8 * MINUTE, startAt: 20 * MINUTE }
