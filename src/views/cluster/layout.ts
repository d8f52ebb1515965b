import type { ClusterState } from '../../engine/index.ts'
import type { ObjectRef } from '../../state/uiStore.ts'
import {
  buildMapModel,
  type MapModel,
  type NodeModel,
  type PodModel,
  type SubnetModel,
  type ZoneModel,
} from './model.ts'

// Geometry of the cluster map, as a pure function of the cluster and the viewport width: a flat
// list of rectangles in paint order (parents before children), each with the key that selects it.
// The React map renders these; the tests check nesting, overlaps and determinism; the tooltip and
// "centre on selection" read positions from here, never from the DOM.

export interface Rect {
  x: number
  y: number
  w: number
  h: number
}

export interface Viewport {
  width: number
  height: number
}

interface Base extends Rect {
  /** unique; the refKey of the object for selectable items */
  key: string
  /** key of the enclosing item, for nesting; `null` at the top level */
  parent: string | null
  ref: ObjectRef | null
  /** selection keys that highlight this item (a node also answers to its EC2 instance) */
  matchKeys: string[]
}

export type LayoutItem = Base &
  (
    | { type: 'controlPlane'; model: MapModel['controlPlane'] }
    | { type: 'apiServer'; model: MapModel['controlPlane']['apiServers'][number] }
    | { type: 'etcd'; model: MapModel['controlPlane']['etcd'][number] }
    | { type: 'internet' }
    | { type: 'igw'; model: MapModel['igw'] }
    | { type: 'vpc'; model: MapModel['vpc'] }
    | { type: 'zone'; model: ZoneModel }
    | { type: 'subnet'; model: SubnetModel }
    | { type: 'nat'; model: NonNullable<SubnetModel['nat']> }
    | { type: 'node'; model: NodeModel }
    | { type: 'tray'; count: number }
    | { type: 'pod'; model: PodModel; label: string | null; isDot: boolean }
  )

export type ItemType = LayoutItem['type']

export interface MapLayout {
  width: number
  height: number
  items: LayoutItem[]
  byKey: Map<string, LayoutItem>
  model: MapModel
  /** whether pod chips in nodes carry their names (false: small dots, names in tooltips/aria) */
  podLabels: boolean
}

// --- sizes (px at zoom 1) -------------------------------------------------------------------
export const MIN_WIDTH = 760
const M = 16 // outer margin
const GAP = 10
const VPC_PAD = 12
const VPC_HEAD = 36
const ZONE_HEAD = 24
const ZONE_PAD = 6
const SUBNET_HEAD = 40
const SUBNET_PAD = 8
const SUBNET_EMPTY = 24
const NAT_H = 42
const NODE_MIN_W = 230
const NODE_HEAD = 52
const NODE_PAD = 6
const CHIP_H = 18
const CHIP_MIN_W = 96
const CHIP_GAP = 4
const DOT = 12
const DOT_GAP = 3
const LABEL_MAX_ROWS = 4
/** average advance of the 10px monospace chip font, rounded up */
const CHAR_W = 6.2
const CP_HEAD = 42
const CP_PAD = 12
const CP_BOX_W = 124
const CP_BOX_H = 44
const CP_BOX_GAP = 8
const CP_GROUP_GAP = 16
const INTERNET_W = 150
const INTERNET_H = 40
const IGW_W = 168
const IGW_H = 36
const TRAY_HEAD = 30

/** `coredns-6dfdf7dd9-4stpc` in 12 chars → `coredn…4stpc`: the head and the unique suffix survive. */
export function shortenMiddle(text: string, max: number): string {
  if (text.length <= max) return text
  if (max <= 1) return '…'
  if (max < 9) return `${text.slice(0, max - 1)}…`
  const tail = 5
  return `${text.slice(0, max - tail - 1)}…${text.slice(-tail)}`
}

interface Grid {
  cols: number
  rows: number
  cellW: number
  cellH: number
  gap: number
  height: number
  isDot: boolean
}

