import { beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { TestCluster } from '../testing/TestCluster.ts'
import { launchNode } from '../aws/bootstrap.ts'
import type { SimEvent } from '../events.ts'
import type { NodeRuntime, PodRuntime } from '../model/node.ts'
import type { Headers } from './netfilter/evaluate.ts'
import { iptablesCommand } from './netfilter/command.ts'
import { icmpEcho, tcpConnect, udpExchange, type Exchange } from './flow.ts'
import type { Place } from './path.ts'
import { natTranslate } from './vpc.ts'
import { runCurl } from '../workloads/curl.ts'
import { parseResolvConf, resolve, type Resolution } from './dns.ts'
import { podResolvConf } from '../node/fs.ts'

// Egress (FIDELITY §5.5, §6): a pod's packet to the internet through the node's policy routing,
// the CNI's SNAT, the VPC route table, the internet gateway or the NAT gateway, and back.

type HopEvent = Extract<SimEvent, { type: 'packet.hop' }>

interface World {
  tc: TestCluster
  pub: NodeRuntime
  priv: NodeRuntime
}

function sleeper(tc: TestCluster, name: string, nodeName: string, image = 'busybox'): void {
  tc.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      nodeName,
      containers: [
        { name: 'c', image, ...(image === 'busybox' ? { command: ['sleep', '3600'] } : {}) },
      ],
    },
  } as never)
}

function world(): World {
  const tc = new TestCluster({ seed: 7 })
  tc.settle()
  const r = tc.sim.transact((ctx) => {
    const subnet = ctx.state.aws.subnets.find((s) => !s.public)!
    return launchNode(ctx, Object.keys(ctx.state.aws.nodeGroups)[0]!, subnet).name
  })
  if (!r.ok) throw r.error
  tc.settle()
  const pub = Object.values(tc.state.nodes).find(
    (n) => tc.state.aws.instances[n.instanceId]?.publicIpAddress,
  )!
  sleeper(tc, 'pub-client', pub.name)
  sleeper(tc, 'priv-client', r.value)
  sleeper(tc, 'priv-web', r.value, 'nginx')
  // enough pods on the public node that some get addresses of its second ENI
  for (let i = 0; i < 8; i++) sleeper(tc, `filler-${i}`, pub.name)
  tc.settle()
  return { tc, pub: tc.state.nodes[pub.name]!, priv: tc.state.nodes[r.value]! }
}

function podOf(
  tc: TestCluster,
  name: string,
): { node: NodeRuntime; pod: PodRuntime; place: Place } {
  for (const node of Object.values(tc.state.nodes))
    for (const pod of Object.values(node.pods))
      if (pod.namespace === 'default' && pod.name === name)
        return { node, pod, place: { node: node.name, pod: pod.uid } }
  throw new Error(`no pod ${name}`)
}

function onSecondaryEni(node: NodeRuntime, pod: PodRuntime): boolean {
  const a = node.ipamd?.ips[pod.ip]
  return !!a && a.eniId !== node.ipamd!.enis[0]
}

function run<T>(tc: TestCluster, fn: Parameters<TestCluster['sim']['transact']>[0]): T {
  const r = tc.sim.transact(fn)
  if (!r.ok) throw r.error
  return r.value as T
}

function hopsOf(tc: TestCluster, x: Exchange, direction: 'request' | 'reply'): HopEvent[] {
  return tc.events.filter(
    (e): e is HopEvent => e.type === 'packet.hop' && e.flow === x.flow && e.direction === direction,
  )
}

const kinds = (hs: HopEvent[]) => hs.map((h) => (h.kind === 'hook' ? h.label : h.kind))
const translations = (hs: HopEvent[]) =>
  hs.filter((h) => h.before.src !== h.after.src || h.before.sport !== h.after.sport)

const http = { purpose: 'HTTP GET /', requestBytes: 80, responseBytes: () => 600 }

function flushAwsSnat(tc: TestCluster): void {
  // what AWS_VPC_K8S_CNI_EXTERNALSNAT=true leaves: no SNAT, no connmark (FIDELITY §5.5)
  run(tc, (ctx) => {
    for (const node of Object.values(ctx.state.nodes))
      for (const chain of ['AWS-SNAT-CHAIN-0', 'AWS-CONNMARK-CHAIN-0']) {
        const out = iptablesCommand(node.netfilter!, ['-t', 'nat', '-F', chain])
        if (out.exitCode !== 0) throw new Error(out.stderr)
      }
  })
}

