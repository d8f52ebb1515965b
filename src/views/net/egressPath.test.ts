import { describe, expect, it } from 'vitest'
import { curlProbe, netCluster } from '../../engine/net/testing/netCluster.ts'
import type { SimEvent } from '../../engine/index.ts'
import {
  describeHop,
  describeTranslations,
  flowsOf,
  hopTitle,
  hopsOf,
  layoutPath,
  natKind,
  placeLabels,
  placeOf,
  sourceTranslations,
  stationLabel,
  type HopEvent,
} from './packetPath.ts'

// The packet path model for egress flows, from synthetic packet.hop events with the hop kinds of
// issue #7 (contract part 1): a pod on a public node out through the internet gateway, and a pod
// on a private node out through the NAT gateway. Addresses as eksctl's VPC would have them.

const POD = '192.168.45.17'
const NODE = '192.168.40.12'
const NODE_PUBLIC = '54.187.21.9'
const NATGW = '192.168.5.20'
const EIP = '35.160.4.77'
const HOST = '23.192.228.80'
const NODE_NAME = 'ip-192-168-40-12.us-west-2.compute.internal'

type H = { src: string; sport: number; dst: string; dport: number }
const hdr = (h: H) => ({ proto: 'tcp' as const, ...h })
const out = (src: string, sport = 40112): H => ({ src, sport, dst: HOST, dport: 80 })
const back = (dst: string, dport = 40112): H => ({ src: HOST, sport: 80, dst, dport })

function flow(
  id: string,
  req: [HopEvent['kind'], string, H, H, boolean?][],
  rep: [HopEvent['kind'], string, H, H, boolean?][],
): HopEvent[] {
  const mk =
    (direction: 'request' | 'reply') =>
    (
      [kind, label, before, after, onNode]: [HopEvent['kind'], string, H, H, boolean?],
      seq: number,
    ) =>
      ({
        type: 'packet.hop',
        at: 0,
        flow: id,
        direction,
        seq,
        kind,
        label,
        before: hdr(before),
        after: hdr(after),
        ...(onNode ? { node: NODE_NAME } : {}),
      }) as HopEvent
  return [...req.map(mk('request')), ...rep.map(mk('reply'))]
}

/** pod -> internet from a public node: SNAT at the node, then the IGW's 1:1 NAT. */
function viaIgw(): HopEvent[] {
  const p = out(POD)
  const n = out(NODE, 40112)
  const pub = out(NODE_PUBLIC, 40112)
  return flow(
    'igw',
    [
      ['netns', 'curl eth0', p, p, true],
      ['veth', 'eth0 -> eni1a2b3c4d5e6', p, p, true],
      ['hook', 'PREROUTING', p, p, true],
      ['route', `default via 192.168.32.1 dev ens5`, p, p, true],
      ['hook', 'FORWARD', p, p, true],
      ['hook', 'POSTROUTING', p, n, true],
      ['rtb', 'rtb-0a1b2c3d4e5f60718 0.0.0.0/0 -> igw-0f1e2d3c4b5a69788', n, n, true],
      ['igw', `igw-0f1e2d3c4b5a69788 ${NODE} -> ${NODE_PUBLIC}`, n, pub],
      ['internet', `example.com (${HOST})`, pub, pub],
    ],
    [
      ['internet', `example.com (${HOST})`, back(NODE_PUBLIC), back(NODE_PUBLIC)],
      ['igw', `igw-0f1e2d3c4b5a69788 ${NODE_PUBLIC} -> ${NODE}`, back(NODE_PUBLIC), back(NODE)],
      ['hook', 'PREROUTING', back(NODE), back(POD), true],
      ['route', `${POD} dev eni1a2b3c4d5e6`, back(POD), back(POD), true],
      ['hook', 'FORWARD', back(POD), back(POD), true],
      ['hook', 'POSTROUTING', back(POD), back(POD), true],
      ['veth', 'eni1a2b3c4d5e6 -> eth0', back(POD), back(POD), true],
      ['netns', 'curl eth0', back(POD), back(POD), true],
    ],
  )
}