function labelGrid(count: number, innerW: number): Grid {
  const cols = Math.max(1, Math.floor((innerW + CHIP_GAP) / (CHIP_MIN_W + CHIP_GAP)))
  const rows = Math.max(1, Math.ceil(count / cols))
  const cellW = (innerW - (cols - 1) * CHIP_GAP) / cols
  return {
    cols,
    rows,
    cellW,
    cellH: CHIP_H,
    gap: CHIP_GAP,
    height: rows * CHIP_H + (rows - 1) * CHIP_GAP,
    isDot: false,
  }
}

function dotGrid(count: number, innerW: number): Grid {
  const cols = Math.max(1, Math.floor((innerW + DOT_GAP) / (DOT + DOT_GAP)))
  const rows = Math.max(1, Math.ceil(count / cols))
  return {
    cols,
    rows,
    cellW: DOT,
    cellH: DOT,
    gap: DOT_GAP,
    height: rows * DOT + (rows - 1) * DOT_GAP,
    isDot: true,
  }
}

function fitsLabels(count: number, innerW: number): boolean {
  return labelGrid(count, innerW).rows <= LABEL_MAX_ROWS
}

function placePods(
  items: LayoutItem[],
  pods: PodModel[],
  parent: string,
  x: number,
  y: number,
  grid: Grid,
): void {
  const maxChars = Math.floor((grid.cellW - 10) / CHAR_W)
  pods.forEach((pod, i) => {
    const col = i % grid.cols
    const row = Math.floor(i / grid.cols)
    items.push({
      type: 'pod',
      key: pod.key,
      parent,
      ref: pod.ref,
      matchKeys: [pod.key],
      model: pod,
      x: x + col * (grid.cellW + grid.gap),
      y: y + row * (grid.cellH + grid.gap),
      w: grid.cellW,
      h: grid.cellH,
      isDot: grid.isDot,
      label: grid.isDot || maxChars < 4 ? null : shortenMiddle(pod.name, maxChars),
    })
  })
}

/** Lays the cluster out for a viewport; same input, same output (no DOM, no measuring). */
export function layoutCluster(state: ClusterState, viewport: Viewport): MapLayout {
  return layoutModel(buildMapModel(state), viewport)
}

