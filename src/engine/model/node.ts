import type { ConntrackState, NetfilterState, RecentLists } from '../net/netfilter/model.ts'
// What lives on a worker node beyond the API objects: the container runtime's view.

export interface LogRecord {
  /** simulated time in ns-resolution ms (fractional) */
  time: number
  stream: 'stdout' | 'stderr'
  text: string
  /** extra nanoseconds on top of `time`, so that writes in the same simulated ms keep distinct,
   * increasing CRI timestamps (as real writes microseconds apart do); 0 when absent */
  ns?: number
}

/**
 * A rotated log file of one container instance, as the kubelet's container log manager leaves it:
 * `<restartCount>.log.<YYYYMMDD-hhmmss>` and, once gzipped at the next rotation, `… .gz`.
 * See engine/logs/files.ts.
 */
export interface RotatedLogFile {
  /** the basename, e.g. `0.log.20260302-084612` or `0.log.20260302-084602.gz` */
  name: string
  compressed: boolean
  /** simulated ms of the rename (the timestamp in the name, at second precision) */
  rotatedAt: number
  /** bytes of the CRI text (uncompressed) */
  bytes: number
  /** mtime: the last write before the rename (gzip keeps it for the .gz, as the kubelet chtimes it) */
  mtime: number
  records: LogRecord[]
}

/** A container's program as a tiny state machine; see engine/workloads. */
export type ProgramState =
  | { kind: 'daemon' } // long-running server (nginx, coredns, kube-proxy …): runs until stopped
  | {
      kind: 'script'
      source: string
      pc: number
      vars: Record<string, string>
      loops: Record<string, number>
    } // sh -c '…'
  | { kind: 'exit'; code: number; afterMs: number } // does its work, then exits
  | { kind: 'exited' }

export interface ContainerRuntime {
  name: string
  /** the image as written in the pod spec */
  image: string
  init: boolean
  /** containerd's 64-hex container ID, once created */
  id?: string
  state: 'waiting' | 'pulling' | 'running' | 'exited'
  waitingReason?: string
  waitingMessage?: string
  pullStartedAt?: number
  pullDoneAt?: number
  /** fully qualified image reference and repo@digest, once pulled */
  imageRef?: string
  imageId?: string
  restartCount: number
  pid?: number
  startedAt?: number
  finishedAt?: number
  exitCode?: number
  exitReason?: string
  exitMessage?: string
  /** restart / pull back-off (kubelet: 10s doubling to 5m) */
  backoffAttempts: number
  backoffUntil?: number
  backoffKind?: 'image' | 'crash'
  program: ProgramState
  /** the records of the live log file `<restartCount>.log` (since its last rotation). Bounded: only the
   * newest MAX_LOG_RECORDS are remembered; `logBytes` still counts everything written to the file. */
  logs: LogRecord[]
  /** size in bytes of the live `<restartCount>.log` (CRI line bytes); absent = computed from `logs` */
  logBytes?: number
  /** rotated files of this instance's log, oldest first (engine/logs/files.ts) */
  rotated?: RotatedLogFile[]
  /** the kubelet's next log-monitor check for this container is scheduled at this time */
  rotateCheckAt?: number
  /** SIGTERM sent at this time (pod deletion) */
  stopRequestedAt?: number
  /** env values the kubelet resolved from Secrets and ConfigMaps (secretKeyRef, envFrom …) when it
   * created this container instance: they stay as they were until the container restarts */
  refEnv?: Record<string, string>
  /** `subPath` mounts of Secret/ConfigMap volumes, by mountPath: the file as it was when this
   * container instance started (a bind mount of one file never sees later updates) */
  subPathFiles?: Record<string, VolumeFile>
}

/** One file of a Secret/ConfigMap volume as the kubelet's AtomicWriter wrote it. */
export interface VolumeFile {
  /** path inside the volume (`password`, or an `items[].path` such as `db/password`) */
  path: string
  /** the bytes, base64 (Secret data can be binary) */
  b64: string
  /** permission bits (defaultMode / items[].mode; 0644 by default) */
  mode: number
}

/** A Secret or ConfigMap volume the kubelet set up for a pod (engine/kubelet/volumes.ts). */
export interface VolumeRuntime {
  name: string
  kind: 'secret' | 'configmap'
  /** the Secret's or ConfigMap's name */
  source: string
  /** Secret volumes live in memory (tmpfs); ConfigMap volumes on the node's disk */
  medium: 'tmpfs' | 'disk'
  /** tmpfs size in KiB (the pod's memory limit, or the node's allocatable memory) */
  sizeKiB?: number
  /** the timestamped directory `..data` points at: `..2026_11_26_08_30_00.1234567890` */
  dir: string
  /** when the current payload was written (simulated ms) */
  writtenAt: number
  mountedAt: number
  /** the source's resourceVersion the payload came from ('' when optional and absent) */
  resourceVersion: string
  files: VolumeFile[]
}

