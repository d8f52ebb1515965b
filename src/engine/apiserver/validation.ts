import type { Container, KObject, LabelSelector, PodSpec } from '../model/k8s.ts'
import { invalid } from './errors.ts'
import { kindName } from './api.ts'
import { rbacErrors, rbacUpdateErrors } from './rbacValidation.ts'
import { configMapErrors, secretErrors, secretUpdateErrors } from './secrets.ts'

// The API server's validation (pkg/apis/*/validation), with its messages, for the fields learners
// type. Everything is checked before anything is written.

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/

export function subdomainError(field: string, value: string): string | undefined {
  if (value.length > 253)
    return `${field}: Invalid value: "${value}": must be no more than 253 characters`
  if (!DNS1123_SUBDOMAIN.test(value))
    return `${field}: Invalid value: "${value}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`
  return undefined
}

export function labelError(field: string, value: string): string | undefined {
  if (value.length > 63)
    return `${field}: Invalid value: "${value}": must be no more than 63 characters`
  if (!DNS1123_LABEL.test(value))
    return `${field}: Invalid value: "${value}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`
  return undefined
}

function dns1035Error(field: string, value: string): string | undefined {
  if (value.length > 63)
    return `${field}: Invalid value: "${value}": must be no more than 63 characters`
  if (!DNS1035_LABEL.test(value))
    return `${field}: Invalid value: "${value}": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`
  return undefined
}

function containersErrors(path: string, containers: Container[] | undefined, out: string[]): void {
  if (!containers || containers.length === 0) {
    out.push(`${path}: Required value`)
    return
  }
  const seen = new Set<string>()
  containers.forEach((c, i) => {
    const p = `${path}[${i}]`
    if (!c.name) out.push(`${p}.name: Required value`)
    else {
      const e = labelError(`${p}.name`, c.name)
      if (e) out.push(e)
      if (seen.has(c.name)) out.push(`${p}.name: Duplicate value: "${c.name}"`)
      seen.add(c.name)
    }
    if (!c.image) out.push(`${p}.image: Required value`)
    for (const [j, port] of (c.ports ?? []).entries()) {
      if (!(port.containerPort >= 1 && port.containerPort <= 65535))
        out.push(
          `${p}.ports[${j}].containerPort: Invalid value: ${port.containerPort}: must be between 1 and 65535, inclusive`,
        )
    }
  })
}

function podSpecErrors(path: string, spec: PodSpec | undefined, out: string[]): void {
  if (!spec) {
    out.push(`${path}.containers: Required value`)
    return
  }
  containersErrors(`${path}.containers`, spec.containers, out)
  if (spec.restartPolicy && !['Always', 'OnFailure', 'Never'].includes(spec.restartPolicy))
    out.push(
      `${path}.restartPolicy: Unsupported value: "${spec.restartPolicy}": supported values: "Always", "OnFailure", "Never"`,
    )
}

export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return false
  const l = labels ?? {}
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in l
    if (e.operator === 'In' && !(has && e.values?.includes(l[e.key]!))) return false
    if (e.operator === 'NotIn' && has && e.values?.includes(l[e.key]!)) return false
    if (e.operator === 'Exists' && !has) return false
    if (e.operator === 'DoesNotExist' && has) return false
  }
  return true
}

function goMap(m: Record<string, string> | undefined): string {
  return `map[string]string{${Object.entries(m ?? {})
    .sort()
    .map(([k, v]) => `"${k}":"${v}"`)
    .join(', ')}}`
}

