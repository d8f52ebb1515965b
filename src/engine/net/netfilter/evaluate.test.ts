import { describe, expect, it } from 'vitest'
import { createRng } from '../../random.ts'
import { emptyConntrack } from './conntrack.ts'
import { runHook, type InFlight, type NetHost, type Packet } from './evaluate.ts'
import { emptyCounters, emptyNetfilter, type Match, type Rule, type Target } from './model.ts'
import { statisticFixed } from '../testing/kubeProxyFixture.ts'

const NODE_IP = '192.168.10.20'

function host(now = 1000): NetHost {
  return {
    node: 'n1',
    nf: emptyNetfilter(),
    ct: emptyConntrack(),
    recent: {},
    isLocal: (ip) => ip === NODE_IP,
    masqueradeAddress: NODE_IP,
    now,
    rng: createRng(42),
  }
}

const rule = (r: Partial<Rule> & { target?: Target; matches?: Match[] }): Rule => ({
  matches: [],
  counters: emptyCounters(),
  ...r,
})

function pkt(p: Partial<Packet> = {}): Packet {
  return {
    proto: 'tcp',
    src: '192.168.1.5',
    dst: '10.100.0.50',
    sport: 40000,
    dport: 80,
    len: 60,
    mark: 0,
    tcp: { syn: true },
    inIface: 'eni0123456789a',
    ...p,
  }
}

function chain(h: NetHost, table: 'raw' | 'mangle' | 'nat' | 'filter', name: string) {
  return (h.nf.tables[table].chains[name] ??= { name, counters: emptyCounters(), rules: [] })
}

describe('matches', () => {
  const cases: [string, Partial<Rule>, Partial<Packet>, boolean][] = [
    ['-s cidr', { src: { cidr: '192.168.0.0/16' } }, {}, true],
    ['! -s cidr', { src: { cidr: '192.168.0.0/16', negate: true } }, {}, false],
    ['-d host', { dst: { cidr: '10.100.0.50/32' } }, {}, true],
    ['-d other', { dst: { cidr: '10.100.0.51/32' } }, {}, false],
    ['-i eni+', { inIface: { name: 'eni+' } }, {}, true],
    ['-i ens5', { inIface: { name: 'ens5' } }, {}, false],
    ['! -i ens5', { inIface: { name: 'ens5', negate: true } }, {}, true],
    ['-p udp', { proto: { name: 'udp' } }, {}, false],
    ['-p all', { proto: { name: 'all' } }, {}, true],
    ['! -p udp', { proto: { name: 'udp', negate: true } }, {}, true],
    ['-m tcp --dport 80', { matches: [{ module: 'tcp', dport: { from: 80 } }] }, {}, true],
    [
      '-m tcp --dport 1:79',
      { matches: [{ module: 'tcp', dport: { from: 1, to: 79 } }] },
      {},
      false,
    ],
    [
      '-m tcp ! --sport 40000',
      { matches: [{ module: 'tcp', sport: { from: 40000, negate: true } }] },
      {},
      false,
    ],
    ['-m udp on tcp', { matches: [{ module: 'udp' }] }, {}, false],
    [
      '-m multiport --dports 443,80',
      { matches: [{ module: 'multiport', dports: [{ from: 443 }, { from: 80 }] }] },
      {},
      true,
    ],
    [
      '-m multiport ! --dports 80',
      { matches: [{ module: 'multiport', dports: [{ from: 80 }], negate: true }] },
      {},
      false,
    ],
    [
      '-m icmp --icmp-type echo-request',
      { matches: [{ module: 'icmp', icmpType: 'echo-request' }] },
      { proto: 'icmp', dport: 8 },
      true,
    ],
    [
      '-m mark --mark 0x4000/0x4000',
      { matches: [{ module: 'mark', value: 0x4000, mask: 0x4000 }] },
      { mark: 0x4080 },
      true,
    ],
    [
      '-m mark ! --mark 0x4000/0x4000',
      { matches: [{ module: 'mark', value: 0x4000, mask: 0x4000, negate: true }] },
      { mark: 0x80 },
      true,
    ],
    [
      '-m addrtype --dst-type LOCAL',
      { matches: [{ module: 'addrtype', dstType: { type: 'LOCAL' } }] },
      { dst: NODE_IP },
      true,
    ],
    [
      '-m addrtype ! --dst-type LOCAL',
      { matches: [{ module: 'addrtype', dstType: { type: 'LOCAL', negate: true } }] },
      {},
      true,
    ],
    [
      '-m conntrack --ctstate NEW',
      { matches: [{ module: 'conntrack', ctstate: ['NEW'] }] },
      {},
      true,
    ],
    [
      '-m conntrack --ctstate RELATED,ESTABLISHED',
      { matches: [{ module: 'conntrack', ctstate: ['RELATED', 'ESTABLISHED'] }] },
      {},
      false,
    ],
    ['-m comment', { matches: [{ module: 'comment', comment: 'x' }] }, {}, true],
  ]
  for (const [name, r, p, expected] of cases)
    it(`${name} ${expected ? 'matches' : 'does not match'}`, () => {
      const h = host()
      const r1 = rule({ ...r, target: { kind: 'ACCEPT' } })
      chain(h, 'mangle', 'PREROUTING').rules.push(r1)
      runHook(h, 'PREROUTING', { pkt: pkt(p) })
      expect(r1.counters.packets).toBe(expected ? 1 : 0)
    })
})

