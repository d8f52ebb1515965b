import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { TestCluster } from '../../testing/TestCluster.ts'
import { nodeFs } from '../../node/fs.ts'
import { cniLogText } from './cniLogs.ts'

function cluster() {
  const tc = new TestCluster({ seed: 7 })
  tc.settle()
  tc.deployment('web', 'nginx', 1)
  tc.settle()
  const pod = tc.pods('web-')[0]!
  const node = tc.state.nodes[pod.spec.nodeName!]!
  return { tc, pod, node: node.name }
}

const parse = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { level: string; ts: string; caller: string; msg: string })

describe('/var/log/aws-routed-eni', () => {
  it('every line is a zap JSON object with level, ts, caller and msg, in time order', () => {
    const { tc, node } = cluster()
    const fs = nodeFs(tc.state, node)!
    for (const file of ['ipamd.log', 'plugin.log']) {
      const text = fs.readFile(`/var/log/aws-routed-eni/${file}`) as string
      const lines = parse(text)
      expect(lines.length).toBeGreaterThanOrEqual(3)
      for (const l of lines) {
        expect(Object.keys(l)).toEqual(['level', 'ts', 'caller', 'msg'])
        expect(l.ts).toMatch(/^2026-03-02T\d\d:\d\d:\d\d\.\d{3}Z$/)
        expect(l.caller).toMatch(/^[\w-]+\/[\w.]+\.go:\d+$/)
      }
      const ts = lines.map((l) => l.ts)
      expect([...ts].sort()).toEqual(ts)
    }
  })

  it('logs the pod ADD, and keeps its DEL after the pod is gone', () => {
    const { tc, pod, node } = cluster()
    const ip = pod.status!.podIP!
    const before = cniLogText(tc.state.nodes[node]!, 'ipamd')
    expect(before).toContain(`"msg":"AssignPodIPv4Address: Assign IP ${ip} to sandbox aws-cni/`)
    expect(before).toContain(`Send AddNetworkReply: IPv4Addr: ${ip}, IPv6Addr: , DeviceNumber: `)
    tc.delete('Deployment', 'web')
    tc.settle()
    const n = tc.state.nodes[node]!
    const ipamd = parse(cniLogText(n, 'ipamd')).map((l) => l.msg)
    const plugin = parse(cniLogText(n, 'plugin')).map((l) => l.msg)
    const del = ipamd.findIndex((m) => m.startsWith('Received DelNetwork for Sandbox '))
    expect(del).toBeGreaterThan(0)
    expect(ipamd[del + 1]).toMatch(
      new RegExp(
        `^UnassignPodIPAddress: sandbox aws-cni/[0-9a-f]{64}/eth0's ipAddr ${ip.replaceAll('.', '\\.')}, DeviceNumber \\d$`,
      ),
    )
    expect(plugin.some((m) => m.startsWith('Received CNI del request: ContainerID('))).toBe(true)
    expect(plugin.at(-1)).toMatch(
      new RegExp(
        `^TeardownPodNetwork: containerAddr=${ip.replaceAll('.', '\\.')}/32, routeTable=\\d+$`,
      ),
    )
  })

  it('ipamd starts with aws-node and says so first (golden)', async () => {
    const { tc, node } = cluster()
    const text = cniLogText(tc.state.nodes[node]!, 'ipamd')
    expect(parse(text)[0]!.msg).toBe('Constructed new logger instance')
    await expect(text).toMatchFileSnapshot('./__golden__/ipamd.log')
    await expect(cniLogText(tc.state.nodes[node]!, 'plugin')).toMatchFileSnapshot(
      './__golden__/plugin.log',
    )
  })
})

describe('ipamd.log at boot and after', () => {
  const msgs = (tc: TestCluster, node: string) =>
    parse(cniLogText(tc.state.nodes[node]!, 'ipamd')).map((l) => l.msg)

  it("starts with L-IPAMD's start block, before any AddNetwork or ENI line", () => {
    const tc = new TestCluster({ seed: 1 })
    tc.settle()
    for (const node of Object.keys(tc.state.nodes)) {
      const m = msgs(tc, node)
      expect(m[0]).toBe('Constructed new logger instance')
      expect(m[1]).toBe('Starting L-IPAMD   ...')
      const serving = m.findIndex((x) => x.startsWith('Serving RPC Handler'))
      const firstAdd = m.findIndex((x) => x.startsWith('Received AddNetwork'))
      expect(serving).toBeGreaterThan(0)
      if (firstAdd >= 0) expect(firstAdd).toBeGreaterThan(serving)
      expect(m.filter((x) => x.startsWith('Starting L-IPAMD'))).toHaveLength(1)
    }
  })

  it('property: in every file on every node, timestamps never decrease', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('deploy' as const), n: fc.integer({ min: 1, max: 12 }) }),
            fc.record({ op: fc.constant('delete' as const) }),
            fc.record({
              op: fc.constant('advance' as const),
              ms: fc.integer({ min: 0, max: 90_000 }),
            }),
          ),
          { maxLength: 5 },
        ),
        (seed, ops) => {
          const tc = new TestCluster({ seed })
          let i = 0
          const live: string[] = []
          for (const o of ops) {
            if (o.op === 'deploy') tc.deployment(live[live.push(`app${i++}`) - 1]!, 'nginx', o.n)
            else if (o.op === 'delete' && live.length) tc.delete('Deployment', live.pop()!)
            else if (o.op === 'advance') tc.advance(o.ms)
            tc.settle()
          }
          for (const node of Object.values(tc.state.nodes))
            for (const file of ['ipamd', 'plugin'] as const) {
              const ts = parse(cniLogText(node, file) || '{"ts":""}').map((l) => l.ts)
              for (let k = 1; k < ts.length; k++) expect(ts[k]! >= ts[k - 1]!).toBe(true)
            }
        },
      ),
      { numRuns: 15 },
    )
  })
})
