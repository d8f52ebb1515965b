// Kubernetes API objects in their real JSON shapes (the subset the simulation models).
// They are stored in etcd as they are, printed by `-o yaml|json`, and (later) served to a real kubectl.

export interface OwnerReference {
  apiVersion: string
  kind: string
  name: string
  uid: string
  controller?: boolean
  blockOwnerDeletion?: boolean
}

export interface ObjectMeta {
  name: string
  namespace?: string
  generateName?: string
  uid: string
  resourceVersion: string
  generation?: number
  creationTimestamp: string
  deletionTimestamp?: string
  deletionGracePeriodSeconds?: number
  labels?: Record<string, string>
  annotations?: Record<string, string>
  ownerReferences?: OwnerReference[]
  finalizers?: string[]
}

export interface LabelSelector {
  matchLabels?: Record<string, string>
  matchExpressions?: {
    key: string
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'
    values?: string[]
  }[]
}

export interface EnvVar {
  name: string
  value?: string
  valueFrom?: Record<string, unknown>
}

/** `envFrom`: every key of a Secret or ConfigMap as an environment variable (optionally prefixed). */
export interface EnvFromSource {
  prefix?: string
  secretRef?: { name: string; optional?: boolean }
  configMapRef?: { name: string; optional?: boolean }
}

/** `secretKeyRef` / `configMapKeyRef` of an env var's `valueFrom`. */
export interface KeySelector {
  name: string
  key: string
  optional?: boolean
}

/** The `secret:` and `configMap:` volume sources (`items` project chosen keys to chosen paths). */
export interface KeyToPath {
  key: string
  path: string
  mode?: number
}
export interface SecretVolumeSource {
  secretName?: string
  items?: KeyToPath[]
  defaultMode?: number
  optional?: boolean
}
export interface ConfigMapVolumeSource {
  name?: string
  items?: KeyToPath[]
  defaultMode?: number
  optional?: boolean
}

export interface ContainerPort {
  containerPort: number
  protocol?: 'TCP' | 'UDP' | 'SCTP'
  name?: string
  hostPort?: number
}

export interface ResourceRequirements {
  requests?: Record<string, string>
  limits?: Record<string, string>
}

export interface Container {
  name: string
  image: string
  command?: string[]
  args?: string[]
  ports?: ContainerPort[]
  env?: EnvVar[]
  envFrom?: EnvFromSource[]
  resources?: ResourceRequirements
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never'
  terminationMessagePath?: string
  terminationMessagePolicy?: string
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean; subPath?: string }[]
  securityContext?: Record<string, unknown>
}

export interface Toleration {
  key?: string
  operator?: 'Exists' | 'Equal'
  value?: string
  effect?: string
  tolerationSeconds?: number
}

export interface Volume {
  name: string
  [source: string]: unknown
}

export interface PodSpec {
  containers: Container[]
  initContainers?: Container[]
  restartPolicy?: 'Always' | 'OnFailure' | 'Never'
  terminationGracePeriodSeconds?: number
  dnsPolicy?: string
  nodeName?: string
  nodeSelector?: Record<string, string>
  serviceAccountName?: string
  serviceAccount?: string
  schedulerName?: string
  securityContext?: Record<string, unknown>
  tolerations?: Toleration[]
  hostNetwork?: boolean
  priority?: number
  priorityClassName?: string
  enableServiceLinks?: boolean
  preemptionPolicy?: string
  volumes?: Volume[]
  affinity?: Record<string, unknown>
}

export interface PodCondition {
  type: 'PodScheduled' | 'Initialized' | 'ContainersReady' | 'Ready' | 'PodReadyToStartContainers'
  status: 'True' | 'False' | 'Unknown'
  lastProbeTime: string | null
  lastTransitionTime: string
  reason?: string
  message?: string
}

export interface ContainerStateWaiting {
  reason: string
  message?: string
}
export interface ContainerStateRunning {
  startedAt: string
}
export interface ContainerStateTerminated {
  exitCode: number
  reason: string
  message?: string
  startedAt: string
  finishedAt: string
  containerID?: string
}
export interface ContainerState {
  waiting?: ContainerStateWaiting
  running?: ContainerStateRunning
  terminated?: ContainerStateTerminated
}

export interface ContainerStatus {
  name: string
  state: ContainerState
  lastState: ContainerState
  ready: boolean
  restartCount: number
  image: string
  imageID: string
  containerID?: string
  started: boolean
}

