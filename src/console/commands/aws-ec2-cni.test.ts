import { describe, expect, it } from 'vitest'
import { createSimulation } from '../../engine/index.ts'
import { rfc3339 } from '../../engine/time.ts'
import { Console } from '../session.ts'

// What the VPC CNI does, seen from EC2: the ENIs it attaches and the subnet addresses it takes.

const json = (c: Console, cmd: string) =>
  JSON.parse(
    c
      .run(cmd)
      .lines.map((l) => l.text)
      .join('\n'),
  )

describe('aws ec2 and the VPC CNI', () => {
  it('describe-network-interfaces --filters attachment.instance-id: the node ENIs and their secondary IPs', () => {
    const sim = createSimulation({ seed: 7, config: { nodeCount: 1 } })
    const c = new Console(sim, { settleAfterCommands: true })
    const node = Object.values(sim.state.nodes)[0]!
    const r = json(
      c,
      `aws ec2 describe-network-interfaces --filters Name=attachment.instance-id,Values=${node.instanceId}`,
    )
    const enis = r.NetworkInterfaces as {
      Description: string
      Attachment: { DeviceIndex: number }
      PrivateIpAddresses: { Primary: boolean; PrivateIpAddress: string }[]
      TagSet: { Key: string; Value: string }[]
    }[]
    expect(enis.map((e) => e.Attachment.DeviceIndex).sort()).toEqual([0, 1])
    const second = enis.find((e) => e.Attachment.DeviceIndex === 1)!
    expect(second.Description).toBe(`aws-K8S-${node.instanceId}`)
    expect(second.PrivateIpAddresses.filter((a) => !a.Primary)).toHaveLength(5)
    // every pod IP on the node is a secondary (never the primary) address of one of these ENIs
    const secondaries = enis.flatMap((e) =>
      e.PrivateIpAddresses.filter((a) => !a.Primary).map((a) => a.PrivateIpAddress),
    )
    for (const p of Object.values(node.pods))
      if (!p.hostNetwork) expect(secondaries).toContain(p.ip)
  })

  it('the ENIs ipamd creates carry its tags: instance_id, createdAt (RFC 3339) and the cluster name', () => {
    const sim = createSimulation({ seed: 7, config: { nodeCount: 1 } })
    const c = new Console(sim, { settleAfterCommands: true })
    const node = Object.values(sim.state.nodes)[0]!
    const eniId = node.ipamd!.enis[1]!
    const attachedAt = sim.state.aws.enis[eniId]!.attachedAt!
    const r = json(c, `aws ec2 describe-network-interfaces --network-interface-ids ${eniId}`)
    expect(r.NetworkInterfaces[0].TagSet).toEqual([
      { Key: 'cluster.k8s.amazonaws.com/name', Value: sim.state.config.clusterName },
      { Key: 'node.k8s.amazonaws.com/createdAt', Value: rfc3339(attachedAt) },
      { Key: 'node.k8s.amazonaws.com/instance_id', Value: node.instanceId },
    ])
    expect(rfc3339(attachedAt)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    // the filter the VPC CNI's leaked-ENI cleanup uses finds it by its tag
    const byTag = json(
      c,
      `aws ec2 describe-network-interfaces --filters Name=tag-key,Values=node.k8s.amazonaws.com/createdAt --query NetworkInterfaces[].NetworkInterfaceId`,
    )
    expect(byTag).toContain(eniId)
  })

  it('describe-subnets: AvailableIpAddressCount goes down as the warm pool grows', () => {
    const sim = createSimulation({ seed: 7, config: { nodeCount: 1 } })
    const c = new Console(sim, { settleAfterCommands: true })
    const node = Object.values(sim.state.nodes)[0]!
    const count = () =>
      json(c, `aws ec2 describe-subnets --subnet-ids ${node.subnetId}`).Subnets[0]
        .AvailableIpAddressCount as number
    const before = count()
    // 2 coredns + 4 web = 6 pod IPs leave 4 of 10 free (< one ENI's 5): ipamd attaches a third ENI,
    // which takes its own primary address and 5 secondary IPs from the subnet
    c.run('kubectl create deployment web --image=nginx --replicas=4')
    c.run('sleep 20')
    expect(count()).toBe(before - 6)
  })
})

describe('aws ec2 after ipamd shrinks the pool', () => {
  it('the freed ENI leaves describe-network-interfaces and its 6 addresses return to AvailableIpAddressCount', () => {
    const sim = createSimulation({ seed: 3, config: { nodeCount: 1, instanceType: 't3.medium' } })
    const c = new Console(sim, { settleAfterCommands: true })
    const node = Object.values(sim.state.nodes)[0]!
    const enis = () =>
      json(
        c,
        `aws ec2 describe-network-interfaces --filters Name=attachment.instance-id,Values=${node.instanceId}`,
      ).NetworkInterfaces as { NetworkInterfaceId: string; Attachment: { DeviceIndex: number } }[]
    const available = () =>
      json(c, `aws ec2 describe-subnets --subnet-ids ${node.subnetId}`).Subnets[0]
        .AvailableIpAddressCount as number
    c.run('kubectl create deployment web --image=nginx --replicas=12')
    sim.advance(120_000)
    expect(enis()).toHaveLength(3)
    const full = available()
    c.run('kubectl scale deployment web --replicas=1')
    sim.advance(200_000)
    const left = enis()
    expect(left).toHaveLength(2)
    expect(left.map((e) => e.Attachment.DeviceIndex)).toContain(0)
    expect(available()).toBe(full + 6)
  })
})
