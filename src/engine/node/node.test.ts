import { describe, expect, it } from 'vitest'
import { createSimulation, createObject } from '../index.ts'
import { nodeFs, containerLogPath, containerLogSymlink, kubeletConfigJson } from './fs.ts'
import { nodeProcesses, commandLine } from './processes.ts'
import { containerFs } from './containerFs.ts'
import { FsError } from './vfs.ts'
import { criLogText, sha1Hex, vethName } from './util.ts'

function boot() {
  const sim = createSimulation({ seed: 7 })
  sim.settle()
  return sim
}

describe('node filesystem', () => {
  const sim = boot()
  const state = sim.state
  // a node that runs a CoreDNS pod (the scheduler decides which)
  const node = Object.values(state.nodes).find((n) =>
    Object.values(n.pods).some((p) => p.name.startsWith('coredns-')),
  )!
  const fs = nodeFs(state, node.name)!

  it('has the real container log layout and symlinks', () => {
    const rt = Object.values(node.pods).find((p) => p.name.startsWith('coredns-'))!
    const c = rt.containers[0]!
    expect(containerLogPath(rt, c)).toBe(
      `/var/log/pods/kube-system_${rt.name}_${rt.uid}/coredns/0.log`,
    )
    expect(containerLogSymlink(rt, c)).toBe(
      `/var/log/containers/${rt.name}_kube-system_coredns-${c.id}.log`,
    )
    expect(c.id).toMatch(/^[0-9a-f]{64}$/)
    expect(fs.readlink(containerLogSymlink(rt, c))).toBe(containerLogPath(rt, c))
    expect(fs.realpath(containerLogSymlink(rt, c))).toBe(containerLogPath(rt, c))
    const text = fs.readFile(containerLogSymlink(rt, c)) as string
    expect(text.split('\n')[0]).toMatch(/^2026-03-02T\d\d:\d\d:\d\d(\.\d+)?Z stdout F \.:53$/)
    const st = fs.stat(containerLogPath(rt, c))
    expect(st).not.toBeInstanceOf(FsError)
    expect((st as { perm: number }).perm).toBe(0o640)
  })

  it('answers ENOENT/ENOTDIR/EISDIR like the kernel', () => {
    expect((fs.stat('/nosuch') as FsError).errno).toBe('ENOENT')
    expect((fs.readdir('/etc/hostname') as FsError).errno).toBe('ENOTDIR')
    expect((fs.readFile('/etc') as FsError).errno).toBe('EISDIR')
    expect(fs.readFile('/etc/hostname')).toBe(`${node.name}\n`)
    expect(fs.realpath('/etc/os-release')).toBe('/usr/lib/os-release')
    expect(fs.readFile('/etc/os-release')).toContain('PRETTY_NAME="Amazon Linux 2023')
  })

  it('writes nodeadm kubelet config from the node', () => {
    const cfg = JSON.parse(kubeletConfigJson(state, node))
    expect(cfg.clusterDNS).toEqual(['10.100.0.10'])
    expect(cfg.maxPods).toBe(17)
    expect(cfg.providerID).toBe(`aws:///${node.zone}/${node.instanceId}`)
    expect(fs.readFile('/etc/kubernetes/kubelet/config.json')).toContain(
      '    "cgroupDriver": "systemd"',
    )
    expect(fs.readFile('/etc/kubernetes/pki/ca.crt')).toMatch(/^-----BEGIN CERTIFICATE-----\n/)
    expect(fs.readFile('/var/lib/kubelet/kubeconfig')).toContain(state.aws.cluster.endpoint)
  })

  it('projects the service-account token with the atomic writer layout', () => {
    const rt = Object.values(node.pods).find((p) => p.name.startsWith('kube-proxy-'))!
    const dir = `/var/lib/kubelet/pods/${rt.uid}/volumes/kubernetes.io~projected`
    const vol = (fs.readdir(dir) as string[])[0]!
    expect(vol).toMatch(/^kube-api-access-[a-z0-9]{5}$/)
    const names = fs.readdir(`${dir}/${vol}`) as string[]
    expect(names.find((n) => n.startsWith('..2026_'))).toMatch(
      /^\.\.2026_03_02_\d\d_\d\d_\d\d\.\d+$/,
    )
    expect(fs.readlink(`${dir}/${vol}/token`)).toBe('..data/token')
    expect(fs.readFile(`${dir}/${vol}/namespace`)).toBe('kube-system')
    expect((fs.readFile(`${dir}/${vol}/token`) as string).split('.')).toHaveLength(3)
  })

  it('is a pure function of the state', () => {
    const again = nodeFs(state, node.name)!
    expect(again.readFile('/var/log/aws-routed-eni/ipamd.log')).toBe(
      fs.readFile('/var/log/aws-routed-eni/ipamd.log'),
    )
    expect(nodeFs(state, 'nosuch')).toBeUndefined()
  })
})

