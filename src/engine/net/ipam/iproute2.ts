import type { ClusterState } from '../../model/state.ts'
import type { NodeRuntime, PodRuntime } from '../../model/node.ts'
import { hashHex } from '../../node/util.ts'
import { vethName } from '../../node/util.ts'
import { intToIp, ipToInt, parseCidr } from '../ip.ts'
import { eniDevice, eniInterface } from './ipamd.ts'
import {
  DEFAULT_TABLE,
  LOCAL_TABLE,
  MAIN_TABLE,
  nodeRules,
  nodeTable,
  podsByIndex,
  POD_RULES,
  routeText,
  ruleSelector,
  subnetGateway,
  tableName,
  type RouteEntry,
} from '../policy.ts'
import { POD_GATEWAY } from './cni.ts'

// `ip addr|link|route|rule|neigh` on a node and in a pod, derived from ipamd's datastore and the
// pods' runtimes (nothing here is stored). The text is iproute2 6.1's, checked against the real
// binary in a network namespace (iproute2.test.ts), with what an AL2023 EKS node adds (FIDELITY
// §5.4, O-eks): `altname enp0s5`, the DHCP `metric 512` routes, `proto kernel_ll` link-local
// addresses, `noprefixroute` on ::1. BusyBox's applet (busybox, alpine images) has its own layout.
// Simplified: IPv6 link-local addresses are not shown inside pods [unconfirmed whether the VPC CNI
// disables IPv6 there]; the node's ARP table lists the VPC router only.

export type IpFlavour = 'iproute2' | 'busybox'

interface Link {
  index: number
  name: string
  /** `@if3` and the like */
  peer?: string
  mtu: number
  qdisc: string
  loopback?: boolean
  mac: string
  qlen?: number
  linkNetns?: string
  altname?: string
  inet: { cidr: string; extra: string; lft: string }[]
  inet6: { cidr: string; scope: string }[]
}

function subnetOf(state: ClusterState, node: NodeRuntime) {
  return state.aws.subnets.find((s) => s.subnetId === node.subnetId)
}

export { subnetGateway }

/** fe80:: EUI-64 address of a MAC (flip the universal/local bit, insert ff:fe). */
function linkLocal(mac: string): string {
  const b = mac.split(':').map((x) => parseInt(x, 16))
  b[0] = b[0]! ^ 0x02
  const w = [(b[0]! << 8) | b[1]!, (b[2]! << 8) | 0xff, (0xfe << 8) | b[3]!, (b[4]! << 8) | b[5]!]
  return `fe80::${w.map((x) => x.toString(16)).join(':')}/64`
}

/** A locally administered MAC the kernel would pick at random for a veth: drawn from a hash here. */
function vethMac(seed: string): string {
  const h = hashHex(seed, 12).match(/../g)!
  h[0] = ((parseInt(h[0]!, 16) & 0xfe) | 0x02).toString(16).padStart(2, '0')
  return h.join(':')
}

export function hostVethMac(pod: PodRuntime): string {
  return vethMac(`${pod.netns}/host`)
}

function podEth0Mac(pod: PodRuntime): string {
  return vethMac(`${pod.netns}/eth0`)
}

const LO: Link = {
  index: 1,
  name: 'lo',
  mtu: 65536,
  qdisc: 'noqueue',
  loopback: true,
  mac: '00:00:00:00:00:00',
  qlen: 1000,
  inet: [{ cidr: '127.0.0.1/8', extra: 'scope host lo', lft: 'forever' }],
  inet6: [{ cidr: '::1/128', scope: 'scope host noprefixroute' }],
}

/** DHCP lease of the primary address: 3600 s, renewed at half-time. */
function leaseLeft(state: ClusterState, node: NodeRuntime): string {
  const s = Math.floor((state.now - node.bootTime) / 1000) % 1800
  return `${3600 - s}sec`
}

