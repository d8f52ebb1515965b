import { memo } from 'react'
import type { LayoutItem } from './layout.ts'
import { shortenMiddle } from './layout.ts'
import { ariaLabel } from './itemText.ts'
import { POD_STYLES } from './podStatus.ts'

// One map item as SVG. Items are flat siblings (a node does not contain its pods in the DOM), so
// that no focusable button sits inside another. Pan/zoom never re-renders these: the transform
// lives on the parent <g>.

/** Widths of the label fonts, for shortening text to fit (no DOM measuring: layout stays pure). */
const CHAR_11 = 6.7
const CHAR_12B = 7.6

function fit(text: string, width: number, charW = CHAR_11): string {
  return shortenMiddle(text, Math.max(3, Math.floor(width / charW)))
}

export interface MapItemProps {
  item: LayoutItem
  /** changes when anything this item shows changes (memo compares it, not the item) */
  signature: string
  isSelected: boolean
  isRelated: boolean
  /** a lesson step points at it */
  isHighlighted?: boolean
  /** a lesson hides it until a question is answered */
  isConcealed?: boolean
  /** the map's one tab stop among its objects (roving tabindex) */
  isTabbable?: boolean
}

function Ring({ item }: { item: LayoutItem }) {
  const r = item.type === 'pod' ? 3 : 4
  return (
    <rect
      className="ring"
      x={-r}
      y={-r}
      width={item.w + 2 * r}
      height={item.h + 2 * r}
      rx={r + 3}
    />
  )
}

function Body({ item }: { item: LayoutItem }) {
  const { w, h } = item
  switch (item.type) {
    case 'controlPlane':
      return (
        <>
          <rect className="box cp" width={w} height={h} rx={8} />
          <g className="lock" transform="translate(12 10)" aria-hidden="true">
            <rect x={0} y={6} width={11} height={9} rx={1.5} />
            <path d="M2.5 6 V3.5 a3 3 0 0 1 6 0 V6" />
          </g>
          <text className="t-title aws" x={30} y={20}>
            {fit('EKS control plane — managed by AWS', w - 40, CHAR_12B)}
          </text>
          <text className="t-sub" x={12} y={35}>
            {fit(
              `cluster ${item.model.clusterName} · AWS-owned VPC: no ssh, no direct etcd access`,
              w - 24,
            )}
          </text>
        </>
      )
    case 'apiServer':
      return (
        <>
          <rect className="box cp-part" width={w} height={h} rx={5} />
          <text className="t-main" x={8} y={18}>
            kube-apiserver
          </text>
          <text className="t-sub" x={8} y={34}>
            {item.model.zone}
          </text>
        </>
      )
    case 'etcd':
      return (
        <g data-anim={item.key}>
          <rect
            className={`box cp-part etcd${item.model.isLeader ? ' leader' : ''}`}
            width={w}
            height={h}
            rx={5}
          />
          <rect className="flash" width={w} height={h} rx={5} />
          <text className="t-main" x={8} y={18}>
            {item.model.name}
            {item.model.isLeader && <tspan className="leader-mark"> ★ leader</tspan>}
          </text>
          <text className="t-sub" x={8} y={34}>
            etcd · {item.model.zone}
          </text>
        </g>
      )
    case 'internet':
      return (
        <>
          <rect className="box internet" width={w} height={h} rx={h / 2} />
          <text className="t-main" x={w / 2} y={h / 2 + 4} textAnchor="middle">
            Internet
          </text>
        </>
      )
    case 'igw':
      return (
        <>
          <rect className="box gw" width={w} height={h} rx={5} />
          <text className="t-main aws" x={8} y={15}>
            Internet gateway
          </text>
          <text className="t-sub" x={8} y={29}>
            {fit(item.model.id, w - 16)}
          </text>
        </>
      )
    case 'vpc':
      return (
        <>
          <rect className="box vpc" width={w} height={h} rx={10} />
          <text className="t-title aws" x={14} y={23}>
            VPC <tspan className="t-id">{item.model.id}</tspan> · {item.model.cidr}
          </text>
        </>
      )
    case 'zone':
      return (
        <>
          <rect className="box zone" width={w} height={h} rx={6} />
          <text className="t-sub zone-label" x={8} y={16}>
            {item.model.name} ({item.model.zoneId})
          </text>
        </>
      )
    case 'subnet': {
      const s = item.model
      return (
        <>
          <rect
            className={`box subnet ${s.isPublic ? 'public' : 'private'}`}
            width={w}
            height={h}
            rx={6}
          />
          <text className={`t-main ${s.isPublic ? 'pub' : 'priv'}`} x={8} y={16}>
            {s.isPublic ? 'Public' : 'Private'} subnet · {s.cidr}
          </text>
          <text className="t-sub" x={8} y={31}>
            {fit(s.id, w - 16)}
          </text>
          {!s.nodes.length && !s.nat && (
            <text className="t-sub empty" x={8} y={h - 14}>
              no instances
            </text>
          )}
        </>
      )
    }
    case 'nat':
      return (
        <>
          <rect className="box gw" width={w} height={h} rx={5} />
          <text className="t-main aws" x={8} y={16}>
            {fit(`NAT gateway ${item.model.id}`, w - 16)}
          </text>
          <text className="t-sub" x={8} y={32}>
            {fit(`EIP ${item.model.publicIp} · ${item.model.privateIp}`, w - 16)}
          </text>
        </>
      )
    case 'node': {
      const n = item.model
      return (
        <>
          <rect
            className={`box node${n.isReady ? '' : ' not-ready'}`}
            width={w}
            height={h}
            rx={6}
          />
          <text className="t-node" x={8} y={17}>
            {fit(n.isRegistered ? n.shortName : `${n.instanceId} (joining)`, w - 16, CHAR_12B)}
          </text>
          <text className="t-sub" x={8} y={32}>
            {fit(`${n.instanceId} · ${n.instanceType}`, w - 16)}
          </text>
          <text className="t-sub" x={8} y={45}>
            {fit(
              `${n.ip} · ${n.pods.length}/${n.maxPods} pods${n.isRegistered && !n.isReady ? ' · NotReady' : ''}`,
              w - 16,
            )}
          </text>
        </>
      )
    }
    case 'tray':
      return (
        <>
          <rect className="box tray" width={w} height={h} rx={6} />
          <text className="t-main warn" x={12} y={20}>
            {fit(
              `Not scheduled: ${item.count} ${item.count === 1 ? 'pod' : 'pods'}, stored in etcd only, waiting for a node`,
              w - 24,
            )}
          </text>
        </>
      )
    case 'pod': {
      const p = item.model
      const st = POD_STYLES[p.category]
      const cls = `chip${st.dashed ? ' dashed' : ''}${st.thick ? ' thick' : ''}`
      return (
        <g data-anim={item.key}>
          {item.isDot ? (
            <rect
              className={cls}
              width={w}
              height={h}
              rx={p.hostNetwork ? 1 : w / 2}
              fill={st.stroke}
              stroke={p.hostNetwork ? '#e6edf3' : st.stroke}
            />
          ) : (
            <rect
              className={cls}
              width={w}
              height={h}
              rx={p.hostNetwork ? 1 : 4}
              fill={st.fill}
              stroke={st.stroke}
            />
          )}
          {p.hostNetwork && !item.isDot && (
            <rect className="host-bar" x={1} y={1} width={4} height={h - 2} />
          )}
          {item.label && (
            <text
              className={`t-pod${p.category === 'terminating' ? ' dim' : ''}`}
              x={p.hostNetwork ? 9 : 6}
              y={h / 2 + 3.5}
            >
              {p.hostNetwork ? fit(p.name, w - 14, 6.2) : item.label}
            </text>
          )}
        </g>
      )
    }
  }
}

