import { describe, expect, it } from 'vitest'
import { createSimulation } from '../simulation.ts'
import { createObject } from './api.ts'
import type { RequestAttributes, UserInfo } from './authz.ts'
import {
  authorize,
  clusterCreator,
  forbidden,
  impersonate,
  ruleAllows,
  serviceAccountGroups,
} from './authz.ts'
import { ApiError } from './errors.ts'
import { allEntries, getObject } from './store.ts'

// RBAC evaluation against the bootstrap policy of a seeded cluster, as a table:
// who may do what, where.

const sa = (ns: string, name: string): UserInfo => ({
  name: `system:serviceaccount:${ns}:${name}`,
  groups: [...serviceAccountGroups(ns), 'system:authenticated'],
})
const alice: UserInfo = { name: 'alice', groups: ['system:authenticated'] }

function cluster() {
  const sim = createSimulation({ seed: 7 })
  const bind = (
    kind: 'RoleBinding' | 'ClusterRoleBinding',
    name: string,
    roleKind: 'Role' | 'ClusterRole',
    role: string,
    subjects: object[],
    namespace?: string,
  ) =>
    sim.transact((ctx) =>
      createObject(ctx, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind,
        metadata: { name, ...(namespace ? { namespace } : {}) },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: role },
        subjects,
      }),
    )
  const role = (name: string, namespace: string, rules: object[]) =>
    sim.transact((ctx) =>
      createObject(ctx, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name, namespace },
        rules,
      }),
    )
  const can = (
    user: UserInfo,
    verb: string,
    resource: string,
    namespace: string,
    name?: string,
  ) => {
    const [res, sub] = resource.split('/')
    const [r, ...g] = res!.split('.')
    return authorize(sim.state, {
      user,
      verb,
      resource: r!,
      apiGroup: g.join('.'),
      ...(sub ? { subresource: sub } : {}),
      namespace,
      ...(name ? { name } : {}),
    }).allowed
  }
  return { sim, bind, role, can }
}

describe('bootstrap policy', () => {
  it('stores the RBAC objects at their real etcd keys', () => {
    const { sim } = cluster()
    const keys = allEntries(sim.state).map(([k]) => k)
    expect(keys).toContain('/registry/clusterroles/cluster-admin')
    expect(keys).toContain('/registry/clusterroles/view')
    expect(keys).toContain('/registry/clusterrolebindings/system:discovery')
    expect(keys).toContain('/registry/roles/kube-system/eks:authenticator')
    expect(keys).toContain('/registry/rolebindings/kube-system/eks:authenticator')
  })

  it('view leaves out Secrets; edit and admin include them', () => {
    const { sim } = cluster()
    const rules = (n: string) => getObject(sim.state, 'ClusterRole', undefined, n)!.rules!
    const secretsIn = (n: string) =>
      rules(n).some((r) => r.apiGroups?.includes('') && r.resources?.includes('secrets'))
    expect(secretsIn('view')).toBe(false)
    expect(secretsIn('edit')).toBe(true)
    expect(secretsIn('admin')).toBe(true)
  })

  it('does not disturb the cluster rng: pod names stay what they were', () => {
    // the bootstrap uses its own generator, so adding RBAC did not rename every pod in every lesson
    const { sim } = cluster()
    const dns = Object.values(sim.state.etcd.buckets['pods'] ?? {})
      .map((e) => e.value.metadata.name)
      .filter((n) => n.startsWith('coredns-'))
    expect(dns).toHaveLength(2)
  })
})

