import {
  getObject,
  INSTANCE_TYPES,
  listObjects,
  maxPods,
  type ClusterState,
  type Pod,
} from '../../engine/index.ts'
import { refKey, type ObjectRef } from '../../state/uiStore.ts'
import { podStatus, type PodCategory } from './podStatus.ts'

// The cluster as the map and the text tree see it: plain data extracted from ClusterState in one
// pure pass. layout.ts adds geometry; ObjectTree.tsx renders the same model as a tree.

export interface PodModel {
  key: string
  ref: ObjectRef
  name: string
  namespace: string
  status: string
  category: PodCategory
  hostNetwork: boolean
  ip?: string
  nodeName?: string
  restarts: number
  /** refKeys of the pod's owners up the chain (ReplicaSet, then Deployment): selecting one highlights the pod */
  ownerKeys: string[]
}

export interface NodeModel {
  /** `Node/<name>`, or `Instance/<id>` while the instance has not registered a Node yet */
  key: string
  ref: ObjectRef
  /** the key an `ec2.launch` event selects */
  instanceKey: string
  name: string
  shortName: string
  instanceId: string
  instanceType: string
  ip: string
  publicIp?: string
  zone: string
  subnetId: string
  isRegistered: boolean
  isReady: boolean
  maxPods: number
  pods: PodModel[]
}

export interface SubnetModel {
  key: string
  ref: ObjectRef
  id: string
  name: string
  cidr: string
  zone: string
  zoneId: string
  isPublic: boolean
  routeTableId: string
  nat?: { key: string; ref: ObjectRef; id: string; publicIp: string; privateIp: string }
  nodes: NodeModel[]
}

export interface ZoneModel {
  key: string
  name: string
  zoneId: string
  subnets: SubnetModel[]
}

export interface MapModel {
  vpc: { key: string; ref: ObjectRef; id: string; cidr: string; region: string }
  igw: { key: string; ref: ObjectRef; id: string }
  zones: ZoneModel[]
  controlPlane: {
    key: string
    ref: ObjectRef
    clusterName: string
    version: string
    apiServers: { key: string; ref: ObjectRef; id: string; zone: string }[]
    etcd: {
      key: string
      ref: ObjectRef
      id: string
      name: string
      zone: string
      isLeader: boolean
    }[]
  }
  /** pods with no node yet (or whose node is gone): they exist only as objects in etcd */
  unscheduled: PodModel[]
  podCount: number
}

function withKey(ref: ObjectRef) {
  return { ref, key: refKey(ref) }
}

/** `ip-192-168-14-58.us-west-2.compute.internal` → `ip-192-168-14-58…` (full name in tooltip and aria). */
export function shortNodeName(name: string): string {
  const dot = name.indexOf('.')
  return dot > 0 ? `${name.slice(0, dot)}…` : name
}

function ownerKeys(state: ClusterState, pod: Pod): string[] {
  const out: string[] = []
  const ns = pod.metadata.namespace
  for (const o of pod.metadata.ownerReferences ?? []) {
    out.push(refKey({ kind: o.kind, namespace: ns, name: o.name }))
    if (o.kind === 'ReplicaSet') {
      const rs = getObject(state, 'ReplicaSet', ns, o.name)
      for (const d of rs?.metadata.ownerReferences ?? [])
        out.push(refKey({ kind: d.kind, namespace: ns, name: d.name }))
    }
  }
  return out
}

function podModel(state: ClusterState, pod: Pod): PodModel {
  const ns = pod.metadata.namespace ?? 'default'
  const { text, category } = podStatus(pod)
  return {
    ...withKey({ kind: 'Pod', namespace: ns, name: pod.metadata.name }),
    name: pod.metadata.name,
    namespace: ns,
    status: text,
    category,
    hostNetwork: !!pod.spec.hostNetwork,
    ip: pod.status.podIP,
    nodeName: pod.spec.nodeName,
    restarts: (pod.status.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0),
    ownerKeys: ownerKeys(state, pod),
  }
}

/** Oldest first, so a new pod is appended to its node's grid and existing chips do not move. */
function byAge(a: Pod, b: Pod): number {
  const ta = a.metadata.creationTimestamp
  const tb = b.metadata.creationTimestamp
  if (ta !== tb) return ta < tb ? -1 : 1
  const na = `${a.metadata.namespace}/${a.metadata.name}`
  const nb = `${b.metadata.namespace}/${b.metadata.name}`
  return na < nb ? -1 : na > nb ? 1 : 0
}

