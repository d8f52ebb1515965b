import {
  getObject,
  humanDuration,
  INSTANCE_TYPES,
  maxPods,
  parseRfc3339,
  RESOURCES,
  type ClusterState,
  type ContainerStatus,
  type KObject,
  type Kind,
  type Pod,
} from '../../engine/index.ts'
import type { ObjectRef } from '../../state/uiStore.ts'
import { podStatusReason } from '../../console/printers.ts'

// What the details panel says about a selected object: kubectl-like fields for Kubernetes objects,
// ids, CIDRs and routes for AWS parts, and the API object itself for the YAML tab. Pure: the
// panel renders it; tests can call it.

export type FieldValue = string | { text: string; ref: ObjectRef }

export interface DetailsTable {
  caption: string
  columns: string[]
  rows: string[][]
}

export interface Details {
  /** "Pod", "Node", "Subnet", … as the heading's first word */
  kind: string
  title: string
  fields: [string, FieldValue][]
  tables: DetailsTable[]
  note?: string
  /** the Kubernetes object, for the YAML tab */
  object?: KObject
}

const MANAGED =
  'Managed by AWS: you cannot ssh to it or read etcd directly. The etcd views in this simulator are an x-ray of what EKS hides.'

function containerState(c: ContainerStatus, now: number): string {
  if (c.state.running)
    return `Running (started ${humanDuration(now - parseRfc3339(c.state.running.startedAt))} ago)`
  if (c.state.waiting) return `Waiting: ${c.state.waiting.reason}`
  if (c.state.terminated)
    return `Terminated: ${c.state.terminated.reason} (exit code ${c.state.terminated.exitCode})`
  return 'Unknown'
}

function podDetails(state: ClusterState, pod: Pod): Details {
  const owner =
    pod.metadata.ownerReferences?.find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0]
  const ns = pod.metadata.namespace ?? 'default'
  const fields: [string, FieldValue][] = [
    ['Status', podStatusReason(pod)],
    ['Phase', pod.status.phase],
    [
      'Node',
      pod.spec.nodeName
        ? { text: pod.spec.nodeName, ref: { kind: 'Node', name: pod.spec.nodeName } }
        : '<none> (not scheduled)',
    ],
    [
      'IP',
      pod.status.podIP
        ? `${pod.status.podIP}${pod.spec.hostNetwork ? ' (hostNetwork: the node’s IP)' : ''}`
        : '<none>',
    ],
    ['Namespace', ns],
    [
      'Controlled by',
      owner
        ? {
            text: `${owner.kind}/${owner.name}`,
            ref: { kind: owner.kind, namespace: ns, name: owner.name },
          }
        : '<none>',
    ],
    ['Age', humanDuration(state.now - parseRfc3339(pod.metadata.creationTimestamp))],
  ]
  if (pod.status.qosClass) fields.push(['QoS Class', pod.status.qosClass])
  const statuses = new Map((pod.status.containerStatuses ?? []).map((c) => [c.name, c]))
  const rows = pod.spec.containers.map((c) => {
    const st = statuses.get(c.name)
    return [
      c.name,
      c.image,
      st ? containerState(st, state.now) : 'Waiting: ContainerCreating',
      st ? (st.ready ? 'true' : 'false') : 'false',
      String(st?.restartCount ?? 0),
    ]
  })
  return {
    kind: 'Pod',
    title: `${ns}/${pod.metadata.name}`,
    fields,
    tables: [
      { caption: 'Containers', columns: ['Name', 'Image', 'State', 'Ready', 'Restarts'], rows },
    ],
    object: pod,
  }
}

