import { describe, expect, it } from 'vitest'
import { TestCluster } from '../testing/TestCluster.ts'
import type { Pod, Secret } from '../model/k8s.ts'
import { nodeFs } from '../node/fs.ts'
import { containerFs } from '../node/containerFs.ts'
import { nodeMountTable } from '../node/mounts.ts'
import { FsError } from '../node/vfs.ts'
import { containerEnv } from './kubelet.ts'
import { patchObject } from '../apiserver/api.ts'
import { deepClone } from '../clone.ts'
import { updateObject } from '../apiserver/api.ts'
import { getObject } from '../apiserver/store.ts'

function cluster() {
  const c = new TestCluster({ seed: 7 })
  c.settle()
  return c
}

function secret(c: TestCluster, name: string, stringData: Record<string, string>) {
  return c.create<Secret>({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData })
}

function pod(c: TestCluster, name: string, spec: Record<string, unknown>, container = {}) {
  return c.create<Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      containers: [
        { name: 'app', image: 'busybox:1.37', command: ['sh', '-c', 'sleep 3600'], ...container },
      ],
      ...spec,
    },
  })
}

function updateSecret(c: TestCluster, name: string, stringData: Record<string, string>) {
  const s = deepClone(getObject(c.state, 'Secret', 'default', name)!)
  s.stringData = stringData
  const r = c.sim.transact((ctx) => updateObject(ctx, s))
  if (!r.ok) throw r.error
}

const volPod = (c: TestCluster, extra: Record<string, unknown> = {}) =>
  pod(
    c,
    'app',
    { volumes: [{ name: 'creds', secret: { secretName: 'db', ...extra } }] },
    {
      volumeMounts: [
        { name: 'creds', mountPath: '/etc/creds', readOnly: true },
        { name: 'creds', mountPath: '/etc/pw', subPath: 'password' },
      ],
    },
  )