export function buildMapModel(state: ClusterState): MapModel {
  const { aws } = state
  const pods = listObjects(state, 'Pod').slice().sort(byAge)
  const nodeObjs = listObjects(state, 'Node')
  const nodeByInstance = new Map<string, string>()
  for (const n of nodeObjs) {
    const id = state.nodes[n.metadata.name]?.instanceId ?? n.spec.providerID.split('/').pop() ?? ''
    nodeByInstance.set(id, n.metadata.name)
  }
  const nodeModels: NodeModel[] = []
  const nodeByName = new Map<string, NodeModel>()
  const instances = Object.values(aws.instances)
    .filter((i) => i.state !== 'terminated')
    .sort((a, b) =>
      a.privateIpAddress === b.privateIpAddress
        ? a.instanceId < b.instanceId
          ? -1
          : 1
        : ipOrder(a.privateIpAddress, b.privateIpAddress),
    )
  for (const inst of instances) {
    const nodeName = nodeByInstance.get(inst.instanceId)
    const node = nodeName ? getObject(state, 'Node', undefined, nodeName) : undefined
    const type = INSTANCE_TYPES[inst.instanceType]
    const name = nodeName ?? inst.privateDnsName
    const ref: ObjectRef = nodeName
      ? { kind: 'Node', name: nodeName }
      : { kind: 'Instance', name: inst.instanceId }
    const m: NodeModel = {
      ...withKey(ref),
      instanceKey: refKey({ kind: 'Instance', name: inst.instanceId }),
      name,
      shortName: shortNodeName(name),
      instanceId: inst.instanceId,
      instanceType: inst.instanceType,
      ip: inst.privateIpAddress,
      publicIp: inst.publicIpAddress,
      zone: inst.availabilityZone,
      subnetId: inst.subnetId,
      isRegistered: !!node,
      isReady: !!node?.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
      maxPods: type ? maxPods(type) : Number(node?.status.allocatable.pods ?? 0),
      pods: [],
    }
    nodeModels.push(m)
    if (nodeName) nodeByName.set(nodeName, m)
  }
  const unscheduled: PodModel[] = []
  for (const p of pods) {
    const m = podModel(state, p)
    const node = p.spec.nodeName ? nodeByName.get(p.spec.nodeName) : undefined
    if (node) node.pods.push(m)
    else unscheduled.push(m)
  }

  const natBySubnet = new Map(aws.natGateways.map((n) => [n.subnetId, n]))
  const zoneNames = [...new Set(aws.subnets.map((s) => s.availabilityZone))].sort()
  const zones: ZoneModel[] = zoneNames.map((zone) => {
    const subnets = aws.subnets
      .filter((s) => s.availabilityZone === zone)
      // public above private, as eksctl's diagram and the route of a packet out read
      .sort((a, b) =>
        a.public === b.public ? (a.cidrBlock < b.cidrBlock ? -1 : 1) : a.public ? -1 : 1,
      )
      .map((s): SubnetModel => {
        const nat = natBySubnet.get(s.subnetId)
        return {
          ...withKey({ kind: 'Subnet', name: s.subnetId }),
          id: s.subnetId,
          name: s.name,
          cidr: s.cidrBlock,
          zone,
          zoneId: s.availabilityZoneId,
          isPublic: s.public,
          routeTableId: s.routeTableId,
          nat: nat && {
            ...withKey({ kind: 'NatGateway', name: nat.natGatewayId }),
            id: nat.natGatewayId,
            publicIp: nat.publicIp,
            privateIp: nat.privateIp,
          },
          nodes: nodeModels.filter((n) => n.subnetId === s.subnetId),
        }
      })
    return {
      key: `AZ/${zone}`,
      name: zone,
      zoneId: subnets[0]?.zoneId ?? '',
      subnets,
    }
  })

  const cp = aws.controlPlane
  return {
    vpc: {
      ...withKey({ kind: 'VPC', name: aws.vpc.vpcId }),
      id: aws.vpc.vpcId,
      cidr: aws.vpc.cidrBlock,
      region: aws.region,
    },
    igw: {
      ...withKey({ kind: 'InternetGateway', name: aws.internetGateway.internetGatewayId }),
      id: aws.internetGateway.internetGatewayId,
    },
    zones,
    controlPlane: {
      ...withKey({ kind: 'ControlPlane', name: aws.cluster.name }),
      clusterName: aws.cluster.name,
      version: aws.cluster.version,
      apiServers: cp.apiServers.map((a) => ({
        ...withKey({ kind: 'ApiServer', name: a.id }),
        id: a.id,
        zone: a.availabilityZone,
      })),
      etcd: cp.etcdMembers.map((e) => ({
        ...withKey({ kind: 'EtcdMember', name: e.name }),
        id: e.id,
        name: e.name,
        zone: e.availabilityZone,
        isLeader: e.isLeader,
      })),
    },
    unscheduled,
    podCount: pods.length,
  }
}

function ipOrder(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0)
  return 0
}

/** Every node of the model, in map order. */
export function allNodes(model: MapModel): NodeModel[] {
  return model.zones.flatMap((z) => z.subnets.flatMap((s) => s.nodes))
}
