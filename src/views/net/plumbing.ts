import type { ClusterState } from '../../engine/model/state.ts'
import type { NodeRuntime } from '../../engine/model/node.ts'
import { maxPods } from '../../engine/aws/instanceTypes.ts'
import {
  IP_COOLDOWN_MS,
  eniDevice,
  eniInterface,
  eniRouteTable,
  instanceTypeOf,
} from '../../engine/net/ipam/ipamd.ts'
import { ipRoute, ipRule } from '../../engine/net/ipam/iproute2.ts'
import { vethName } from '../../engine/node/util.ts'

// A node's network plumbing as the VPC CNI leaves it (the Network tab's "Plumbing"; STYLE.md 13:
// pure, tested; NodeNetworkPlumbing.tsx renders). Read from ipamd's datastore, the node's pod
// runtimes and the ENIs, never stored: the ENIs in device order with every secondary address
// (used by a pod, warm, or cooling down for IP_COOLDOWN_PERIOD after a release), each pod's
// network namespace and its veth pair, the hostNetwork pods, and the routing as `ip rule` and
// `ip route show table N` print it (the console's own printers, so the two always agree).

export type IpUse = 'used' | 'warm' | 'cooling'

export interface SecondaryIp {
  ip: string
  use: IpUse
  /** `namespace/name` of the pod holding it */
  pod?: string
  /** cooling: simulated seconds until ipamd hands it out again */
  coolingLeftS?: number
}

export interface EniRow {
  device: number
  /** ens5, ens6 … */
  ifname: string
  eniId: string
  subnetId: string
  subnetCidr?: string
  primaryIp: string
  /** the route table its pods' traffic uses: `main` for ens5, then the device number + 1 */
  table: string
  secondary: SecondaryIp[]
}

export interface PodNamespace {
  namespace: string
  name: string
  /** the pod's address, eth0's /32 */
  ip: string
  /** the host end of the veth pair, `eni<hash>` */
  veth: string
  /** the host veth's interface index (what `ip link` numbers it) */
  ifindex?: number
  /** the ENI whose secondary address the pod has, and the table its replies leave by */
  ifname?: string
  table?: string
}

export interface RouteTable {
  /** `main`, or the ENI's table number */
  table: string
  /** the ENI the table sends through */
  ifname: string
  command: string
  lines: string[]
}

export interface Plumbing {
  enis: EniRow[]
  pods: PodNamespace[]
  /** hostNetwork pods (aws-node, kube-proxy…): in the host namespace, no veth, the node's IP */
  hostPods: { namespace: string; name: string }[]
  counts: { total: number; used: number; warm: number; cooling: number }
  maxPods: { value: number; formula: string }
  rules: string[]
  routes: RouteTable[]
}

export function plumbingOf(state: ClusterState, node: NodeRuntime): Plumbing {
  const ipamd = node.ipamd
  const enis: EniRow[] = []
  for (const eniId of ipamd?.enis ?? []) {
    const device = eniDevice(ipamd!, eniId)
    const eni = state.aws.enis[eniId]
    if (!eni) continue
    const secondary = Object.entries(ipamd!.ips)
      .filter(([, a]) => a.eniId === eniId)
      .map(([ip, a]): SecondaryIp => {
        if (a.pod) return { ip, use: 'used', pod: `${a.pod.namespace}/${a.pod.name}` }
        const until = a.unassignedAt === undefined ? 0 : a.unassignedAt + IP_COOLDOWN_MS
        return state.now < until
          ? { ip, use: 'cooling', coolingLeftS: Math.ceil((until - state.now) / 1000) }
          : { ip, use: 'warm' }
      })
    enis.push({
      device,
      ifname: eniInterface(device),
      eniId,
      subnetId: eni.subnetId,
      subnetCidr: state.aws.subnets.find((s) => s.subnetId === eni.subnetId)?.cidrBlock,
      primaryIp: eni.privateIpAddress,
      table: tableName(device),
      secondary,
    })
  }
  const all = enis.flatMap((e) => e.secondary)
  const runtimes = Object.values(node.pods)
  const pods = runtimes
    .filter((p) => !p.hostNetwork && p.ip)
    .map((p): PodNamespace => {
      const veth = vethName(p.namespace, p.name)
      const a = ipamd?.ips[p.ip]
      const device = a ? eniDevice(ipamd!, a.eniId) : -1
      return {
        namespace: p.namespace,
        name: p.name,
        ip: p.ip,
        veth,
        ifindex: ipamd?.ifindex[veth],
        ...(device >= 0 ? { ifname: eniInterface(device), table: tableName(device) } : {}),
      }
    })
    .sort((a, b) => (a.ifindex ?? Infinity) - (b.ifindex ?? Infinity) || cmp(a.name, b.name))
  const t = instanceTypeOf(state, node)
  const place = { state, node }
  const routes: RouteTable[] = enis.map((e) => {
    const out = ipRoute(place, 'iproute2', e.table)
    return {
      table: e.table,
      ifname: e.ifname,
      command: e.table === 'main' ? 'ip route' : `ip route show table ${e.table}`,
      lines: Array.isArray(out) ? out : [out.error],
    }
  })
  return {
    enis,
    pods,
    hostPods: runtimes
      .filter((p) => p.hostNetwork)
      .map((p) => ({ namespace: p.namespace, name: p.name }))
      .sort((a, b) => cmp(a.name, b.name)),
    counts: {
      total: all.length,
      used: all.filter((a) => a.use === 'used').length,
      warm: all.filter((a) => a.use === 'warm').length,
      cooling: all.filter((a) => a.use === 'cooling').length,
    },
    maxPods: {
      value: maxPods(t),
      formula: `${t.name}: ${t.enis} ENIs × (${t.ipv4PerEni} − 1) + 2`,
    },
    rules: ipRule(place, 'iproute2'),
    routes,
  }
}

function tableName(device: number): string {
  const n = eniRouteTable(device)
  return n === 254 ? 'main' : String(n)
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** `3 of 10 secondary IPs used, 7 warm; max pods 17 (t3.medium: 3 ENIs × (6 − 1) + 2)`. */
export function countsLine(p: Plumbing): string {
  const { total, used, warm, cooling } = p.counts
  const cool = cooling ? `, ${cooling} cooling down` : ''
  return `${used} of ${total} secondary IPs used, ${warm} warm${cool}; max pods ${p.maxPods.value} (${p.maxPods.formula})`
}

/** One address in words, for the list and its text equivalent. */
export function describeIp(a: SecondaryIp): string {
  if (a.use === 'used') return `used by ${a.pod}`
  if (a.use === 'cooling') return `cooling down, ${a.coolingLeftS} s left`
  return 'warm (free)'
}