describe('chains and targets', () => {
  it('jumps, returns, and falls back to the policy, counting every matching rule', () => {
    const h = host()
    const a = rule({ target: { kind: 'jump', chain: 'A' } })
    const inA = rule({ target: { kind: 'RETURN' } })
    const never = rule({ target: { kind: 'DROP' } })
    const after = rule({})
    chain(h, 'filter', 'FORWARD').rules.push(a, after)
    chain(h, 'filter', 'A').rules.push(inA, never)
    h.nf.tables.filter.chains.FORWARD!.policy = 'DROP'
    const t = runHook(h, 'FORWARD', { pkt: pkt({ len: 100 }) })
    expect(t.verdict).toEqual({ kind: 'DROP', table: 'filter', chain: 'FORWARD', index: 0 })
    expect([a, inA, never, after].map((r) => r.counters.packets)).toEqual([1, 1, 0, 1])
    expect(a.counters.bytes).toBe(100)
    expect(h.nf.tables.filter.chains.FORWARD!.counters).toEqual({ packets: 1, bytes: 100 })
    expect(t.checked).toBe(3)
  })

  it('goto does not come back to the calling chain', () => {
    const h = host()
    const g = rule({ target: { kind: 'goto', chain: 'G' } })
    const skipped = rule({ target: { kind: 'DROP' } })
    chain(h, 'filter', 'FORWARD').rules.push(
      rule({ target: { kind: 'jump', chain: 'J' } }),
      skipped,
    )
    chain(h, 'filter', 'J').rules.push(g, rule({ target: { kind: 'DROP' } }))
    chain(h, 'filter', 'G').rules.push(rule({}))
    const t = runHook(h, 'FORWARD', { pkt: pkt() })
    // G ends: back to FORWARD (J's caller), whose next rule drops
    expect(t.verdict.kind).toBe('DROP')
    expect(skipped.counters.packets).toBe(1)
  })

  it('ACCEPT ends one table only; the next table still runs', () => {
    const h = host()
    chain(h, 'mangle', 'FORWARD').rules.push(rule({ target: { kind: 'ACCEPT' } }))
    chain(h, 'filter', 'FORWARD').rules.push(
      rule({ target: { kind: 'REJECT', rejectWith: 'icmp-port-unreachable' } }),
    )
    const t = runHook(h, 'FORWARD', { pkt: pkt() })
    expect(t.verdict).toMatchObject({
      kind: 'REJECT',
      rejectWith: 'icmp-port-unreachable',
      index: 1,
    })
  })

  it('MARK and KUBE-POSTROUTING arithmetic: or-mark then xor-mark', () => {
    const h = host()
    chain(h, 'mangle', 'PREROUTING').rules.push(
      rule({ target: { kind: 'MARK', value: 0x4000, mask: 0x4000 } }),
    )
    const f: InFlight = { pkt: pkt({ mark: 0x80 }) }
    runHook(h, 'PREROUTING', f)
    expect(f.pkt.mark).toBe(0x4080)
    chain(h, 'mangle', 'POSTROUTING').rules.push(
      rule({ target: { kind: 'MARK', value: 0x4000, mask: 0 } }),
    )
    runHook(h, 'POSTROUTING', f)
    expect(f.pkt.mark).toBe(0x80)
  })

  it('CONNMARK set-xmark, save and restore with masks (the VPC CNI rules)', () => {
    const h = host()
    chain(h, 'mangle', 'PREROUTING').rules.push(
      rule({ target: { kind: 'CONNMARK', op: 'set-xmark', value: 0x80, mask: 0x80 } }),
      rule({ target: { kind: 'CONNMARK', op: 'restore-mark', nfmask: 0x80, ctmask: 0x80 } }),
    )
    const f: InFlight = { pkt: pkt({ mark: 0x4000 }) }
    runHook(h, 'PREROUTING', f)
    expect(f.conn!.entry.mark).toBe(0x80)
    expect(f.pkt.mark).toBe(0x4080)
    chain(h, 'mangle', 'POSTROUTING').rules.push(
      rule({ target: { kind: 'CONNMARK', op: 'save-mark', nfmask: 0x4000, ctmask: 0x4000 } }),
    )
    runHook(h, 'POSTROUTING', f)
    expect(f.conn!.entry.mark).toBe(0x4080)
  })

  it('LOG writes a kernel log line and goes on', () => {
    const h = host()
    const next = rule({})
    chain(h, 'filter', 'FORWARD').rules.push(
      rule({ target: { kind: 'LOG', prefix: 'seen: ' } }),
      next,
    )
    const t = runHook(h, 'FORWARD', { pkt: pkt({ outIface: 'ens5' }) })
    expect(t.logs[0]).toMatch(
      /^seen: IN=eni0123456789a OUT=ens5 SRC=192\.168\.1\.5 DST=10\.100\.0\.50 LEN=60 .*PROTO=TCP SPT=40000 DPT=80 .*SYN URGP=0$/,
    )
    expect(next.counters.packets).toBe(1)
  })
})

