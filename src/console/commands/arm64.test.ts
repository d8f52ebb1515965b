import { describe, expect, it } from 'vitest'
import { createSimulation } from '../../engine/index.ts'
import { Console } from '../session.ts'

// A Graviton node group (m6g): the kernel release and the machine name say aarch64 everywhere a
// learner can look (kubectl get -o wide, describe node, uname, /proc/version, /etc/eks/release).

function setup() {
  const sim = createSimulation({ seed: 7 })
  const c = new Console(sim, { settleAfterCommands: true })
  const run = (cmd: string) =>
    c
      .run(cmd)
      .lines.map((l) => l.text)
      .join('\n')
  run('eksctl create nodegroup --cluster demo --name arm --node-type m6g.medium --nodes 1')
  const arm = Object.values(sim.state.nodes).find(
    (n) => sim.state.aws.instances[n.instanceId]?.instanceType === 'm6g.medium',
  )!
  const x86 = Object.values(sim.state.nodes).find((n) => n !== arm)!
  return { run, arm: arm.name, x86: x86.name }
}

describe('arm64 nodes', () => {
  it('kubectl shows the aarch64 kernel and arm64 architecture', () => {
    const { run, arm, x86 } = setup()
    const wide = run('kubectl get nodes -o wide').split('\n')
    expect(wide.find((l) => l.startsWith(arm))).toMatch(/6\.1\.\S+\.amzn2023\.aarch64 /)
    expect(wide.find((l) => l.startsWith(x86))).toMatch(/6\.1\.\S+\.amzn2023\.x86_64 /)
    const d = run(`kubectl describe node ${arm}`)
    expect(d).toMatch(/Kernel Version:\s+6\.1\.\S+\.amzn2023\.aarch64\n/)
    expect(d).toMatch(/Architecture:\s+arm64\n/)
  })

  it('uname and the files on the node say aarch64', () => {
    const { run, arm, x86 } = setup()
    expect(run(`ssh ${x86} uname -m`).split('\n').at(-1)).toBe('x86_64')
    run(`ssh ${arm}`)
    expect(run('uname -m')).toBe('aarch64')
    expect(run('uname -r')).toMatch(/\.amzn2023\.aarch64$/)
    expect(run('uname -a')).toMatch(/\.amzn2023\.aarch64 .* aarch64 aarch64 aarch64 GNU\/Linux$/)
    expect(run('cat /proc/version')).toMatch(/^Linux version \S+\.aarch64 /)
    expect(run('cat /etc/eks/release')).toContain('ARCH="aarch64"')
  })
})
