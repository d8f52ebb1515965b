import { describe, expect, it } from 'vitest'
import type { Hop } from '../net/path.ts'
import type { Headers } from '../net/netfilter/evaluate.ts'
import { netCluster, podRuntime } from '../net/testing/netCluster.ts'
import { parseResolvConf } from '../net/dns.ts'
import { podResolvConf } from '../node/fs.ts'
import {
  parseTraceroute,
  runTraceroute,
  traceHops,
  traceLines,
  UNSIMULATED_INTERNET_HOPS,
} from './traceroute.ts'

const h: Headers = {
  proto: 'udp',
  src: '192.168.40.7',
  dst: '93.184.215.14',
  sport: 40000,
  dport: 33435,
}
const hop = (kind: Hop['kind'], label: string, node?: string): Hop => ({
  kind,
  label,
  before: h,
  after: h,
  ...(node ? { node } : {}),
})
const lookup = {
  nodeIp: (n: string) => ({ a: '192.168.6.121', b: '192.168.70.12' })[n],
  natPrivateIp: (label: string) => (label.startsWith('nat-0aa') ? '192.168.1.50' : undefined),
}

describe('traceHops: who answers each TTL', () => {
  it('a private node: the node, the NAT gateway, unsimulated routers, then the host', () => {
    const hops = [
      hop('netns', 'client eth0', 'a'),
      hop('veth', 'eth0 -> eni1', 'a'),
      hop('hook', 'PREROUTING', 'a'),
      hop('route', 'default via 192.168.64.1 dev ens5', 'a'),
      hop('hook', 'FORWARD', 'a'),
      hop('hook', 'POSTROUTING', 'a'),
      hop('rtb', 'rtb-0p 0.0.0.0/0 -> nat-0aa', 'a'),
      hop('natgw', 'nat-0aa 192.168.6.121:40112 -> 192.168.1.50:40112'),
      hop('rtb', 'rtb-0q 0.0.0.0/0 -> igw-0b'),
      hop('igw', 'igw-0b 192.168.1.50 -> 54.12.3.4'),
      hop('internet', 'example.com (93.184.215.14)'),
    ]
    const t = traceHops(lookup, hops, 'delivered', '93.184.215.14')
    expect(t[0]).toEqual({ kind: 'answer', addr: '192.168.6.121', final: false })
    expect(t[1]).toEqual({ kind: 'answer', addr: '192.168.1.50', final: false })
    expect(t.slice(2, 2 + UNSIMULATED_INTERNET_HOPS).every((x) => x.kind === 'silent')).toBe(true)
    expect(t.at(-1)).toEqual({ kind: 'answer', addr: '93.184.215.14', final: true })
    expect(t).toHaveLength(3 + UNSIMULATED_INTERNET_HOPS)
  })

  it("prints a private node's way to example.com, the unsimulated routers as stars", () => {
    const hops = [
      hop('route', 'default via 192.168.64.1 dev ens5', 'a'),
      hop('rtb', 'rtb-0p 0.0.0.0/0 -> nat-0aa', 'a'),
      hop('natgw', 'nat-0aa 192.168.6.121:40112 -> 192.168.1.50:40112'),
      hop('rtb', 'rtb-0q 0.0.0.0/0 -> igw-0b'),
      hop('igw', 'igw-0b 192.168.1.50 -> 54.12.3.4'),
      hop('internet', 'example.com (93.184.215.14)'),
    ]
    const t = traceHops(lookup, hops, 'delivered', '93.184.215.14')
    const o = { maxTtl: 30, probes: 3, numeric: false, waitSec: 5, host: 'example.com' }
    const r = traceLines(o, t, true)
    expect(r.output.map((l) => l.text)).toEqual([
      ' 1  192.168.6.121 (192.168.6.121)  0.040 ms  0.033 ms  0.030 ms',
      ' 2  192.168.1.50 (192.168.1.50)  0.220 ms  0.180 ms  0.163 ms',
      ' 3  *  *  *',
      ' 4  *  *  *',
      ' 5  *  *  *',
      ' 6  *  *  *',
      ' 7  *  *  *',
      ' 8  93.184.215.14 (93.184.215.14)  2.500 ms  2.050 ms  1.850 ms',
      '(Cutaway does not simulate the routers between the AWS internet gateway and example.com: their hops print * * *.)',
    ])
    expect(r.output.at(-1)!.stream).toBe('stderr')
    expect(r.waitedMs).toBe(5 * 3 * 5000)
  })

  it('a public node: the internet gateway and the VPC router do not answer', () => {
    const hops = [
      hop('route', 'default via 192.168.0.1 dev ens5', 'a'),
      hop('rtb', 'rtb-0p 0.0.0.0/0 -> igw-0b', 'a'),
      hop('igw', 'igw-0b 192.168.6.121 -> 54.12.3.4'),
      hop('internet', 'example.com (93.184.215.14)'),
    ]
    const t = traceHops(lookup, hops, 'delivered', '93.184.215.14')
    expect(t.map((x) => (x.kind === 'answer' ? x.addr : '*'))).toEqual([
      '192.168.6.121',
      ...Array<string>(UNSIMULATED_INTERNET_HOPS).fill('*'),
      '93.184.215.14',
    ])
  })

  it('a REJECT answers with its ICMP mark; a drop leaves only stars', () => {
    const hops = [hop('route', '10.0.0.1 dev ens5', 'a')]
    expect(
      traceHops(lookup, hops, 'rejected', '10.0.0.1', {
        node: 'a',
        rejectWith: 'icmp-host-prohibited',
      }),
    ).toEqual([
      { kind: 'answer', addr: '192.168.6.121', final: false },
      { kind: 'answer', addr: '192.168.6.121', final: true, mark: '!C' },
    ])
    expect(traceHops(lookup, hops, 'dropped', '10.0.0.1')).toHaveLength(1)
  })
})

