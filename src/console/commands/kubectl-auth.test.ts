import { describe, expect, it } from 'vitest'
import { getObject } from '../../engine/index.ts'
import { session } from '../__tests__/helpers.ts'
import { policyRuleRows } from '../format/rbac.ts'

// "Who can read a Secret?": kubectl auth can-i / whoami, --as impersonation on every request, the
// real Forbidden messages, kubectl create role|rolebinding|clusterrole|clusterrolebinding, and the
// RBAC printers (golden files checked against kubectl's printers.go / describe.go layouts).

const SA = '--as=system:serviceaccount:default:default'

function boot() {
  const c = session(7)
  const run = (cmd: string) => {
    const r = c.run(cmd)
    return {
      ...r,
      text: r.lines.map((l) => l.text).join('\n'),
      stdout: r.lines.filter((l) => l.tone !== 'err' && l.tone !== 'warn').map((l) => l.text),
      stderr: r.lines.filter((l) => l.tone === 'err' || l.tone === 'warn').map((l) => l.text),
    }
  }
  return { c, run }
}

const ROLE_YAML = `kubectl apply -f - <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: secret-reader
  namespace: default
rules:
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: read-secrets
  namespace: default
subjects:
- kind: ServiceAccount
  name: default
  namespace: default
roleRef:
  kind: Role
  name: secret-reader
  apiGroup: rbac.authorization.k8s.io
EOF`

describe('kubectl auth can-i', () => {
  it('prints yes/no with exit codes 0/1', () => {
    const { run } = boot()
    expect(run('kubectl auth can-i get secrets')).toMatchObject({ text: 'yes', exitCode: 0 })
    expect(run(`kubectl auth can-i get secrets ${SA}`)).toMatchObject({ text: 'no', exitCode: 1 })
    expect(run(`kubectl auth can-i list pods ${SA}`)).toMatchObject({ text: 'no', exitCode: 1 })
    // every authenticated user may read the discovery endpoints
    expect(run(`kubectl auth can-i get /healthz ${SA}`)).toMatchObject({ text: 'yes', exitCode: 0 })
    expect(run(`kubectl auth can-i get /metrics ${SA}`).exitCode).toBe(1)
    expect(run(`kubectl auth can-i get secrets -q ${SA}`)).toMatchObject({ text: '', exitCode: 1 })
    expect(run('kubectl auth can-i get secrets -q')).toMatchObject({ text: '', exitCode: 0 })
  })

  it('a Role and RoleBinding applied with kubectl apply let the service account read Secrets in its namespace only', () => {
    const { run } = boot()
    expect(run(ROLE_YAML).stdout).toEqual([
      'role.rbac.authorization.k8s.io/secret-reader created',
      'rolebinding.rbac.authorization.k8s.io/read-secrets created',
    ])
    expect(run(`kubectl auth can-i get secrets ${SA}`).text).toBe('yes')
    expect(run(`kubectl auth can-i get secrets/db ${SA}`).text).toBe('yes')
    expect(run(`kubectl auth can-i delete secrets ${SA}`).text).toBe('no')
    expect(run(`kubectl auth can-i get secrets -n kube-system ${SA}`).text).toBe('no')
    expect(run(`kubectl auth can-i get secrets -A ${SA}`).text).toBe('no')
    expect(
      run(`kubectl auth can-i get secrets --as=system:serviceaccount:kube-system:default`).text,
    ).toBe('no')
  })

  it('says why when a binding points at a missing role', () => {
    const { run } = boot()
    run('kubectl create rolebinding dangling --role=nope --user=alice')
    expect(run('kubectl auth can-i get pods --as=alice').text).toBe(
      'no - RBAC: role.rbac.authorization.k8s.io "nope" not found',
    )
  })

  it('warns as kubectl does about cluster-scoped and unknown resources and unknown verbs', () => {
    const { run } = boot()
    const nodes = run('kubectl auth can-i list nodes')
    expect(nodes.stderr).toEqual(["Warning: resource 'nodes' is not namespace scoped", ''])
    expect(nodes.stdout).toEqual(['yes'])
    expect(run('kubectl auth can-i list nodes -A').stderr).toEqual([])
    expect(run('kubectl auth can-i get clusterroles').stderr[0]).toBe(
      "Warning: resource 'clusterroles' is not namespace scoped in group 'rbac.authorization.k8s.io'",
    )
    expect(run(`kubectl auth can-i get widgets ${SA}`)).toMatchObject({
      stderr: ["Warning: the server doesn't have a resource type 'widgets'", ''],
      stdout: ['no'],
    })
    expect(run('kubectl auth can-i frob pods').stderr[0]).toBe(
      "Warning: verb 'frob' is not a known verb",
    )
    // Validate() skips the scope and verb checks with -A; approve, sign, escalate, attest are known
    expect(run('kubectl auth can-i frob pods -A').stderr).toEqual([])
    for (const v of ['approve', 'sign', 'escalate', 'attest'])
      expect(run(`kubectl auth can-i ${v} pods`).stderr).toEqual([])
  })

  it('rejects bad arguments as kubectl does', () => {
    const { run } = boot()
    expect(run('kubectl auth can-i get')).toMatchObject({
      exitCode: 1,
      stderr: [
        'error: you must specify two arguments: verb resource or verb resource/resourceName.',
        "See 'kubectl auth can-i -h' for help and examples.",
      ],
    })
    // wording of kubectl v1.32 (cani.go), checked against the binary
    expect(run('kubectl auth can-i --list -A').stderr).toEqual([
      "error: list option can't be specified with neither quiet, all-namespaces nor subresource options",
    ])
    expect(run('kubectl auth can-i --list get pods').stderr).toEqual([
      'error: list option must be specified with no arguments',
    ])
    expect(run('kubectl auth can-i get pods --no-headers').stderr).toEqual([
      'error: --no-headers cannot be set without --list specified',
    ])
    expect(run('kubectl auth can-i get /healthz --subresource=log').stderr).toEqual([
      'error: --subresource can not be used with NonResourceURL',
    ])
  })

  it('--list prints the rules table, with the webhook warning EKS gives', async () => {
    const { run } = boot()
    run(ROLE_YAML)
    const r = run(`kubectl auth can-i --list ${SA}`)
    expect(r.exitCode).toBe(0)
    expect(r.stderr).toEqual([
      'Warning: the list may be incomplete: webhook authorizer does not support user rule resolution',
    ])
    await expect(r.stdout.join('\n') + '\n').toMatchFileSnapshot('./__golden__/auth-can-i-list.txt')
  })
})