function nodeDetails(state: ClusterState, name: string): Details | null {
  const node = getObject(state, 'Node', undefined, name)
  if (!node) return null
  const rt = state.nodes[name]
  const instanceId = rt?.instanceId ?? node.spec.providerID.split('/').pop() ?? ''
  const inst = state.aws.instances[instanceId]
  const addr = (t: string) => node.status.addresses.find((a) => a.type === t)?.address
  const pods = Object.keys(rt?.pods ?? {}).length
  const ready = node.status.conditions.find((c) => c.type === 'Ready')
  const labels = node.metadata.labels ?? {}
  return {
    kind: 'Node',
    title: name,
    fields: [
      ['Status', ready?.status === 'True' ? 'Ready' : 'NotReady'],
      ['InternalIP', addr('InternalIP') ?? '<none>'],
      ['ExternalIP', addr('ExternalIP') ?? '<none>'],
      ['Instance', { text: instanceId, ref: { kind: 'Instance', name: instanceId } }],
      ['Instance type', labels['node.kubernetes.io/instance-type'] ?? inst?.instanceType ?? '?'],
      ['Zone', labels['topology.kubernetes.io/zone'] ?? inst?.availabilityZone ?? '?'],
      ...(inst
        ? ([['Subnet', { text: inst.subnetId, ref: { kind: 'Subnet', name: inst.subnetId } }]] as [
            string,
            FieldValue,
          ][])
        : []),
      ['Allocatable pods', node.status.allocatable.pods ?? '?'],
      ['Pods', String(pods)],
      ['Kubelet', node.status.nodeInfo.kubeletVersion],
      ['OS image', node.status.nodeInfo.osImage],
    ],
    tables: [],
    object: node,
  }
}

function instanceDetails(state: ClusterState, id: string): Details | null {
  const inst = state.aws.instances[id]
  if (!inst) return null
  const nodeName = Object.values(state.nodes).find((n) => n.instanceId === id)?.name
  const type = INSTANCE_TYPES[inst.instanceType]
  return {
    kind: 'EC2 instance',
    title: id,
    fields: [
      ['State', inst.state],
      ['Instance type', inst.instanceType],
      ['Max pods (VPC CNI)', type ? String(maxPods(type)) : '?'],
      ['Private IP', inst.privateIpAddress],
      ['Public IP', inst.publicIpAddress ?? '<none>'],
      ['Private DNS', inst.privateDnsName],
      ['Zone', inst.availabilityZone],
      ['Subnet', { text: inst.subnetId, ref: { kind: 'Subnet', name: inst.subnetId } }],
      ['Node group', inst.nodegroup],
      ['ENIs', inst.eniIds.join(', ')],
      [
        'Node',
        nodeName
          ? { text: nodeName, ref: { kind: 'Node', name: nodeName } }
          : '<not registered yet>',
      ],
    ],
    tables: [],
  }
}

function routeTarget(r: { gatewayId?: string; natGatewayId?: string }): string {
  return r.natGatewayId ?? r.gatewayId ?? '?'
}

function isKind(kind: string): kind is Kind {
  return RESOURCES.some((r) => r.kind === kind)
}

