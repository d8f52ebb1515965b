import { describe, expect, it } from 'vitest'
import { createSimulation, type ClusterState } from '../../engine/index.ts'
import { Console } from '../../console/session.ts'
import {
  contains,
  fitTransform,
  layoutCluster,
  overlaps,
  shortenMiddle,
  type LayoutItem,
  type MapLayout,
} from './layout.ts'

function cluster(
  opts: Parameters<typeof createSimulation>[0],
  commands: string[] = [],
): ClusterState {
  const sim = createSimulation(opts)
  const session = new Console(sim, { settleAfterCommands: false })
  for (const c of commands) session.run(c)
  sim.advance(60_000)
  return sim.state
}

const small = cluster({ seed: 7 }, ['kubectl create deployment web --image=nginx --replicas=3'])
const big = cluster({ seed: 1, config: { nodeCount: 10, instanceType: 'm5.xlarge' } }, [
  'kubectl create deployment big --image=nginx --replicas=290',
])
// seed 7 has three t3.medium nodes (17 pods each): most of these stay Pending, unscheduled
const overfull = cluster({ seed: 7 }, [
  'kubectl create deployment big --image=nginx --replicas=100',
])

function byType(l: MapLayout, type: LayoutItem['type']) {
  return l.items.filter((i) => i.type === type)
}

function checkGeometry(l: MapLayout) {
  const vpc = byType(l, 'vpc')[0]!
  for (const item of l.items) {
    expect(Number.isFinite(item.x + item.y + item.w + item.h), item.key).toBe(true)
    expect(item.w, item.key).toBeGreaterThan(0)
    expect(item.h, item.key).toBeGreaterThan(0)
    // inside the map, and inside its parent
    expect(contains({ x: 0, y: 0, w: l.width, h: l.height }, item), item.key).toBe(true)
    if (item.parent) expect(contains(l.byKey.get(item.parent)!, item), item.key).toBe(true)
  }
  // no two siblings overlap
  const groups = new Map<string, LayoutItem[]>()
  for (const item of l.items) {
    const g = item.type === 'igw' ? 'edge' : (item.parent ?? 'root')
    groups.set(g, [...(groups.get(g) ?? []), item])
  }
  for (const [g, sibs] of groups)
    for (let i = 0; i < sibs.length; i++)
      for (let j = i + 1; j < sibs.length; j++)
        expect(overlaps(sibs[i]!, sibs[j]!), `${g}: ${sibs[i]!.key} / ${sibs[j]!.key}`).toBe(false)
  // the internet gateway straddles the VPC's top edge; the control plane is outside the VPC
  const igw = byType(l, 'igw')[0]!
  expect(igw.y).toBeLessThan(vpc.y)
  expect(igw.y + igw.h).toBeGreaterThan(vpc.y)
  for (const cp of byType(l, 'controlPlane')) expect(overlaps(cp, vpc)).toBe(false)
}

