import { describe, expect, it } from 'vitest'
import type { SimEvent } from '../../engine/index.ts'
import { replayScenario } from './replay.ts'
import { egress } from '../egress.ts'

// What the egress lesson states is what the seed-1 replay shows: checkip answers the public IP of
// client's node, then the NAT gateway's Elastic IP for a pod on a private node; the node SNATs to
// its primary IP (the rule and the conntrack entry); the route tables pick the gateway; and nginx
// logs client's pod IP for a call inside the VPC.

type Flow = Extract<SimEvent, { type: 'packet.flow' }>
type Hop = Extract<SimEvent, { type: 'packet.hop' }>

describe('scenario egress: what the learner sees', () => {
  const { sim, player, out, eventsOf } = replayScenario(egress)
  const cluster = () => sim.getState().cluster
  const pod = (name: string) =>
    Object.values(cluster().nodes)
      .flatMap((n) => Object.values(n.pods).map((p) => ({ node: n, pod: p })))
      .find((x) => x.pod.name === name && x.pod.namespace === 'default')!
  const instanceOf = (nodeIp: string) =>
    Object.values(cluster().aws.instances).find((i) => i.privateIpAddress === nodeIp)!
  /** the request hops of the flow to `dst` on `port` in a step's events */
  const requestHops = (step: string, dst: string, port: number): Hop[] => {
    const flow = eventsOf[step]!.find(
      (e): e is Flow => e.type === 'packet.flow' && e.dst === dst && e.dport === port,
    )!
    expect(flow, `${step}: a flow to ${dst}:${port}`).toBeDefined()
    return eventsOf[step]!.filter(
      (e): e is Hop => e.type === 'packet.hop' && e.flow === flow.flow && e.direction === 'request',
    )
  }

  it('plays to the end', () => {
    expect(player.getState().index).toBe(egress.steps.length)
    expect(player.getState().error).toBeNull()
  })

  it('client runs in a public subnet; checkip answers its node’s public IP', () => {
    const { node, pod: client } = pod('client')
    expect(node.name).toBe('ip-192-168-83-74.us-west-2.compute.internal')
    const subnet = cluster().aws.subnets.find((s) => s.subnetId === node.subnetId)!
    expect(subnet.public).toBe(true)
    const pub = instanceOf(node.ip).publicIpAddress!
    expect(pub).toMatch(/^\d+\.\d+\.\d+\.\d+$/)
    expect(out.checkip!.split('\n')).toContain(pub)
    // describe-instances prints private and public address side by side
    expect(out.checkip!).toContain(`${node.ip}\t${pub}`)
    expect(client.ip).not.toBe(node.ip)
  })

  it('nslookup asks CoreDNS at 10.100.0.10, which forwards: a non-authoritative answer', () => {
    expect(out.dns!).toMatch(/^Server:\t\t10\.100\.0\.10$/m)
    expect(out.dns!).toContain('Non-authoritative answer:\nName:\texample.com\nAddress: ')
    const forwarded = eventsOf.dns!.find(
      (e): e is Flow => e.type === 'packet.flow' && e.dst === '192.168.0.2' && e.dport === 53,
    )
    expect(forwarded, 'CoreDNS forwards to the VPC resolver').toBeDefined()
    expect(forwarded!.client).toMatch(/^kube-system\/coredns-/)
  })

  it('curl -v names the pod IP as the source; the packet path shows node IP, then public IP', () => {
    const { node, pod: client } = pod('client')
    expect(out.trace!).toMatch(
      new RegExp(
        `\\* Established connection to example\\.com \\(\\S+ port 443\\) from ${client.ip.replaceAll('.', '\\.')} port \\d+`,
      ),
    )
    const ip = /\* IPv4: (\S+)/.exec(out.trace!)![1]!
    const hops = requestHops('trace', ip, 443)
    const post = hops.find((h) => h.kind === 'hook' && h.label === 'POSTROUTING')!
    expect([post.before.src, post.after.src]).toEqual([client.ip, node.ip])
    const igw = hops.find((h) => h.kind === 'igw')!
    expect([igw.before.src, igw.after.src]).toEqual([node.ip, instanceOf(node.ip).publicIpAddress])
    expect(hops.map((h) => h.kind)).toContain('rtb')
    expect(hops.at(-1)!.kind).toBe('internet')
  })

  it('the SNAT rule and the conntrack entry on client’s node', () => {
    const { node, pod: client } = pod('client')
    expect(out.snat!).toContain(
      '-A AWS-SNAT-CHAIN-0 -d 192.168.0.0/16 -m comment --comment "AWS SNAT CHAIN" -j RETURN',
    )
    expect(out.snat!).toContain(`-j SNAT --to-source ${node.ip} --random-fully`)
    const ip = /\* IPv4: (\S+)/.exec(out.trace!)![1]!
    const entry = out.snat!.split('\n').find((l) => l.includes(`dst=${ip} sport=`))!
    expect(entry).toMatch(
      new RegExp(`^tcp .* src=${client.ip} dst=${ip} .* src=${ip} dst=${node.ip} `),
    )
    expect(entry).toContain('mark=128')
  })

  it('the public route table goes to the internet gateway, each private one to the NAT gateway', () => {
    const igw = cluster().aws.internetGateway.internetGatewayId
    const nat = cluster().aws.natGateways[0]!.natGatewayId
    expect(out['route-tables']!).toContain(`${igw}\tNone`)
    expect(out['route-tables']!.split('\n').filter((l) => l === `None\t${nat}`)).toHaveLength(3)
  })

  it('private-client runs on the new node in a private subnet and is seen as the NAT gateway’s EIP', () => {
    const { node } = pod('private-client')
    expect(instanceOf(node.ip).nodegroup).toBe('private')
    const subnet = cluster().aws.subnets.find((s) => s.subnetId === node.subnetId)!
    expect(subnet.public).toBe(false)
    expect(instanceOf(node.ip).publicIpAddress).toBeUndefined()
    const nat = cluster().aws.natGateways[0]!
    expect(out['private-checkip']!.split('\n').at(-1)).toBe(nat.publicIp)
    expect(out['private-checkip']!).toContain(`${nat.privateIp}\t${nat.publicIp}`)
    const checkip = eventsOf['private-checkip']!.find(
      (e): e is Flow =>
        e.type === 'packet.flow' && e.dport === 443 && e.client.endsWith('private-client'),
    )!
    const kinds = eventsOf['private-checkip']!.filter(
      (e): e is Hop =>
        e.type === 'packet.hop' && e.flow === checkip.flow && e.direction === 'request',
    ).map((h) => h.kind)
    expect(kinds.indexOf('natgw')).toBeGreaterThan(kinds.indexOf('hook'))
    expect(kinds.indexOf('igw')).toBeGreaterThan(kinds.indexOf('natgw'))
  })

  it('nginx on another node logs client’s pod IP: no SNAT inside the VPC', () => {
    const client = pod('client')
    const web = pod('web')
    expect(web.node.name).not.toBe(client.node.name)
    expect(out['pod-to-pod']!).toMatch(/^200$/m)
    expect(out['pod-to-pod']!.split('\n').at(-1)).toMatch(
      new RegExp(`^${client.pod.ip.replaceAll('.', '\\.')} - - \\[`),
    )
  })
})