export function layoutModel(model: MapModel, viewport: Viewport): MapLayout {
  const W = Math.max(MIN_WIDTH, Math.floor(viewport.width))
  const items: LayoutItem[] = []

  // --- top band: the AWS-managed control plane (outside the VPC) and the internet ------------
  const cp = model.controlPlane
  const apiN = cp.apiServers.length
  const etcdN = cp.etcd.length
  const oneRowW =
    2 * CP_PAD + (apiN + etcdN) * CP_BOX_W + (apiN + etcdN - 2) * CP_BOX_GAP + CP_GROUP_GAP
  const room = W - 2 * M - INTERNET_W - 2 * GAP
  const oneRow = oneRowW <= room
  const cpW = oneRow
    ? oneRowW
    : 2 * CP_PAD + Math.max(apiN, etcdN) * CP_BOX_W + (Math.max(apiN, etcdN) - 1) * CP_BOX_GAP
  const cpH = CP_HEAD + CP_PAD + (oneRow ? CP_BOX_H : 2 * CP_BOX_H + CP_BOX_GAP)
  items.push({
    type: 'controlPlane',
    key: cp.key,
    parent: null,
    ref: cp.ref,
    matchKeys: [cp.key],
    model: cp,
    x: M,
    y: M,
    w: cpW,
    h: cpH,
  })
  cp.apiServers.forEach((a, i) => {
    items.push({
      type: 'apiServer',
      key: a.key,
      parent: cp.key,
      ref: a.ref,
      matchKeys: [a.key],
      model: a,
      x: M + CP_PAD + i * (CP_BOX_W + CP_BOX_GAP),
      y: M + CP_HEAD,
      w: CP_BOX_W,
      h: CP_BOX_H,
    })
  })
  const etcdX0 = oneRow
    ? M + CP_PAD + apiN * (CP_BOX_W + CP_BOX_GAP) - CP_BOX_GAP + CP_GROUP_GAP
    : M + CP_PAD
  const etcdY = oneRow ? M + CP_HEAD : M + CP_HEAD + CP_BOX_H + CP_BOX_GAP
  cp.etcd.forEach((e, i) => {
    items.push({
      type: 'etcd',
      key: e.key,
      parent: cp.key,
      ref: e.ref,
      matchKeys: [e.key],
      model: e,
      x: etcdX0 + i * (CP_BOX_W + CP_BOX_GAP),
      y: etcdY,
      w: CP_BOX_W,
      h: CP_BOX_H,
    })
  })
  const internet: LayoutItem = {
    type: 'internet',
    key: 'internet',
    parent: null,
    ref: null,
    matchKeys: [],
    x: W - M - INTERNET_W,
    y: M,
    w: INTERNET_W,
    h: INTERNET_H,
  }
  items.push(internet)

  // --- the VPC ---------------------------------------------------------------------------------
  const vpcX = M
  const vpcY = M + Math.max(cpH, INTERNET_H + IGW_H) + GAP + IGW_H / 2
  const vpcW = W - 2 * M
  const nZones = Math.max(1, model.zones.length)
  const zoneW = (vpcW - 2 * VPC_PAD - (nZones - 1) * GAP) / nZones
  const subnetW = zoneW - 2 * ZONE_PAD
  const subnetInner = subnetW - 2 * SUBNET_PAD
  // side by side only when a subnet has more nodes than one column shows well
  const mostNodes = Math.max(1, ...model.zones.flatMap((z) => z.subnets.map((s) => s.nodes.length)))
  const nodesPerRow = Math.max(
    1,
    Math.min(mostNodes, Math.floor((subnetInner + GAP) / (NODE_MIN_W + GAP))),
  )
  const nodeW = (subnetInner - (nodesPerRow - 1) * GAP) / nodesPerRow
  const nodeInner = nodeW - 2 * NODE_PAD

  // one chip style for every node, so that a glance compares nodes fairly
  const allNodes = model.zones.flatMap((z) => z.subnets.flatMap((s) => s.nodes))
  const podLabels = allNodes.every((n) => fitsLabels(n.pods.length, nodeInner))
  const gridFor = (count: number) =>
    podLabels ? labelGrid(count, nodeInner) : dotGrid(count, nodeInner)
  const nodeH = (n: NodeModel) => NODE_HEAD + gridFor(n.pods.length).height + NODE_PAD

  function subnetContentH(s: SubnetModel): number {
    let h = 0
    if (s.nat) h += NAT_H + GAP
    const rows: NodeModel[][] = []
    for (let i = 0; i < s.nodes.length; i += nodesPerRow)
      rows.push(s.nodes.slice(i, i + nodesPerRow))
    h +=
      rows.reduce((sum, r) => sum + Math.max(...r.map(nodeH)), 0) +
      Math.max(0, rows.length - 1) * GAP
    if (!s.nodes.length) h += SUBNET_EMPTY
    return h
  }
  // subnets of the same tier (public/private) share a row height across the AZ columns
  const tiers = Math.max(0, ...model.zones.map((z) => z.subnets.length))
  const tierH: number[] = []
  for (let t = 0; t < tiers; t++)
    tierH[t] =
      SUBNET_HEAD +
      SUBNET_PAD +
      Math.max(0, ...model.zones.map((z) => (z.subnets[t] ? subnetContentH(z.subnets[t]!) : 0)))

  const zoneY = vpcY + VPC_HEAD
  const zoneH =
    ZONE_HEAD + tierH.reduce((a, b) => a + b, 0) + Math.max(0, tiers - 1) * GAP + ZONE_PAD
  const vpcH = VPC_HEAD + zoneH + VPC_PAD
  const vpc = model.vpc
  items.push({
    type: 'vpc',
    key: vpc.key,
    parent: null,
    ref: vpc.ref,
    matchKeys: [vpc.key],
    model: vpc,
    x: vpcX,
    y: vpcY,
    w: vpcW,
    h: vpcH,
  })

  model.zones.forEach((zone, zi) => {
    const zx = vpcX + VPC_PAD + zi * (zoneW + GAP)
    items.push({
      type: 'zone',
      key: zone.key,
      parent: vpc.key,
      ref: null,
      matchKeys: [],
      model: zone,
      x: zx,
      y: zoneY,
      w: zoneW,
      h: zoneH,
    })
    let sy = zoneY + ZONE_HEAD
    zone.subnets.forEach((s, t) => {
      const sx = zx + ZONE_PAD
      const sh = tierH[t]!
      items.push({
        type: 'subnet',
        key: s.key,
        parent: zone.key,
        ref: s.ref,
        matchKeys: [s.key],
        model: s,
        x: sx,
        y: sy,
        w: subnetW,
        h: sh,
      })
      let cy = sy + SUBNET_HEAD
      const cx = sx + SUBNET_PAD
      if (s.nat) {
        items.push({
          type: 'nat',
          key: s.nat.key,
          parent: s.key,
          ref: s.nat.ref,
          matchKeys: [s.nat.key],
          model: s.nat,
          x: cx,
          y: cy,
          w: subnetInner,
          h: NAT_H,
        })
        cy += NAT_H + GAP
      }
      for (let i = 0; i < s.nodes.length; i += nodesPerRow) {
        const row = s.nodes.slice(i, i + nodesPerRow)
        const rowH = Math.max(...row.map(nodeH))
        row.forEach((n, j) => {
          const nx = cx + j * (nodeW + GAP)
          items.push({
            type: 'node',
            key: n.key,
            parent: s.key,
            ref: n.ref,
            matchKeys: [n.key, n.instanceKey],
            model: n,
            x: nx,
            y: cy,
            w: nodeW,
            h: rowH,
          })
          placePods(items, n.pods, n.key, nx + NODE_PAD, cy + NODE_HEAD, gridFor(n.pods.length))
        })
        cy += rowH + GAP
      }
      sy += sh + GAP
    })
  })

  // the internet gateway sits on the VPC's edge, under the internet
  const igw = model.igw
  items.push({
    type: 'igw',
    key: igw.key,
    parent: null,
    ref: igw.ref,
    matchKeys: [igw.key],
    model: igw,
    x: internet.x + internet.w / 2 - IGW_W / 2,
    y: vpcY - IGW_H / 2,
    w: IGW_W,
    h: IGW_H,
  })

  let bottom = vpcY + vpcH
  if (model.unscheduled.length) {
    const trayY = bottom + 2 * GAP
    const inner = vpcW - 2 * VPC_PAD
    const grid = fitsLabels(model.unscheduled.length, inner)
      ? labelGrid(model.unscheduled.length, inner)
      : dotGrid(model.unscheduled.length, inner)
    const trayH = TRAY_HEAD + grid.height + VPC_PAD
    items.push({
      type: 'tray',
      key: 'tray',
      parent: null,
      ref: null,
      matchKeys: [],
      count: model.unscheduled.length,
      x: vpcX,
      y: trayY,
      w: vpcW,
      h: trayH,
    })
    placePods(items, model.unscheduled, 'tray', vpcX + VPC_PAD, trayY + TRAY_HEAD, grid)
    bottom = trayY + trayH
  }

  const byKey = new Map(items.map((i) => [i.key, i]))
  return { width: W, height: Math.ceil(bottom + M), items, byKey, model, podLabels }
}