export function getDetails(state: ClusterState, ref: ObjectRef): Details | null {
  const { aws } = state
  switch (ref.kind) {
    case 'Pod': {
      const pod = getObject(state, 'Pod', ref.namespace ?? 'default', ref.name)
      return pod ? podDetails(state, pod) : null
    }
    case 'Node':
      return nodeDetails(state, ref.name)
    case 'Instance':
      return instanceDetails(state, ref.name)
    case 'Subnet': {
      const s = aws.subnets.find((x) => x.subnetId === ref.name)
      if (!s) return null
      const rt = aws.routeTables.find((t) => t.routeTableId === s.routeTableId)
      const nat = aws.natGateways.find((n) => n.subnetId === s.subnetId)
      const instances = Object.values(aws.instances).filter((i) => i.subnetId === s.subnetId)
      return {
        kind: s.public ? 'Public subnet' : 'Private subnet',
        title: s.subnetId,
        fields: [
          ['Name', s.name],
          ['CIDR', s.cidrBlock],
          ['Zone', `${s.availabilityZone} (${s.availabilityZoneId})`],
          ['Auto-assign public IP', s.mapPublicIpOnLaunch ? 'yes' : 'no'],
          ['Route table', rt ? `${rt.routeTableId} (${rt.name})` : s.routeTableId],
          ...(nat
            ? ([
                [
                  'NAT gateway',
                  { text: nat.natGatewayId, ref: { kind: 'NatGateway', name: nat.natGatewayId } },
                ],
              ] as [string, FieldValue][])
            : []),
          ['Instances', String(instances.length)],
        ],
        tables: rt
          ? [
              {
                caption: `Routes (${rt.routeTableId})`,
                columns: ['Destination', 'Target'],
                rows: rt.routes.map((r) => [r.destinationCidrBlock, routeTarget(r)]),
              },
            ]
          : [],
        note: s.public
          ? 'Public: its route table sends 0.0.0.0/0 to the internet gateway.'
          : 'Private: its route table sends 0.0.0.0/0 to a NAT gateway in a public subnet.',
      }
    }
    case 'VPC':
      return {
        kind: 'VPC',
        title: aws.vpc.vpcId,
        fields: [
          ['CIDR', aws.vpc.cidrBlock],
          ['Region', aws.region],
          ['Subnets', String(aws.subnets.length)],
          [
            'Internet gateway',
            {
              text: aws.internetGateway.internetGatewayId,
              ref: { kind: 'InternetGateway', name: aws.internetGateway.internetGatewayId },
            },
          ],
          ['NAT gateways', aws.natGateways.map((n) => n.natGatewayId).join(', ') || '<none>'],
          ['Account', aws.accountId],
        ],
        tables: [],
        note: 'With the VPC CNI, pods get real VPC addresses from these subnets.',
      }
    case 'InternetGateway':
      return {
        kind: 'Internet gateway',
        title: aws.internetGateway.internetGatewayId,
        fields: [
          ['Attached to', { text: aws.vpc.vpcId, ref: { kind: 'VPC', name: aws.vpc.vpcId } }],
          [
            'Used by',
            aws.routeTables
              .filter((t) =>
                t.routes.some((r) => r.gatewayId === aws.internetGateway.internetGatewayId),
              )
              .map((t) => t.routeTableId)
              .join(', '),
          ],
        ],
        tables: [],
        note: 'Translates between an instance’s private IP and its public IP; it does not NAT addresses without a public IP.',
      }
    case 'NatGateway': {
      const n = aws.natGateways.find((x) => x.natGatewayId === ref.name)
      if (!n) return null
      return {
        kind: 'NAT gateway',
        title: n.natGatewayId,
        fields: [
          ['Public IP', n.publicIp],
          ['Private IP', n.privateIp],
          ['Elastic IP allocation', n.allocationId],
          ['Subnet', { text: n.subnetId, ref: { kind: 'Subnet', name: n.subnetId } }],
          ['Network interface', n.networkInterfaceId],
        ],
        tables: [],
        note: 'Private subnets send internet traffic here; it rewrites the source to its own address, then the internet gateway maps that to the public IP.',
      }
    }
    case 'ControlPlane': {
      const c = aws.cluster
      return {
        kind: 'EKS control plane',
        title: c.name,
        fields: [
          ['Kubernetes', c.version],
          ['Platform', c.platformVersion],
          ['Endpoint', c.endpoint],
          ['Region', c.region],
          ['API servers', String(aws.controlPlane.apiServers.length)],
          [
            'etcd members',
            aws.controlPlane.etcdMembers
              .map((m) => `${m.name}${m.isLeader ? ' (leader)' : ''}`)
              .join(', '),
          ],
          [
            'Encryption at rest (etcd)',
            c.encryptionConfig
              ? `KMS v2 envelope encryption, customer managed key (${c.envelopeEncryption === 'none' ? c.encryptionConfig[0]!.resources.join(', ') : 'all API data'})`
              : c.envelopeEncryption === 'none'
                ? 'none (plain protobuf)'
                : 'KMS v2 envelope encryption of all API data (AWS owned key)',
          ],
        ],
        tables: [],
        note: MANAGED,
      }
    }
    case 'EtcdMember': {
      const m = aws.controlPlane.etcdMembers.find((x) => x.name === ref.name)
      if (!m) return null
      return {
        kind: 'etcd member',
        title: m.name,
        fields: [
          ['Member ID', m.id],
          ['Zone', m.availabilityZone],
          ['Role', m.isLeader ? 'leader' : 'follower'],
          ['Revision', String(state.etcd.revision)],
        ],
        tables: [],
        note: MANAGED,
      }
    }
    case 'ApiServer': {
      const a = aws.controlPlane.apiServers.find((x) => x.id === ref.name)
      if (!a) return null
      return {
        kind: 'API server',
        title: a.id,
        fields: [
          ['Zone', a.availabilityZone],
          ['Endpoint', aws.cluster.endpoint],
        ],
        tables: [],
        note: MANAGED,
      }
    }
    default: {
      if (!isKind(ref.kind)) return null
      const obj = getObject(state, ref.kind, ref.namespace, ref.name)
      if (!obj) return null
      return {
        kind: ref.kind,
        title: ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name,
        fields: [
          ['Namespace', obj.metadata.namespace ?? '<cluster-scoped>'],
          ['Created', obj.metadata.creationTimestamp],
          ['Resource version', obj.metadata.resourceVersion],
        ],
        tables: [],
        object: obj,
      }
    }
  }
}
