import type { Ctx } from '../context.ts'
import type { Container, KObject, Pod, PodSpec, PodTemplateSpec, Service } from '../model/k8s.ts'
import { nameSuffix } from '../random.ts'
import { allocateClusterIp } from './serviceips.ts'
import { allocateNodePorts } from './nodeports.ts'
import { defaultRbac } from './rbacValidation.ts'
import { decodeSecretLike } from './secrets.ts'

// What the API server fills in on create: the defaulting functions of each API group
// (pkg/apis/core/v1/defaults.go, pkg/apis/apps/v1/defaults.go) and the admission plugins that
// every EKS API server runs (ServiceAccount, DefaultTolerationSeconds).

const SYSTEM_PRIORITIES: Record<string, number> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
}

export function imagePullPolicyFor(image: string): 'Always' | 'IfNotPresent' {
  const lastPart = image.split('/').pop() ?? image
  if (image.includes('@')) return 'IfNotPresent'
  const tag = lastPart.includes(':') ? lastPart.split(':').pop() : undefined
  return !tag || tag === 'latest' ? 'Always' : 'IfNotPresent'
}

function defaultContainer(c: Container): void {
  c.imagePullPolicy ??= imagePullPolicyFor(c.image ?? '')
  c.resources ??= {}
  c.terminationMessagePath ??= '/dev/termination-log'
  c.terminationMessagePolicy ??= 'File'
  for (const p of c.ports ?? []) p.protocol ??= 'TCP'
}

function defaultPodSpec(spec: PodSpec): void {
  for (const c of spec.containers ?? []) defaultContainer(c)
  for (const c of spec.initContainers ?? []) defaultContainer(c)
  spec.dnsPolicy ??= 'ClusterFirst'
  spec.restartPolicy ??= 'Always'
  spec.schedulerName ??= 'default-scheduler'
  spec.securityContext ??= {}
  spec.terminationGracePeriodSeconds ??= 30
  // SetDefaults_SecretVolumeSource / SetDefaults_ConfigMapVolumeSource: defaultMode 0644
  for (const v of spec.volumes ?? []) {
    const src = (v.secret ?? v.configMap) as { defaultMode?: number } | undefined
    if (src && typeof src === 'object') src.defaultMode ??= 420
  }
}

function defaultTemplate(t: PodTemplateSpec): void {
  t.metadata ??= {}
  t.metadata.creationTimestamp = null
  defaultPodSpec(t.spec)
}

