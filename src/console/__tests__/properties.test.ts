import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { listObjects, type ClusterState } from '../../engine/index.ts'
import { session } from './helpers.ts'

// Invariants that must hold whatever a learner types (STYLE.md 17, issue "Foundation 1/2" §4).

const names = ['web', 'api', 'bb', 'Bad_Name', 'kube-dns', 'nosuch']
const images = ['nginx', 'nginx:1.27', 'busybox', 'curlimages/curl', 'nginxx']
const arbCommand = fc.oneof(
  fc
    .tuple(fc.constantFrom(...names), fc.constantFrom(...images), fc.integer({ min: -1, max: 8 }))
    .map(([n, i, r]) => `kubectl create deployment ${n} --image=${i} --replicas=${r}`),
  fc
    .tuple(fc.constantFrom(...names), fc.integer({ min: -1, max: 12 }))
    .map(([n, r]) => `kubectl scale deployment ${n} --replicas=${r}`),
  fc.constantFrom(...names).map((n) => `kubectl delete deployment ${n}`),
  fc.constantFrom(...names).map((n) => `kubectl create namespace ${n.toLowerCase()}`),
  fc.constantFrom(...names).map((n) => `kubectl delete namespace ${n.toLowerCase()}`),
  fc.constantFrom(...names).map((n) => `kubectl expose deployment ${n} --port=80`),
  fc.constantFrom(...names).map((n) => `kubectl rollout restart deployment/${n}`),
  fc.integer({ min: 0, max: 90 }).map((s) => `sleep ${s}`),
  fc.constantFrom(
    'kubectl get pods -A -o wide',
    'kubectl get all',
    'kubectl get events',
    'kubectl delete pods --all',
    'kubectl get pods -o jsonpath={.items[*].status.podIP}',
    'kubectl get nope',
    'kubectl get pods --bogus',
    'kubectl apply -f - <<EOF\nnot: [valid\nEOF',
    'kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: solo\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: ["sh", "-c", "sleep 5"]\nEOF',
    'kubectl wait --for=condition=Ready pods --all --timeout=5s',
    'kubectl describe pods',
    'frobnicate --now',
    "echo 'unterminated",
    'kubectl create deployment',
    '',
  ),
  // RBAC: roles and bindings, and any of the above as someone else (--as): a 403 changes nothing
  fc
    .tuple(
      fc.constantFrom(...names),
      fc.constantFrom('get,list', 'get', '*', 'frob', ''),
      fc.constantFrom('secrets', 'pods', 'deployments.apps', 'nope', ''),
    )
    .map(([n, v, r]) => `kubectl create role ${n.toLowerCase()} --verb=${v} --resource=${r}`),
  fc
    .tuple(
      fc.constantFrom(...names),
      fc.constantFrom('--role=web', '--clusterrole=view', '--clusterrole=edit', ''),
      fc.constantFrom(
        '--serviceaccount=default:default',
        '--user=alice',
        '--group=devs',
        '--serviceaccount=x',
      ),
    )
    .map(([n, ref, who]) => `kubectl create rolebinding ${n.toLowerCase()} ${ref} ${who}`),
  fc
    .tuple(
      fc.constantFrom(
        'kubectl create deployment web --image=nginx',
        'kubectl delete deployment web',
        'kubectl scale deployment web --replicas=2',
        'kubectl delete pods --all',
        'kubectl get secrets',
        'kubectl create role r --verb=get --resource=secrets',
        'kubectl auth can-i get secrets',
        'kubectl auth can-i --list',
        'kubectl auth whoami',
      ),
      fc.constantFrom(
        '--as=system:serviceaccount:default:default',
        '--as=alice',
        '--as=dana --as-group=devs',
        '--as-group=devs',
        '',
      ),
    )
    .map(([cmd, as]) => `${cmd} ${as}`),
  // arbitrary junk, including shell metacharacters
  fc.string({ maxLength: 40 }),
)

function checkInvariants(s: ClusterState): void {
  const pods = listObjects(s, 'Pod')
  // no two pods share an IP, except hostNetwork pods which use their node's
  const seen = new Map<string, string>()
  for (const p of pods) {
    const ip = p.status.podIP
    if (!ip || p.spec.hostNetwork) continue
    expect(seen.get(ip), `IP ${ip} given to ${seen.get(ip)} and ${p.metadata.name}`).toBeUndefined()
    seen.set(ip, p.metadata.name)
  }
  // EC2 never hands out one private address twice, and the address book agrees with what pods hold
  for (const [ip] of seen) expect(s.aws.addresses[ip]).toBeDefined()
  for (const p of pods) {
    if (p.status.phase === 'Running') {
      const node = listObjects(s, 'Node').find((n) => n.metadata.name === p.spec.nodeName)
      expect(
        node?.status.conditions.find((c) => c.type === 'Ready')?.status,
        `${p.metadata.name} runs on a Ready node`,
      ).toBe('True')
    }
    if (p.spec.nodeName)
      expect(
        s.nodes[p.spec.nodeName],
        `${p.metadata.name} is bound to a node that exists`,
      ).toBeDefined()
  }
  // no node runs more pods than its max pods
  const perNode = new Map<string, number>()
  for (const p of pods)
    if (p.spec.nodeName) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1)
  for (const n of listObjects(s, 'Node'))
    expect(perNode.get(n.metadata.name) ?? 0).toBeLessThanOrEqual(Number(n.status.allocatable.pods))
  // resourceVersions never run ahead of etcd's revision
  for (const b of Object.values(s.etcd.buckets))
    for (const e of Object.values(b)) expect(e.modRevision).toBeLessThanOrEqual(s.etcd.revision)
}

describe('properties of any command sequence', () => {
  it('never throws, never shows a stack trace, and failed commands change nothing', () => {
    fc.assert(
      fc.property(
        fc.array(arbCommand, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 1000 }),
        (commands, seed) => {
          const c = session(seed)
          for (const cmd of commands) {
            const before = c.sim.state
            const r = c.run(cmd)
            for (const l of r.lines) {
              expect(l.text).not.toMatch(
                /internal simulation error|TypeError|ReferenceError|at \S+ \(/,
              )
            }
            const readOnly = /^(kubectl (get|describe|auth)|echo|frobnicate|$)/.test(cmd.trim())
            // a request the authorizer refused never ran, whatever the command (delete included)
            if (r.lines.some((l) => /^Error from server \(Forbidden\): .* cannot /.test(l.text)))
              expect(c.sim.state, `forbidden "${cmd}" changed the state`).toBe(before)
            if (r.exitCode !== 0 && !/^(kubectl (delete|wait)|sleep)/.test(cmd.trim()))
              expect(c.sim.state, `failed "${cmd}" changed the state`).toBe(before)
            // reads never change the cluster, whether they succeed or not
            if (readOnly) expect(c.sim.state, `"${cmd}" is a read`).toBe(before)
            checkInvariants(c.sim.state)
          }
        },
      ),
      { numRuns: 40 },
    )
  })

  it('is deterministic: the same seed and commands give the same bytes', () => {
    fc.assert(
      fc.property(
        fc.array(arbCommand, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 1000 }),
        (commands, seed) => {
          const run = () => {
            const c = session(seed)
            return JSON.stringify([commands.map((cmd) => c.run(cmd).lines), c.sim.state])
          }
          expect(run()).toBe(run())
        },
      ),
      { numRuns: 10 },
    )
  })
})
