import { describe, expect, it } from 'vitest'
import { createSimulation } from '../../engine/index.ts'
import { Console } from '../session.ts'

// Unknown subcommands under a kubectl command group: kubectl 1.32 fails client-side before any
// request (checked with the real binary against `npm run console -- --serve`).

function setup() {
  const sim = createSimulation({ seed: 7 })
  const c = new Console(sim, { settleAfterCommands: false })
  const run = (cmd: string) => {
    const r = c.run(cmd)
    return { lines: r.lines.map((l) => l.text), exitCode: r.exitCode }
  }
  return { sim, run }
}

describe('kubectl command groups', () => {
  it('names the unknown subcommand and the group help, as kubectl 1.32', () => {
    const { run } = setup()
    expect(run('kubectl set bogus')).toEqual({
      lines: ['error: unknown command "bogus"', "See 'kubectl set -h' for help and examples"],
      exitCode: 1,
    })
    expect(run('kubectl -n kube-system rollout bogus x')).toEqual({
      lines: ['error: unknown command "bogus"', "See 'kubectl rollout -h' for help and examples"],
      exitCode: 1,
    })
  })

  it("prints the group's commands without a subcommand, exit 1", () => {
    const { run } = setup()
    const r = run('kubectl set')
    expect(r.exitCode).toBe(1)
    expect(r.lines.slice(0, 3)).toEqual([
      'Available Commands:',
      '  env              Update environment variables on a pod template',
      '  image            Update the image of a pod template',
    ])
    expect(r.lines.at(-1)).toBe('  kubectl set SUBCOMMAND [options]')
  })

  it('says which real subcommands Cutaway does not simulate, and changes nothing', () => {
    const { run, sim } = setup()
    for (const cmd of [
      'kubectl set image deploy/x a=b',
      'kubectl rollout history daemonset/aws-node -n kube-system',
      'kubectl rollout undo daemonset/aws-node -n kube-system',
    ]) {
      const before = JSON.stringify(sim.state)
      const r = run(cmd)
      expect(r.exitCode).toBe(1)
      expect(r.lines.join('\n')).not.toContain('unknown command')
      expect(r.lines.at(-1)).toMatch(
        /does not simulate `kubectl (set image|rollout (history|undo))`/,
      )
      expect(JSON.stringify(sim.state)).toBe(before)
    }
  })
})