/** pod -> internet from a private node: SNAT at the node, the NAT gateway, then the IGW. */
function viaNat(): HopEvent[] {
  const p = out(POD)
  const n = out(NODE)
  const g = out(NATGW, 1024)
  const e = out(EIP, 1024)
  return flow(
    'nat',
    [
      ['netns', 'curl eth0', p, p, true],
      ['veth', 'eth0 -> eni1a2b3c4d5e6', p, p, true],
      ['hook', 'PREROUTING', p, p, true],
      ['route', `default via 192.168.160.1 dev ens5`, p, p, true],
      ['hook', 'FORWARD', p, p, true],
      ['hook', 'POSTROUTING', p, n, true],
      ['rtb', 'rtb-0aaaaaaaaaaaaaaa1 0.0.0.0/0 -> nat-0bbbbbbbbbbbbbbb2', n, n, true],
      ['natgw', `nat-0bbbbbbbbbbbbbbb2 ${NODE}:40112 -> ${NATGW}:1024`, n, g],
      ['rtb', 'rtb-0ccccccccccccccc3 0.0.0.0/0 -> igw-0ddddddddddddddd4', g, g],
      ['igw', `igw-0ddddddddddddddd4 ${NATGW} -> ${EIP}`, g, e],
      ['internet', `example.com (${HOST})`, e, e],
    ],
    [
      ['internet', `example.com (${HOST})`, back(EIP, 1024), back(EIP, 1024)],
      ['igw', `igw-0ddddddddddddddd4 ${EIP} -> ${NATGW}`, back(EIP, 1024), back(NATGW, 1024)],
      [
        'natgw',
        `nat-0bbbbbbbbbbbbbbb2 ${NATGW}:1024 -> ${NODE}:40112`,
        back(NATGW, 1024),
        back(NODE),
      ],
      ['vpc', `${NODE} (${NODE_NAME})`, back(NODE), back(NODE)],
      ['hook', 'PREROUTING', back(NODE), back(POD), true],
      ['veth', 'eni1a2b3c4d5e6 -> eth0', back(POD), back(POD), true],
      ['netns', 'curl eth0', back(POD), back(POD), true],
    ],
  )
}

const requestSpans = (hops: HopEvent[]) =>
  layoutPath(hops)
    .spans.filter((s) => s.direction === 'request')
    .map((s) => s.label)

