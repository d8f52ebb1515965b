import type { KObject } from './k8s.ts'
import type { AwsState } from './aws.ts'
import type { NodeRuntime } from './node.ts'
import type { RngState } from '../random.ts'
import type { ShippingState } from '../shipping/fluentbit.ts'
import type { EncryptionState, RaftState, StoredValue } from './etcd.ts'

/** One etcd key-value pair as etcd's mvcc keeps it. */
export interface EtcdEntry {
  value: KObject
  createRevision: number
  modRevision: number
  version: number
  /** how the value was written (API server, DEK), so etcd/value.ts can rebuild its exact bytes */
  stored?: StoredValue
}

export interface EtcdState {
  revision: number
  /** One keyspace, kept in buckets by resource prefix (`pods`, `services/specs`, …) so that a LIST or a
   * watch touches only its own resource. `allKeys()` in apiserver/store.ts gives etcd's sorted view. */
  buckets: Record<string, Record<string, EtcdEntry>>
  /** the Raft log position of the 3 members (etcd/raft.ts); created with the first write */
  raft?: RaftState
}

/** Scheduled work on the virtual clock. Plain data, so state stays serialisable and replayable. */
export type WorkItem =
  | { kind: 'reconcile'; controller: ControllerName; key: string }
  | { kind: 'kubelet.sync'; node: string; podUid: string }
  | { kind: 'container.tick'; node: string; podUid: string; container: string; containerId: string }
  | { kind: 'node.heartbeat'; node: string }
  /** the kubelet's container log monitor checks one container's log size (engine/logs/rotate.ts) */
  | {
      kind: 'kubelet.logRotate'
      node: string
      podUid: string
      container: string
      containerId: string
    }
  /** an EC2 instance's termination and what follows it (aws/terminate.ts) */
  | { kind: 'aws.lifecycle'; step: LifecycleStep; instanceId: string; node: string }
  /** a managed node group's Auto Scaling group launches an instance, or the group finishes deleting (aws/nodegroups.ts) */
  | { kind: 'aws.nodegroup'; step: 'launch' | 'deleted'; nodegroup: string; subnetId?: string }
  /** ipamd's pool monitor looks at one node's warm pool, to shrink it (net/ipam/ipamd.ts) */
  | { kind: 'ipamd.pool'; node: string }

export type LifecycleStep =
  | 'shutdown' // the OS goes down: kubelet, containers and the node's disk with it
  | 'terminated' // EC2: shutting-down -> terminated
  | 'notready' // node lifecycle controller: no status for node-monitor-grace-period
  | 'ccm' // cloud node lifecycle controller: delete Nodes whose instance is gone
  | 'podgc' // pod garbage collector: delete pods bound to a node that no longer exists
  | 'asg' // the node group's Auto Scaling group launches a replacement
  | 'join' // the replacement boots and its kubelet registers

export type ControllerName =
  | 'deployment'
  | 'replicaset'
  | 'daemonset'
  | 'scheduler'
  | 'endpointslice'
  | 'kubelet'
  | 'namespace'
  | 'gc'
  /** kube-proxy on one node (key: node name) resyncs its iptables rules */
  | 'kube-proxy'

export interface QueuedWork {
  at: number
  seq: number
  dedupKey?: string
  /** background work (heartbeats, container output, back-off retries) does not keep the cluster "unsettled" */
  background: boolean
  work: WorkItem
}

export interface ClusterState {
  seed: number
  rng: RngState
  /** virtual time in ms since EPOCH_MS */
  now: number
  etcd: EtcdState
  aws: AwsState
  nodes: Record<string, NodeRuntime>
  /** Indexes kept beside the data, as informers keep indexers: controller owner uid -> etcd keys of its
   * dependents, and pod `namespace/name` -> where its runtime lives. */
  dependents: Record<string, Record<string, true>>
  podRuntimes: Record<string, { node: string; uid: string }>
  /** the event recorder's aggregation index: reason+message+object → Event name */
  eventIndex: Record<string, string>
  /** ClusterIPs handed out from the service CIDR */
  serviceIps: Record<string, string>
  config: SimulationConfig
  /** log shippers' own bookkeeping on the nodes (Fluent Bit's tail offsets DB); created on first use */
  shipping?: ShippingState
  /** the DaemonSet controller's ControllerRevisions: per DaemonSet uid, template fingerprint -> controller-revision-hash */
  daemonSetRevisions?: Record<string, Record<string, string>>
  /** DaemonSet uid -> [metadata.generation, its template's hash]: a memo for the controller */
  daemonSetTemplateHashes?: Record<string, [number, string]>
  /** the API servers' encryption at rest (etcd/kms.ts): KMS v2 DEKs and what they cover */
  encryption?: EncryptionState
}

export interface SimulationConfig {
  clusterName: string
  region: string
  kubernetesVersion: string
  nodeCount: number
  instanceType: string
  /** containerd's max_container_log_line_size and kubelet's rotation limits, so scenarios can shrink them */
  containerLogMaxSize: number
  containerLogMaxFiles: number
  /**
   * A customer managed KMS key given at cluster creation (`aws eks create-cluster --encryption-config`).
   * Absent: EKS 1.28+ encrypts all API data with an AWS owned key; 1.27 and older store plain protobuf.
   */
  encryptionKeyArn?: string
}