function nodeLinks(state: ClusterState, node: NodeRuntime): Link[] {
  const ipamd = node.ipamd
  const subnet = subnetOf(state, node)
  const { base, size, prefix } = parseCidr(subnet?.cidrBlock ?? `${node.ip}/32`)
  const brd = intToIp(base + size - 1)
  const links: Link[] = [LO]
  for (const eniId of ipamd?.enis ?? []) {
    const device = eniDevice(ipamd!, eniId)
    const eni = state.aws.enis[eniId]
    if (!eni) continue
    const ifname = eniInterface(device)
    links.push({
      index: ipamd!.ifindex[eniId] ?? 2,
      name: ifname,
      mtu: 9001,
      qdisc: 'mq',
      mac: eni.macAddress,
      qlen: 1000,
      altname: `enp0s${5 + device}`,
      inet: [
        device === 0
          ? {
              cidr: `${eni.privateIpAddress}/${prefix}`,
              extra: `metric 512 brd ${brd} scope global dynamic ${ifname}`,
              lft: leaseLeft(state, node),
            }
          : {
              cidr: `${eni.privateIpAddress}/${prefix}`,
              extra: `brd ${brd} scope global ${ifname}`,
              lft: 'forever',
            },
      ],
      inet6: [{ cidr: linkLocal(eni.macAddress), scope: 'scope link proto kernel_ll' }],
    })
  }
  for (const { pod, index, veth } of podsByIndex(node)) {
    const mac = hostVethMac(pod)
    links.push({
      index,
      name: veth,
      peer: '@if3',
      mtu: 9001,
      qdisc: 'noqueue',
      mac,
      linkNetns: pod.netns.replace(/^.*\//, ''),
      inet: [],
      inet6: [{ cidr: linkLocal(mac), scope: 'scope link proto kernel_ll' }],
    })
  }
  return links.sort((a, b) => a.index - b.index)
}

function podLinks(node: NodeRuntime, pod: PodRuntime): Link[] {
  const hostIndex = node.ipamd?.ifindex[vethName(pod.namespace, pod.name)] ?? 0
  return [
    LO,
    {
      index: 3,
      name: 'eth0',
      peer: `@if${hostIndex}`,
      mtu: 9001,
      qdisc: 'noqueue',
      mac: podEth0Mac(pod),
      linkNetns: '',
      inet: [{ cidr: `${pod.ip}/32`, extra: 'scope global eth0', lft: 'forever' }],
      inet6: [],
    },
  ]
}

function linkHeader(l: Link, f: IpFlavour, withMode: boolean): string[] {
  const flags = l.loopback ? '<LOOPBACK,UP,LOWER_UP>' : '<BROADCAST,MULTICAST,UP,LOWER_UP>'
  let peer = l.peer ?? ''
  if (f === 'busybox' && peer) {
    // BusyBox names the peer index in its own namespace: lo or eth0 when the number collides
    const n = Number(peer.slice(3))
    peer = n === 1 ? '@lo' : n === 3 ? '@eth0' : peer
  }
  const head =
    f === 'busybox'
      ? `${l.index}: ${l.name}${peer}: ${flags} mtu ${l.mtu} qdisc ${l.qdisc} ${l.qlen ? `qlen ${l.qlen}` : ''}`
      : `${l.index}: ${l.name}${peer}: ${flags} mtu ${l.mtu} qdisc ${l.qdisc} state ${l.loopback ? 'UNKNOWN' : 'UP'} ${withMode ? 'mode DEFAULT ' : ''}group default ${l.qlen ? `qlen ${l.qlen}` : ''}`
  const ll = l.loopback
    ? '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00'
    : `    link/ether ${l.mac} brd ff:ff:ff:ff:ff:ff${
        l.linkNetns === undefined || f === 'busybox'
          ? ''
          : l.linkNetns === ''
            ? ' link-netnsid 0'
            : ` link-netns ${l.linkNetns}`
      }`
  return [head, ll]
}

function addrLines(l: Link, f: IpFlavour): string[] {
  const out = [...linkHeader(l, f, false)]
  if (l.altname && f === 'iproute2') out.push(`    altname ${l.altname}`)
  for (const a of l.inet)
    out.push(`    inet ${a.cidr} ${a.extra}`, `       valid_lft ${a.lft} preferred_lft ${a.lft}`)
  for (const a of l.inet6)
    out.push(
      `    inet6 ${a.cidr} ${f === 'busybox' ? a.scope.replace(/ (noprefixroute|proto kernel_ll)/, '') : a.scope} `,
      '       valid_lft forever preferred_lft forever',
    )
  return out
}

export interface IpPlace {
  state: ClusterState
  node: NodeRuntime
  /** absent: the node's host namespace */
  pod?: PodRuntime
}

function links(p: IpPlace): Link[] {
  return p.pod && !p.pod.hostNetwork ? podLinks(p.node, p.pod) : nodeLinks(p.state, p.node)
}

export function ipAddr(p: IpPlace, f: IpFlavour, dev?: string): string[] | { error: string } {
  const ls = links(p).filter((l) => !dev || l.name === dev)
  if (dev && ls.length === 0) return { error: `Device "${dev}" does not exist.` }
  return ls.flatMap((l) => addrLines(l, f))
}

export function ipLink(p: IpPlace, f: IpFlavour, dev?: string): string[] | { error: string } {
  const ls = links(p).filter((l) => !dev || l.name === dev)
  if (dev && ls.length === 0) return { error: `Device "${dev}" does not exist.` }
  return ls.flatMap((l) => {
    const [head, ll] = linkHeader(l, f, true)
    return [head!, ll!, ...(l.altname && f === 'iproute2' ? [`    altname ${l.altname}`] : [])]
  })
}

function sortRoutes(rs: RouteEntry[]): string[] {
  const key = (d: string) =>
    d === 'default' ? [-1, 0] : [ipToInt(d.split('/')[0]!), Number(d.split('/')[1] ?? 32)]
  return rs
    .sort((a, b) => {
      const [x1, y1] = key(a.dst)
      const [x2, y2] = key(b.dst)
      return x1! - x2! || y1! - y2!
    })
    .map(routeText)
}

/** `ip route [show table N]`; N: main/254, local, or an ENI's table (device + 1). */
export function ipRoute(p: IpPlace, f: IpFlavour, table = 'main'): string[] | { error: string } {
  const t = table === '254' ? 'main' : table
  if (p.pod && !p.pod.hostNetwork) {
    if (t !== 'main')
      return f === 'busybox' ? [] : { error: 'Error: ipv4: FIB table does not exist.' }
    return [`default via ${POD_GATEWAY} dev eth0 `, `${POD_GATEWAY} dev eth0 scope link `]
  }
  const { state, node } = p
  if (!subnetOf(state, node)) return []
  const n = t === 'main' ? MAIN_TABLE : t === 'local' ? LOCAL_TABLE : Number(t)
  // the default table (253) is not one `ip route show table` is asked for here: as before, an error
  const routes = Number.isInteger(n) && n !== DEFAULT_TABLE ? nodeTable(state, node, n) : undefined
  if (!routes) return { error: 'Error: ipv4: FIB table does not exist.' }
  // the local table is printed in the kernel's order, the others sorted by prefix
  return n === LOCAL_TABLE ? routes.map(routeText) : sortRoutes(routes)
}

export function ipRule(p: IpPlace, f: IpFlavour): string[] {
  const end = f === 'busybox' ? ' ' : ''
  const rules = p.pod && !p.pod.hostNetwork ? POD_RULES : nodeRules(p.state, p.node)
  return rules.map((r) => `${r.prio}:\t${ruleSelector(r)} lookup ${tableName(r.table)}${end}`)
}

export function ipNeigh(p: IpPlace, f: IpFlavour): string[] {
  if (p.pod && !p.pod.hostNetwork) {
    const mac = hostVethMac(p.pod)
    return [
      f === 'busybox'
        ? `${POD_GATEWAY} dev eth0 lladdr ${mac} used 0/0/0 probes 0 PERMANENT`
        : `${POD_GATEWAY} dev eth0 lladdr ${mac} PERMANENT `,
    ]
  }
  const subnet = subnetOf(p.state, p.node)
  if (!subnet) return []
  const gw = subnetGateway(subnet.cidrBlock)
  const mac = ['0a', ...hashHex(`${subnet.subnetId}/router`, 10).match(/../g)!].join(':')
  return [`${gw} dev ens5 lladdr ${mac} REACHABLE `]
}