export function validateObject(obj: KObject): void {
  const errors: string[] = []
  const name = obj.metadata.name
  const nameErr =
    obj.kind === 'Service'
      ? dns1035Error('metadata.name', name)
      : obj.kind === 'Namespace'
        ? labelError('metadata.name', name)
        : obj.kind === 'Event'
          ? undefined
          : subdomainError('metadata.name', name)
  if (nameErr) errors.push(nameErr)
  switch (obj.kind) {
    case 'Pod':
      podSpecErrors('spec', obj.spec, errors)
      break
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet': {
      const spec = obj.spec
      if ('replicas' in spec && (typeof spec.replicas !== 'number' || spec.replicas < 0))
        errors.push(
          `spec.replicas: Invalid value: ${spec.replicas}: must be greater than or equal to 0`,
        )
      if (
        !spec.selector ||
        (!Object.keys(spec.selector.matchLabels ?? {}).length &&
          !spec.selector.matchExpressions?.length)
      )
        errors.push('spec.selector: Required value')
      else if (!selectorMatches(spec.selector, spec.template?.metadata?.labels))
        errors.push(
          `spec.template.metadata.labels: Invalid value: ${goMap(spec.template?.metadata?.labels)}: \`selector\` does not match template \`labels\``,
        )
      podSpecErrors('spec.template.spec', spec.template?.spec, errors)
      break
    }
    case 'Service': {
      if (obj.spec.type !== 'ExternalName' && (!obj.spec.ports || obj.spec.ports.length === 0))
        errors.push('spec.ports: Required value')
      const names = new Set<string>()
      obj.spec.ports?.forEach((p, i) => {
        if (!(p.port >= 1 && p.port <= 65535))
          errors.push(
            `spec.ports[${i}].port: Invalid value: ${p.port}: must be between 1 and 65535, inclusive`,
          )
        if ((obj.spec.ports?.length ?? 0) > 1 && !p.name)
          errors.push(`spec.ports[${i}].name: Required value`)
        if (p.name) {
          if (names.has(p.name)) errors.push(`spec.ports[${i}].name: Duplicate value: "${p.name}"`)
          names.add(p.name)
        }
        if (!['TCP', 'UDP', 'SCTP'].includes(p.protocol))
          errors.push(
            `spec.ports[${i}].protocol: Unsupported value: "${p.protocol}": supported values: "SCTP", "TCP", "UDP"`,
          )
      })
      // pkg/apis/core/validation ValidateService: affinity and traffic policies
      const spec = obj.spec
      if (!['None', 'ClientIP'].includes(spec.sessionAffinity))
        errors.push(
          `spec.sessionAffinity: Unsupported value: "${spec.sessionAffinity}": supported values: "ClientIP", "None"`,
        )
      if (spec.sessionAffinity === 'ClientIP') {
        const t = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds
        if (t === undefined)
          errors.push('spec.sessionAffinityConfig.clientIP.timeoutSeconds: Required value')
        else if (!(t > 0 && t <= 86400))
          errors.push(
            `spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: ${t}: must be greater than 0 and less than 86400`,
          )
      } else if (spec.sessionAffinity === 'None' && spec.sessionAffinityConfig)
        errors.push(
          'spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None',
        )
      for (const f of ['internalTrafficPolicy', 'externalTrafficPolicy'] as const) {
        const v = spec[f]
        if (v !== undefined && v !== 'Cluster' && v !== 'Local')
          errors.push(`spec.${f}: Unsupported value: "${v}": supported values: "Cluster", "Local"`)
      }
      if (!['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(obj.spec.type))
        errors.push(
          `spec.type: Unsupported value: "${obj.spec.type}": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`,
        )
      break
    }
    case 'Role':
    case 'ClusterRole':
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      errors.push(...rbacErrors(obj))
      break
    case 'Secret':
      errors.push(...secretErrors(obj))
      break
    case 'ConfigMap':
      errors.push(...configMapErrors(obj))
      break
    default:
      break
  }
  if (errors.length) throw invalid(kindName(obj.kind), name, errors)
}

/** Fields the API server refuses to change on update (pkg/apis/core/validation ValidatePodUpdate, apps validation). */
export function validateUpdate(old: KObject, obj: KObject): void {
  const rbac = rbacUpdateErrors(old, obj)
  if (rbac.length) throw invalid(kindName(obj.kind), obj.metadata.name, rbac)
  if ((old.kind === 'Secret' || old.kind === 'ConfigMap') && obj.kind === old.kind) {
    const errs = secretUpdateErrors(old, obj as typeof old)
    if (errs.length) throw invalid(kindName(obj.kind), obj.metadata.name, errs)
  }
  if (old.kind === 'Pod' && obj.kind === 'Pod') {
    const strip = (p: typeof obj) =>
      JSON.stringify({
        ...p.spec,
        containers: p.spec.containers.map((c) => ({ ...c, image: '' })),
        initContainers: p.spec.initContainers?.map((c) => ({ ...c, image: '' })),
        activeDeadlineSeconds: undefined,
        tolerations: undefined,
      })
    if (strip(old) !== strip(obj))
      throw invalid('Pod', obj.metadata.name, [
        'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      ])
  }
  if (
    (old.kind === 'Deployment' || old.kind === 'ReplicaSet' || old.kind === 'DaemonSet') &&
    obj.kind === old.kind
  ) {
    if (JSON.stringify(old.spec.selector) !== JSON.stringify((obj as typeof old).spec.selector))
      throw invalid(kindName(obj.kind), obj.metadata.name, [
        `spec.selector: Invalid value: ${goSelector((obj as typeof old).spec.selector)}: field is immutable`,
      ])
  }
  if (
    old.kind === 'Service' &&
    obj.kind === 'Service' &&
    old.spec.clusterIP &&
    obj.spec.clusterIP &&
    old.spec.clusterIP !== obj.spec.clusterIP
  )
    throw invalid('Service', obj.metadata.name, [
      `spec.clusterIPs[0]: Invalid value: []string{"${obj.spec.clusterIP}"}: may not change once set`,
    ])
}

function goSelector(s: LabelSelector | undefined): string {
  return `v1.LabelSelector{MatchLabels:${goMap(s?.matchLabels)}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`
}
