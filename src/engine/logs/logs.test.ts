import { describe, expect, it } from 'vitest'
import { createSimulation } from '../simulation.ts'
import { Console } from '../../console/session.ts'
import { listObjects } from '../apiserver/store.ts'
import { nodeFs } from '../node/fs.ts'
import { containerLogFiles, gunzipNodeFile, logFileContent } from './files.ts'
import { criLogText, parseCriLine } from './cri.ts'
import { writeContainerLog } from './rotate.ts'

function cluster(config: Record<string, number> = {}) {
  const sim = createSimulation({ seed: 7, config })
  const c = new Console(sim, { settleAfterCommands: true })
  return {
    sim,
    c,
    run: (cmd: string) =>
      c
        .run(cmd)
        .lines.map((l) => l.text)
        .join('\n'),
  }
}

const TICKER =
  "kubectl create deployment ticker --image=busybox -- sh -c 'while true; do echo tick; sleep 1; done'"

describe('container log files (FIDELITY §1)', () => {
  it('every line is a CRI record; paths and symlinks follow the kubelet layout', () => {
    const { sim, run } = cluster()
    run(TICKER)
    run('sleep 20')
    let files = 0
    const namespaces = new Set<string>()
    for (const node of Object.keys(sim.state.nodes)) {
      const fs = nodeFs(sim.state, node)!
      for (const f of containerLogFiles(sim.state, node)) {
        files++
        namespaces.add(f.namespace)
        expect(f.path).toBe(
          `/var/log/pods/${f.namespace}_${f.pod}_${f.podUid}/${f.container}/${f.restartCount}.log`,
        )
        expect(f.containerId).toMatch(/^[0-9a-f]{64}$/)
        expect(f.symlink).toBe(
          `/var/log/containers/${f.pod}_${f.namespace}_${f.container}-${f.containerId}.log`,
        )
        expect(fs.readlink(f.symlink!)).toBe(f.path)
        const text = fs.readFile(f.path) as string
        expect(text).toBe(criLogText(f.records))
        const st = fs.stat(f.path)
        expect('size' in st && st.size).toBe(new TextEncoder().encode(text).length)
        for (const line of text.split('\n').slice(0, -1)) {
          const p = parseCriLine(line)
          expect(p, line).toBeDefined()
          expect(p!.timestamp).toMatch(/^2026-03-02T\d\d:\d\d:\d\d(\.\d*[1-9])?Z$/)
        }
      }
    }
    expect(files).toBeGreaterThan(10)
    expect([...namespaces].sort()).toEqual(['default', 'kube-system'])
    // multi-container pods (aws-node: aws-node + aws-eks-nodeagent + init) have one dir per container
    const awsNode = listObjects(sim.state, 'Pod', 'kube-system').find((p) =>
      p.metadata.name.startsWith('aws-node-'),
    )!
    const mine = containerLogFiles(sim.state, awsNode.spec.nodeName!).filter(
      (f) => f.pod === awsNode.metadata.name,
    )
    expect(new Set(mine.map((f) => f.container))).toEqual(
      new Set(['aws-vpc-cni-init', 'aws-node', 'aws-eks-nodeagent']),
    )
  })

  it('splits a 20 KiB line into P and F records of at most 16 KiB', () => {
    const { sim, run } = cluster()
    run(TICKER)
    const pod = listObjects(sim.state, 'Pod', 'default')[0]!
    const node = pod.spec.nodeName!
    const big = 'x'.repeat(20 * 1024)
    sim.transact((ctx) => {
      const n = ctx.state.nodes[node]!
      const rt = n.pods[pod.metadata.uid!]!
      writeContainerLog(ctx, n, rt, rt.containers[0]!, [{ stream: 'stdout', text: big }])
    })
    const f = containerLogFiles(sim.state, node).find((x) => x.pod === pod.metadata.name)!
    const lines = logFileContent(f)
      .split('\n')
      .slice(0, -1)
      .map((l) => parseCriLine(l)!)
    const i = lines.findIndex((l) => l.tag === 'P')
    expect(lines[i]!.message.length).toBe(16384)
    expect(lines[i + 1]!.tag).toBe('F')
    expect(lines[i]!.message + lines[i + 1]!.message).toBe(big)
    expect(lines[i]!.timestamp).toBe(lines[i + 1]!.timestamp)
    // kubectl logs joins them back into the one line
    expect(run(`kubectl logs ${pod.metadata.name}`).split('\n')).toContain(big)
  })

  it('rotates with a small containerLogMaxSize: real names, at most MaxFiles files, zcat gives the lines', () => {
    const { sim, run } = cluster({ containerLogMaxSize: 2048 })
    run(TICKER)
    run('sleep 300')
    const pod = listObjects(sim.state, 'Pod', 'default')[0]!
    const node = pod.spec.nodeName!
    const files = containerLogFiles(sim.state, node).filter((f) => f.pod === pod.metadata.name)
    const names = files.map((f) => f.name)
    expect(names.length).toBeLessThanOrEqual(5)
    expect(names.filter((n) => n.endsWith('.gz'))).toHaveLength(3)
    expect(names.filter((n) => /^0\.log\.2026030\d-\d{6}$/.test(n))).toHaveLength(1)
    expect(names.at(-1)).toBe('0.log')
    for (const n of names) expect(n).toMatch(/^0\.log(\.20260302-\d{6}(\.gz)?)?$/)
    const rotations = sim.state.nodes[node]!.pods[pod.metadata.uid!]!.containers[0]!.rotated!
    // the timestamps are 10 s monitor ticks apart at least
    const stamp = (n: string) => n.slice(6, 21)
    expect(new Set(rotations.map((r) => stamp(r.name))).size).toBe(rotations.length)
    const fs = nodeFs(sim.state, node)!
    const dir = files[0]!.dir
    expect((fs.readdir(dir) as string[]).sort()).toEqual([...names].sort())
    const gz = files.find((f) => f.kind === 'compressed')!
    expect(gz.size).toBeLessThan(gz.uncompressedSize)
    const raw = fs.readFile(gz.path) as string
    expect(raw.startsWith('\x1f\x8b\x08')).toBe(true)
    const text = gunzipNodeFile(sim.state, node, gz.path)!
    expect(text).toBe(criLogText(gz.records))
    expect(
      text
        .split('\n')
        .slice(0, -1)
        .every((l) => parseCriLine(l)?.message === 'tick'),
    ).toBe(true)
    // kubectl logs only reads the live file
    const live = files.at(-1)!
    expect(run(`kubectl logs ${pod.metadata.name}`).split('\n')).toHaveLength(live.records.length)
    // the rotate event
    expect(sim.state.now).toBeGreaterThan(0)
  })

  it('deleting a pod removes its log directory', () => {
    const { sim, run } = cluster()
    run(TICKER)
    const pod = listObjects(sim.state, 'Pod', 'default')[0]!
    const node = pod.spec.nodeName!
    const dir = `/var/log/pods/default_${pod.metadata.name}_${pod.metadata.uid}`
    expect(nodeFs(sim.state, node)!.readdir(dir)).toEqual(['busybox'])
    run('kubectl scale deploy ticker --replicas=0')
    run('sleep 40')
    expect(nodeFs(sim.state, node)!.readdir(dir)).toMatchObject({ errno: 'ENOENT' })
  })
})
