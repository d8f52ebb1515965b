import type { SimEvent } from '../../engine/index.ts'
import type { ObjectRef } from '../../state/uiStore.ts'

// Text for every engine event: the event log shows it, and it is the text equivalent of the
// animations (screen readers get the same story).

export function describeEvent(e: SimEvent): string {
  switch (e.type) {
    case 'etcd.put':
      return `etcd ${e.created ? 'create' : 'update'} ${e.key} (revision ${e.revision})`
    case 'etcd.delete':
      return `etcd delete ${e.key} (revision ${e.revision})`
    case 'watch.notify':
      return `${e.watcher} notified of ${e.key}`
    case 'pod.scheduled':
      return `scheduler bound ${e.namespace}/${e.pod} to ${e.node}`
    case 'pod.unschedulable':
      return `${e.namespace}/${e.pod} unschedulable: ${e.message}`
    case 'pod.phase':
      return `${e.namespace}/${e.pod} ${e.phase}${e.reason ? ` (${e.reason})` : ''} on ${e.node}`
    case 'pod.ip':
      return `${e.namespace}/${e.pod} got IP ${e.ip}`
    case 'container.pull':
      return `${e.node}: ${e.ok ? `pulled ${e.image} in ${(e.ms / 1000).toFixed(1)}s` : `failed to pull ${e.image}`}`
    case 'container.start':
      return `${e.node}: started container ${e.container} of ${e.namespace}/${e.pod}`
    case 'container.exit':
      return `${e.node}: container ${e.container} of ${e.namespace}/${e.pod} exited with code ${e.exitCode}`
    case 'log.append':
      return `${e.namespace}/${e.pod} ${e.stream} → containerd → ${e.node}: ${e.text}`
    case 'log.rotate':
      return `${e.node}: kubelet rotated ${e.file} to ${e.rotatedTo.slice(e.rotatedTo.lastIndexOf('/') + 1)}${e.compressed.length ? `, gzipped ${e.compressed.length}` : ''}${e.deleted.length ? `, deleted ${e.deleted.length}` : ''}`
    case 'logs.request':
      return `kubectl logs ${e.namespace}/${e.pod} -c ${e.container}: ${e.hops.join(' → ')} (${e.lines} lines)`
    case 'kubeproxy.sync':
      return e.error
        ? `${e.node}: kube-proxy iptables-restore failed: ${e.error}`
        : `${e.node}: kube-proxy ${e.full ? 'full' : 'partial'} sync wrote ${e.rules} rules (${e.chainsWritten.length} service chains${e.chainsDeleted.length ? `, deleted ${e.chainsDeleted.length}` : ''})`
    case 'netfilter.baseline':
      return `${e.node}: ${e.writer} installed ${e.rules} iptables rules`
    case 'kubelet.fetch':
      return `${e.node}: kubelet read ${e.kind} ${e.namespace}/${e.name} for ${e.use === 'volume' ? `volume ${e.volume}` : `the env of container ${e.container}`} of ${e.pod}${e.found ? '' : ' (not found)'}`
    case 'kubelet.volume':
      return `${e.node}: kubelet ${e.reason === 'mount' ? 'wrote' : 'updated'} ${e.keys.length} key(s), ${e.bytes} bytes of ${e.kind} ${e.name} to ${e.medium === 'tmpfs' ? 'tmpfs' : 'disk'} at ${e.path}`
    case 'ec2.attachEni':
      return `${e.node}: ipamd attached ${e.networkInterfaceId} as ${e.interface} (device ${e.deviceIndex}, primary ${e.privateIp}) with ${e.ips.length} secondary IPs`
    case 'ec2.assignPrivateIps':
      return `${e.node}: ipamd assigned ${e.ips.length} secondary IPs to ${e.networkInterfaceId}: ${e.ips.join(', ')}`
    case 'ec2.detachEni':
      return `${e.node}: ipamd freed surplus ENI ${e.networkInterfaceId} (${e.interface}, device ${e.deviceIndex}): DetachNetworkInterface ${e.attachmentId}, DeleteNetworkInterface; ${e.ips.length} secondary IPs and ${e.privateIp} back to the subnet`
    case 'ec2.unassignPrivateIps':
      return `${e.node}: ipamd unassigned ${e.ips.length} surplus secondary IPs from ${e.networkInterfaceId} (UnassignPrivateIpAddresses): ${e.ips.join(', ')}`
    case 'cni.add':
    case 'cni.del':
      return `${e.node}: CNI ${e.type === 'cni.add' ? 'ADD' : 'DEL'} ${e.namespace}/${e.pod}${e.ip ? ` ${e.ip}/32 on ${e.hostVeth}` : ''}${e.error ? ` failed: ${e.error}` : ''}`
    case 'ec2.launch':
      return `EC2 launched ${e.instanceId} (${e.instanceType}) at ${e.ip}`
    case 'k8s.event':
      return `${e.eventType} ${e.reason} ${e.object}: ${e.message}`
    case 'etcd.replicate':
      return `etcd ${e.leader.name} (leader, ${e.leader.availabilityZone}) replicated ${e.op} ${e.key} to ${e.followers.map((f) => f.name).join(', ')}; committed at term ${e.term}, index ${e.index} (${e.valueSize} bytes${e.encrypted ? ', KMS v2 ciphertext' : ''})`
    case 'kms.encrypt':
      return `${e.apiServer} (${e.availabilityZone}) made a data key; KMS Encrypt under ${e.keyId} wrapped it (${e.plaintextBytes} → ${e.ciphertextBytes} bytes)`
    case 'packet.flow':
      return `${e.client} → ${e.dst}:${e.dport}/${e.proto} (${e.purpose}): ${e.outcome}${e.endpoint ? ` by ${e.endpoint}` : ''}, ${e.packets} packets`
    case 'packet.hop': {
      const h = (x: typeof e.before) => `${x.src}:${x.sport} → ${x.dst}:${x.dport}`
      const changed = h(e.before) !== h(e.after) ? ` now ${h(e.after)}` : ''
      const rules =
        e.checked !== undefined
          ? ` (${e.checked} rules checked, ${e.rules?.length ?? 0} matched)`
          : ''
      return `${e.node ? `${e.node}: ` : ''}${e.direction} ${e.label} ${h(e.before)}${changed}${rules}${e.verdict && e.verdict !== 'ACCEPT' ? ` ${e.verdict}` : ''}`
    }
  }
}

export function eventObject(e: SimEvent): ObjectRef | null {
  switch (e.type) {
    case 'pod.scheduled':
    case 'pod.unschedulable':
    case 'pod.phase':
    case 'pod.ip':
    case 'container.start':
    case 'container.exit':
    case 'log.append':
    case 'log.rotate':
    case 'logs.request':
    case 'kubelet.fetch':
    case 'kubelet.volume':
    case 'cni.add':
    case 'cni.del':
      return { kind: 'Pod', namespace: e.namespace, name: e.pod }
    case 'etcd.put':
    case 'etcd.delete': {
      const parts = e.key.split('/')
      const name = parts[parts.length - 1]!
      const ns = e.kind === 'Node' || e.kind === 'Namespace' ? undefined : parts[parts.length - 2]
      return { kind: e.kind, name, ...(ns ? { namespace: ns } : {}) }
    }
    case 'ec2.launch':
      return { kind: 'Instance', name: e.instanceId }
    default:
      return null
  }
}
