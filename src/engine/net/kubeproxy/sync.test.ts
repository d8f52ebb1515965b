import { afterEach, describe, expect, it } from 'vitest'
import { TestCluster } from '../../testing/TestCluster.ts'
import { setIptablesRestore, type RestoreFn } from './apply.ts'
import type { SimEvent } from '../../events.ts'

type Call = { text: string }
let calls: Call[] = []
let failNext = 0
const spy: RestoreFn = (_nf, text, opts) => {
  expect(opts?.noflush).toBe(true)
  calls.push({ text })
  if (failNext > 0 && text.includes('*nat\n:KUBE-SERVICES')) {
    failNext--
    return { ok: false, error: 'iptables-restore: line 7 failed' }
  }
  return { ok: true }
}

afterEach(() => {
  setIptablesRestore(undefined)
  calls = []
  failNext = 0
})

function cluster(): TestCluster {
  setIptablesRestore(spy)
  return new TestCluster({ seed: 7 })
}

function web(c: TestCluster, replicas = 3) {
  c.deployment('web', 'nginx:1.27', replicas)
  c.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80 }] },
  } as never)
  c.settle()
}

const syncs = (events: SimEvent[]) =>
  events.filter(
    (e): e is Extract<SimEvent, { type: 'kubeproxy.sync' }> => e.type === 'kubeproxy.sync',
  )

