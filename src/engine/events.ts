// SimEvents: the contract between the engine and everything that watches it (views animate them,
// scenarios wait for them, tests assert them). Each one carries what a lesson shows.

import type { Headers as PacketHeaders } from './net/netfilter/evaluate.ts'

export type Layer = 'kubernetes' | 'node' | 'aws'

interface Base {
  /** simulated time (ms since the simulation epoch) */
  at: number
}

export type SimEvent = Base &
  (
    | { type: 'etcd.put'; key: string; revision: number; created: boolean; kind: string }
    | { type: 'etcd.delete'; key: string; revision: number; kind: string }
    | { type: 'watch.notify'; watcher: string; key: string }
    | { type: 'pod.scheduled'; namespace: string; pod: string; node: string }
    | { type: 'pod.unschedulable'; namespace: string; pod: string; message: string }
    | {
        type: 'pod.phase'
        namespace: string
        pod: string
        node: string
        phase: string
        reason?: string
      }
    | { type: 'pod.ip'; namespace: string; pod: string; node: string; ip: string }
    | { type: 'container.pull'; node: string; image: string; ok: boolean; ms: number }
    | {
        type: 'container.start'
        node: string
        namespace: string
        pod: string
        container: string
        id: string
      }
    | {
        type: 'container.exit'
        node: string
        namespace: string
        pod: string
        container: string
        exitCode: number
      }
    | {
        type: 'log.append'
        node: string
        namespace: string
        pod: string
        container: string
        stream: 'stdout' | 'stderr'
        text: string
      }
    | {
        /** the kubelet rotated a container's log file (FIDELITY §1.3); paths are on `node` */
        type: 'log.rotate'
        node: string
        namespace: string
        pod: string
        container: string
        /** the live file, reopened empty: /var/log/pods/…/<container>/<N>.log */
        file: string
        /** what the live file was renamed to: `<N>.log.<YYYYMMDD-hhmmss>` */
        rotatedTo: string
        /** rotated files gzipped in this rotation (their new `.gz` paths) */
        compressed: string[]
        /** rotated files deleted (beyond containerLogMaxFiles) */
        deleted: string[]
      }
    | {
        /** `kubectl logs` travels client -> API server -> kubelet on the pod's node -> the file */
        type: 'logs.request'
        namespace: string
        pod: string
        container: string
        node: string
        /** the log file read */
        file: string
        /** the hops in order, e.g. ['kubectl', 'kube-apiserver', 'kubelet@ip-…', '/var/log/pods/…/0.log'] */
        hops: string[]
        previous: boolean
        follow: boolean
        /** lines returned */
        lines: number
      }
    | {
        /** kube-proxy on `node` wrote its rules with iptables-restore --noflush (net/kubeproxy) */
        type: 'kubeproxy.sync'
        node: string
        /** full: every chain rewritten; partial (1.28+): only the changed Services' chains */
        full: boolean
        /** per-service nat chains (KUBE-SVC/SVL/EXT/FW/SEP) declared and filled by this sync */
        chainsWritten: string[]
        /** stale per-service chains flushed and deleted (-X) */
        chainsDeleted: string[]
        /** `-A` rule lines in the restore text (filter + nat) */
        rules: number
        services: number
        endpoints: number
        /** the restore failed: kube-proxy retries with a full sync after syncPeriod */
        error?: string
      }
    | {
        /** a program wrote rules at node boot: the kubelet's chains, the VPC CNI's SNAT/connmark */
        type: 'netfilter.baseline'
        node: string
        writer: 'kubelet' | 'aws-node'
        rules: number
      }
    | {
        /** the kubelet reads a Secret or ConfigMap for a pod (from its watch-based cache of the
         * API server) to fill a volume or a container's environment */
        type: 'kubelet.fetch'
        node: string
        namespace: string
        pod: string
        kind: 'Secret' | 'ConfigMap'
        name: string
        /** what it is for: a volume (`volume` set) or a container's env (`container` set) */
        use: 'volume' | 'env'
        volume?: string
        container?: string
        found: boolean
      }
    | {
        /** the kubelet's AtomicWriter (re)wrote a Secret/ConfigMap volume on the node */
        type: 'kubelet.volume'
        node: string
        namespace: string
        pod: string
        volume: string
        kind: 'Secret' | 'ConfigMap'
        name: string
        /** the volume directory on the node: /var/lib/kubelet/pods/<uid>/volumes/kubernetes.io~secret/<volume> */
        path: string
        /** tmpfs (memory) for Secrets; the node's disk for ConfigMaps */
        medium: 'tmpfs' | 'disk'
        /** file paths written, in order */
        keys: string[]
        /** total bytes written */
        bytes: number
        /** 'mount': first set-up; 'update': the source changed and a resync re-projected it */
        reason: 'mount' | 'update'
        /** the timestamped directory `..data` now points at */
        dir: string
      }
    | { type: 'ec2.launch'; instanceId: string; instanceType: string; ip: string }
    | {
        /** ipamd created an ENI in the node's subnet and attached it (CreateNetworkInterface +
         * AttachNetworkInterface), with secondary IPs for the warm pool (net/ipam/ipamd.ts) */
        type: 'ec2.attachEni'
        instanceId: string
        node: string
        networkInterfaceId: string
        deviceIndex: number
        /** the interface name on the node: ens6, ens7 … */
        interface: string
        /** the ENI's own primary address (never a pod's) */
        privateIp: string
        /** secondary IPs assigned with it */
        ips: string[]
      }
    | {
        /** ipamd added secondary IPs to an attached ENI (AssignPrivateIpAddresses) */
        type: 'ec2.assignPrivateIps'
        instanceId: string
        node: string
        networkInterfaceId: string
        ips: string[]
      }
    | {
        /** ipamd freed a surplus ENI: DetachNetworkInterface + DeleteNetworkInterface; its primary
         * and secondary IPs go back to the subnet (net/ipam/ipamd.ts tryFreeENI) */
        type: 'ec2.detachEni'
        instanceId: string
        node: string
        networkInterfaceId: string
        attachmentId: string
        deviceIndex: number
        interface: string
        privateIp: string
        /** the secondary IPs that went with it */
        ips: string[]
      }
    | {
        /** ipamd gave surplus secondary IPs back (UnassignPrivateIpAddresses; WARM_IP_TARGET mode) */
        type: 'ec2.unassignPrivateIps'
        instanceId: string
        node: string
        networkInterfaceId: string
        ips: string[]
      }
    | {
        /** the CNI ADD (or DEL) for a pod sandbox, step by step: kubelet -> containerd -> aws-cni ->
         * ipamd -> veth, address, routes, ip rules (net/ipam/cni.ts) */
        type: 'cni.add' | 'cni.del'
        node: string
        namespace: string
        pod: string
        /** the pause container's id */
        sandboxId: string
        netns: string
        /** the pod IP; absent when the ADD failed */
        ip?: string
        networkInterfaceId?: string
        /** host side of the veth pair (`eni` + 11 hex of SHA-1) */
        hostVeth: string
        steps: { actor: string; action: string }[]
        /** the error the plugin returned (the pod stays in ContainerCreating) */
        error?: string
      }
    | {
        /** one etcd write through Raft: the leader appends it, replicates it to both followers, and
         * commits it at (term, index) once a majority holds it (etcd/raft.ts) */
        type: 'etcd.replicate'
        op: 'put' | 'delete'
        key: string
        revision: number
        /** bytes of the value as stored (0 for a delete) */
        valueSize: number
        /** the value is KMS v2 ciphertext (k8s:enc:kms:v2:…), not plain protobuf */
        encrypted: boolean
        /** the API server instance that wrote it */
        apiServer: string
        term: number
        index: number
        leader: { name: string; availabilityZone: string }
        followers: { name: string; availabilityZone: string }[]
      }
    | {
        /** an API server's KMS v2 provider made a data key and had KMS encrypt it (etcd/kms.ts):
         * once at startup and when the encryption config changes, never per write */
        type: 'kms.encrypt'
        apiServer: string
        availabilityZone: string
        keyId: string
        providerName: string
        reason: 'startup' | 'encryption-config'
        plaintextBytes: number
        ciphertextBytes: number
      }
    | {
        /** one connection or query a program made (net/flow.ts), once it ended */
        type: 'packet.flow'
        flow: string
        /** the client's node, and the client: `<ns>/<pod>` or the node name for host processes */
        node: string
        client: string
        /** `DNS A web.default.svc.cluster.local`, `HTTP GET /`, `TCP connect` */
        purpose: string
        proto: 'tcp' | 'udp' | 'icmp'
        src: string
        sport: number
        dst: string
        dport: number
        /** the socket that answered, after DNAT (`192.168.12.7:80`) */
        endpoint?: string
        outcome: 'answered' | 'refused' | 'rejected' | 'dropped' | 'lost'
        /** packets sent in both directions */
        packets: number
      }
    | {
        /** one step of a flow's first packet (`request`) or of its answer (`reply`) */
        type: 'packet.hop'
        flow: string
        direction: 'request' | 'reply'
        seq: number
        kind:
          | 'netns'
          | 'veth'
          | 'hook'
          | 'route'
          | 'vpc'
          | 'socket'
          | 'lost'
          | 'reject'
          | 'rtb'
          | 'igw'
          | 'natgw'
          | 'internet'
        node?: string
        /** `eth0 -> eni1a2b3c4d5e6`, `PREROUTING`, `10.100.0.10 dev ens5` … */
        label: string
        before: PacketHeaders
        after: PacketHeaders
        /** hooks: the rules that matched and acted, in order (index 0 = the chain's policy) */
        rules?: { table: string; chain: string; index: number; target: string }[]
        /** hooks: how many rules the packet was checked against */
        checked?: number
        verdict?: 'ACCEPT' | 'DROP' | 'REJECT'
        /** hooks: kernel log lines written by LOG rules */
        logs?: string[]
      }
    | {
        type: 'k8s.event'
        namespace: string
        object: string
        reason: string
        message: string
        eventType: 'Normal' | 'Warning'
      }
  )

export type SimEventType = SimEvent['type']

export function layerOf(e: SimEvent): Layer {
  switch (e.type) {
    case 'etcd.put':
    case 'etcd.delete':
    case 'watch.notify':
    case 'pod.scheduled':
    case 'pod.unschedulable':
    case 'k8s.event':
    case 'etcd.replicate':
      return 'kubernetes'
    case 'pod.phase':
    case 'pod.ip':
    case 'container.pull':
    case 'container.start':
    case 'container.exit':
    case 'log.append':
    case 'log.rotate':
    case 'logs.request':
    case 'kubeproxy.sync':
    case 'netfilter.baseline':
    case 'packet.flow':
    case 'packet.hop':
    case 'kubelet.fetch':
    case 'kubelet.volume':
      return 'node'
    case 'cni.add':
    case 'cni.del':
      return 'node'
    case 'ec2.launch':
    case 'kms.encrypt':
    case 'ec2.attachEni':
    case 'ec2.assignPrivateIps':
    case 'ec2.detachEni':
    case 'ec2.unassignPrivateIps':
      return 'aws'
    default:
      return assertNever(e)
  }
}

export function assertNever(x: never): never {
  throw new Error(`unexpected: ${JSON.stringify(x)}`)
}
