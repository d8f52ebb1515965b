import { describe, expect, it } from 'vitest'
import { createSimulation } from '../../engine/index.ts'
import { nodeFs } from '../../engine/node/fs.ts'
import type { FsStat, VirtualFs } from '../../engine/node/vfs.ts'
import { FsError } from '../../engine/node/vfs.ts'
import { Console } from '../../console/session.ts'
import {
  fileKind,
  humanSize,
  linkTo,
  parseLinkName,
  parsePodDirName,
  readNodeDisk,
  shortLinkName,
} from './diskTree.ts'

const TICKER =
  "kubectl create deployment ticker --image=busybox -- sh -c 'while true; do echo tick $(date); sleep 2; done'"

function cluster(commands: string[], ms = 30_000) {
  const sim = createSimulation({ seed: 1 })
  const session = new Console(sim, { settleAfterCommands: false })
  for (const c of commands) session.run(c)
  sim.advance(ms)
  return sim
}

function tickerNode(sim: ReturnType<typeof cluster>): string {
  const node = Object.values(sim.state.nodes).find((n) =>
    Object.values(n.pods).some((p) => p.name.startsWith('ticker-')),
  )
  expect(node).toBeDefined()
  return node!.name
}

describe('readNodeDisk', () => {
  const sim = cluster([TICKER])
  const node = tickerNode(sim)
  const disk = readNodeDisk(nodeFs(sim.state, node)!)

  it('lists /var/log/pods/<ns>_<pod>_<uid>/<container>/<n>.log with sizes', () => {
    const ticker = disk.pods.find((p) => p.pod.startsWith('ticker-'))!
    expect(ticker.name).toMatch(/^default_ticker-[a-z0-9]+-[a-z0-9]{5}_[0-9a-f-]{36}$/)
    expect(ticker.namespace).toBe('default')
    expect(ticker.containers.map((c) => c.name)).toEqual(['busybox'])
    const [file] = ticker.containers[0]!.files
    expect(file!.name).toBe('0.log')
    expect(file!.kind).toBe('live')
    expect(file!.path).toBe(`${ticker.path}/busybox/0.log`)
    expect(file!.size).toBeGreaterThan(0)
    // system pods of the node are there too, in kube-system
    expect(
      disk.pods.some((p) => p.namespace === 'kube-system' && p.pod.startsWith('aws-node-')),
    ).toBe(true)
    expect(disk.totalBytes).toBeGreaterThanOrEqual(file!.size)
  })

  it('lists /var/log/containers symlinks with their targets resolved', () => {
    const link = disk.links.find((l) => l.pod.startsWith('ticker-'))!
    expect(link.name).toMatch(/^ticker-[a-z0-9-]+_default_busybox-[0-9a-f]{64}\.log$/)
    expect(link.target).toMatch(/^\/var\/log\/pods\/default_ticker-.+\/busybox\/0\.log$/)
    expect(link.resolved).toBe(link.target)
    const ticker = disk.pods.find((p) => p.pod.startsWith('ticker-'))!
    expect(linkTo(disk, ticker.containers[0]!.files[0]!.path)).toBe(link)
    expect(shortLinkName(link)).toBe(
      `${link.pod}_default_busybox-${link.containerId.slice(0, 12)}….log`,
    )
    // every link of the node points at a file in the pods tree
    const files = new Set(
      disk.pods.flatMap((p) => p.containers.flatMap((c) => c.files)).map((f) => f.path),
    )
    for (const l of disk.links) expect(files.has(l.resolved!)).toBe(true)
  })

  it('files grow as lines arrive', () => {
    const sizeOf = () =>
      readNodeDisk(nodeFs(sim.state, node)!).pods.find((p) => p.pod.startsWith('ticker-'))!
        .containers[0]!.files[0]!.size
    const before = sizeOf()
    sim.advance(10_000)
    expect(sizeOf()).toBeGreaterThan(before)
  })
})

