import type { LayoutItem } from './layout.ts'

// The words for every map item: its aria-label, and the tooltip's title and lines. The map's
// visible labels may be shortened; these never are.

export interface ItemText {
  title: string
  lines: string[]
}

export function itemText(item: LayoutItem): ItemText {
  switch (item.type) {
    case 'controlPlane':
      return {
        title: `EKS control plane "${item.model.clusterName}", managed by AWS`,
        lines: [
          `Kubernetes ${item.model.version}, in an AWS-owned VPC`,
          'You cannot ssh to it or read etcd directly',
        ],
      }
    case 'apiServer':
      return {
        title: `API server ${item.model.id}`,
        lines: [`kube-apiserver in ${item.model.zone}`, 'managed by AWS'],
      }
    case 'etcd':
      return {
        title: `etcd member ${item.model.name}${item.model.isLeader ? ' (leader)' : ''}`,
        lines: [`member id ${item.model.id} in ${item.model.zone}`, 'managed by AWS'],
      }
    case 'internet':
      return { title: 'The internet', lines: [] }
    case 'igw':
      return {
        title: `Internet gateway ${item.model.id}`,
        lines: ['public subnets route 0.0.0.0/0 here'],
      }
    case 'vpc':
      return {
        title: `VPC ${item.model.id}`,
        lines: [`${item.model.cidr} in ${item.model.region}`],
      }
    case 'zone':
      return {
        title: `Availability zone ${item.model.name}`,
        lines: [item.model.zoneId],
      }
    case 'subnet': {
      const s = item.model
      return {
        title: `${s.isPublic ? 'Public' : 'Private'} subnet ${s.id}`,
        lines: [
          `${s.cidr} in ${s.zone}`,
          s.name,
          `${s.nodes.length} ${s.nodes.length === 1 ? 'instance' : 'instances'}`,
        ],
      }
    }
    case 'nat':
      return {
        title: `NAT gateway ${item.model.id}`,
        lines: [`public IP ${item.model.publicIp}`, `private IP ${item.model.privateIp}`],
      }
    case 'node': {
      const n = item.model
      return {
        title: n.isRegistered ? `Node ${n.name}` : `EC2 instance ${n.instanceId} (not a node yet)`,
        lines: [
          `instance ${n.instanceId}, ${n.instanceType}`,
          `IP ${n.ip}${n.publicIp ? `, public ${n.publicIp}` : ''}`,
          `${n.pods.length} of ${n.maxPods} pods${n.isRegistered && !n.isReady ? ', NotReady' : ''}`,
        ],
      }
    }
    case 'tray':
      return {
        title: `${item.count} ${item.count === 1 ? 'pod' : 'pods'} not scheduled`,
        lines: ['they exist only as objects in etcd until the scheduler binds them to a node'],
      }
    case 'pod': {
      const p = item.model
      return {
        title: `Pod ${p.namespace}/${p.name}`,
        lines: [
          p.status,
          p.nodeName ? `on ${p.nodeName}` : 'not scheduled',
          p.ip ? `IP ${p.ip}${p.hostNetwork ? ' (hostNetwork: the node’s IP)' : ''}` : 'no IP yet',
          ...(p.restarts ? [`${p.restarts} restarts`] : []),
        ],
      }
    }
  }
}

export function ariaLabel(item: LayoutItem): string {
  const t = itemText(item)
  return [t.title, ...t.lines].join(', ')
}

/** Everything an item shows, as one string: equal strings render equal SVG. */
export function itemSignature(item: LayoutItem): string {
  const geo = `${item.x},${item.y},${item.w},${item.h}`
  switch (item.type) {
    case 'pod': {
      const p = item.model
      return `${geo}|${p.status}|${p.category}|${p.ip}|${p.nodeName}|${p.restarts}|${item.label}|${item.isDot}|${p.hostNetwork}`
    }
    case 'node': {
      const n = item.model
      return `${geo}|${n.name}|${n.isReady}|${n.isRegistered}|${n.pods.length}|${n.ip}`
    }
    case 'subnet':
      return `${geo}|${item.model.nodes.length}`
    case 'tray':
      return `${geo}|${item.count}`
    case 'etcd':
      return `${geo}|${item.model.isLeader}`
    default:
      return geo
  }
}