export interface PodStatus {
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown'
  conditions?: PodCondition[]
  message?: string
  reason?: string
  hostIP?: string
  hostIPs?: { ip: string }[]
  podIP?: string
  podIPs?: { ip: string }[]
  startTime?: string
  containerStatuses?: ContainerStatus[]
  initContainerStatuses?: ContainerStatus[]
  qosClass?: 'Guaranteed' | 'Burstable' | 'BestEffort'
}

export interface Pod {
  apiVersion: 'v1'
  kind: 'Pod'
  metadata: ObjectMeta
  spec: PodSpec
  status: PodStatus
}

export interface PodTemplateSpec {
  metadata: {
    labels?: Record<string, string>
    annotations?: Record<string, string>
    creationTimestamp?: null
  }
  spec: PodSpec
}

export interface DeploymentCondition {
  type: 'Available' | 'Progressing' | 'ReplicaFailure'
  status: 'True' | 'False' | 'Unknown'
  lastUpdateTime: string
  lastTransitionTime: string
  reason: string
  message: string
}

export interface Deployment {
  apiVersion: 'apps/v1'
  kind: 'Deployment'
  metadata: ObjectMeta
  spec: {
    replicas: number
    selector: LabelSelector
    template: PodTemplateSpec
    strategy: {
      type: 'RollingUpdate' | 'Recreate'
      rollingUpdate?: { maxSurge: string | number; maxUnavailable: string | number }
    }
    revisionHistoryLimit: number
    progressDeadlineSeconds: number
    minReadySeconds?: number
    paused?: boolean
  }
  status: {
    observedGeneration?: number
    replicas?: number
    updatedReplicas?: number
    readyReplicas?: number
    availableReplicas?: number
    unavailableReplicas?: number
    conditions?: DeploymentCondition[]
    collisionCount?: number
  }
}

export interface ReplicaSet {
  apiVersion: 'apps/v1'
  kind: 'ReplicaSet'
  metadata: ObjectMeta
  spec: {
    replicas: number
    selector: LabelSelector
    template: PodTemplateSpec
    minReadySeconds?: number
  }
  status: {
    replicas: number
    fullyLabeledReplicas?: number
    readyReplicas?: number
    availableReplicas?: number
    observedGeneration?: number
  }
}

export interface DaemonSet {
  apiVersion: 'apps/v1'
  kind: 'DaemonSet'
  metadata: ObjectMeta
  spec: {
    selector: LabelSelector
    template: PodTemplateSpec
    updateStrategy: { type: string; rollingUpdate?: Record<string, unknown> }
    revisionHistoryLimit: number
  }
  status: {
    currentNumberScheduled: number
    desiredNumberScheduled: number
    numberMisscheduled: number
    numberReady: number
    numberAvailable?: number
    updatedNumberScheduled?: number
    numberUnavailable?: number
    observedGeneration?: number
  }
}

export interface ServicePort {
  name?: string
  protocol: 'TCP' | 'UDP' | 'SCTP'
  port: number
  targetPort: number | string
  nodePort?: number
  appProtocol?: string
}

export interface Service {
  apiVersion: 'v1'
  kind: 'Service'
  metadata: ObjectMeta
  spec: {
    type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName'
    selector?: Record<string, string>
    ports: ServicePort[]
    clusterIP: string
    clusterIPs: string[]
    ipFamilies: ('IPv4' | 'IPv6')[]
    ipFamilyPolicy: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack'
    sessionAffinity: 'None' | 'ClientIP'
    internalTrafficPolicy: 'Cluster' | 'Local'
    externalTrafficPolicy?: 'Cluster' | 'Local'
    externalName?: string
    /** defaulted when sessionAffinity is ClientIP: clientIP.timeoutSeconds 10800 */
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } }
    externalIPs?: string[]
    loadBalancerSourceRanges?: string[]
    healthCheckNodePort?: number
  }
  status: { loadBalancer: Record<string, unknown> }
}

export interface Endpoint {
  addresses: string[]
  conditions: { ready: boolean; serving: boolean; terminating: boolean }
  nodeName?: string
  zone?: string
  targetRef?: { kind: string; namespace: string; name: string; uid: string }
}

export interface EndpointSlice {
  apiVersion: 'discovery.k8s.io/v1'
  kind: 'EndpointSlice'
  metadata: ObjectMeta
  addressType: 'IPv4' | 'IPv6' | 'FQDN'
  endpoints: Endpoint[]
  ports: { name: string; port: number; protocol: 'TCP' | 'UDP' | 'SCTP' }[]
}