describe('names', () => {
  it('parses pod dir and link names (namespace and pod in opposite orders)', () => {
    expect(
      parsePodDirName('kube-system_kube-proxy-4bwrn_23f65504-8ac3-45ef-b3ed-af2e89cd05e4'),
    ).toEqual({
      namespace: 'kube-system',
      pod: 'kube-proxy-4bwrn',
      uid: '23f65504-8ac3-45ef-b3ed-af2e89cd05e4',
    })
    const id = 'a'.repeat(64)
    expect(parseLinkName(`aws-node-x7zst_kube-system_aws-eks-nodeagent-${id}.log`)).toEqual({
      pod: 'aws-node-x7zst',
      namespace: 'kube-system',
      container: 'aws-eks-nodeagent',
      containerId: id,
    })
    expect(parseLinkName('not-a-log')).toBeNull()
  })

  it('classifies live, rotated and compressed files by their real names', () => {
    expect(fileKind('0.log')).toBe('live')
    expect(fileKind('2.log')).toBe('live')
    expect(fileKind('0.log.20250314-101500')).toBe('rotated')
    expect(fileKind('0.log.20250314-101500.gz')).toBe('gz')
    expect(fileKind('0.log.20250314-101500.tmp')).toBe('other')
  })

  it('prints sizes like ls -lh', () => {
    expect(humanSize(0)).toBe('0')
    expect(humanSize(1023)).toBe('1023')
    expect(humanSize(1024)).toBe('1.0K')
    expect(humanSize(1300)).toBe('1.3K')
    expect(humanSize(10 * 1024 * 1024)).toBe('10M')
  })
})

describe('readNodeDisk on a hand-made disk', () => {
  // rotation may not exist in the engine yet: a minimal VirtualFs shows the view's ordering rules
  const st = (path: string, type: FsStat['type'], size = 0): FsStat => ({
    path,
    type,
    perm: 0o644,
    uid: 0,
    gid: 0,
    size,
    blocks: 0,
    mtime: 0,
    ino: 1,
    nlink: 1,
    fs: 'xfs',
  })
  const dir = '/var/log/pods/default_web-1_u1/web'
  const files: Record<string, number> = {
    '0.log': 10,
    '0.log.20250314-101500': 20,
    '0.log.20250314-100000.gz': 5,
    '0.log.20250314-103000.gz': 6,
  }
  const fs: VirtualFs = {
    readdir: (p) =>
      p === '/var/log/pods'
        ? ['default_web-1_u1']
        : p === '/var/log/pods/default_web-1_u1'
          ? ['web']
          : p === dir
            ? Object.keys(files).sort()
            : p === '/var/log/containers'
              ? ['web-1_default_web-abc.log', 'gone_default_x-abd.log']
              : new FsError('ENOENT', p),
    lstat: (p) =>
      p.startsWith(dir + '/')
        ? st(p, 'file', files[p.slice(dir.length + 1)])
        : p.startsWith('/var/log/containers/')
          ? st(p, 'symlink')
          : st(p, 'dir'),
    stat: (p) => (p.includes('gone') ? new FsError('ENOENT', p) : st(p, 'file')),
    readFile: () => '',
    readlink: (p) => (p.includes('gone') ? '/var/log/pods/gone/x/0.log' : `${dir}/0.log`),
    realpath: (p) => (p.includes('gone') ? new FsError('ENOENT', p) : `${dir}/0.log`),
    userName: () => 'root',
    groupName: () => 'root',
  }
  const disk = readNodeDisk(fs)

  it('orders the live file first, then rotated files newest first', () => {
    expect(disk.pods[0]!.containers[0]!.files.map((f) => [f.name, f.kind])).toEqual([
      ['0.log', 'live'],
      ['0.log.20250314-103000.gz', 'gz'],
      ['0.log.20250314-101500', 'rotated'],
      ['0.log.20250314-100000.gz', 'gz'],
    ])
    expect(disk.totalBytes).toBe(41)
  })

  it('marks a dangling link', () => {
    expect(disk.links.map((l) => [l.name, l.resolved])).toEqual([
      ['web-1_default_web-abc.log', `${dir}/0.log`],
      ['gone_default_x-abd.log', null],
    ])
  })
})