describe('kube-proxy on every node', () => {
  it('boots each node with the kubelet and VPC CNI rules, then a full kube-proxy sync', () => {
    const c = cluster()
    const nodes = Object.values(c.state.nodes)
    expect(nodes).toHaveLength(3)
    const kubelet = calls.filter((x) => x.text.includes('KUBE-IPTABLES-HINT'))
    const cni = calls.filter((x) => x.text.includes('AWS-SNAT-CHAIN-0'))
    expect(kubelet).toHaveLength(3)
    expect(cni).toHaveLength(3)
    for (const n of nodes) {
      expect(cni.some((x) => x.text.includes(`-j SNAT --to-source ${n.ip} --random-fully`))).toBe(
        true,
      )
      expect(n.kubeProxy?.needFullSync).toBe(false)
      expect(n.kubeProxy?.syncs).toBeGreaterThanOrEqual(1)
      // default/kubernetes:https and kube-system/kube-dns:dns, identical on every EKS cluster
      expect(n.kubeProxy?.natChains).toContain('KUBE-SVC-NPX46M4PTMTKRN6Y')
      expect(n.kubeProxy?.natChains).toContain('KUBE-SVC-TCOU7JCQXEZGVUNU')
    }
    // the jump rules from the built-in chains come before the first full restore
    const ensure = calls.filter((x) =>
      x.text.includes(
        '-I PREROUTING 1 -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      ),
    )
    expect(ensure).toHaveLength(3)
  })

  it('writes only the changed Service on a partial sync, on every node', () => {
    const c = cluster()
    calls = []
    web(c)
    const evs = syncs(c.events)
    expect(new Set(evs.map((e) => e.node)).size).toBe(3)
    expect(evs.every((e) => !e.full && !e.error)).toBe(true)
    const last = calls.at(-1)!.text
    expect(last).toContain('"default/web cluster IP"')
    // unchanged Services keep their chains: no kube-dns chain is declared again
    expect(last).not.toContain(':KUBE-SVC-TCOU7JCQXEZGVUNU')
    // …but KUBE-SERVICES is rewritten whole, so its jump to kube-dns is there
    expect(last).toContain('-j KUBE-SVC-TCOU7JCQXEZGVUNU')
    const probs = last
      .split('\n')
      .filter((l) => /^-A KUBE-SVC-\S+ -m comment --comment "default\/web ->/.test(l))
    expect(probs.map((l) => l.match(/--probability (\S+)/)?.[1] ?? 'last')).toEqual([
      '0.3333333333',
      '0.5000000000',
      'last',
    ])
  })

  it('scaling 3 -> 4 changes the probabilities to 1/4, 1/3, 1/2 (LESSONS §3)', () => {
    const c = cluster()
    web(c)
    calls = []
    c.patch('Deployment', 'web', (d) => {
      d.spec.replicas = 4
    })
    c.settle()
    const last = calls.at(-1)!.text
    const probs = last
      .split('\n')
      .filter((l) => /^-A KUBE-SVC-\S+ -m comment --comment "default\/web ->/.test(l))
      .map((l) => l.match(/--probability (\S+)/)?.[1] ?? 'last')
    expect(probs).toEqual(['0.2500000000', '0.3333333333', '0.5000000000', 'last'])
  })

  it('deletes a removed Service’s chains with -X', () => {
    const c = cluster()
    web(c)
    const node = Object.values(c.state.nodes)[0]!
    const before = node.kubeProxy!.natChains.filter(
      (x) => !['KUBE-SVC-NPX46M4PTMTKRN6Y'].includes(x),
    )
    c.delete('Service', 'web')
    c.settle()
    const evs = syncs(c.events).filter((e) => e.chainsDeleted.length > 0)
    expect(evs.length).toBe(3)
    const text = calls.at(-1)!.text
    for (const chain of evs[0]!.chainsDeleted) {
      expect(text).toContain(`-X ${chain}`)
      expect(before).toContain(chain)
    }
    expect(
      c.state.nodes[node.name]!.kubeProxy!.natChains.some((x) => evs[0]!.chainsDeleted.includes(x)),
    ).toBe(false)
  })

  it('logs its syncs at --v=2 in the kube-proxy container', () => {
    const c = cluster()
    web(c)
    const node = Object.values(c.state.nodes)[0]!
    const rt = Object.values(node.pods).find((p) => p.name.startsWith('kube-proxy-'))!
    const text = rt.containers[0]!.logs.map((l) => l.text)
    expect(
      text.some((t) =>
        /^I\d{4} \d\d:\d\d:\d\d\.\d{6} {7}1 proxier.go:828\] "Syncing iptables rules" ipFamily="IPv4"$/.test(
          t,
        ),
      ),
    ).toBe(true)
    expect(
      text.some((t) =>
        t.includes('"Reloading service iptables data" ipFamily="IPv4" numServices='),
      ),
    ).toBe(true)
    expect(
      text.some((t) => /"SyncProxyRules complete" ipFamily="IPv4" elapsed="[\d.]+ms"$/.test(t)),
    ).toBe(true)
  })

  it('after a failed restore, the next sync is a full one (retried at the latest after syncPeriod)', () => {
    const c = cluster()
    failNext = 1
    web(c)
    c.advance(31_000)
    const all = syncs(c.events)
    const failedAt = all.findIndex((e) => e.error)
    expect(failedAt).toBeGreaterThanOrEqual(0)
    const node = all[failedAt]!.node
    const next = all.slice(failedAt + 1).find((e) => e.node === node)!
    expect(next.full).toBe(true)
    expect(next.error).toBeUndefined()
    expect(c.state.nodes[node]!.kubeProxy!.needFullSync).toBe(false)
  })

  it('with the iptables-restore apply.ts is wired to, every sync succeeds and the tables hold the rules', () => {
    // before the netfilter model's restore is wired this checks the no-op; after, the integration
    setIptablesRestore(undefined)
    const c = new TestCluster({ seed: 7 })
    web(c)
    for (const node of Object.values(c.state.nodes)) {
      expect(node.kubeProxy?.needFullSync).toBe(false)
      const nat = node.netfilter!.tables.nat.chains
      const filter = node.netfilter!.tables.filter.chains
      if (Object.keys(nat).length === 4) continue // not wired yet: built-in chains only
      for (const chain of [...node.kubeProxy!.natChains, 'KUBE-SERVICES', 'AWS-SNAT-CHAIN-0'])
        expect(nat[chain], chain).toBeDefined()
      // one jump to KUBE-FIREWALL from INPUT: kube-proxy saw the kubelet's and added none
      const jumps = filter['INPUT']!.rules.filter(
        (r) => r.target?.kind === 'jump' && r.target.chain === 'KUBE-FIREWALL',
      )
      expect(jumps).toHaveLength(1)
    }
    expect(syncs(c.events).filter((e) => e.error)).toEqual([])
  })
})