describe('RBAC evaluation', () => {
  it.each([
    // [who, verb, resource, namespace, expected]
    ['view', 'get', 'pods', 'default', true],
    ['view', 'list', 'deployments.apps', 'default', true],
    ['view', 'get', 'secrets', 'default', false],
    ['view', 'list', 'secrets', 'default', false],
    ['view', 'get', 'pods/log', 'default', true],
    ['view', 'create', 'pods/exec', 'default', false],
    ['view', 'delete', 'pods', 'default', false],
    ['edit', 'get', 'secrets', 'default', true],
    ['edit', 'create', 'secrets', 'default', true],
    ['edit', 'create', 'roles.rbac.authorization.k8s.io', 'default', false],
    ['edit', 'impersonate', 'serviceaccounts', 'default', true],
    ['admin', 'create', 'roles.rbac.authorization.k8s.io', 'default', true],
    ['admin', 'get', 'secrets', 'default', true],
  ] as const)('%s: %s %s in %s → %s', (role, verb, resource, ns, expected) => {
    const { bind, can } = cluster()
    bind('RoleBinding', 'b', 'ClusterRole', role, [{ kind: 'User', name: 'alice' }], 'default')
    expect(can(alice, verb, resource, ns)).toBe(expected)
    // a RoleBinding to a ClusterRole grants it in the binding's namespace only
    expect(can(alice, verb, resource, 'kube-system')).toBe(false)
  })

  it('a Role and RoleBinding for a service account allow get secrets in that namespace only', () => {
    const { role, bind, can } = cluster()
    const me = sa('default', 'default')
    expect(can(me, 'get', 'secrets', 'default')).toBe(false)
    role('secret-reader', 'default', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }])
    bind(
      'RoleBinding',
      'read',
      'Role',
      'secret-reader',
      [{ kind: 'ServiceAccount', name: 'default', namespace: 'default' }],
      'default',
    )
    expect(can(me, 'get', 'secrets', 'default', 'db')).toBe(true)
    expect(can(me, 'list', 'secrets', 'default')).toBe(false)
    expect(can(me, 'get', 'secrets', 'kube-system', 'db')).toBe(false)
    expect(can(me, 'get', 'secrets', '', 'db')).toBe(false)
    // another service account in the same namespace is not named by the binding
    expect(can(sa('default', 'builder'), 'get', 'secrets', 'default')).toBe(false)
  })

  it('a ServiceAccount subject without a namespace means the binding’s namespace', () => {
    const { role, bind, can } = cluster()
    role('r', 'kube-system', [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }])
    bind('RoleBinding', 'b', 'Role', 'r', [{ kind: 'ServiceAccount', name: 'ci' }], 'kube-system')
    expect(can(sa('kube-system', 'ci'), 'list', 'pods', 'kube-system')).toBe(true)
    expect(can(sa('default', 'ci'), 'list', 'pods', 'kube-system')).toBe(false)
  })

  it('resourceNames limit a rule to the named objects (and never match a list)', () => {
    const { role, bind, can } = cluster()
    role('one-secret', 'default', [
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['db'], verbs: ['get', 'list'] },
    ])
    bind('RoleBinding', 'b', 'Role', 'one-secret', [{ kind: 'User', name: 'alice' }], 'default')
    expect(can(alice, 'get', 'secrets', 'default', 'db')).toBe(true)
    expect(can(alice, 'get', 'secrets', 'default', 'api-key')).toBe(false)
    expect(can(alice, 'list', 'secrets', 'default')).toBe(false)
  })

  it('groups: system:serviceaccounts:<ns> and system:authenticated subjects', () => {
    const { bind, can } = cluster()
    bind('ClusterRoleBinding', 'all-sa-view', 'ClusterRole', 'view', [
      { kind: 'Group', name: 'system:serviceaccounts:ci', apiGroup: 'rbac.authorization.k8s.io' },
    ])
    expect(can(sa('ci', 'x'), 'list', 'pods', 'default')).toBe(true)
    expect(can(sa('ci', 'x'), 'list', 'pods', '')).toBe(true)
    expect(can(sa('dev', 'x'), 'list', 'pods', 'default')).toBe(false)
  })

  it('matches wildcards, subresources and non-resource URLs as rbac/v1 helpers do', () => {
    const base = { user: alice, apiGroup: '', namespace: 'default' }
    const allow = (rule: object, a: Partial<RequestAttributes>) =>
      ruleAllows({ ...base, verb: 'get', ...a } as RequestAttributes, rule as never)
    expect(allow({ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { resource: 'x' })).toBe(
      true,
    )
    expect(
      allow(
        { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
        { resource: 'pods', subresource: 'log' },
      ),
    ).toBe(false)
    expect(
      allow(
        { apiGroups: [''], resources: ['*/log'], verbs: ['get'] },
        { resource: 'pods', subresource: 'log' },
      ),
    ).toBe(true)
    expect(
      allow({ apiGroups: ['apps'], resources: ['pods'], verbs: ['get'] }, { resource: 'pods' }),
    ).toBe(false)
    const url = { nonResourceURLs: ['/healthz', '/apis/*'], verbs: ['get'] }
    expect(allow(url, { path: '/healthz' })).toBe(true)
    expect(allow(url, { path: '/apis/apps/v1' })).toBe(true)
    expect(allow(url, { path: '/api' })).toBe(false)
    expect(allow(url, { path: '/healthz', resource: 'pods' })).toBe(false)
  })

  it('reports bindings to missing roles as the reason, and still says no', () => {
    const { sim, bind } = cluster()
    bind('RoleBinding', 'dangling', 'Role', 'nope', [{ kind: 'User', name: 'alice' }], 'default')
    const d = authorize(sim.state, {
      user: alice,
      verb: 'get',
      apiGroup: '',
      resource: 'pods',
      namespace: 'default',
    })
    expect(d).toEqual({
      allowed: false,
      reason: 'RBAC: role.rbac.authorization.k8s.io "nope" not found',
    })
  })
})