describe('egress in the packet path model', () => {
  it('gives the gateways and the internet host their own places; the route table is the VPC', () => {
    const igw = viaIgw()
    expect(requestSpans(igw)).toEqual([
      'pod curl',
      'node ip-192-168-40-12',
      'VPC',
      'internet gateway',
      'example.com',
    ])
    expect(requestSpans(viaNat())).toEqual([
      'pod curl',
      'node ip-192-168-40-12',
      'VPC',
      'NAT gateway',
      'VPC',
      'internet gateway',
      'example.com',
    ])
    expect(igw.filter((h) => h.kind !== 'hook').map(stationLabel)).toEqual([
      'eth0',
      'veth',
      'route',
      'rtb',
      'IGW',
      'host',
      'host',
      'IGW',
      'route',
      'veth',
      'eth0',
    ])
    expect(placeOf(igw.find((h) => h.kind === 'internet')!).key).toBe('internet:example.com')
    // every station has a place and the reply lane ends under the client
    const { stations } = layoutPath(igw)
    expect(stations.at(-1)!.x).toBe(stations[0]!.x)
  })

  it('moves a place label a row out where it would run into the one before it', () => {
    for (const hops of [viaIgw(), viaNat()]) {
      const labels = placeLabels(layoutPath(hops))
      const box = (l: (typeof labels)[number]) => {
        const w = l.span.label.length * 6.6
        const left = l.anchor === 'start' ? l.x : l.anchor === 'end' ? l.x - w : l.x - w / 2
        return [left, left + w] as const
      }
      for (const a of labels)
        for (const b of labels) {
          if (a === b || a.row !== b.row || a.span.direction !== b.span.direction) continue
          const [l1, r1] = box(a)
          const [l2, r2] = box(b)
          expect(r1 <= l2 || r2 <= l1, `${a.span.label} / ${b.span.label}`).toBe(true)
        }
    }
    // the NAT gateway's path is long: the IGW and the host sit one close station apart
    const nat = placeLabels(layoutPath(viaNat())).filter((l) => l.span.direction === 'request')
    const row = (t: string) => nat.find((l) => l.span.label === t)!.row
    expect(row('example.com')).not.toBe(row('internet gateway'))
    // the pod-to-pod lanes keep every label on the first row
    expect(placeLabels(layoutPath(viaIgw().slice(0, 5))).every((l) => l.row === 0)).toBe(true)
  })

  it('labels the route table and the route it matched', () => {
    const rtb = viaIgw().find((h) => h.kind === 'rtb')!
    expect(hopTitle(rtb)).toBe(
      'Request · VPC · route table rtb-0a1b2c3d4e5f60718: 0.0.0.0/0 -> igw-0f1e2d3c4b5a69788',
    )
    expect(describeHop(rtb)).toBe(
      'Request: the VPC router looks up route table rtb-0a1b2c3d4e5f60718, matched route 0.0.0.0/0 -> igw-0f1e2d3c4b5a69788.',
    )
  })

  it('shows the translations: SNAT at the node, then the IGW (two in a row)', () => {
    const hops = viaIgw()
    expect(sourceTranslations(hops)).toEqual([
      { step: 5, where: 'node ip-192-168-40-12 POSTROUTING', from: POD, to: NODE },
      { step: 7, where: 'the internet gateway', from: NODE, to: NODE_PUBLIC },
    ])
    expect(describeTranslations(hops)).toBe(
      `Two translations in a row: ${POD} → ${NODE} at node ip-192-168-40-12 POSTROUTING, then ${NODE} → ${NODE_PUBLIC} at the internet gateway. The receiver sees ${NODE_PUBLIC}.`,
    )
    const igw = hops.filter((h) => h.kind === 'igw')
    expect(natKind(igw[0]!)).toMatch(/^internet gateway 1:1 NAT \(the private source/)
    expect(natKind(igw[1]!)).toMatch(/^internet gateway 1:1 NAT back/)
    // the reply's un-SNAT at the node gives the pod its address back
    const unsnat = hops.find((h) => h.direction === 'reply' && h.kind === 'hook' && natKind(h))!
    expect(unsnat.after.dst).toBe(POD)
    expect(natKind(unsnat)).toMatch(/un-NAT \(the reply's destination becomes the pod's address/)
    expect(describeHop(hops.find((h) => h.kind === 'internet')!)).toBe(
      `Request: example.com (${HOST}) on the internet receives tcp ${NODE_PUBLIC}:40112 → ${HOST}:80.`,
    )
    expect(hopTitle(hops.find((h) => h.kind === 'internet')!)).toBe(
      `Request · a host on the internet: example.com (${HOST})`,
    )
  })

  it('through a NAT gateway: the node, the NAT gateway, then the IGW translate', () => {
    const hops = viaNat()
    expect(sourceTranslations(hops).map((t) => t.where)).toEqual([
      'node ip-192-168-40-12 POSTROUTING',
      'the NAT gateway',
      'the internet gateway',
    ])
    expect(describeTranslations(hops)).toMatch(
      /^Three translations in a row: .* The receiver sees 35\.160\.4\.77\.$/,
    )
    const nat = hops.find((h) => h.kind === 'natgw' && h.direction === 'request')!
    expect(natKind(nat)).toBe("NAT gateway SNAT (the source becomes the NAT gateway's address)")
    expect(hopTitle(nat)).toBe(
      `Request · NAT gateway · nat-0bbbbbbbbbbbbbbb2 ${NODE}:40112 -> ${NATGW}:1024`,
    )
    expect(describeHop(nat)).toContain(`now ${NATGW}:1024 → ${HOST}:80`)
    const rep = hops.find((h) => h.kind === 'natgw' && h.direction === 'reply')!
    expect(natKind(rep)).toMatch(/^NAT gateway un-NAT/)
    // every hop says something, in order
    expect(hops.map(describeHop).every((t) => /^(Request|Reply): .+\.$/.test(t))).toBe(true)
  })

  it('pod to pod keeps the pod IP end to end (what the comparison shows)', () => {
    const tc = netCluster({ replicas: 2 })
    curlProbe(tc, ['-s', 'http://web'])
    const events = tc.events as SimEvent[]
    const http = flowsOf(events).find((f) => f.purpose.startsWith('HTTP'))!
    const hops = hopsOf(events, http.flow)
    expect(sourceTranslations(hops)).toEqual([])
    expect(placeLabels(layoutPath(hops)).map((l) => l.row)).toEqual(
      layoutPath(hops).spans.map(() => 0),
    )
    expect(describeTranslations(hops)).toBe(
      `No source translation: the receiver sees ${http.src} as the source, end to end.`,
    )
  })
})
