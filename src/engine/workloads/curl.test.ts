import { describe, expect, it } from 'vitest'
import { curlProbe, netCluster, podRuntime } from '../net/testing/netCluster.ts'

describe('a curlimages/curl container', () => {
  it('runs its curl command line at start, over the simulated network', () => {
    const tc = netCluster({ replicas: 1 })
    curlProbe(tc, ['-s', 'http://web'])
    const { pod } = podRuntime(tc, 'probe')
    const c = pod.containers[0]!
    expect(c.exitCode).toBe(0)
    expect(c.logs.map((l) => l.text)).toContain('<h1>Welcome to nginx!</h1>')
    expect(tc.events.some((e) => e.type === 'packet.flow' && e.client === 'default/probe')).toBe(
      true,
    )
  })

  it("exits 6 with curl's message for a name nobody knows", () => {
    const tc = netCluster({ replicas: 1 })
    curlProbe(tc, ['-sS', 'http://nosuch'])
    const c = podRuntime(tc, 'probe').pod.containers[0]!
    expect(c.exitCode).toBe(6)
    expect(c.logs.map((l) => l.text)).toEqual(['curl: (6) Could not resolve host: nosuch'])
  })

  it("runs a command instead when its first argument is one (entrypoint.sh's `command -v`)", () => {
    const tc = netCluster({ replicas: 1 })
    curlProbe(tc, ['sleep', '3600'])
    const c = podRuntime(tc, 'probe').pod.containers[0]!
    expect(c.state).toBe('running')
    expect(c.logs).toEqual([])
  })
})