describe('the cluster creator and impersonation', () => {
  it('the creator is allowed everything by the EKS access policy, not by a ClusterRoleBinding', () => {
    const { sim, can } = cluster()
    const me = clusterCreator(sim.state.aws)
    expect(me.groups).toEqual(['system:authenticated'])
    expect(can(me, 'get', 'secrets', 'kube-system')).toBe(true)
    expect(can(me, 'delete', 'nodes', '')).toBe(true)
    expect(authorize(sim.state, { user: me, verb: 'get', path: '/metrics' }).allowed).toBe(true)
    // nothing in RBAC names the creator
    for (const b of Object.values(sim.state.etcd.buckets['clusterrolebindings'] ?? {}))
      expect(JSON.stringify(b.value)).not.toContain(me.name)
  })

  it('impersonating a service account gives its groups and system:authenticated', () => {
    const { sim } = cluster()
    const me = clusterCreator(sim.state.aws)
    expect(impersonate(sim.state, me, 'system:serviceaccount:default:default', [])).toEqual({
      name: 'system:serviceaccount:default:default',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
    })
    expect(impersonate(sim.state, me, 'bob', ['devs'])).toEqual({
      name: 'bob',
      groups: ['devs', 'system:authenticated'],
    })
  })

  it('impersonation needs the impersonate verb', () => {
    const { sim } = cluster()
    const r = impersonate(sim.state, alice, 'bob', [])
    expect(r).toBeInstanceOf(ApiError)
    expect((r as ApiError).message).toBe(
      'users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope',
    )
  })
})

describe('Forbidden messages (responsewriters.forbiddenMessage + apierrors.NewForbidden)', () => {
  const me = sa('default', 'default')
  it.each([
    [
      { verb: 'list', apiGroup: '', resource: 'secrets', namespace: 'default' },
      'secrets is forbidden: User "system:serviceaccount:default:default" cannot list resource "secrets" in API group "" in the namespace "default"',
    ],
    [
      { verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'default', name: 'db' },
      'secrets "db" is forbidden: User "system:serviceaccount:default:default" cannot get resource "secrets" in API group "" in the namespace "default"',
    ],
    [
      { verb: 'watch', apiGroup: '', resource: 'secrets', namespace: '' },
      'secrets is forbidden: User "system:serviceaccount:default:default" cannot watch resource "secrets" in API group "" at the cluster scope',
    ],
    [
      { verb: 'create', apiGroup: 'apps', resource: 'deployments', namespace: 'default' },
      'deployments.apps is forbidden: User "system:serviceaccount:default:default" cannot create resource "deployments" in API group "apps" in the namespace "default"',
    ],
    [
      {
        verb: 'get',
        apiGroup: '',
        resource: 'pods',
        subresource: 'log',
        namespace: 'default',
        name: 'web',
      },
      'pods "web" is forbidden: User "system:serviceaccount:default:default" cannot get resource "pods/log" in API group "" in the namespace "default"',
    ],
    [
      { verb: 'get', path: '/metrics' },
      'forbidden: User "system:serviceaccount:default:default" cannot get path "/metrics"',
    ],
  ])('%o', (a, message) => {
    const e = forbidden({ user: me, ...a })
    expect(e.reason).toBe('Forbidden')
    expect(e.code).toBe(403)
    expect(e.message).toBe(message)
  })
})
