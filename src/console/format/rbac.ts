import type {
  ClusterRoleBinding,
  KObject,
  PolicyRule,
  RoleBinding,
  Subject,
} from '../../engine/index.ts'
import { humanDuration, parseRfc3339 } from '../../engine/index.ts'

// (no value import from printers.ts: it imports this file for RBAC_PRINTERS)
interface Printer {
  columns: { name: string; wide?: boolean }[]
  row(obj: KObject, now: number): string[]
}

// How kubectl shows RBAC rules: `kubectl describe role` and `kubectl auth can-i --list` both break
// every rule down to one (group, resource, name) each, merge the simple ones back per resource, sort
// them, and print `Resources  Non-Resource URLs  Resource Names  Verbs`
// (k8s.io/component-helpers/auth/rbac/validation: BreakdownRule, CompactRules, SortableRuleSlice;
// k8s.io/kubectl/pkg/describe: CombineResourceGroup).

/** kubectl's BreakdownRule (k8s.io/kubectl/pkg/util/rbac): one rule per (group, resource, verb, name)
 * and one per (URL, verb), verbs in the order the rule lists them. Checked against kubectl v1.32. */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = []
  for (const g of rule.apiGroups ?? [])
    for (const r of rule.resources ?? [])
      for (const v of rule.verbs) {
        if (rule.resourceNames?.length)
          for (const n of rule.resourceNames)
            out.push({ verbs: [v], apiGroups: [g], resources: [r], resourceNames: [n] })
        else out.push({ verbs: [v], apiGroups: [g], resources: [r] })
      }
  for (const u of rule.nonResourceURLs ?? [])
    for (const v of rule.verbs) out.push({ verbs: [v], nonResourceURLs: [u] })
  return out
}

/** CompactRules: rules for one group and one resource (and at most one name) merge their verbs,
 * first-seen order, no repeats; URL rules stay one per verb (so `[/healthz] [get]` can appear twice). */
export function compactRules(rules: PolicyRule[]): PolicyRule[] {
  const compacted: PolicyRule[] = []
  const simple = new Map<string, PolicyRule>()
  for (const r of rules) {
    const isSimple =
      r.apiGroups?.length === 1 &&
      r.resources?.length === 1 &&
      !r.nonResourceURLs?.length &&
      (r.resourceNames?.length ?? 0) <= 1
    if (!isSimple) {
      compacted.push(r)
      continue
    }
    const key = JSON.stringify([r.apiGroups![0], r.resources![0], r.resourceNames?.[0] ?? null])
    const existing = simple.get(key)
    if (!existing) simple.set(key, { ...r, verbs: [...r.verbs] })
    else for (const v of r.verbs) if (!existing.verbs.includes(v)) existing.verbs.push(v)
  }
  return [...compacted, ...simple.values()]
}

/** Go's %v of a []string. */
const goList = (xs: readonly string[] | undefined) => `[${(xs ?? []).join(' ')}]`

/** The generated PolicyRule.String() that SortableRuleSlice sorts by. */
function ruleString(r: PolicyRule): string {
  return `&PolicyRule{Verbs:${goList(r.verbs)},APIGroups:${goList(r.apiGroups)},Resources:${goList(r.resources)},ResourceNames:${goList(r.resourceNames)},NonResourceURLs:${goList(r.nonResourceURLs)},}`
}

/** CombineResourceGroup: `deployments.apps/scale` from resources [deployments/scale] and groups [apps]. */
export function combineResourceGroup(resources?: string[], groups?: string[]): string {
  if (!resources?.length) return ''
  const [base, sub] = resources[0]!.split(/\/(.*)/s, 2)
  let s = base!
  if (groups?.length && groups[0] !== '') s += `.${groups[0]}`
  if (sub !== undefined) s += `/${sub}`
  return s
}

/** The rule rows, tab-separated for the tabwriter: breakdown, compact, sort. */
export function policyRuleRows(rules: readonly PolicyRule[]): string[] {
  const compact = compactRules(rules.flatMap(breakdownRule))
  const keyed = compact.map((r) => ({ r, k: ruleString(r) }))
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
  return keyed.map(
    ({ r }) =>
      `${combineResourceGroup(r.resources, r.apiGroups)}\t${goList(r.nonResourceURLs)}\t${goList(r.resourceNames)}\t${goList(r.verbs)}`,
  )
}

/** rbac.SubjectsStrings: users, groups, service accounts (`ns/name`). */
export function subjectsStrings(
  subjects: readonly Subject[] | undefined,
): [string[], string[], string[]] {
  const users: string[] = []
  const groups: string[] = []
  const sas: string[] = []
  for (const s of subjects ?? []) {
    if (s.kind === 'User') users.push(s.name)
    else if (s.kind === 'Group') groups.push(s.name)
    else sas.push(s.namespace ? `${s.namespace}/${s.name}` : s.name)
  }
  return [users, groups, sas]
}

// printers.go: printRole / printClusterRole (NAME, CREATED AT as RFC 3339 in UTC),
// printRoleBinding / printClusterRoleBinding (NAME, ROLE, AGE; -o wide adds the subjects).
const roles: Printer = {
  columns: [{ name: 'NAME' }, { name: 'CREATED AT' }],
  row: (o) => [o.metadata.name, o.metadata.creationTimestamp],
}

const bindings: Printer = {
  columns: [
    { name: 'NAME' },
    { name: 'ROLE' },
    { name: 'AGE' },
    { name: 'USERS', wide: true },
    { name: 'GROUPS', wide: true },
    { name: 'SERVICEACCOUNTS', wide: true },
  ],
  row(o: KObject, now) {
    const b = o as RoleBinding | ClusterRoleBinding
    const [users, groups, sas] = subjectsStrings(b.subjects)
    return [
      b.metadata.name,
      `${b.roleRef.kind}/${b.roleRef.name}`,
      humanDuration(now - parseRfc3339(b.metadata.creationTimestamp)),
      users.join(', '),
      groups.join(', '),
      sas.join(', '),
    ]
  },
}

export const RBAC_PRINTERS: Record<string, Printer> = {
  roles,
  clusterroles: roles,
  rolebindings: bindings,
  clusterrolebindings: bindings,
}