describe('traceroute over the simulated network', () => {
  function trace(tc: ReturnType<typeof netCluster>, dst: string, args: string[] = []) {
    const { pod, place } = podRuntime(tc, 'client')
    const r = tc.sim.transact((ctx) =>
      runTraceroute(ctx, place, [...args, dst], {
        resolv: parseResolvConf(podResolvConf(ctx.state, pod.namespace)),
        libc: 'musl',
        uid: 0,
      }),
    )
    if (!r.ok) throw r.error
    return r.value
  }

  it('pod -> pod on another node: the source node, the destination node, the pod', () => {
    const tc = netCluster({ replicas: 3 })
    const client = podRuntime(tc, 'client')
    const other = Object.values(tc.state.nodes).find((n) => n.name !== client.node.name)!
    const target = Object.values(other.pods).find((p) => p.name.startsWith('web'))!
    const r = trace(tc, target.ip!)
    expect(r.output.map((o) => o.text)).toEqual([
      `traceroute to ${target.ip} (${target.ip}), 30 hops max, 46 byte packets`,
      ` 1  ${client.node.ip} (${client.node.ip})  0.040 ms  0.033 ms  0.030 ms`,
      ` 2  ${other.ip} (${other.ip})  0.220 ms  0.180 ms  0.163 ms`,
      ` 3  ${target.ip} (${target.ip})  0.400 ms  0.328 ms  0.296 ms`,
    ])
    expect(r.output.every((o) => o.stream === 'stdout')).toBe(true)
  })

  it('pod -> pod on the same node: the node, then the pod (-n: addresses only)', () => {
    const tc = netCluster({ replicas: 3 })
    const client = podRuntime(tc, 'client')
    const target = Object.values(client.node.pods).find(
      (p) => p.uid !== client.pod.uid && !p.hostNetwork && p.ip,
    )!
    const r = trace(tc, target.ip!, ['-n'])
    expect(r.output.slice(1).map((o) => o.text)).toEqual([
      ` 1  ${client.node.ip}  0.040 ms  0.033 ms  0.030 ms`,
      ` 2  ${target.ip}  0.220 ms  0.180 ms  0.163 ms`,
    ])
  })

  it('a ClusterIP: only the node answers, then nothing (no rule matches a UDP probe)', () => {
    const tc = netCluster({ replicas: 1 })
    const r = trace(tc, 'web', ['-m', '4', '-w', '1'])
    const lines = r.output.map((o) => o.text)
    expect(lines[0]).toMatch(/^traceroute to web \(10\.100\.\d+\.\d+\), 4 hops max/)
    expect(lines.slice(2)).toEqual([' 2  *  *  *', ' 3  *  *  *', ' 4  *  *  *'])
    expect(r.waitedMs).toBeGreaterThanOrEqual(9000)
  })

  it('parses options as BusyBox does', () => {
    expect(parseTraceroute(['-m', '5', '-q1', 'x'])).toMatchObject({
      maxTtl: 5,
      probes: 1,
      host: 'x',
    })
    expect(parseTraceroute(['-Z', 'x'])).toMatchObject({
      error: expect.arrayContaining(["traceroute: invalid option -- 'Z'"]),
    })
  })
})