describe('the rules table (kubectl util/rbac BreakdownRule, CompactRules, SortableRuleSlice)', () => {
  it('keeps verbs in rule order, merges them without repeats, one URL row per verb (kubectl v1.32)', () => {
    // the same rules served to a real kubectl v1.32 by a fake API server printed exactly these rows
    const rules = [
      { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
      { verbs: ['list', 'get'], apiGroups: [''], resources: ['pods'] },
      { verbs: ['get', 'get'], apiGroups: [''], resources: ['secrets'] },
      { verbs: ['watch', 'get', 'list'], apiGroups: ['apps'], resources: ['deployments'] },
      { verbs: ['get', 'post'], nonResourceURLs: ['/healthz'] },
      { verbs: ['get'], nonResourceURLs: ['/healthz'] },
    ]
    expect(policyRuleRows(rules)).toEqual([
      'pods\t[]\t[]\t[get list]',
      '\t[/healthz]\t[]\t[get]',
      '\t[/healthz]\t[]\t[get]',
      'secrets\t[]\t[]\t[get]',
      '\t[/healthz]\t[]\t[post]',
      'deployments.apps\t[]\t[]\t[watch get list]',
    ])
  })
})

describe('kubectl auth', () => {
  it('alone prints the group help; an unknown subcommand is an error', () => {
    const { run } = boot()
    const r = run('kubectl auth')
    expect(r.exitCode).toBe(1)
    expect(r.stdout.slice(0, 5)).toEqual([
      'Inspect authorization.',
      '',
      'Available Commands:',
      '  can-i         Check whether an action is allowed',
      '  whoami        Experimental: Check self subject attributes',
    ])
    expect(run('kubectl auth frob').stderr).toEqual([
      'error: unknown command "frob"',
      "See 'kubectl auth -h' for help and examples",
    ])
  })
})

describe('kubectl auth whoami', () => {
  it('shows the IAM identity EKS maps the cluster creator to, and impersonated users', async () => {
    const { run } = boot()
    const me = run('kubectl auth whoami')
    await expect(me.text + '\n').toMatchFileSnapshot('./__golden__/auth-whoami.txt')
    expect(me.stdout[1]).toMatch(/^Username {4,}arn:aws:iam::\d{12}:user\/learner$/)
    expect(me.stdout[3]).toMatch(/^Groups {4,}\[system:authenticated\]$/)
    // the same IAM principal `aws sts get-caller-identity` reports
    const sts = JSON.parse(run('aws sts get-caller-identity').text)
    expect(me.stdout[1]).toContain(sts.Arn)
    expect(me.text).toContain(
      `Extra: principalId                                     [${sts.UserId}]`,
    )
    expect(run(`kubectl auth whoami ${SA}`).stdout).toEqual([
      'ATTRIBUTE   VALUE',
      'Username    system:serviceaccount:default:default',
      'Groups      [system:serviceaccounts system:serviceaccounts:default system:authenticated]',
    ])
    expect(run('kubectl auth whoami --as=bob --as-group=devs').stdout[2]).toBe(
      'Groups      [devs system:authenticated]',
    )
    const yaml = run('kubectl auth whoami -o yaml').stdout
    expect(yaml.slice(0, 3)).toEqual([
      'apiVersion: authentication.k8s.io/v1',
      'kind: SelfSubjectReview',
      'metadata:',
    ])
    expect(JSON.parse(run(`kubectl auth whoami -o json ${SA}`).text).status.userInfo.username).toBe(
      'system:serviceaccount:default:default',
    )
    // -o json in the Go structs' field order (kubectl v1.32)
    const json = run('kubectl auth whoami -o json').stdout
    expect(json.slice(0, 3)).toEqual([
      '{',
      '    "kind": "SelfSubjectReview",',
      '    "apiVersion": "authentication.k8s.io/v1",',
    ])
    expect(Object.keys(JSON.parse(json.join('\n')).status.userInfo)).toEqual([
      'username',
      'uid',
      'groups',
      'extra',
    ])
  })

  it('--as-group needs --as', () => {
    const { run } = boot()
    expect(run('kubectl get pods --as-group=devs')).toMatchObject({
      exitCode: 1,
      // client-side, naming the kubeconfig user (the cluster ARN): kubectl v1.32 against a fake server
      text: expect.stringMatching(
        /^error: requesting uid, groups or user-extra for arn:aws:eks:[a-z0-9-]+:\d{12}:cluster\/[\w-]+ without impersonating a user$/,
      ),
    })
  })
})

describe('--as: every kubectl request is authorized as the impersonated user', () => {
  it('denies with the API server’s Forbidden message and changes nothing', () => {
    const { c, run } = boot()
    run('kubectl create deployment web --image=nginx')
    const cases: [string, string][] = [
      [
        `kubectl get secrets ${SA}`,
        'Error from server (Forbidden): secrets is forbidden: User "system:serviceaccount:default:default" cannot list resource "secrets" in API group "" in the namespace "default"',
      ],
      [
        `kubectl get secret db ${SA}`,
        'Error from server (Forbidden): secrets "db" is forbidden: User "system:serviceaccount:default:default" cannot get resource "secrets" in API group "" in the namespace "default"',
      ],
      [
        `kubectl get secrets -A ${SA}`,
        'Error from server (Forbidden): secrets is forbidden: User "system:serviceaccount:default:default" cannot list resource "secrets" in API group "" at the cluster scope',
      ],
      [
        `kubectl get nodes ${SA}`,
        'Error from server (Forbidden): nodes is forbidden: User "system:serviceaccount:default:default" cannot list resource "nodes" in API group "" at the cluster scope',
      ],
      [
        `kubectl create deployment api --image=nginx ${SA}`,
        'Error from server (Forbidden): deployments.apps is forbidden: User "system:serviceaccount:default:default" cannot create resource "deployments" in API group "apps" in the namespace "default"',
      ],
      [
        `kubectl delete deployment web ${SA}`,
        'Error from server (Forbidden): deployments.apps "web" is forbidden: User "system:serviceaccount:default:default" cannot delete resource "deployments" in API group "apps" in the namespace "default"',
      ],
      [
        `kubectl scale deployment web --replicas=3 ${SA}`,
        // kubectl scale's builder GETs the object before it PATCHes the scale subresource
        'Error from server (Forbidden): deployments.apps "web" is forbidden: User "system:serviceaccount:default:default" cannot get resource "deployments" in API group "apps" in the namespace "default"',
      ],
      [
        `kubectl delete pods --all ${SA}`,
        'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:default:default" cannot list resource "pods" in API group "" in the namespace "default"',
      ],
      [
        `kubectl create role r --verb=get --resource=secrets ${SA}`,
        'Error from server (Forbidden): roles.rbac.authorization.k8s.io is forbidden: User "system:serviceaccount:default:default" cannot create resource "roles" in API group "rbac.authorization.k8s.io" in the namespace "default"',
      ],
      [
        `kubectl logs web-123 ${SA}`,
        // kubectl logs GETs the pod first (logs.go builder), then pods/log
        'Error from server (Forbidden): pods "web-123" is forbidden: User "system:serviceaccount:default:default" cannot get resource "pods" in API group "" in the namespace "default"',
      ],
    ]
    for (const [cmd, line] of cases) {
      const before = c.sim.state
      const r = run(cmd)
      expect(r.text, cmd).toBe(line)
      expect(r.exitCode, cmd).toBe(1)
      expect(c.sim.state, `${cmd} changed nothing`).toBe(before)
    }
  })

  it('names the subresource when only the second request is refused (pods/log, pods/exec, deployments/scale)', () => {
    const { run } = boot()
    run('kubectl create deployment web --image=nginx')
    run('kubectl create role reader --verb=get,list --resource=pods,deployments.apps')
    run('kubectl create rolebinding readers --role=reader --user=rita')
    const pod = run("kubectl get pods -l app=web -o jsonpath='{.items[0].metadata.name}'").text
    const who = 'User "rita"'
    expect(run(`kubectl logs ${pod} --as=rita`).text).toBe(
      `Error from server (Forbidden): pods "${pod}" is forbidden: ${who} cannot get resource "pods/log" in API group "" in the namespace "default"`,
    )
    expect(run('kubectl exec deploy/web --as=rita -- ls').text).toBe(
      `Error from server (Forbidden): pods "${pod}" is forbidden: ${who} cannot create resource "pods/exec" in API group "" in the namespace "default"`,
    )
    expect(run('kubectl scale deployment web --replicas=2 --as=rita').text).toBe(
      `Error from server (Forbidden): deployments.apps "web" is forbidden: ${who} cannot patch resource "deployments/scale" in API group "apps" in the namespace "default"`,
    )
  })

  it('takes --as before the subcommand too', () => {
    const { run } = boot()
    expect(run('kubectl --as system:serviceaccount:default:default get secrets').text).toMatch(
      /^Error from server \(Forbidden\): secrets is forbidden: /,
    )
    expect(run('kubectl --as=alice --as-group devs auth whoami').stdout[2]).toBe(
      'Groups      [devs system:authenticated]',
    )
  })

  it('reports every refused request of a command (kubectl get all)', () => {
    const { run } = boot()
    const r = run(`kubectl get all ${SA}`)
    expect(r.exitCode).toBe(1)
    expect(r.stderr.map((l) => l.replace(/ is forbidden: .*/, ''))).toEqual([
      'Error from server (Forbidden): pods',
      'Error from server (Forbidden): services',
      'Error from server (Forbidden): daemonsets.apps',
      'Error from server (Forbidden): deployments.apps',
      'Error from server (Forbidden): replicasets.apps',
    ])
  })

  it('allows what the bindings allow: view reads but cannot read Secrets; edit can', () => {
    const { c, run } = boot()
    run('kubectl create deployment web --image=nginx')
    run('kubectl create rolebinding viewers --clusterrole=view --group=devs')
    const asDev = '--as=dana --as-group=devs'
    expect(run(`kubectl get deployments ${asDev}`).stdout[0]).toMatch(/^NAME +READY/)
    expect(run(`kubectl get secrets ${asDev}`).text).toBe(
      'Error from server (Forbidden): secrets is forbidden: User "dana" cannot list resource "secrets" in API group "" in the namespace "default"',
    )
    run('kubectl create rolebinding editors --clusterrole=edit --user=erin')
    expect(run('kubectl get secrets --as=erin').exitCode).toBe(0)
    expect(run('kubectl create deployment api --image=nginx --as=erin').text).toBe(
      'deployment.apps/api created',
    )
    expect(run('kubectl delete deployment api --as=erin').exitCode).toBe(0)
    expect(getObject(c.sim.state, 'Deployment', 'default', 'api')).toBeUndefined()
    // edit does not include RBAC: no privilege escalation through a RoleBinding
    expect(
      run('kubectl create rolebinding sneaky --clusterrole=admin --user=erin --as=erin').exitCode,
    ).toBe(1)
  })

  it('apply needs get and then create (or patch), and says which step was refused', () => {
    const { c, run } = boot()
    const before = c.sim.state
    const who = 'User "system:serviceaccount:default:default"'
    expect(run(ROLE_YAML.replace('kubectl apply -f -', `kubectl apply -f - ${SA}`)).stderr).toEqual(
      [
        'Error from server (Forbidden): error when retrieving current configuration of:',
        'Resource: "rbac.authorization.k8s.io/v1, Resource=roles", GroupVersionKind: "rbac.authorization.k8s.io/v1, Kind=Role"',
        'Name: "secret-reader", Namespace: "default"',
        `from server for: "STDIN": roles.rbac.authorization.k8s.io "secret-reader" is forbidden: ${who} cannot get resource "roles" in API group "rbac.authorization.k8s.io" in the namespace "default"`,
        'Error from server (Forbidden): error when retrieving current configuration of:',
        'Resource: "rbac.authorization.k8s.io/v1, Resource=rolebindings", GroupVersionKind: "rbac.authorization.k8s.io/v1, Kind=RoleBinding"',
        'Name: "read-secrets", Namespace: "default"',
        `from server for: "STDIN": rolebindings.rbac.authorization.k8s.io "read-secrets" is forbidden: ${who} cannot get resource "rolebindings" in API group "rbac.authorization.k8s.io" in the namespace "default"`,
      ],
    )
    expect(c.sim.state).toBe(before)
    // view may GET roles? no, but it may GET pods: the refusal is then the POST
    run('kubectl create rolebinding viewer --clusterrole=view --user=vic')
    const pod = `kubectl apply -f - --as=vic <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: solo
spec:
  containers:
  - name: c
    image: busybox
EOF`
    expect(run(pod).stderr).toEqual([
      'Error from server (Forbidden): error when creating "STDIN": pods is forbidden: User "vic" cannot create resource "pods" in API group "" in the namespace "default"',
    ])
  })
})

describe('kubectl create role / rolebinding / clusterrole / clusterrolebinding', () => {
  it('builds the objects kubectl builds (YAML keys sorted, as kubectl prints them)', () => {
    const { run } = boot()
    expect(
      run(
        'kubectl create role pod-reader --verb=get,list,watch --resource=pods,deployments.apps --resource-name=web --dry-run=client -o yaml',
      ).stdout,
    ).toEqual([
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: Role',
      'metadata:',
      '  creationTimestamp: null',
      // no namespace without -n: the generators set it only when -n is given (kubectl v1.32)
      '  name: pod-reader',
      'rules:',
      '- apiGroups:',
      '  - ""',
      '  resourceNames:',
      '  - web',
      '  resources:',
      '  - pods',
      '  verbs:',
      '  - get',
      '  - list',
      '  - watch',
      '- apiGroups:',
      '  - apps',
      '  resourceNames:',
      '  - web',
      '  resources:',
      '  - deployments',
      '  verbs:',
      '  - get',
      '  - list',
      '  - watch',
    ])
    expect(
      run(
        'kubectl create rolebinding rb --clusterrole=view --user=alice --group=devs --serviceaccount=ci:builder -o yaml --dry-run=client',
      ).stdout,
    ).toEqual([
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: RoleBinding',
      'metadata:',
      '  creationTimestamp: null',
      '  name: rb',
      'roleRef:',
      '  apiGroup: rbac.authorization.k8s.io',
      '  kind: ClusterRole',
      '  name: view',
      'subjects:',
      '- apiGroup: rbac.authorization.k8s.io',
      '  kind: User',
      '  name: alice',
      '- apiGroup: rbac.authorization.k8s.io',
      '  kind: Group',
      '  name: devs',
      '- kind: ServiceAccount',
      '  name: builder',
      '  namespace: ci',
    ])
    expect(
      run('kubectl create role r -n default --verb=get --resource=pods --dry-run=client -o yaml')
        .stdout[5],
    ).toBe('  namespace: default')
    // a bare `*` keeps the core group; --resource-name with URLs alone is ignored (kubectl v1.32)
    expect(
      run(
        "kubectl create role all --verb='*' --resource='*' --dry-run=client -o yaml",
      ).stdout.slice(5, 8),
    ).toEqual(['rules:', '- apiGroups:', '  - ""'])
    expect(
      run(
        'kubectl create clusterrole logs --verb=get --non-resource-url=/logs --resource-name=x --dry-run=client -o yaml',
      ).stdout.slice(5),
    ).toEqual(['rules:', '- nonResourceURLs:', '  - /logs', '  verbs:', '  - get'])
    expect(run('kubectl create clusterrole secret-reader --verb=get --resource=secrets').text).toBe(
      'clusterrole.rbac.authorization.k8s.io/secret-reader created',
    )
    expect(
      run('kubectl create clusterrolebinding read-all --clusterrole=secret-reader --group=auditors')
        .text,
    ).toBe('clusterrolebinding.rbac.authorization.k8s.io/read-all created')
    expect(run('kubectl auth can-i get secrets -A --as=zoe --as-group=auditors').text).toBe('yes')
    expect(
      run('kubectl create clusterrole healthz --verb=get --non-resource-url=/healthz').exitCode,
    ).toBe(0)
  })

  it('rejects what kubectl rejects', () => {
    const { run } = boot()
    const cases: [string, string][] = [
      ['kubectl create role r --resource=pods', 'error: at least one verb must be specified'],
      ['kubectl create role r --verb=get', 'error: at least one resource must be specified'],
      [
        'kubectl create role r --verb=get --resource=widgets',
        // bare, without `error: ` (kubectl v1.32)
        `the server doesn't have a resource type "widgets"`,
      ],
      [
        'kubectl create role r --verb=bind --resource=pods',
        "error: can not perform 'bind' on 'pods' in group ''",
      ],
      [
        'kubectl create rolebinding b --user=a',
        'error: exactly one of clusterrole or role must be specified',
      ],
      [
        'kubectl create rolebinding b --role=r --clusterrole=c',
        'error: exactly one of clusterrole or role must be specified',
      ],
      [
        'kubectl create rolebinding b --role=r --serviceaccount=ci',
        'error: serviceaccount must be <namespace>:<name>',
      ],
      [
        'kubectl create clusterrolebinding b --user=a',
        'error: required flag(s) "clusterrole" not set',
      ],
      [
        'kubectl create clusterrole c --verb=get',
        'error: one of resource or nonResourceURL must be specified',
      ],
      [
        'kubectl create clusterrole c --verb=list --non-resource-url=/healthz',
        "error: invalid verb: 'list' for nonResourceURL",
      ],
      [
        'kubectl create clusterrole c --verb=get --non-resource-url=healthz',
        'error: nonResourceURL should start with /',
      ],
    ]
    for (const [cmd, line] of cases) expect(run(cmd).stderr, cmd).toEqual([line])
    expect(run('kubectl create role').stderr).toEqual([
      'error: exactly one NAME is required, got 0',
      "See 'kubectl create role -h' for help and examples",
    ])
    const warn = run('kubectl create role r --verb=frob --resource=pods')
    expect(warn.stderr).toEqual(["Warning: 'frob' is not a standard resource verb"])
    expect(warn.stdout).toEqual(['role.rbac.authorization.k8s.io/r created'])
    expect(run('kubectl create role r --verb=get --resource=pods').text).toBe(
      'Error from server (AlreadyExists): roles.rbac.authorization.k8s.io "r" already exists',
    )
  })
})

describe('API server validation of RBAC objects', () => {
  it('rejects rules without verbs and bindings whose roleRef changes', () => {
    const { c, run } = boot()
    const noVerbs = run(`kubectl apply -f - <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: r
rules:
- apiGroups: [""]
  resources: ["secrets"]
EOF`)
    expect(noVerbs.stderr).toEqual([
      'The Role "r" is invalid: rules[0].verbs: Required value: verbs must contain at least one value',
    ])
    const binding = (role: string) => `kubectl apply -f - <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: b
roleRef:
  kind: Role
  name: ${role}
subjects:
- kind: User
  name: alice
EOF`
    expect(run(binding('one')).stdout).toEqual(['rolebinding.rbac.authorization.k8s.io/b created'])
    // roleRef.apiGroup and the User subject's apiGroup are defaulted
    const b = getObject(c.sim.state, 'RoleBinding', 'default', 'b')!
    expect(b.roleRef.apiGroup).toBe('rbac.authorization.k8s.io')
    expect(b.subjects![0]!.apiGroup).toBe('rbac.authorization.k8s.io')
    expect(run(binding('two')).stderr).toEqual([
      'The RoleBinding "b" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"two"}: cannot change roleRef',
    ])
  })

  it('deleting a namespace deletes its Roles and RoleBindings', () => {
    const { c, run } = boot()
    run('kubectl create namespace team')
    run('kubectl create role r --verb=get --resource=pods -n team')
    run('kubectl create rolebinding b --role=r --user=alice -n team')
    run('kubectl delete namespace team')
    run('sleep 30')
    expect(getObject(c.sim.state, 'Role', 'team', 'r')).toBeUndefined()
    expect(getObject(c.sim.state, 'RoleBinding', 'team', 'b')).toBeUndefined()
  })
})

describe('RBAC printers', () => {
  it('get and describe roles, cluster roles and bindings', async () => {
    const { run } = boot()
    run('kubectl create role secret-reader --verb=get,list --resource=secrets --resource-name=db')
    run(
      'kubectl create rolebinding read-secrets --role=secret-reader --serviceaccount=default:default --user=alice',
    )
    const out = [
      'kubectl get clusterroles',
      'kubectl get clusterrolebindings -o wide',
      'kubectl get roles -A',
      'kubectl get rolebindings',
      'kubectl get rolebindings -o wide',
      'kubectl describe role secret-reader',
      'kubectl describe rolebinding read-secrets',
      'kubectl describe clusterrole edit',
      'kubectl describe clusterrolebinding cluster-admin',
    ].map((cmd) => `$ ${cmd}\n${run(cmd).text}\n`)
    await expect(out.join('')).toMatchFileSnapshot('./__golden__/rbac-get-describe.txt')
    expect(run('kubectl get roles').stdout[0]).toBe('NAME            CREATED AT')
    expect(run('kubectl get rolebindings').stdout[0]).toMatch(/^NAME +ROLE +AGE$/)
  })
})
