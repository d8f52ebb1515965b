import type { KObject, PolicyRule, RoleRef, Subject } from '../model/k8s.ts'

// rbac.authorization.k8s.io/v1 defaulting and validation (pkg/apis/rbac/v1/defaults.go,
// pkg/apis/rbac/validation/validation.go), with the API server's messages.

const RBAC = 'rbac.authorization.k8s.io'

/** SetDefaults_RoleBinding / SetDefaults_Subject: roleRef and User/Group subjects get the RBAC group. */
export function defaultRbac(obj: KObject): void {
  if (obj.kind !== 'RoleBinding' && obj.kind !== 'ClusterRoleBinding') return
  if (obj.roleRef && !obj.roleRef.apiGroup) obj.roleRef.apiGroup = RBAC
  for (const s of obj.subjects ?? [])
    if (!s.apiGroup && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = RBAC
}

const quoted = (xs: string[]) => xs.map((x) => `"${x}"`).join(', ')
const goStrings = (xs: string[]) => `[]string{${quoted(xs)}}`

function ruleErrors(rules: PolicyRule[] | undefined, namespaced: boolean): string[] {
  const out: string[] = []
  ;(rules ?? []).forEach((rule, i) => {
    const p = `rules[${i}]`
    if (!rule.verbs?.length)
      out.push(`${p}.verbs: Required value: verbs must contain at least one value`)
    if (rule.nonResourceURLs?.length) {
      if (namespaced)
        out.push(
          `${p}.nonResourceURLs: Invalid value: ${goStrings(rule.nonResourceURLs)}: namespaced rules cannot apply to non-resource URLs`,
        )
      if (rule.apiGroups?.length || rule.resources?.length || rule.resourceNames?.length)
        out.push(
          `${p}.nonResourceURLs: Invalid value: ${goStrings(rule.nonResourceURLs)}: rules cannot apply to both regular resources and non-resource URLs`,
        )
      return
    }
    if (!rule.apiGroups?.length)
      out.push(`${p}.apiGroups: Required value: resource rules must supply at least one api group`)
    if (!rule.resources?.length)
      out.push(`${p}.resources: Required value: resource rules must supply at least one resource`)
  })
  return out
}

function subjectErrors(subjects: Subject[] | undefined, namespaced: boolean): string[] {
  const out: string[] = []
  ;(subjects ?? []).forEach((s, i) => {
    const p = `subjects[${i}]`
    if (!s.name) out.push(`${p}.name: Required value`)
    switch (s.kind) {
      case 'ServiceAccount':
        if (s.apiGroup)
          out.push(`${p}.apiGroup: Unsupported value: "${s.apiGroup}": supported values: ""`)
        if (!namespaced && !s.namespace) out.push(`${p}.namespace: Required value`)
        break
      case 'User':
      case 'Group':
        if (s.apiGroup !== RBAC)
          out.push(
            `${p}.apiGroup: Unsupported value: "${s.apiGroup ?? ''}": supported values: "${RBAC}"`,
          )
        break
      default:
        out.push(
          `${p}.kind: Unsupported value: "${(s as Subject).kind}": supported values: "ServiceAccount", "User", "Group"`,
        )
    }
  })
  return out
}

function roleRefErrors(ref: RoleRef | undefined, kinds: string[]): string[] {
  const out: string[] = []
  if (ref?.kind && !kinds.includes(ref.kind))
    out.push(`roleRef.kind: Unsupported value: "${ref.kind}": supported values: ${quoted(kinds)}`)
  if (ref?.apiGroup !== RBAC)
    out.push(
      `roleRef.apiGroup: Unsupported value: "${ref?.apiGroup ?? ''}": supported values: "${RBAC}"`,
    )
  if (!ref?.name) out.push('roleRef.name: Required value')
  return out
}

/** The causes the API server rejects an RBAC object with (empty when valid). */
export function rbacErrors(obj: KObject): string[] {
  switch (obj.kind) {
    case 'Role':
      return ruleErrors(obj.rules, true)
    case 'ClusterRole':
      return ruleErrors(obj.rules, false)
    case 'RoleBinding':
      return [
        ...roleRefErrors(obj.roleRef, ['Role', 'ClusterRole']),
        ...subjectErrors(obj.subjects, true),
      ]
    case 'ClusterRoleBinding':
      return [...roleRefErrors(obj.roleRef, ['ClusterRole']), ...subjectErrors(obj.subjects, false)]
    default:
      return []
  }
}

/** ValidateRoleBindingUpdate: a binding's roleRef never changes (delete and recreate instead). */
export function rbacUpdateErrors(old: KObject, obj: KObject): string[] {
  if ((old.kind === 'RoleBinding' || old.kind === 'ClusterRoleBinding') && obj.kind === old.kind) {
    const a = old.roleRef
    const b = (obj as typeof old).roleRef
    if (a.apiGroup !== b.apiGroup || a.kind !== b.kind || a.name !== b.name)
      return [
        `roleRef: Invalid value: rbac.RoleRef{APIGroup:"${b.apiGroup}", Kind:"${b.kind}", Name:"${b.name}"}: cannot change roleRef`,
      ]
  }
  return []
}
