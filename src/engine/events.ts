// SimEvents: the contract between the engine and everything that watches it (views animate them,
// scenarios wait for them, tests assert them). Each one carries what a lesson shows.

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
      return 'kubernetes'
    case 'pod.phase':
    case 'pod.ip':
    case 'container.pull':
    case 'container.start':
    case 'container.exit':
    case 'log.append':
    case 'log.rotate':
    case 'logs.request':
    case 'kubelet.fetch':
    case 'kubelet.volume':
      return 'node'
    case 'ec2.launch':
      return 'aws'
    default:
      return assertNever(e)
  }
}

export function assertNever(x: never): never {
  throw new Error(`unexpected: ${JSON.stringify(x)}`)
}
