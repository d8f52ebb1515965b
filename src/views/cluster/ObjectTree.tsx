import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react'
import { refKey, type ObjectRef } from '../../state/uiStore.ts'
import { useSim, useUi, useUiStore } from '../hooks/stores.ts'
import { allNodes, buildMapModel, type MapModel, type PodModel } from './model.ts'

// The map as text, for screen readers and keyboard users: the same objects as a tree (WAI-ARIA tree
// pattern: one tab stop, arrows move, Right/Left open and close, Home/End, Enter/Space select).
// Selecting here selects through the ui store, exactly like clicking the map.

interface TreeNode {
  key: string
  label: string
  ref: ObjectRef | null
  children: TreeNode[]
}

function podNode(p: PodModel): TreeNode {
  return {
    key: p.key,
    ref: p.ref,
    label: `Pod ${p.namespace}/${p.name}: ${p.status}${p.ip ? `, IP ${p.ip}` : ''}${p.hostNetwork ? ', hostNetwork' : ''}`,
    children: [],
  }
}

function buildTree(m: MapModel): TreeNode[] {
  const cp = m.controlPlane
  const roots: TreeNode[] = [
    {
      key: cp.key,
      ref: cp.ref,
      label: `EKS control plane "${cp.clusterName}", managed by AWS (no ssh, no direct etcd access)`,
      children: [
        ...cp.apiServers.map((a) => ({
          key: a.key,
          ref: a.ref,
          label: `API server ${a.id} in ${a.zone}`,
          children: [],
        })),
        ...cp.etcd.map((e) => ({
          key: e.key,
          ref: e.ref,
          label: `etcd member ${e.name}${e.isLeader ? ' (leader)' : ''} in ${e.zone}`,
          children: [],
        })),
      ],
    },
    {
      key: m.vpc.key,
      ref: m.vpc.ref,
      label: `VPC ${m.vpc.id} ${m.vpc.cidr}`,
      children: [
        { key: m.igw.key, ref: m.igw.ref, label: `Internet gateway ${m.igw.id}`, children: [] },
        ...m.zones.map((z) => ({
          key: z.key,
          ref: null,
          label: `Availability zone ${z.name}`,
          children: z.subnets.map((s) => ({
            key: s.key,
            ref: s.ref,
            label: `${s.isPublic ? 'Public' : 'Private'} subnet ${s.cidr} (${s.id})`,
            children: [
              ...(s.nat
                ? [
                    {
                      key: s.nat.key,
                      ref: s.nat.ref,
                      label: `NAT gateway ${s.nat.id}, public IP ${s.nat.publicIp}`,
                      children: [],
                    },
                  ]
                : []),
              ...s.nodes.map((n) => ({
                key: n.key,
                ref: n.ref,
                label: `${n.isRegistered ? `Node ${n.name}` : `Instance ${n.instanceId} (joining)`}: ${n.instanceId}, ${n.instanceType}, IP ${n.ip}, ${n.pods.length} of ${n.maxPods} pods`,
                children: n.pods.map(podNode),
              })),
            ],
          })),
        })),
      ],
    },
  ]
  if (m.unscheduled.length)
    roots.push({
      key: 'unscheduled',
      ref: null,
      label: `Not scheduled: ${m.unscheduled.length} pods (in etcd only)`,
      children: m.unscheduled.map(podNode),
    })
  return roots
}

interface Flat {
  node: TreeNode
  level: number
  parent: string | null
}

function defaultExpanded(roots: TreeNode[], podCount: number): Set<string> {
  const out = new Set<string>()
  const walk = (n: TreeNode, depth: number) => {
    if (!n.children.length) return
    const isNode = n.key.startsWith('Node/') || n.key.startsWith('Instance/')
    if (n.key === 'unscheduled') {
      if (n.children.length <= 20) out.add(n.key)
    } else if (!isNode || podCount <= 60) out.add(n.key)
    n.children.forEach((c) => walk(c, depth + 1))
  }
  roots.forEach((r) => walk(r, 0))
  return out
}