describe('node processes', () => {
  it('runs kubelet with nodeadm flags and one shim + pause per pod', () => {
    const sim = boot()
    const node = Object.values(sim.state.nodes).find((n) =>
      Object.values(n.pods).some((p) => p.name.startsWith('coredns-')),
    )!
    const procs = nodeProcesses(sim.state, node.name)
    const kubelet = procs.find((p) => p.args[0] === '/usr/bin/kubelet')!
    expect(commandLine(kubelet)).toContain(`--hostname-override=${node.name}`)
    expect(commandLine(kubelet)).toContain('--config=/etc/kubernetes/kubelet/config.json')
    expect(kubelet.args[kubelet.args.length - 1]).toMatch(/^--node-labels=/)
    const pods = Object.keys(node.pods).length
    expect(procs.filter((p) => p.args[0] === '/usr/bin/containerd-shim-runc-v2')).toHaveLength(pods)
    expect(procs.filter((p) => p.args[0] === '/pause' && p.uid === 65535)).toHaveLength(pods)
    const coredns = Object.values(node.pods).find((p) => p.name.startsWith('coredns-'))!
    expect(procs.find((p) => p.pid === coredns.containers[0]!.pid)?.args.join(' ')).toBe(
      '/coredns -conf /etc/coredns/Corefile',
    )
    expect(new Set(procs.map((p) => p.pid)).size).toBe(procs.length)
  })
})

describe('container filesystem', () => {
  it('has kubelet-managed files and image executables', () => {
    const sim = boot()
    sim.transact((ctx) =>
      createObject(ctx, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'bb', namespace: 'default' },
        spec: { containers: [{ name: 'bb', image: 'busybox', command: ['sleep', '3600'] }] },
      } as never),
    )
    sim.settle()
    const v = containerFs(sim.state, 'default', 'bb', 'bb')!
    expect(v.fs.readFile('/etc/hostname')).toBe('bb\n')
    expect(v.fs.readFile('/etc/hosts')).toMatch(
      /^# Kubernetes-managed hosts file\.\n127\.0\.0\.1\tlocalhost\n[\s\S]*\nbb\n?$|\tbb\n$/,
    )
    expect(v.fs.readFile('/etc/resolv.conf')).toBe(
      'search default.svc.cluster.local svc.cluster.local cluster.local us-west-2.compute.internal\nnameserver 10.100.0.10\noptions ndots:5\n',
    )
    expect(v.fs.readFile('/var/run/secrets/kubernetes.io/serviceaccount/namespace')).toBe('default')
    expect(v.hasExecutable('sh')).toBe(true)
    expect(v.hasExecutable('bash')).toBe(false)
    expect(v.shellFor('sh')).toBe('ash')
  })
})

describe('helpers', () => {
  it('names veths as the VPC CNI does (SHA-1)', () => {
    expect(sha1Hex('abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d')
    expect(vethName('kube-system', 'coredns-57ff979f67-qqbdh')).toBe('enib5faff8a083')
  })
  it('writes CRI log lines, splitting long lines into P records', () => {
    const long = 'x'.repeat(16 * 1024 + 5)
    const text = criLogText([
      { time: 1000, stream: 'stdout', text: 'hello' },
      { time: 1000.5, stream: 'stderr', text: long },
    ])
    const lines = text.split('\n')
    expect(lines[0]).toBe('2026-03-02T08:40:01Z stdout F hello')
    expect(lines[1]).toMatch(/^2026-03-02T08:40:01\.0005Z stderr P x{16384}$/)
    expect(lines[2]).toBe('2026-03-02T08:40:01.0005Z stderr F xxxxx')
  })
})
