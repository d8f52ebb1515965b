import { spawnSync } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import { createSimulation } from '../../simulation.ts'
import { createObject } from '../../apiserver/api.ts'
import { vethName } from '../../node/util.ts'
import { eniInterface } from './ipamd.ts'
import { hostVethMac, ipNeigh, ipRoute, ipRule, subnetGateway, type IpPlace } from './iproute2.ts'

// The differential check against real Linux: build the node the simulation describes (ENIs as veths,
// one network namespace per pod with its veth pair, /32, routes, permanent ARP entry; the host routes
// and ip rules the VPC CNI adds) with the real `ip`, then compare what iproute2 and BusyBox print with
// our text. Needs root and iproute2 (BusyBox optional); skipped otherwise. The AL2023-only details
// (altname, proto kernel_ll, DHCP-installed routes) cannot come from a netns and are not compared.

const which = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0
const canRun = process.getuid?.() === 0 && which('ip')
const hasBusybox = which('busybox')
if (!canRun) console.warn('skipping the real-Linux ip test: not root, or iproute2 missing')

const TAG = `cw${process.pid}`
const made: string[] = []
function sh(ns: string, cmd: string): string {
  const r = spawnSync('ip', ['netns', 'exec', ns, 'sh', '-c', cmd], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`)
  return r.stdout
}
function netns(name: string) {
  expect(spawnSync('ip', ['netns', 'add', name]).status).toBe(0)
  made.push(name)
}
afterAll(() => {
  for (const n of made) spawnSync('ip', ['netns', 'del', n])
})

function cluster() {
  const sim = createSimulation({ seed: 7, config: { nodeCount: 1 } })
  sim.settle()
  // enough pods that some land on the second ENI (5 IPs per t3.medium ENI)
  for (let i = 0; i < 5; i++)
    sim.transact((ctx) =>
      createObject(ctx, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `bb-${i}`, namespace: 'default' },
        spec: { containers: [{ name: 'bb', image: 'busybox', command: ['sleep', '3600'] }] },
      } as never),
    )
  sim.settle()
  return sim
}

describe.runIf(canRun)('ip output against iproute2 in a network namespace', () => {
  it('host routes, the per-ENI table, ip rules; a pod netns routes and ARP entry', () => {
    const sim = cluster()
    const state = sim.state
    const node = Object.values(state.nodes)[0]!
    const subnet = state.aws.subnets.find((s) => s.subnetId === node.subnetId)!
    const prefix = subnet.cidrBlock.split('/')[1]
    const gw = subnetGateway(subnet.cidrBlock)
    const host = `${TAG}-h`
    const vpc = `${TAG}-v`
    netns(host)
    netns(vpc)
    sh(host, 'ip link set lo up')
    for (const [device, id] of node.ipamd!.enis.entries()) {
      const eni = state.aws.enis[id]!
      const dev = eniInterface(device)
      sh(host, `ip link add ${dev} type veth peer name p${device} netns ${vpc}`)
      sh(vpc, `ip link set p${device} up`)
      sh(host, `ip link set ${dev} address ${eni.macAddress} mtu 9001 up`)
      const metric = device === 0 ? ' metric 512' : ''
      sh(host, `ip addr add ${eni.privateIpAddress}/${prefix} dev ${dev}${metric}`)
      if (device === 0) {
        // what DHCP installs on AL2023 (systemd-networkd): default, router, VPC DNS
        const src = `src ${node.ip} metric 512`
        sh(host, `ip route add default via ${gw} dev ens5 proto dhcp ${src}`)
        sh(host, `ip route add ${gw} dev ens5 proto dhcp scope link ${src}`)
        sh(host, `ip route add 192.168.0.2 dev ens5 proto dhcp scope link ${src}`)
      } else {
        // ipamd moves a secondary ENI's connected route into its own table
        sh(host, `ip route del ${subnet.cidrBlock} dev ${dev}`)
        const t = device + 1
        sh(host, `ip route add ${gw} dev ${dev} scope link table ${t}`)
        sh(host, `ip route add default via ${gw} dev ${dev} table ${t}`)
        sh(host, `ip rule add from ${eni.privateIpAddress} lookup ${t} prio 32765`)
      }
    }
    sh(host, 'ip rule add fwmark 0x80/0x80 lookup main prio 1024')
    const pods = Object.values(node.pods)
      .filter((p) => !p.hostNetwork)
      .sort(
        (a, b) =>
          node.ipamd!.ifindex[vethName(a.namespace, a.name)]! -
          node.ipamd!.ifindex[vethName(b.namespace, b.name)]!,
      )
    for (const [i, pod] of pods.entries()) {
      const veth = vethName(pod.namespace, pod.name)
      const pns = `${TAG}-p${i}`
      netns(pns)
      sh(host, `ip link add ${veth} type veth peer name eth0 netns ${pns}`)
      sh(host, `ip link set ${veth} address ${hostVethMac(pod)} mtu 9001 up`)
      sh(
        pns,
        `ip link set lo up; ip link set eth0 mtu 9001 up; ip addr add ${pod.ip}/32 dev eth0; ` +
          `ip route add 169.254.1.1 dev eth0 scope link; ip route add default via 169.254.1.1 dev eth0; ` +
          `ip neigh add 169.254.1.1 lladdr ${hostVethMac(pod)} dev eth0 nud permanent`,
      )
      sh(host, `ip route add ${pod.ip} dev ${veth} scope link`)
      sh(host, `ip rule add to ${pod.ip} lookup main prio 512`)
      const a = node.ipamd!.ips[pod.ip]!
      const device = node.ipamd!.enis.indexOf(a.eniId)
      if (device > 0) sh(host, `ip rule add from ${pod.ip} lookup ${device + 1} prio 1536`)
      const place: IpPlace = { state, node, pod }
      expect(sh(pns, 'ip route')).toBe(`${(ipRoute(place, 'iproute2') as string[]).join('\n')}\n`)
      expect(sh(pns, 'ip neigh')).toBe(`${ipNeigh(place, 'iproute2').join('\n')}\n`)
      expect(sh(pns, 'ip rule')).toBe(`${ipRule(place, 'iproute2').join('\n')}\n`)
      if (hasBusybox) {
        expect(sh(pns, 'busybox ip route')).toBe(
          `${(ipRoute(place, 'busybox') as string[]).join('\n')}\n`,
        )
        expect(sh(pns, 'busybox ip rule')).toBe(`${ipRule(place, 'busybox').join('\n')}\n`)
      }
    }
    expect(pods.some((p) => node.ipamd!.enis.indexOf(node.ipamd!.ips[p.ip]!.eniId) > 0)).toBe(true)
    const place: IpPlace = { state, node }
    expect(sh(host, 'ip route')).toBe(`${(ipRoute(place, 'iproute2') as string[]).join('\n')}\n`)
    expect(sh(host, 'ip route show table 2')).toBe(
      `${(ipRoute(place, 'iproute2', '2') as string[]).join('\n')}\n`,
    )
    expect(sh(host, 'ip rule')).toBe(`${ipRule(place, 'iproute2').join('\n')}\n`)
  })
})