export interface PodRuntime {
  uid: string
  namespace: string
  name: string
  sandboxId: string
  /** /var/run/netns/cni-<uuid> */
  netns: string
  sandboxReadyAt: number
  hostNetwork: boolean
  ip: string
  startedAt: number
  containers: ContainerRuntime[]
  /** per container name, the previous instance (for `kubectl logs --previous` and lastState) */
  previous: Record<string, ContainerRuntime>
  /** Secret and ConfigMap volumes, by volume name (absent when the pod has none) */
  volumes?: Record<string, VolumeRuntime>
  /** the kubelet's next periodic resync of this pod (it re-projects Secret/ConfigMap volumes) */
  volumeSyncAt?: number
}

export interface NodeRuntime {
  name: string
  instanceId: string
  ip: string
  subnetId: string
  zone: string
  ready: boolean
  bootTime: number
  bootId: string
  machineId: string
  images: Record<string, { ref: string; sizeBytes: number }>
  /** by pod uid */
  pods: Record<string, PodRuntime>
  nextPid: number
  /** the host network namespace's iptables (net/netfilter/model.ts); written by kube-proxy, the
   * kubelet and the VPC CNI as iptables-restore text */
  netfilter?: NetfilterState
  /** the host's connection tracking table */
  conntrack?: ConntrackState
  /** pods whose volumes could not be set up yet (a missing Secret): retry back-off, by pod uid */
  mountBackoff?: Record<
    string,
    { attempts: number; nextAt: number; since: number; timeoutAt: number }
  >
  /** pods whose sandbox failed (a CNI ADD error): no new attempt before this time, by pod uid */
  sandboxBackoff?: Record<string, number>
  /** what this node's kube-proxy remembers between syncs (net/kubeproxy/sync.ts); set once it runs */
  kubeProxy?: KubeProxyState
  /** the host's xt_recent lists (kube-proxy's sessionAffinity: ClientIP) */
  xtRecent?: RecentLists
  /** aws-node's ipamd datastore (net/ipam/ipamd.ts); set when the node boots */
  ipamd?: IpamdState
  /** /var/log/aws-routed-eni/ipamd.log and plugin.log, zap JSON lines (net/ipam/cniLogs.ts) */
  cniLogs?: { ipamd: string[]; plugin: string[] }
}

/** One secondary IPv4 address ipamd holds on an ENI (pkg/ipamd/datastore AddressInfo). */
export interface IpamdAddress {
  eniId: string
  /** the pod it is assigned to (IPAMMetadata + IPAMKey.containerID) */
  pod?: { namespace: string; name: string; containerId: string }
  /** simulated ms; absent until first assigned */
  assignedAt?: number
  /** set when released: the address cools down for IP_COOLDOWN_PERIOD before reuse */
  unassignedAt?: number
}

/** ipamd's view of the node: its ENIs in device order and every secondary IP they carry. */
export interface IpamdState {
  /** ENI ids, index = device number (0 = the primary ENI) */
  enis: string[]
  /** by secondary IP, in the order EC2 assigned them */
  ips: Record<string, IpamdAddress>
  /** the kernel's interface index of each ENI (by ENI id) and host veth (by name): lo is 1, ens5 2,
   * then one more per interface in creation order, never reused */
  ifindex: Record<string, number>
  nextIfindex: number
  /** device number by ENI id, once an ENI has been freed (a hole in the device numbers: ens6 gone,
   * ens7 still ens7); absent while `enis` index = device number (net/ipam/ipamd.ts eniDevice) */
  devices?: Record<string, number>
  /** ENIs ipamd has detached and deleted so far (seeds the ids of later ones) */
  freedEnis?: number
  /** when ipamd last decreased the pool (lastDecreaseIPPool: at most once per 30 s) */
  lastDecreaseAt?: number
}

/** kube-proxy's memory of its last successful sync on one node: what partial syncs diff against. */
export interface KubeProxyState {
  /** the next sync rewrites every chain: at start, and after a failed iptables-restore */
  needFullSync: boolean
  /** per Service `namespace/name`: a digest of its ports and endpoints at the last successful sync */
  synced: Record<string, string>
  /** kube-proxy's per-service nat chains (KUBE-SVC/SVL/EXT/FW/SEP) after the last successful sync */
  natChains: string[]
  syncs: number
  lastSyncAt?: number
  /** last time it deleted stale chains (large cluster mode does so at most once per syncPeriod) */
  lastCleanupAt?: number
}