const SELECTABLE_TEST_ID: Partial<Record<LayoutItem['type'], (i: LayoutItem) => string>> = {
  pod: (i) => `pod.${i.ref?.name}`,
  node: (i) => `node.${i.ref?.name}`,
  subnet: (i) => `subnet.${i.ref?.name}`,
  vpc: () => 'map.vpc',
  igw: () => 'map.igw',
  nat: () => 'map.nat',
  controlPlane: () => 'map.control-plane',
  etcd: (i) => `etcd.${i.ref?.name}`,
  apiServer: (i) => `apiserver.${i.ref?.name}`,
}

function MapItemView({
  item,
  isSelected,
  isRelated,
  isHighlighted,
  isConcealed,
  isTabbable,
}: MapItemProps) {
  const selectable = !!item.ref && !isConcealed
  const cls = [
    'map-item',
    item.type,
    item.type === 'pod' ? `cat-${item.model.category}${item.model.hostNetwork ? ' host' : ''}` : '',
    isSelected ? 'is-selected' : '',
    isRelated ? 'is-related' : '',
    isHighlighted ? 'is-highlighted' : '',
    isConcealed ? 'is-concealed' : '',
  ]
    .filter(Boolean)
    .join(' ')
  const testId = SELECTABLE_TEST_ID[item.type]?.(item)
  return (
    <g
      className={cls}
      transform={`translate(${item.x} ${item.y})`}
      data-key={item.key}
      data-parent={item.parent ?? undefined}
      data-testid={testId}
      {...(selectable
        ? {
            role: 'button',
            tabIndex: isTabbable ? 0 : -1,
            'aria-label': ariaLabel(item),
            'aria-pressed': isSelected,
          }
        : { 'aria-hidden': true })}
    >
      {selectable && <Ring item={item} />}
      <Body item={item} />
    </g>
  )
}

export const MapItem = memo(
  MapItemView,
  (a, b) =>
    a.signature === b.signature &&
    a.isSelected === b.isSelected &&
    a.isRelated === b.isRelated &&
    a.isHighlighted === b.isHighlighted &&
    a.isConcealed === b.isConcealed &&
    a.isTabbable === b.isTabbable,
)
