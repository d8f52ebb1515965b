import { describe, expect, it } from 'vitest'
import { createSimulation } from './simulation.ts'
import { listObjects, allEntries } from './apiserver/store.ts'
import { createObject } from './apiserver/api.ts'
import { ApiError } from './apiserver/errors.ts'
import { cidrContains } from './net/ip.ts'

describe('a new cluster (eksctl create cluster defaults, 3 x t3.medium)', () => {
  const sim = createSimulation({ seed: 11 })
  const s = sim.state

  it('has the eksctl VPC layout: 192.168.0.0/16, a public and a private /19 per AZ, IGW and a NAT gateway', () => {
    expect(s.aws.vpc.cidrBlock).toBe('192.168.0.0/16')
    expect(
      s.aws.subnets.map(
        (x) => `${x.public ? 'public' : 'private'} ${x.cidrBlock} ${x.availabilityZone}`,
      ),
    ).toEqual([
      'public 192.168.0.0/19 us-west-2a',
      'public 192.168.32.0/19 us-west-2b',
      'public 192.168.64.0/19 us-west-2c',
      'private 192.168.96.0/19 us-west-2a',
      'private 192.168.128.0/19 us-west-2b',
      'private 192.168.160.0/19 us-west-2c',
    ])
    const pub = s.aws.routeTables.find((r) => r.name.endsWith('PublicRouteTable'))!
    expect(pub.routes).toContainEqual({
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: s.aws.internetGateway.internetGatewayId,
    })
    const priv = s.aws.routeTables.filter((r) => r.name.includes('PrivateRouteTable'))
    expect(priv).toHaveLength(3)
    for (const r of priv)
      expect(r.routes).toContainEqual({
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: s.aws.natGateways[0]!.natGatewayId,
      })
    expect(s.aws.natGateways[0]!.natGatewayId).toMatch(/^nat-0[0-9a-f]{16}$/)
  })

  it('has a managed control plane with two API servers and three etcd members across AZs', () => {
    expect(s.aws.controlPlane.apiServers).toHaveLength(2)
    expect(new Set(s.aws.controlPlane.etcdMembers.map((m) => m.availabilityZone)).size).toBe(3)
    expect(s.aws.controlPlane.etcdMembers.filter((m) => m.isLeader)).toHaveLength(1)
  })

  it('registers Ready nodes named after their private IP, with EC2 instance IDs and max pods 17', () => {
    const nodes = listObjects(s, 'Node')
    expect(nodes).toHaveLength(3)
    for (const n of nodes) {
      const ip = n.status.addresses.find((a) => a.type === 'InternalIP')!.address
      expect(n.metadata.name).toBe(`ip-${ip.replaceAll('.', '-')}.us-west-2.compute.internal`)
      expect(n.spec.providerID).toMatch(/^aws:\/\/\/us-west-2[abc]\/i-0[0-9a-f]{16}$/)
      expect(n.status.allocatable.pods).toBe('17')
      expect(n.status.allocatable.memory).toBe('3388364Ki')
      expect(n.metadata.labels?.['node.kubernetes.io/instance-type']).toBe('t3.medium')
      expect(n.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True')
    }
  })

  it('runs CoreDNS (2), aws-node and kube-proxy on every node, and the two default Services', () => {
    const pods = listObjects(s, 'Pod', 'kube-system')
    expect(pods.filter((p) => p.metadata.name.startsWith('coredns-'))).toHaveLength(2)
    expect(pods.filter((p) => p.metadata.name.startsWith('aws-node-'))).toHaveLength(3)
    expect(pods.filter((p) => p.metadata.name.startsWith('kube-proxy-'))).toHaveLength(3)
    for (const p of pods) expect(p.status.phase).toBe('Running')
    const svcs = listObjects(s, 'Service').map(
      (x) => `${x.metadata.namespace}/${x.metadata.name} ${x.spec.clusterIP}`,
    )
    expect(svcs).toEqual(['default/kubernetes 10.100.0.1', 'kube-system/kube-dns 10.100.0.10'])
  })

  it('stores every object under its real etcd key, with resourceVersion = its mod revision', () => {
    const keys = allEntries(s).map(([k]) => k)
    expect(keys).toContain('/registry/services/specs/default/kubernetes')
    expect(keys).toContain('/registry/namespaces/kube-system')
    expect(keys).toContain('/registry/deployments/kube-system/coredns')
    expect(keys).toContain('/registry/endpointslices/default/kubernetes')
    expect(
      keys.some((k) =>
        /^\/registry\/minions\/ip-192-168-\d+-\d+\.us-west-2\.compute\.internal$/.test(k),
      ),
    ).toBe(true)
    expect(keys.some((k) => /^\/registry\/pods\/kube-system\/coredns-/.test(k))).toBe(true)
    for (const [, e] of allEntries(s)) {
      expect(e.value.metadata.resourceVersion).toBe(String(e.modRevision))
      expect(e.modRevision).toBeLessThanOrEqual(s.etcd.revision)
    }
  })

  it("gives hostNetwork pods the node IP and other pods addresses of their node's subnet", () => {
    for (const p of listObjects(s, 'Pod')) {
      const node = s.nodes[p.spec.nodeName!]!
      if (p.spec.hostNetwork) expect(p.status.podIP).toBe(node.ip)
      else
        expect(
          cidrContains(
            s.aws.subnets.find((x) => x.subnetId === node.subnetId)!.cidrBlock,
            p.status.podIP!,
          ),
        ).toBe(true)
    }
  })
})

describe('determinism', () => {
  it('same seed, same cluster, byte for byte; another seed, another cluster', () => {
    const a = JSON.stringify(createSimulation({ seed: 5 }).state)
    const b = JSON.stringify(createSimulation({ seed: 5 }).state)
    const c = JSON.stringify(createSimulation({ seed: 6 }).state)
    expect(a).toBe(b)
    expect(a).not.toBe(c)
  })
})

describe('transactions', () => {
  it('a failed request leaves the state exactly as it was (same object, same version)', () => {
    const sim = createSimulation({ seed: 3 })
    const before = sim.state
    const version = sim.version
    const r = sim.transact((ctx) => {
      createObject(ctx, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'half-done' } })
      createObject(ctx, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } }) // AlreadyExists
    })
    expect(r.ok).toBe(false)
    expect(!r.ok && r.error instanceof ApiError && r.error.reason).toBe('AlreadyExists')
    expect(sim.state).toBe(before)
    expect(sim.version).toBe(version)
    sim.settle()
    expect(listObjects(sim.state, 'Namespace').map((n) => n.metadata.name)).not.toContain(
      'half-done',
    )
  })
})