describe('statistic --mode random', () => {
  it('matches with the stored fixed-point probability', () => {
    const h = host()
    const r = rule({
      matches: [{ module: 'statistic', mode: 'random', fixed: statisticFixed(0.25) }],
    })
    chain(h, 'mangle', 'PREROUTING').rules.push(r)
    for (let i = 0; i < 4000; i++) runHook(h, 'PREROUTING', { pkt: pkt({ sport: 1000 + i }) })
    expect(r.counters.packets).toBeGreaterThan(900)
    expect(r.counters.packets).toBeLessThan(1100)
  })
  it('probability 1.0 (0x80000000) always matches, 0 never', () => {
    const h = host()
    const all = rule({ matches: [{ module: 'statistic', mode: 'random', fixed: 0x80000000 }] })
    const none = rule({ matches: [{ module: 'statistic', mode: 'random', fixed: 0 }] })
    chain(h, 'mangle', 'PREROUTING').rules.push(all, none)
    for (let i = 0; i < 100; i++) runHook(h, 'PREROUTING', { pkt: pkt({ sport: 1000 + i }) })
    expect([all.counters.packets, none.counters.packets]).toEqual([100, 0])
  })
})

describe('nat and conntrack', () => {
  function dnatHost() {
    const h = host()
    const dnat = rule({
      dst: { cidr: '10.100.0.50/32' },
      target: { kind: 'DNAT', to: '192.168.3.7:8080' },
    })
    chain(h, 'nat', 'PREROUTING').rules.push(dnat)
    return { h, dnat }
  }

  it('DNAT on the first packet only; later packets get it from conntrack', () => {
    const { h, dnat } = dnatHost()
    const f1: InFlight = { pkt: pkt() }
    const t1 = runHook(h, 'PREROUTING', f1)
    expect(f1.pkt).toMatchObject({ dst: '192.168.3.7', dport: 8080 })
    expect(t1.changes[0]).toMatchObject({ what: 'DNAT', chain: 'PREROUTING', index: 1 })
    runHook(h, 'POSTROUTING', f1)
    expect(h.ct.entries).toHaveLength(1)
    const f2: InFlight = { pkt: pkt({ tcp: { ack: true } }) }
    const t2 = runHook(h, 'PREROUTING', f2)
    expect(dnat.counters.packets).toBe(1)
    expect(t2.checked).toBe(0)
    expect(f2.pkt).toMatchObject({ dst: '192.168.3.7', dport: 8080 })
    expect(t2.changes[0]!.what).toBe('conntrack DNAT')
  })

  it('un-DNATs the reply at POSTROUTING, and the reply is ESTABLISHED', () => {
    const { h } = dnatHost()
    const f1: InFlight = { pkt: pkt() }
    runHook(h, 'PREROUTING', f1)
    runHook(h, 'POSTROUTING', f1)
    const reply: InFlight = {
      pkt: pkt({
        src: '192.168.3.7',
        sport: 8080,
        dst: '192.168.1.5',
        dport: 40000,
        tcp: { syn: true, ack: true },
      }),
    }
    const pre = runHook(h, 'PREROUTING', reply)
    expect(pre.ctstate).toEqual(['ESTABLISHED', 'DNAT'])
    runHook(h, 'POSTROUTING', reply)
    expect(reply.pkt).toMatchObject({
      src: '10.100.0.50',
      sport: 80,
      dst: '192.168.1.5',
      dport: 40000,
    })
    expect(h.ct.entries[0]!.tcpState).toBe('SYN_RECV')
  })

  it('a dropped first packet leaves no conntrack entry', () => {
    const { h } = dnatHost()
    chain(h, 'filter', 'FORWARD').rules.push(rule({ target: { kind: 'DROP' } }))
    const f: InFlight = { pkt: pkt() }
    runHook(h, 'PREROUTING', f)
    expect(runHook(h, 'FORWARD', f).verdict.kind).toBe('DROP')
    expect(h.ct.entries).toHaveLength(0)
  })

  it('MASQUERADE takes the node address and --random-fully a new port; the reply is un-SNATed', () => {
    const h = host()
    chain(h, 'nat', 'POSTROUTING').rules.push(
      rule({ target: { kind: 'MASQUERADE', randomFully: true } }),
    )
    const f: InFlight = { pkt: pkt({ dst: '192.168.3.7' }) }
    runHook(h, 'PREROUTING', f)
    runHook(h, 'POSTROUTING', f)
    expect(f.pkt.src).toBe(NODE_IP)
    expect(f.pkt.sport).not.toBe(40000)
    const e = h.ct.entries[0]!
    expect(e.reply).toMatchObject({ dst: NODE_IP, dport: f.pkt.sport })
    const back: InFlight = {
      pkt: pkt({
        src: '192.168.3.7',
        sport: 80,
        dst: NODE_IP,
        dport: f.pkt.sport,
        tcp: { ack: true },
      }),
    }
    runHook(h, 'PREROUTING', back)
    expect(back.pkt).toMatchObject({ dst: '192.168.1.5', dport: 40000 })
  })

  it('recent --set then --rcheck --seconds (ClientIP affinity)', () => {
    const h = host(5000)
    const set = rule({ matches: [{ module: 'recent', name: 'SEP', op: 'set', side: 'source' }] })
    chain(h, 'mangle', 'PREROUTING').rules.push(set)
    runHook(h, 'PREROUTING', { pkt: pkt() })
    expect(h.recent.SEP!['192.168.1.5']).toBe(5000)
    const check = rule({
      matches: [
        { module: 'recent', name: 'SEP', op: 'rcheck', seconds: 10, reap: true, side: 'source' },
      ],
    })
    h.nf.tables.mangle.chains.PREROUTING!.rules = [check]
    h.now = 14_000
    runHook(h, 'PREROUTING', { pkt: pkt({ sport: 40001 }) })
    expect(check.counters.packets).toBe(1)
    h.now = 16_000
    runHook(h, 'PREROUTING', { pkt: pkt({ sport: 40002 }) })
    expect(check.counters.packets).toBe(1)
    expect(h.recent.SEP!['192.168.1.5']).toBeUndefined()
  })
})

describe('icmp', () => {
  it('an echo and its reply share one entry, without a DNAT or SNAT state', () => {
    const h = host()
    const f: InFlight = { pkt: pkt({ proto: 'icmp', sport: 77, dport: 8, dst: '192.168.3.7' }) }
    runHook(h, 'PREROUTING', f)
    runHook(h, 'POSTROUTING', f)
    const back: InFlight = {
      pkt: pkt({ proto: 'icmp', src: '192.168.3.7', dst: '192.168.1.5', sport: 77, dport: 0 }),
    }
    expect(runHook(h, 'PREROUTING', back).ctstate).toEqual(['ESTABLISHED'])
    expect(h.ct.entries).toHaveLength(1)
  })
})