export function applyDefaults(ctx: Ctx, obj: KObject): void {
  const { state } = ctx
  defaultRbac(obj)
  switch (obj.kind) {
    case 'Pod': {
      const pod = obj as Pod
      defaultPodSpec(pod.spec)
      pod.spec.enableServiceLinks ??= true
      pod.spec.preemptionPolicy ??= 'PreemptLowerPriority'
      // Priority admission: the built-in system classes resolve to their values
      pod.spec.priority ??= SYSTEM_PRIORITIES[pod.spec.priorityClassName ?? ''] ?? 0
      // ServiceAccount admission: the default SA and its projected token volume
      pod.spec.serviceAccountName ??= 'default'
      pod.spec.serviceAccount = pod.spec.serviceAccountName
      if (!pod.spec.volumes?.some((v) => v.name.startsWith('kube-api-access-'))) {
        const volName = `kube-api-access-${nameSuffix(state.rng)}`
        pod.spec.volumes = [...(pod.spec.volumes ?? []), serviceAccountVolume(volName)]
        for (const c of pod.spec.containers) {
          c.volumeMounts = [
            ...(c.volumeMounts ?? []),
            {
              name: volName,
              mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
              readOnly: true,
            },
          ]
        }
      }
      // DefaultTolerationSeconds admission
      const tol = pod.spec.tolerations ?? []
      for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
        if (!tol.some((t) => t.key === key))
          tol.push({ effect: 'NoExecute', key, operator: 'Exists', tolerationSeconds: 300 })
      }
      pod.spec.tolerations = tol
      pod.status = { phase: 'Pending', qosClass: qosClass(pod.spec) }
      break
    }
    case 'Deployment':
      obj.metadata.generation = 1
      obj.spec.replicas ??= 1
      obj.spec.strategy ??= { type: 'RollingUpdate' }
      if (obj.spec.strategy.type === 'RollingUpdate')
        obj.spec.strategy.rollingUpdate ??= { maxSurge: '25%', maxUnavailable: '25%' }
      obj.spec.revisionHistoryLimit ??= 10
      obj.spec.progressDeadlineSeconds ??= 600
      defaultTemplate(obj.spec.template)
      obj.status ??= {}
      break
    case 'ReplicaSet':
      obj.metadata.generation = 1
      obj.spec.replicas ??= 1
      defaultTemplate(obj.spec.template)
      obj.status ??= { replicas: 0 }
      break
    case 'DaemonSet':
      obj.metadata.generation = 1
      obj.spec.updateStrategy ??= {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: 0, maxUnavailable: 1 },
      }
      obj.spec.revisionHistoryLimit ??= 10
      defaultTemplate(obj.spec.template)
      obj.status ??= {
        currentNumberScheduled: 0,
        desiredNumberScheduled: 0,
        numberMisscheduled: 0,
        numberReady: 0,
      }
      break
    case 'Service': {
      const svc = obj as Service
      svc.spec.type ??= 'ClusterIP'
      svc.spec.sessionAffinity ??= 'None'
      defaultServicePorts(svc)
      if (svc.spec.type !== 'ExternalName') {
        if (!svc.spec.clusterIP)
          svc.spec.clusterIP = allocateClusterIp(
            state,
            `${svc.metadata.namespace}/${svc.metadata.name}`,
          )
        svc.spec.clusterIPs = [svc.spec.clusterIP]
        svc.spec.ipFamilies ??= ['IPv4']
        svc.spec.ipFamilyPolicy ??= 'SingleStack'
        svc.spec.internalTrafficPolicy ??= 'Cluster'
      }
      if (svc.spec.type === 'NodePort' || svc.spec.type === 'LoadBalancer')
        svc.spec.externalTrafficPolicy ??= 'Cluster'
      allocateNodePorts(state, svc)
      // no cloud load balancer controller in this simulation: a LoadBalancer stays <pending>
      svc.status = { loadBalancer: {} }
      break
    }
    case 'Namespace':
      obj.metadata.labels = {
        ...(obj.metadata.labels ?? {}),
        'kubernetes.io/metadata.name': obj.metadata.name,
      }
      obj.spec = { finalizers: ['kubernetes'] }
      obj.status = { phase: 'Active' }
      break
    case 'Secret':
      decodeSecretLike(obj)
      obj.type ||= 'Opaque'
      break
    case 'ConfigMap':
      decodeSecretLike(obj)
      break
    case 'EndpointSlice':
    case 'Node':
    case 'Event':
    case 'ServiceAccount':
      break
  }
}

/** Defaulting also runs on updates (an applied manifest adds a container without imagePullPolicy…). */
export function applyUpdateDefaults(obj: KObject): void {
  defaultRbac(obj)
  switch (obj.kind) {
    case 'Pod':
      defaultPodSpec(obj.spec)
      break
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
      defaultTemplate(obj.spec.template)
      break
    case 'Service':
      defaultServicePorts(obj)
      break
    case 'Secret':
      decodeSecretLike(obj)
      obj.type ||= 'Opaque'
      break
    case 'ConfigMap':
      decodeSecretLike(obj)
      break
    default:
      break
  }
}

/** pkg/apis/core/v1/defaults.go SetDefaults_Service and SetDefaults_ServicePort */
function defaultServicePorts(svc: Service): void {
  for (const p of svc.spec.ports ?? []) {
    p.protocol ??= 'TCP'
    p.targetPort ??= p.port
  }
  if (svc.spec.sessionAffinity === 'ClientIP') {
    const cfg = (svc.spec.sessionAffinityConfig ??= {})
    const ip = (cfg.clientIP ??= {})
    ip.timeoutSeconds ??= 10800 // v1.DefaultClientIPServiceAffinitySeconds: 3 hours
  }
}

function serviceAccountVolume(name: string) {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
        {
          downwardAPI: {
            items: [
              {
                fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' },
                path: 'namespace',
              },
            ],
          },
        },
      ],
    },
  }
}

/** pkg/apis/core/helper/qos: Guaranteed when every container sets equal requests and limits for cpu and memory. */
export function qosClass(spec: PodSpec): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = spec.containers ?? []
  const any = containers.some(
    (c) =>
      Object.keys(c.resources?.requests ?? {}).length ||
      Object.keys(c.resources?.limits ?? {}).length,
  )
  if (!any) return 'BestEffort'
  const guaranteed = containers.every((c) =>
    ['cpu', 'memory'].every(
      (r) =>
        c.resources?.limits?.[r] &&
        (c.resources?.requests?.[r] ?? c.resources?.limits?.[r]) === c.resources?.limits?.[r],
    ),
  )
  return guaranteed ? 'Guaranteed' : 'Burstable'
}