describe('Secret volumes', () => {
  it('writes the AtomicWriter layout on a tmpfs of the node that runs the pod, and nowhere else', () => {
    const c = cluster()
    secret(c, 'db', { username: 'admin', password: 's3cr3t' })
    const p = volPod(c)
    c.settle()
    const live = c.get('Pod', 'app')!
    expect(live.status.phase).toBe('Running')
    const node = live.spec.nodeName!
    const fs = nodeFs(c.state, node)!
    const dir = `/var/lib/kubelet/pods/${p.metadata.uid}/volumes/kubernetes.io~secret/creds`
    expect(fs.readdir(dir)).toEqual([
      expect.stringMatching(/^\.\.2026_03_02_\d\d_\d\d_\d\d\.\d+$/),
      '..data',
      'password',
      'username',
    ])
    expect(fs.readlink(`${dir}/password`)).toBe('..data/password')
    expect(fs.readFile(`${dir}/password`)).toBe('s3cr3t')
    const st = fs.stat(`${dir}/password`) as { perm: number; fs: string; size: number }
    expect(st.perm).toBe(0o644)
    expect(st.fs).toBe('tmpfs')
    expect(st.size).toBe(6)
    expect((fs.stat(dir) as { perm: number }).perm).toBe(0o1777)
    const mount = nodeMountTable(c.state, node).find((m) => m.target === dir)
    expect(mount).toMatchObject({ source: 'tmpfs', fstype: 'tmpfs' })
    expect(mount!.options).toMatch(/^rw,relatime,seclabel,size=\d+k$/)
    expect(fs.readFile('/proc/mounts')).toContain(`tmpfs ${dir} tmpfs rw,relatime`)
    // the other nodes never see it
    for (const other of Object.keys(c.state.nodes).filter((n) => n !== node)) {
      expect(nodeFs(c.state, other)!.stat(dir)).toBeInstanceOf(FsError)
      expect(nodeMountTable(c.state, other).some((m) => m.target.includes('~secret'))).toBe(false)
    }
    // the tmpfs goes with the pod
    c.delete('Pod', 'app')
    c.settle()
    expect(nodeFs(c.state, node)!.stat(dir)).toBeInstanceOf(FsError)
    expect(nodeMountTable(c.state, node).some((m) => m.target === dir)).toBe(false)
  })

  it('sizes the tmpfs to the pod memory limit when every container has one', () => {
    const c = cluster()
    secret(c, 'db', { password: 'x' })
    pod(
      c,
      'app',
      { volumes: [{ name: 'creds', secret: { secretName: 'db' } }] },
      {
        resources: { limits: { memory: '128Mi' } },
        volumeMounts: [{ name: 'creds', mountPath: '/etc/creds' }],
      },
    )
    c.settle()
    const node = c.get('Pod', 'app')!.spec.nodeName!
    const m = nodeMountTable(c.state, node).find((x) => x.target.endsWith('~secret/creds'))!
    expect(m.options).toBe('rw,relatime,seclabel,size=131072k')
  })

  it('honours items, defaultMode and per-item modes, in the container too (read-only tmpfs)', () => {
    const c = cluster()
    secret(c, 'db', { username: 'admin', password: 's3cr3t' })
    pod(
      c,
      'app',
      {
        volumes: [
          {
            name: 'creds',
            secret: {
              secretName: 'db',
              defaultMode: 0o400,
              items: [
                { key: 'password', path: 'db/pass' },
                { key: 'username', path: 'user', mode: 0o440 },
              ],
            },
          },
        ],
      },
      { volumeMounts: [{ name: 'creds', mountPath: '/etc/creds' }] },
    )
    c.settle()
    expect(c.get('Pod', 'app')!.spec.volumes![0]!.secret).toMatchObject({ defaultMode: 256 })
    const view = containerFs(c.state, 'default', 'app', 'app')!
    expect(view.fs.readdir('/etc/creds')).toEqual([
      expect.stringMatching(/^\.\.2026/),
      '..data',
      'db',
      'user',
    ])
    expect(view.fs.readFile('/etc/creds/db/pass')).toBe('s3cr3t')
    expect((view.fs.stat('/etc/creds/db/pass') as { perm: number }).perm).toBe(0o400)
    expect((view.fs.stat('/etc/creds/user') as { perm: number }).perm).toBe(0o440)
    expect(view.fs.readFile('/proc/mounts')).toMatch(
      /^tmpfs \/etc\/creds tmpfs ro,relatime,seclabel,size=\d+k 0 0$/m,
    )
  })

  it('shows an updated Secret only after the next resync (60-90 s); subPath never updates', () => {
    const c = cluster()
    secret(c, 'db', { password: 'old' })
    volPod(c)
    c.settle()
    const read = (p: string) => containerFs(c.state, 'default', 'app', 'app')!.fs.readFile(p)
    expect(read('/etc/creds/password')).toBe('old')
    const before = c.events.length
    updateSecret(c, 'db', { password: 'new' })
    c.advance(59_000)
    expect(read('/etc/creds/password')).toBe('old')
    c.advance(32_000)
    expect(read('/etc/creds/password')).toBe('new')
    expect(read('/etc/pw')).toBe('old')
    const update = c.events
      .slice(before)
      .find((e) => e.type === 'kubelet.volume' && e.reason === 'update')
    expect(update).toMatchObject({
      kind: 'Secret',
      name: 'db',
      volume: 'creds',
      keys: ['password'],
      bytes: 3,
      medium: 'tmpfs',
    })
  })

  it('emits the fetch and write events the journey view animates', () => {
    const c = cluster()
    secret(c, 'db', { password: 's3cr3t' })
    volPod(c)
    c.settle()
    const fetch = c.events.find((e) => e.type === 'kubelet.fetch' && e.use === 'volume')
    expect(fetch).toMatchObject({
      kind: 'Secret',
      name: 'db',
      pod: 'app',
      volume: 'creds',
      found: true,
    })
    const write = c.events.find((e) => e.type === 'kubelet.volume')
    expect(write).toMatchObject({ reason: 'mount', keys: ['password'], bytes: 6 })
    expect((write as { path: string }).path).toMatch(
      /^\/var\/lib\/kubelet\/pods\/[0-9a-f-]{36}\/volumes\/kubernetes.io~secret\/creds$/,
    )
  })

  it('keeps a pod in ContainerCreating with FailedMount while the Secret is missing', () => {
    const c = cluster()
    volPod(c)
    c.advance(20_000)
    const p = c.get('Pod', 'app')!
    expect(p.status.containerStatuses?.[0]?.state.waiting?.reason).toBe('ContainerCreating')
    expect(p.status.podIP).toBeUndefined()
    const ev = Object.values(c.state.etcd.buckets.events ?? {})
      .map((e) => e.value as { reason: string; message: string; count: number })
      .find((e) => e.reason === 'FailedMount')!
    expect(ev.message).toBe('MountVolume.SetUp failed for volume "creds" : secret "db" not found')
    expect(ev.count).toBeGreaterThan(3)
    secret(c, 'db', { password: 'late' })
    c.advance(40_000)
    expect(c.get('Pod', 'app')!.status.phase).toBe('Running')
    expect(containerFs(c.state, 'default', 'app', 'app')!.fs.readFile('/etc/creds/password')).toBe(
      'late',
    )
  })

  it('skips a missing optional Secret', () => {
    const c = cluster()
    volPod(c, { optional: true })
    c.settle()
    expect(c.get('Pod', 'app')!.status.phase).toBe('Running')
  })
})