describe('layoutCluster', () => {
  it('puts the VPC, three AZs with a public and a private subnet each, and the control plane outside', () => {
    const l = layoutCluster(small, { width: 928, height: 420 })
    expect(byType(l, 'vpc')).toHaveLength(1)
    expect(byType(l, 'zone').map((z) => z.key)).toEqual([
      'AZ/us-west-2a',
      'AZ/us-west-2b',
      'AZ/us-west-2c',
    ])
    const subnets = byType(l, 'subnet')
    expect(subnets).toHaveLength(6)
    for (const z of byType(l, 'zone'))
      expect(
        subnets
          .filter((s) => s.parent === z.key)
          .map((s) => s.type === 'subnet' && s.model.isPublic),
      ).toEqual([true, false])
    expect(byType(l, 'etcd')).toHaveLength(3)
    expect(byType(l, 'apiServer').length).toBeGreaterThanOrEqual(2)
    for (const i of [...byType(l, 'etcd'), ...byType(l, 'apiServer')])
      expect(i.parent).toBe('ControlPlane/demo')
    // NAT gateway inside the first public subnet (eksctl's default single NAT)
    const nat = byType(l, 'nat')[0]!
    const sub = l.byKey.get(nat.parent!)!
    expect(sub.type === 'subnet' && sub.model.isPublic && sub.model.zone).toBe('us-west-2a')
    checkGeometry(l)
  })

  it('puts every node inside its subnet and every pod inside its node', () => {
    const l = layoutCluster(small, { width: 928, height: 420 })
    const nodes = byType(l, 'node')
    expect(nodes).toHaveLength(3)
    for (const n of nodes) {
      if (n.type !== 'node') continue
      expect(n.parent).toBe(`Subnet/${n.model.subnetId}`)
      expect(contains(l.byKey.get(n.parent!)!, n)).toBe(true)
    }
    const pods = byType(l, 'pod')
    expect(pods.filter((p) => p.key.startsWith('Pod/default/web-'))).toHaveLength(3)
    for (const p of pods) {
      if (p.type !== 'pod') continue
      expect(p.parent).toBe(`Node/${p.model.nodeName}`)
      expect(contains(l.byKey.get(p.parent!)!, p)).toBe(true)
    }
    // with few pods, chips carry their (possibly shortened) names
    expect(l.podLabels).toBe(true)
    for (const p of pods) if (p.type === 'pod') expect(p.label).toBeTruthy()
  })

  it('is deterministic', () => {
    const a = layoutCluster(small, { width: 1280, height: 600 })
    const b = layoutCluster(small, { width: 1280, height: 600 })
    const strip = (l: MapLayout) =>
      l.items.map(({ key, parent, x, y, w, h }) => ({ key, parent, x, y, w, h }))
    expect(strip(a)).toEqual(strip(b))
  })

  it('fits 10 nodes and 300 pods, readable at the width of the map', () => {
    for (const width of [760, 928, 1568]) {
      const l = layoutCluster(big, { width, height: 600 })
      expect(byType(l, 'node')).toHaveLength(10)
      expect(byType(l, 'pod').length).toBeGreaterThanOrEqual(300)
      expect(byType(l, 'pod').filter((p) => p.parent === 'tray')).toHaveLength(0)
      checkGeometry(l)
      // dense nodes switch to small dots; names stay in tooltips and aria-labels
      expect(l.podLabels).toBe(false)
      const t = fitTransform(l, { width, height: 600 })
      // the reset view shows the full width at a scale where dots stay visible
      expect(l.width * t.k).toBeLessThanOrEqual(width)
      expect(t.k).toBeGreaterThanOrEqual(0.5)
    }
    const wide = layoutCluster(big, { width: 1568, height: 900 })
    const nodes = byType(wide, 'node')
    // wide maps put two nodes side by side in a subnet
    expect(new Set(nodes.map((n) => n.y)).size).toBeLessThan(nodes.length)
  })

  it('keeps pods that have no node in a tray outside the VPC', () => {
    const l = layoutCluster(overfull, { width: 928, height: 420 })
    const tray = l.byKey.get('tray')!
    const vpc = byType(l, 'vpc')[0]!
    expect(tray.y).toBeGreaterThan(vpc.y + vpc.h)
    expect(byType(l, 'pod').filter((p) => p.parent === 'tray').length).toBeGreaterThan(40)
    checkGeometry(l)
  })
})

describe('shortenMiddle', () => {
  it('keeps the unique suffix of a pod name', () => {
    expect(shortenMiddle('coredns-6dfdf7dd9-4stpc', 12)).toBe('coredn…4stpc')
    expect(shortenMiddle('web-1', 12)).toBe('web-1')
    expect(shortenMiddle('coredns-6dfdf7dd9-4stpc', 6)).toBe('cored…')
  })
})

describe('fitTransform', () => {
  it('shows everything when it fits, otherwise the full width from the top', () => {
    expect(fitTransform({ width: 500, height: 300 }, { width: 1000, height: 800 }).k).toBe(1)
    const t = fitTransform({ width: 1000, height: 3000 }, { width: 1000, height: 500 })
    expect(t.y).toBe(8)
    expect(t.k).toBeCloseTo(984 / 1000)
  })
})