export function ObjectTree() {
  const cluster = useSim((s) => s.cluster)
  const ui = useUiStore()
  const selected = useUi((s) => s.selected)
  const selectedKey = selected ? refKey(selected) : null
  const model = useMemo(() => buildMapModel(cluster), [cluster])
  const roots = useMemo(() => buildTree(model), [model])
  const [expanded, setExpanded] = useState(() => defaultExpanded(roots, model.podCount))
  const [focusKey, setFocusKey] = useState<string | null>(null)
  const treeRef = useRef<HTMLUListElement>(null)
  const moveFocusRef = useRef(false)

  // parents of every item, to open the way to a selection made elsewhere (map, event log)
  const parents = useMemo(() => {
    const m = new Map<string, string | null>()
    const walk = (n: TreeNode, p: string | null) => {
      m.set(n.key, p)
      n.children.forEach((c) => walk(c, n.key))
    }
    roots.forEach((r) => walk(r, null))
    return m
  }, [roots])
  // an EC2 instance selection (ec2.launch in the event log) finds its node
  const aliases = useMemo(
    () => new Map(allNodes(model).map((n) => [n.instanceKey, n.key])),
    [model],
  )
  const findKey = (key: string) => (parents.has(key) ? key : (aliases.get(key) ?? null))
  const [shownFor, setShownFor] = useState<string | null>(null)
  if (selectedKey !== shownFor) {
    // adjust state during render (react.dev "storing information from previous renders")
    setShownFor(selectedKey)
    const target = selectedKey && findKey(selectedKey)
    if (target) {
      const next = new Set(expanded)
      for (let p = parents.get(target) ?? null; p; p = parents.get(p) ?? null) next.add(p)
      setExpanded(next)
      setFocusKey(target)
    }
  }

  const visible: Flat[] = []
  const walk = (n: TreeNode, level: number, parent: string | null) => {
    visible.push({ node: n, level, parent })
    if (n.children.length && expanded.has(n.key))
      n.children.forEach((c) => walk(c, level + 1, n.key))
  }
  roots.forEach((r) => walk(r, 1, null))
  const current = visible.find((v) => v.node.key === focusKey) ?? visible[0]

  useEffect(() => {
    if (!moveFocusRef.current || !current) return
    moveFocusRef.current = false
    treeRef.current
      ?.querySelector<HTMLElement>(`[data-tree-key="${CSS.escape(current.node.key)}"]`)
      ?.focus()
  })

  function focus(key: string) {
    moveFocusRef.current = true
    setFocusKey(key)
  }
  function toggle(key: string, open?: boolean) {
    const next = new Set(expanded)
    if (open ?? !next.has(key)) next.add(key)
    else next.delete(key)
    setExpanded(next)
  }
  function activate(n: TreeNode) {
    if (n.ref) ui.getState().select(n.ref)
    else if (n.children.length) toggle(n.key)
  }

  function onKeyDown(e: KeyboardEvent<HTMLUListElement>) {
    if (!current) return
    const i = visible.indexOf(current)
    const n = current.node
    const isOpen = expanded.has(n.key)
    switch (e.key) {
      case 'ArrowDown':
        if (visible[i + 1]) focus(visible[i + 1]!.node.key)
        break
      case 'ArrowUp':
        if (visible[i - 1]) focus(visible[i - 1]!.node.key)
        break
      case 'ArrowRight':
        if (n.children.length && !isOpen) toggle(n.key, true)
        else if (n.children.length) focus(n.children[0]!.key)
        break
      case 'ArrowLeft':
        if (n.children.length && isOpen) toggle(n.key, false)
        else if (current.parent) focus(current.parent)
        break
      case 'Home':
        focus(visible[0]!.node.key)
        break
      case 'End':
        focus(visible[visible.length - 1]!.node.key)
        break
      case 'Enter':
      case ' ':
        activate(n)
        break
      default:
        return
    }
    e.preventDefault()
  }

  function onClick(e: MouseEvent<HTMLUListElement>) {
    const li = (e.target as Element).closest('[data-tree-key]')
    const key = li?.getAttribute('data-tree-key')
    const flat = key ? visible.find((v) => v.node.key === key) : undefined
    if (!flat) return
    setFocusKey(flat.node.key)
    if ((e.target as Element).closest('.twisty')) toggle(flat.node.key)
    else activate(flat.node)
  }

  function render(nodes: TreeNode[], level: number) {
    return nodes.map((n, i) => {
      const hasKids = n.children.length > 0
      const open = hasKids && expanded.has(n.key)
      const isSel = !!selectedKey && (n.key === selectedKey || n.key === findKey(selectedKey))
      return (
        <li
          key={n.key}
          role="treeitem"
          aria-level={level}
          aria-setsize={nodes.length}
          aria-posinset={i + 1}
          aria-expanded={hasKids ? open : undefined}
          aria-selected={isSel}
          tabIndex={current?.node.key === n.key ? 0 : -1}
          data-tree-key={n.key}
          data-testid={`tree.${n.key}`}
        >
          <span className={`tree-row${isSel ? ' selected' : ''}`}>
            <span className="twisty" aria-hidden="true">
              {hasKids ? (open ? '▾' : '▸') : ''}
            </span>
            {n.label}
          </span>
          {open && <ul role="group">{render(n.children, level + 1)}</ul>}
        </li>
      )
    })
  }

  return (
    <div className="object-tree">
      <p className="dim tree-help" id="tree-help">
        Arrow keys move, Right and Left open and close, Enter selects.
      </p>
      <ul
        role="tree"
        aria-label="Cluster objects"
        aria-describedby="tree-help"
        ref={treeRef}
        onKeyDown={onKeyDown}
        onClick={onClick}
        data-testid="map.tree"
      >
        {render(roots, 1)}
      </ul>
    </div>
  )
}
