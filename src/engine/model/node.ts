// What lives on a worker node beyond the API objects: the container runtime's view.

export interface LogRecord {
  /** simulated time in ns-resolution ms (fractional) */
  time: number
  stream: 'stdout' | 'stderr'
  text: string
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
  /** stdout/stderr records written by this container instance (bounded; files and rotation come with the logs lesson) */
  logs: LogRecord[]
  /** SIGTERM sent at this time (pod deletion) */
  stopRequestedAt?: number
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
}