export interface Namespace {
  apiVersion: 'v1'
  kind: 'Namespace'
  metadata: ObjectMeta
  spec: { finalizers: string[] }
  status: { phase: 'Active' | 'Terminating' }
}

export interface NodeCondition {
  type: 'MemoryPressure' | 'DiskPressure' | 'PIDPressure' | 'Ready'
  status: 'True' | 'False' | 'Unknown'
  lastHeartbeatTime: string
  lastTransitionTime: string
  reason: string
  message: string
}

export interface Node {
  apiVersion: 'v1'
  kind: 'Node'
  metadata: ObjectMeta
  spec: {
    providerID: string
    taints?: { key: string; effect: string; value?: string }[]
    unschedulable?: boolean
  }
  status: {
    capacity: Record<string, string>
    allocatable: Record<string, string>
    conditions: NodeCondition[]
    addresses: {
      type: 'InternalIP' | 'ExternalIP' | 'InternalDNS' | 'ExternalDNS' | 'Hostname'
      address: string
    }[]
    daemonEndpoints: { kubeletEndpoint: { Port: number } }
    nodeInfo: {
      machineID: string
      systemUUID: string
      bootID: string
      kernelVersion: string
      osImage: string
      containerRuntimeVersion: string
      kubeletVersion: string
      kubeProxyVersion: string
      operatingSystem: string
      architecture: string
    }
    images: { names: string[]; sizeBytes: number }[]
  }
}

export interface KEvent {
  apiVersion: 'v1'
  kind: 'Event'
  metadata: ObjectMeta
  involvedObject: {
    kind: string
    namespace?: string
    name: string
    uid: string
    apiVersion: string
    resourceVersion?: string
    fieldPath?: string
  }
  reason: string
  message: string
  source: { component: string; host?: string }
  firstTimestamp: string
  lastTimestamp: string
  count: number
  type: 'Normal' | 'Warning'
  eventTime: null
  reportingComponent: string
  reportingInstance: string
}

export interface ServiceAccount {
  apiVersion: 'v1'
  kind: 'ServiceAccount'
  metadata: ObjectMeta
}

export interface ConfigMap {
  apiVersion: 'v1'
  kind: 'ConfigMap'
  metadata: ObjectMeta
  data?: Record<string, string>
  /** base64 in JSON, like Secret.data */
  binaryData?: Record<string, string>
  immutable?: boolean
}

export interface Secret {
  apiVersion: 'v1'
  kind: 'Secret'
  metadata: ObjectMeta
  type: string
  /** base64 of the raw bytes (JSON/YAML only: etcd holds the bytes themselves) */
  data?: Record<string, string>
  /** write-only convenience: merged into `data` by the API server and never stored */
  stringData?: Record<string, string>
  immutable?: boolean
}

// rbac.authorization.k8s.io/v1 (k8s.io/api/rbac/v1/types.go)
export interface PolicyRule {
  verbs: string[]
  apiGroups?: string[]
  resources?: string[]
  resourceNames?: string[]
  nonResourceURLs?: string[]
}

export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount'
  name: string
  namespace?: string
  apiGroup?: string
}

export interface RoleRef {
  apiGroup: string
  kind: 'Role' | 'ClusterRole'
  name: string
}

export interface Role {
  apiVersion: 'rbac.authorization.k8s.io/v1'
  kind: 'Role'
  metadata: ObjectMeta
  rules?: PolicyRule[]
}

export interface ClusterRole {
  apiVersion: 'rbac.authorization.k8s.io/v1'
  kind: 'ClusterRole'
  metadata: ObjectMeta
  aggregationRule?: { clusterRoleSelectors?: LabelSelector[] }
  rules?: PolicyRule[]
}

export interface RoleBinding {
  apiVersion: 'rbac.authorization.k8s.io/v1'
  kind: 'RoleBinding'
  metadata: ObjectMeta
  roleRef: RoleRef
  subjects?: Subject[]
}

export interface ClusterRoleBinding {
  apiVersion: 'rbac.authorization.k8s.io/v1'
  kind: 'ClusterRoleBinding'
  metadata: ObjectMeta
  roleRef: RoleRef
  subjects?: Subject[]
}

export type KObject =
  | Pod
  | Deployment
  | ReplicaSet
  | DaemonSet
  | Service
  | EndpointSlice
  | Namespace
  | Node
  | KEvent
  | ServiceAccount
  | ConfigMap
  | Secret
  | Role
  | ClusterRole
  | RoleBinding
  | ClusterRoleBinding

export type Kind = KObject['kind']
export type ObjectOfKind<K extends Kind> = Extract<KObject, { kind: K }>
