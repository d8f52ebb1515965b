import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { Console } from '../../console/session.ts'
import { findKubectl, twins, unshift, type Output } from './harness.ts'

// The real kubectl against our served API, compared with our console on a twin simulation (same
// seed, same commands). Where they differ, ours is wrong. Stated exceptions:
// - timestamps: responses are shifted so kubectl's own ages match simulated ages (timeshift.ts);
//   the test shifts printed timestamps back (`unshift`).
// - describe's Events "Age" column: kubectl computes it from the host clock, which does not follow
//   the simulated clock between requests; the column is masked.

const found = findKubectl()
const kubectl = 'path' in found ? found.path : undefined
if ('missing' in found) console.warn(`kubectl conformance tests skipped: ${found.missing}`)

const SEED = 7
const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
`

describe.skipIf(!kubectl)('real kubectl against the served API', () => {
  let t: Awaited<ReturnType<typeof twins>>
  beforeAll(async () => {
    t = await twins(SEED, kubectl!)
  })
  afterAll(() => t?.server.close())

  const norm = (o: Output) => ({
    stdout: unshift(o.stdout),
    stderr: unshift(o.stderr),
    code: o.code,
  })
  async function same(cmd: string, transform = (s: string) => s) {
    const args = cmd.split(' ').filter(Boolean)
    const real = norm(await t.real(args))
    const ours = t.ours(`kubectl ${cmd}`)
    expect({ cmd, ...ours, stdout: transform(ours.stdout) }).toEqual({
      cmd,
      ...real,
      stdout: transform(real.stdout),
    })
  }
  const both = async (cmd: string) => {
    const real = norm(await t.real(cmd.split(' ')))
    const ours = t.ours(`kubectl ${cmd}`)
    return { real, ours }
  }

  it('create -f: the same objects, the same message', async () => {
    const file = t.files('web.yaml', WEB)
    const real = await t.real(['create', '-f', file])
    // kubectl POSTs each document and the server settles after each: the twin does the same
    const docs = WEB.split('---\n')
    const ours = docs.map((d) => t.ours(`kubectl create -f - <<'EOF'\n${d}EOF`))
    expect(real).toEqual({
      stdout: ours.map((o) => o.stdout).join(''),
      stderr: ours.map((o) => o.stderr).join(''),
      code: 0,
    })
  })

  const GETS = [
    'nodes',
    'pods',
    'deployments',
    'services',
    'endpointslices',
    'namespaces',
    'events',
  ]
  const VARIANTS = ['', '-o wide', '-o yaml', '-o json', '-o name', '-A', '-A -o wide']
  for (const r of GETS)
    it(`get ${r} (table, wide, yaml, json, name, -A)`, async () => {
      await Promise.all(VARIANTS.map((v) => same(`get ${r} ${v}`)))
    })

  it('get with selectors, several types, show-labels, jsonpath, custom-columns', async () => {
    await Promise.all(
      [
        'get pods -l app=web',
        'get pods -A -l k8s-app=kube-dns -o wide',
        'get nodes -l kubernetes.io/os=linux',
        'get pods -l app=nothing',
        'get deployments -A -l app!=web',
        'get all',
        'get pods -A --show-labels',
        'get pods -A --field-selector=status.phase=Running',
        'get deployments -A -o jsonpath={.items[*].metadata.name}',
        'get svc -o custom-columns=NAME:.metadata.name,IP:.spec.clusterIP',
        'get daemonsets,replicasets -A -o wide',
        'get clusterroles,rolebindings,secrets,configmaps,serviceaccounts -A',
      ].map((c) => same(c)),
    )
  })

  it('get by name and the NotFound errors', async () => {
    await Promise.all(
      ['get deployment web', 'get svc web -o yaml', 'get pod nosuch', 'get nosuch'].map((c) =>
        same(c),
      ),
    )
  })

  // describe prints ages it computes from the host clock, which stays pinned while the simulated
  // clock moves on with every settle: ages are masked there (AGE columns of `get` are server-side)
  const maskAges = (s: string) =>
    s.replace(/(?<=\s{2})\d+(?:s|m|h|d|y)(?:\d+[smh])?(?=\s{2}|$)/gm, (age) =>
      '?'.repeat(age.length),
    )
  it('describe pod, node, service', async () => {
    const pod = t.ours('kubectl get pods -l app=web -o name').stdout.split('\n')[0]!
    const node = t.ours('kubectl get nodes -o name').stdout.split('\n')[0]!
    await Promise.all(
      [
        `describe ${pod}`,
        `describe ${node}`,
        'describe service web',
        'describe svc -n kube-system kube-dns',
      ].map((c) => same(c, maskAges)),
    )
  })

  it('auth can-i / whoami, --as impersonation and Forbidden, describe namespace', async () => {
    await Promise.all(
      [
        'auth can-i get pods',
        'auth can-i create secrets -n kube-system',
        'auth can-i get /healthz',
        'auth whoami',
        'auth whoami --as=jane',
        'auth can-i list nodes --as=system:serviceaccount:default:default',
        'get secrets --as=system:serviceaccount:default:default',
        'get pods -A --as=jane',
        'describe namespace default',
      ].map((c) => same(c)),
    )
  })

  it('logs (tail, timestamps, since, previous)', async () => {
    const pod = t
      .ours('kubectl get pods -n kube-system -o name -l k8s-app=kube-dns')
      .stdout.split('\n')[0]!
    const web = t.ours('kubectl get pods -l app=web -o name').stdout.split('\n')[0]!
    await Promise.all(
      [
        `logs -n kube-system ${pod}`,
        `logs ${web} --tail=1`,
        `logs ${web} --timestamps`,
        `logs ${web} --since=1h`,
        `logs ${web} --previous`,
      ].map((c) => same(c)),
    )
  })

  it('scale, then the same pods on both sides', async () => {
    const { real, ours } = await both('scale deployment web --replicas=3')
    expect(real).toEqual(ours)
    await same('get pods -o wide')
    await same('get deployment web -o yaml')
  })

  it('delete: the same message, and the pod is gone on both sides', async () => {
    const pod = t.ours('kubectl get pods -l app=web -o name').stdout.split('\n')[0]!
    const { real, ours } = await both(`delete ${pod}`)
    expect(real).toEqual(ours)
    await same('get pods')
  })
})

describe.skipIf(!kubectl)('kubectl get pods -w', () => {
  it('sees a pod that our console creates on the served cluster', async () => {
    const t = await twins(SEED, kubectl!)
    try {
      const ours = new Console(t.served, { settleAfterCommands: true })
      const watch = spawn(kubectl!, ['get', 'pods', '-w', '-v=6'], {
        env: { ...process.env, KUBECONFIG: join(t.dir, 'kubeconfig'), HOME: t.dir },
      })
      let seen = ''
      let wake = () => {}
      const collect = (c: Buffer) => {
        seen += c.toString()
        wake()
      }
      watch.stdout.on('data', collect)
      watch.stderr.on('data', collect)
      const until = (re: RegExp) =>
        new Promise<void>((resolve, reject) => {
          // generous: a real kubectl starting up (discovery, then the watch) on a loaded 2-core
          // machine while the rest of the suite runs in parallel
          const timer = setTimeout(() => reject(new Error(`no ${re} in:\n${seen}`)), 30_000)
          wake = () => {
            if (!re.test(seen)) return
            clearTimeout(timer)
            resolve()
          }
          wake()
        })
      // -v=6 logs each request once its response headers arrive: the watch is open
      await until(/watch=true\S* 200 OK/)
      expect(ours.run('kubectl run watched --image=nginx:1.27').exitCode).toBe(0)
      await until(/watched +1\/1 +Running/)
      watch.kill()
      const lines = seen.split('\n').filter((l) => l.startsWith('watched'))
      // kubectl prints a row per ADDED/MODIFIED event: Pending, ContainerCreating, …, Running
      expect(lines[0]).toMatch(/^watched +0\/1 +Pending/)
      expect(lines.at(-1)).toMatch(/^watched +1\/1 +Running +0 +\d+s$/)
      expect(seen.match(/^NAME +READY +STATUS/gm)).toHaveLength(1)
    } finally {
      await t.server.close()
    }
  }, 90_000)
})