describe('ConfigMap volumes and env', () => {
  it('project the same way, but on the node disk (no tmpfs)', () => {
    const c = cluster()
    c.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg' },
      data: { mode: 'prod' },
    })
    const p = pod(
      c,
      'app',
      { volumes: [{ name: 'conf', configMap: { name: 'cfg' } }] },
      {
        volumeMounts: [{ name: 'conf', mountPath: '/etc/conf' }],
        env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } }],
      },
    )
    c.settle()
    const node = c.get('Pod', 'app')!.spec.nodeName!
    const dir = `/var/lib/kubelet/pods/${p.metadata.uid}/volumes/kubernetes.io~configmap/conf`
    const fs = nodeFs(c.state, node)!
    expect(fs.readFile(`${dir}/mode`)).toBe('prod')
    expect((fs.stat(`${dir}/mode`) as { fs: string }).fs).toBe('xfs')
    expect(nodeMountTable(c.state, node).some((m) => m.target === dir)).toBe(false)
    const view = containerFs(c.state, 'default', 'app', 'app')!
    expect(view.fs.readFile('/etc/conf/mode')).toBe('prod')
    expect(view.container.refEnv).toEqual({ MODE: 'prod' })
  })
})

describe('Secrets as env vars', () => {
  const envSpec = {
    env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
    envFrom: [{ secretRef: { name: 'db' }, prefix: 'DB_' }],
  }

  it('resolves them when the container starts and keeps them until it restarts', () => {
    const c = cluster()
    secret(c, 'db', { password: 'old', user: 'admin' })
    pod(c, 'app', {}, envSpec)
    c.settle()
    const env = () => {
      const view = containerFs(c.state, 'default', 'app', 'app')!
      return containerEnv(c.sim, view.pod, view.pod.spec.containers[0]!, {}, view.container.refEnv)
    }
    expect(env()).toMatchObject({ DB_PASSWORD: 'old', DB_password: 'old', DB_user: 'admin' })
    updateSecret(c, 'db', { password: 'new', user: 'admin' })
    c.advance(120_000)
    expect(env().DB_PASSWORD).toBe('old')
  })

  it('fails container creation with the kubelet messages', () => {
    const c = cluster()
    pod(c, 'app', {}, { env: envSpec.env })
    c.advance(15_000)
    const waiting = () => c.get('Pod', 'app')!.status.containerStatuses![0]!.state.waiting
    expect(waiting()).toEqual({
      reason: 'CreateContainerConfigError',
      message: 'secret "db" not found',
    })
    secret(c, 'db', { other: 'x' })
    c.advance(20_000)
    expect(waiting()).toEqual({
      reason: 'CreateContainerConfigError',
      message: "couldn't find key password in Secret default/db",
    })
    const r = c.sim.transact((ctx) =>
      patchObject(ctx, 'Secret', 'default', 'db', (s) => {
        s.data = { password: 'cHc=' }
      }),
    )
    expect(r.ok).toBe(true)
    c.advance(20_000)
    expect(c.get('Pod', 'app')!.status.phase).toBe('Running')
  })

  it('skips optional references', () => {
    const c = cluster()
    pod(
      c,
      'app',
      {},
      {
        env: [
          {
            name: 'X',
            valueFrom: { secretKeyRef: { name: 'nope', key: 'k', optional: true } },
          },
        ],
        envFrom: [{ secretRef: { name: 'nope', optional: true } }],
      },
    )
    c.settle()
    expect(c.get('Pod', 'app')!.status.phase).toBe('Running')
  })
})