export interface ViewTransform {
  k: number
  x: number
  y: number
}

/**
 * The "Reset view" transform: the whole map when it fits at a readable scale, otherwise the
 * full width from the top (the learner pans down). Never magnifies above 1.
 */
export function fitTransform(
  content: Viewport,
  viewport: Viewport,
  minReadable = 0.6,
): ViewTransform {
  const pad = 8
  const vw = Math.max(1, viewport.width - pad * 2)
  const vh = Math.max(1, viewport.height - pad * 2)
  const kAll = Math.min(1, vw / content.width, vh / content.height)
  if (kAll >= minReadable) {
    return {
      k: kAll,
      x: pad + (vw - content.width * kAll) / 2,
      y: pad + (vh - content.height * kAll) / 2,
    }
  }
  const k = Math.min(1, vw / content.width)
  return { k, x: pad + (vw - content.width * k) / 2, y: pad }
}

/** Rectangle a overlaps b (shared edges do not count). */
export function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

/** Rectangle inner lies inside outer (edges may touch). */
export function contains(outer: Rect, inner: Rect): boolean {
  const e = 1e-6
  return (
    inner.x >= outer.x - e &&
    inner.y >= outer.y - e &&
    inner.x + inner.w <= outer.x + outer.w + e &&
    inner.y + inner.h <= outer.y + outer.h + e
  )
}