describe('egress from a pod', () => {
  let w: World
  beforeAll(() => {
    w = world()
  })

  it('a public node: SNAT to the node, the public route table, the IGW maps the node IP 1:1', () => {
    const { tc, pub } = w
    const c = podOf(tc, 'pub-client')
    const x = run<Exchange>(tc, (ctx) => tcpConnect(ctx, c.place, '104.20.23.154', 80, http))
    expect(x.outcome).toBe('answered')
    const req = hopsOf(tc, x, 'request')
    expect(kinds(req)).toEqual([
      'netns',
      'veth',
      'PREROUTING',
      'route',
      'FORWARD',
      'POSTROUTING',
      'rtb',
      'igw',
      'internet',
    ])
    const subnetGw = req.find((h) => h.kind === 'route')!.label
    expect(subnetGw).toMatch(/^ip rule 1024 fwmark 0x80\/0x80 -> main: default via \S+ dev ens5$/)
    const publicIp = tc.state.aws.instances[pub.instanceId]!.publicIpAddress!
    const post = req.find((h) => h.label === 'POSTROUTING')!
    expect(post.after.src).toBe(pub.ip)
    const rtb = req.find((h) => h.kind === 'rtb')!
    expect(rtb.node).toBe(pub.name)
    expect(rtb.label).toMatch(/^rtb-\w+ 0\.0\.0\.0\/0 -> igw-\w+$/)
    const igw = req.find((h) => h.kind === 'igw')!
    expect(igw.node).toBeUndefined()
    expect(igw.label).toBe(
      `${tc.state.aws.internetGateway.internetGatewayId} ${pub.ip} -> ${publicIp}`,
    )
    expect(igw.after.src).toBe(publicIp)
    expect(req.at(-1)!.label).toBe('example.com (104.20.23.154)')
    expect(x.server!.peer.ip).toBe(publicIp)
    // the reply: the IGW maps back, the node un-SNATs in PREROUTING, rule 512 to the pod
    const rep = hopsOf(tc, x, 'reply')
    expect(kinds(rep)).toEqual([
      'internet',
      'igw',
      'vpc',
      'PREROUTING',
      'route',
      'FORWARD',
      'POSTROUTING',
      'veth',
      'netns',
    ])
    const pre = rep.find((h) => h.label === 'PREROUTING')!
    expect(pre.before.dst).toBe(pub.ip)
    expect(pre.after.dst).toBe(c.pod.ip)
    expect(rep.find((h) => h.kind === 'route')!.label).toBe(
      `ip rule 512 to ${c.pod.ip} -> main: ${c.pod.ip} dev ${rep.find((h) => h.kind === 'veth')!.label.split(' ')[0]}`,
    )
    expect(x.reply).toEqual({
      proto: 'tcp',
      src: '104.20.23.154',
      dst: c.pod.ip,
      sport: 80,
      dport: x.client.port,
    })
  })

  it('a private node: SNAT to the node, then the NAT gateway writes its EIP; replies come back', () => {
    const { tc, priv } = w
    const nat = tc.state.aws.natGateways[0]!
    const c = podOf(tc, 'priv-client')
    const x = run<Exchange>(tc, (ctx) => tcpConnect(ctx, c.place, '172.66.147.243', 443, http))
    expect(x.outcome).toBe('answered')
    const req = hopsOf(tc, x, 'request')
    expect(kinds(req)).toEqual([
      'netns',
      'veth',
      'PREROUTING',
      'route',
      'FORWARD',
      'POSTROUTING',
      'rtb',
      'natgw',
      'rtb',
      'igw',
      'internet',
    ])
    const [privRtb, pubRtb] = req.filter((h) => h.kind === 'rtb')
    expect(privRtb!.node).toBe(priv.name)
    expect(privRtb!.label).toMatch(new RegExp(`^rtb-\\w+ 0\\.0\\.0\\.0/0 -> ${nat.natGatewayId}$`))
    expect(pubRtb!.node).toBeUndefined()
    expect(pubRtb!.label).toMatch(/-> igw-\w+$/)
    const natHop = req.find((h) => h.kind === 'natgw')!
    expect(natHop.before.src).toBe(priv.ip)
    expect(natHop.after.src).toBe(nat.publicIp)
    expect(natHop.after.sport).toBeGreaterThanOrEqual(1024)
    expect(req.find((h) => h.kind === 'igw')!.after.src).toBe(nat.publicIp)
    expect(x.server!.peer.ip).toBe(nat.publicIp)
    expect(translations(req)).toHaveLength(2)
    const rep = hopsOf(tc, x, 'reply')
    expect(kinds(rep)).toEqual([
      'internet',
      'igw',
      'natgw',
      'vpc',
      'PREROUTING',
      'route',
      'FORWARD',
      'POSTROUTING',
      'veth',
      'netns',
    ])
    expect(rep.find((h) => h.kind === 'natgw')!.after.dst).toBe(priv.ip)
    expect(x.reply).toMatchObject({ src: '172.66.147.243', dst: c.pod.ip, dport: x.client.port })
  })

  it('checkip.amazonaws.com answers the node public IP, or the NAT gateway EIP', () => {
    const { tc, pub } = w
    const curl = (name: string) =>
      run<{ output: { stream: string; text: string }[]; exitCode: number }>(tc, (ctx) =>
        runCurl(ctx, podOf(tc, name).place, ['-s', 'http://checkip.amazonaws.com'], {
          tty: true,
          resolv: parseResolvConf(podResolvConf(ctx.state, 'default')),
          libc: 'musl',
        }),
      )
    const a = curl('pub-client')
    expect(a.exitCode).toBe(0)
    expect(a.output).toEqual([
      { stream: 'stdout', text: tc.state.aws.instances[pub.instanceId]!.publicIpAddress! },
    ])
    const b = curl('priv-client')
    expect(b.output).toEqual([{ stream: 'stdout', text: tc.state.aws.natGateways[0]!.publicIp }])
  })

  it('curl prints example.com; an unknown name is curl (6) with a note', () => {
    const { tc } = w
    const curl = (url: string) =>
      run<{ output: { stream: string; text: string }[]; exitCode: number }>(tc, (ctx) =>
        runCurl(ctx, podOf(tc, 'pub-client').place, [url], {
          tty: true,
          resolv: parseResolvConf(podResolvConf(ctx.state, 'default')),
          libc: 'musl',
        }),
      )
    const ok = curl('https://example.com')
    expect(ok.exitCode).toBe(0)
    expect(ok.output[0]!.text).toMatch(/^<!doctype html>.*<h1>Example Domain<\/h1>/)
    // curl negotiates h2 over TLS: `HTTP/2 200 ` and lowercase names; plain http is HTTP/1.1
    const head = (url: string) =>
      run<{ output: { stream: string; text: string }[] }>(tc, (ctx) =>
        runCurl(ctx, podOf(tc, 'pub-client').place, ['-sI', url], {
          tty: true,
          resolv: parseResolvConf(podResolvConf(ctx.state, 'default')),
          libc: 'musl',
        }),
      ).output.map((o) => o.text)
    const tls = head('https://example.com')
    expect(tls[0]).toBe('HTTP/2 200 ')
    expect(tls).toContain('server: cloudflare')
    expect(tls).toContain('content-length: 513')
    const plain = head('http://example.com')
    expect(plain[0]).toBe('HTTP/1.1 200 OK')
    expect(plain).toContain('Server: cloudflare')
    const bad = curl('https://no-such-host.example.org')
    expect(bad.exitCode).toBe(6)
    expect(bad.output[0]).toEqual({
      stream: 'stderr',
      text: 'curl: (6) Could not resolve host: no-such-host.example.org',
    })
    expect(bad.output[1]!.text).toMatch(
      /^\(Cutaway simulates only these internet hosts: example\.com/,
    )
  })

  it('a host process on the node: OUTPUT, SNAT, the IGW; the reply reaches the host socket', () => {
    const { tc, pub, priv } = w
    for (const [node, addr] of [
      [pub, tc.state.aws.instances[pub.instanceId]!.publicIpAddress!],
      [priv, tc.state.aws.natGateways[0]!.publicIp],
    ] as const) {
      const x = run<Exchange>(tc, (ctx) =>
        tcpConnect(ctx, { node: node.name }, '44.193.128.70', 80, http),
      )
      expect(x.outcome).toBe('answered')
      expect(x.server!.peer.ip).toBe(addr)
      expect(kinds(hopsOf(tc, x, 'reply')).slice(-3)).toEqual(['route', 'INPUT', 'socket'])
      expect(x.reply).toMatchObject({ dst: node.ip, dport: x.client.port })
    }
  })

  it('CoreDNS forwards an internet name to the VPC resolver as a real UDP flow', () => {
    const { tc } = w
    const c = podOf(tc, 'pub-client')
    const before = tc.events.length
    const r = run<Resolution>(tc, (ctx) =>
      resolve(
        ctx,
        c.place,
        'example.com',
        parseResolvConf(podResolvConf(ctx.state, 'default')),
        'musl',
      ),
    )
    expect(r).toMatchObject({ kind: 'ok', addrs: ['104.20.23.154', '172.66.147.243'] })
    const flows = tc.events
      .slice(before)
      .filter((e): e is Extract<SimEvent, { type: 'packet.flow' }> => e.type === 'packet.flow')
    const forward = flows.find((f) => f.dst === '192.168.0.2')!
    expect(forward).toMatchObject({ dport: 53, proto: 'udp', outcome: 'answered' })
    expect(forward.client).toMatch(/^kube-system\/coredns-/)
    const hops = tc.events.filter(
      (e): e is HopEvent => e.type === 'packet.hop' && e.flow === forward.flow,
    )
    expect(hops.find((h) => h.kind === 'vpc' && h.direction === 'request')!.label).toMatch(
      /-> VPC -> Route 53 Resolver 192\.168\.0\.2$/,
    )
    // no SNAT toward a VPC address: the resolver sees the CoreDNS pod's own address
    expect(translations(hops.filter((h) => h.direction === 'request'))).toHaveLength(0)
  })

  it('ping 8.8.8.8: the ICMP id changes at the SNAT and comes back', () => {
    const { tc } = w
    const c = podOf(tc, 'pub-client')
    const x = run<Exchange>(tc, (ctx) => icmpEcho(ctx, c.place, '8.8.8.8', 13))
    expect(x.outcome).toBe('answered')
    const post = hopsOf(tc, x, 'request').find((h) => h.label === 'POSTROUTING')!
    expect(post.before.sport).toBe(13)
    expect(post.after.sport).not.toBe(13)
    expect(x.reply).toEqual({ proto: 'icmp', src: '8.8.8.8', dst: c.pod.ip, sport: 13, dport: 0 })
  })

  it('a pod on a secondary ENI talks to the VPC through ens6 (table 2), its address kept', () => {
    const { tc, pub } = w
    const fillers = Object.values(pub.pods).filter(
      (p) => p.name.startsWith('filler-') && onSecondaryEni(pub, p),
    )
    expect(fillers.length).toBeGreaterThan(0)
    const src = podOf(tc, fillers[0]!.name)
    const web = podOf(tc, 'priv-web')
    const x = run<Exchange>(tc, (ctx) => tcpConnect(ctx, src.place, web.pod.ip, 80, http))
    expect(x.outcome).toBe('answered')
    const req = hopsOf(tc, x, 'request')
    const route = req.find((h) => h.kind === 'route')!
    expect(route.label).toMatch(
      new RegExp(
        `^ip rule 1536 from ${src.pod.ip.replaceAll('.', '\\.')} -> 2: default via \\S+ dev ens6$`,
      ),
    )
    expect(req.find((h) => h.kind === 'vpc')!.label).toBe(
      `${pub.name} ens6 -> VPC -> ${web.node.name} ens5`,
    )
    expect(translations(req)).toHaveLength(0)
    expect(x.server!.peer.ip).toBe(src.pod.ip)
    // and the reply finds the pod on the ENI that holds its address
    const rep = hopsOf(tc, x, 'reply')
    expect(rep.find((h) => h.kind === 'vpc')!.label).toMatch(new RegExp(`-> ${pub.name} ens6$`))
    expect(x.reply).toMatchObject({ src: web.pod.ip, dst: src.pod.ip })
  })

  it('property: replies always arrive with the original addresses', () => {
    const { tc, pub } = w
    const clients = [
      'pub-client',
      'priv-client',
      ...Object.values(pub.pods)
        .filter((p) => p.name.startsWith('filler-'))
        .map((p) => p.name),
    ]
    const dests: [Headers['proto'], string, number][] = [
      ['tcp', '104.20.23.154', 80],
      ['tcp', '172.66.147.243', 443],
      ['tcp', '44.193.128.70', 80],
      ['udp', '8.8.8.8', 53],
      ['tcp', '8.8.4.4', 53],
      ['icmp', '8.8.8.8', 0],
      ['tcp', podOf(tc, 'priv-web').pod.ip, 80],
    ]
    fc.assert(
      fc.property(
        fc.constantFrom(...clients),
        fc.constantFrom(...dests),
        fc.integer({ min: 1, max: 65535 }),
        (name, [proto, dst, dport], id) => {
          const c = podOf(tc, name)
          const x = run<Exchange>(tc, (ctx) =>
            proto === 'icmp'
              ? icmpEcho(ctx, c.place, dst, id)
              : proto === 'udp'
                ? udpExchange(ctx, c.place, dst, dport, { ...http, purpose: 'DNS' })
                : tcpConnect(ctx, c.place, dst, dport, http),
          )
          expect(x.outcome).toBe('answered')
          expect(x.reply).toEqual(
            proto === 'icmp'
              ? { proto, src: dst, dst: c.pod.ip, sport: id, dport: 0 }
              : { proto, src: dst, dst: c.pod.ip, sport: dport, dport: x.client.port },
          )
        },
      ),
      { numRuns: 40, seed: 7 },
    )
  })
})

describe('AWS_VPC_K8S_CNI_EXTERNALSNAT: no SNAT on the node', () => {
  it('a public pod is lost at the IGW; a private pod works through the NAT gateway alone', () => {
    const w = world()
    const { tc, priv } = w
    flushAwsSnat(tc)
    const pubPod = podOf(tc, 'pub-client')
    const lost = run<Exchange>(tc, (ctx) =>
      tcpConnect(ctx, pubPod.place, '104.20.23.154', 80, http),
    )
    expect(lost.outcome).toBe('lost')
    expect(lost.reason).toMatch(/has no public IPv4 address associated/)
    const req = hopsOf(tc, lost, 'request')
    expect(kinds(req).slice(-3)).toEqual(['POSTROUTING', 'rtb', 'lost'])
    expect(req.at(-1)!.label).toMatch(/^igw-\w+ dropped the packet: its source 192\.168\./)
    expect(req.find((h) => h.kind === 'route')!.label).toMatch(
      /^ip rule 32766 -> main: default via/,
    )

    const c = podOf(tc, 'priv-client')
    const x = run<Exchange>(tc, (ctx) => tcpConnect(ctx, c.place, '104.20.23.154', 80, http))
    expect(x.outcome).toBe('answered')
    const out = hopsOf(tc, x, 'request')
    const t = translations(out)
    expect(t).toHaveLength(1)
    expect(t[0]!.kind).toBe('natgw')
    expect(t[0]!.before.src).toBe(c.pod.ip)
    expect(x.server!.peer.ip).toBe(tc.state.aws.natGateways[0]!.publicIp)
    expect(x.reply).toMatchObject({ src: '104.20.23.154', dst: c.pod.ip, dport: x.client.port })
    void priv
  })
})

describe('the NAT gateway translation table', () => {
  it('property: never gives one (address, port, destination) twice; a connection keeps its port', () => {
    const tc = new TestCluster({ seed: 3 })
    const hdr = fc.record({
      proto: fc.constantFrom<Headers['proto']>('tcp', 'udp', 'icmp'),
      src: fc.constantFrom('192.168.96.10', '192.168.96.11', '192.168.128.7'),
      sport: fc.integer({ min: 1, max: 65535 }),
      dst: fc.constantFrom('104.20.23.154', '8.8.8.8'),
      dport: fc.constantFrom(53, 80, 443),
    })
    fc.assert(
      fc.property(fc.array(hdr, { minLength: 1, maxLength: 60 }), (hs) => {
        run(tc, (ctx) => {
          const nat = ctx.state.aws.natGateways[0]!
          nat.translations = []
          const seen = new Map<string, number>()
          for (const h of hs) {
            const t = natTranslate(ctx.state, nat, h)!
            expect(t.natPort).toBeGreaterThanOrEqual(1024)
            expect(t.natPort).toBeLessThanOrEqual(65535)
            const conn = `${h.proto} ${h.src}:${h.sport} ${h.dst}:${h.proto === 'icmp' ? 0 : h.dport}`
            if (seen.has(conn)) expect(t.natPort).toBe(seen.get(conn))
            seen.set(conn, t.natPort)
          }
          const keys = nat.translations.map((t) => `${t.proto} ${t.dst}:${t.dport} ${t.natPort}`)
          expect(new Set(keys).size).toBe(keys.length)
        })
      }),
      { numRuns: 100, seed: 11 },
    )
  })

  it('55,000 connections to one destination take every port the address has for it', () => {
    const tc = new TestCluster({ seed: 3 })
    run(tc, (ctx) => {
      const nat = ctx.state.aws.natGateways[0]!
      nat.translations = Array.from({ length: 55_000 }, (_, i) => ({
        proto: 'tcp' as const,
        src: '192.168.96.10',
        sport: 1 + (i % 60000),
        dst: '104.20.23.154',
        dport: 443,
        natPort: 1024 + i,
        lastUsed: ctx.state.now,
      }))
      const h = { proto: 'tcp' as const, src: '192.168.96.11', sport: 40000, dst: '104.20.23.154' }
      expect(natTranslate(ctx.state, nat, { ...h, dport: 443 })).toBeUndefined()
      // another destination port is another "unique destination"
      expect(natTranslate(ctx.state, nat, { ...h, dport: 80 })?.natPort).toBeGreaterThanOrEqual(
        1024,
      )
    })
  })
})
