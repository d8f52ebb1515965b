import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { buildRestore, eksProxierConfig, probability, servicePortsFor } from './rules.ts'
import type { ProxierConfig } from './rules.ts'
import { ports, slice, sortRestore, svc } from './testing.ts'
import { kubeletRules, vpcCniRules } from './baseline.ts'
import { NODE as FIXTURE_NODE, NODE_IP, VPC_CIDR, realisticCluster } from './fixtures.ts'

const NODE = 'ip-192-168-6-121.us-west-2.compute.internal'
const eks = eksProxierConfig(NODE, '192.168.6.121')
const full = (services: ReturnType<typeof svc>[], slices: ReturnType<typeof slice>[], cfg = eks) =>
  buildRestore({
    entries: servicePortsFor(services, slices, cfg.nodeName),
    config: cfg,
    fullSync: true,
    existingNatChains: [],
  })

describe('kube-proxy restore text: upstream expectations', () => {
  it('reproduces proxier_test.go TestOverallIPTablesRules', () => {
    // the upstream fake proxier: clusterCIDR 10.0.0.0/8, nfacct present, no --random-fully
    const cfg: ProxierConfig = {
      ...eksProxierConfig('test-node', '192.168.0.2'),
      clusterCIDR: '10.0.0.0/8',
      randomFully: false,
      nfacct: true,
    }
    const p80 = (nodePort?: number) => [
      { name: 'p80', port: 80, protocol: 'TCP' as const, targetPort: 80, nodePort },
    ]
    const services = [
      svc('ns1', 'svc1', { clusterIP: '172.30.0.41', ports: p80() }),
      svc(
        'ns2',
        'svc2',
        {
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Local',
          clusterIP: '172.30.0.42',
          ports: p80(3001),
          externalIPs: ['192.168.99.22'],
          healthCheckNodePort: 30000,
        },
        ['1.2.3.4'],
      ),
      svc('ns3', 'svc3', { type: 'NodePort', clusterIP: '172.30.0.43', ports: p80(3003) }),
      svc('ns4', 'svc4', {
        type: 'NodePort',
        clusterIP: '172.30.0.44',
        externalIPs: ['192.168.99.33'],
        ports: p80(),
      }),
      svc(
        'ns5',
        'svc5',
        {
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Cluster',
          clusterIP: '172.30.0.45',
          ports: p80(3002),
          healthCheckNodePort: 30000,
          loadBalancerSourceRanges: [' 203.0.113.0/25'],
          sessionAffinity: 'ClientIP',
          sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
        },
        ['5.6.7.8'],
      ),
      svc('ns6', 'svc6', { clusterIP: '172.30.0.46', ports: p80() }),
    ]
    const pp = [ports.tcp(80, 'p80')]
    const slices = [
      slice('ns1', 'svc1', pp, [{ ip: '10.180.0.1' }]),
      slice('ns2', 'svc2', pp, [{ ip: '10.180.0.2' }]),
      slice('ns3', 'svc3', pp, [{ ip: '10.180.0.3' }]),
      slice('ns4', 'svc4', pp, [{ ip: '10.180.0.4' }, { ip: '10.180.0.5', node: 'test-node' }]),
      slice('ns5', 'svc5', pp, [{ ip: '10.180.0.3' }]),
    ]
    const out = full(services, slices, cfg)
    const expected = readFileSync(new URL('./testdata/overall.restore', import.meta.url), 'utf8')
    expect(sortRestore(out.text)).toBe(expected)
  })

  it('writes conditional probabilities 1/n … 1/2 for three endpoints (FIDELITY §3.4)', () => {
    const out = full(
      [
        svc('ns1', 'svc1', {
          clusterIP: '172.30.0.41',
          ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
        }),
      ],
      [
        slice(
          'ns1',
          'svc1',
          [ports.tcp(80)],
          [{ ip: '10.0.1.1' }, { ip: '10.0.1.2' }, { ip: '10.0.1.3' }],
        ),
      ],
    )
    const svcRules = out.text
      .split('\n')
      .filter((l) => l.startsWith('-A KUBE-SVC-AQI2S6QIMU7PVVRP'))
    expect(svcRules).toEqual([
      '-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.1:80" -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-3JOIVZTXZZRGORX4',
      '-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.2:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-IO5XOSKPAXIFQXAJ',
      '-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.3:80" -j KUBE-SEP-XGJFVO3L2O5SRFNT',
    ])
  })

  it('formats probabilities as Go %0.10f, ties to even', () => {
    expect(probability(2)).toBe('0.5000000000')
    expect(probability(3)).toBe('0.3333333333')
    expect(probability(6)).toBe('0.1666666667')
    expect(probability(1024)).toBe('0.0009765625')
    expect(probability(2048)).toBe('0.0004882812')
  })
})

describe('kube-proxy restore text on EKS', () => {
  const dns = svc('kube-system', 'kube-dns', {
    clusterIP: '10.100.0.10',
    ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }],
  })
  const dnsSlice = slice(
    'kube-system',
    'kube-dns',
    [{ name: 'dns', port: 53, protocol: 'UDP' }],
    [{ ip: '192.168.3.202' }, { ip: '192.168.4.8' }],
  )

  it('writes the kube-dns rules of a real EKS node (FIDELITY §3.5, restore form)', () => {
    const lines = full([dns], [dnsSlice]).text.split('\n')
    expect(lines).toContain(
      '-A KUBE-SERVICES -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp -p udp -d 10.100.0.10 --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU',
    )
    expect(lines).toContain(
      '-A KUBE-SVC-TCOU7JCQXEZGVUNU -m comment --comment "kube-system/kube-dns:dns -> 192.168.3.202:53" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-V6N5HQQSW43PC5DW',
    )
    expect(lines).toContain(
      '-A KUBE-SEP-LKMWUDPNNHYGGRZY -m comment --comment kube-system/kube-dns:dns -s 192.168.4.8 -j KUBE-MARK-MASQ',
    )
    expect(lines).toContain(
      '-A KUBE-SEP-LKMWUDPNNHYGGRZY -m comment --comment kube-system/kube-dns:dns -m udp -p udp -j DNAT --to-destination 192.168.4.8:53',
    )
    expect(lines).toContain(
      '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
    )
    // clusterCIDR "" on EKS: no masquerade rule for off-cluster sources in KUBE-SVC (§3.6)
    expect(lines.filter((l) => l.includes('! -s'))).toEqual([
      '-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
    ])
    // no nfacct in the simulated kernel
    expect(lines).toContain('-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP')
  })

  it('orders the tables, chains and the last KUBE-SERVICES rule as kube-proxy writes them', () => {
    const out = full([dns], [dnsSlice])
    expect(out.text.split('\n').slice(0, 7)).toEqual([
      '*filter',
      ':KUBE-SERVICES - [0:0]',
      ':KUBE-EXTERNAL-SERVICES - [0:0]',
      ':KUBE-FORWARD - [0:0]',
      ':KUBE-NODEPORTS - [0:0]',
      ':KUBE-PROXY-FIREWALL - [0:0]',
      ':KUBE-FIREWALL - [0:0]',
    ])
    const nat = out.text.split('*nat\n')[1]!.split('\n')
    expect(nat.at(-3)).toBe(
      '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
    )
    expect(out.numFilterChains).toBe(6)
    expect(out.text.endsWith('COMMIT\n')).toBe(true)
  })

  it('rejects in filter, and writes no nat chains, for a Service without endpoints (§3.7)', () => {
    const out = full(
      [
        svc('ns6', 'svc6', {
          clusterIP: '10.100.0.46',
          ports: [{ name: 'p80', port: 80, protocol: 'TCP', targetPort: 80 }],
        }),
      ],
      [],
    )
    expect(out.text).toContain(
      '-A KUBE-SERVICES -m comment --comment "ns6/svc6:p80 has no endpoints" -m tcp -p tcp -d 10.100.0.46 --dport 80 -j REJECT',
    )
    expect(out.activeNatChains).toEqual([])
  })

  it('uses only ready endpoints, and serving terminating ones when none is ready', () => {
    const s = svc('ns', 'web', {
      clusterIP: '10.100.0.5',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }],
    })
    const one = full(
      [s],
      [
        slice(
          'ns',
          'web',
          [ports.tcp(8080)],
          [{ ip: '192.168.1.1' }, { ip: '192.168.1.2', ready: false, serving: false }],
        ),
      ],
    )
    expect(one.text).toContain('--to-destination 192.168.1.1:8080')
    expect(one.text).not.toContain('192.168.1.2')
    const fallback = full(
      [s],
      [
        slice(
          'ns',
          'web',
          [ports.tcp(8080)],
          [{ ip: '192.168.1.3', ready: false, serving: true, terminating: true }],
        ),
      ],
    )
    expect(fallback.text).toContain('--to-destination 192.168.1.3:8080')
  })

  it('internalTrafficPolicy Local: KUBE-SVL with local endpoints, DROP without (§3.7)', () => {
    const s = svc('ns', 'web', {
      clusterIP: '10.100.0.5',
      internalTrafficPolicy: 'Local',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    })
    const local = full(
      [s],
      [
        slice(
          'ns',
          'web',
          [ports.tcp(80)],
          [
            { ip: '192.168.1.1', node: NODE },
            { ip: '192.168.9.9', node: 'other' },
          ],
        ),
      ],
    )
    expect(local.text).toMatch(/-A KUBE-SERVICES .*"ns\/web cluster IP" .* -j KUBE-SVL-/)
    expect(local.text).not.toContain('192.168.9.9')
    const none = full(
      [s],
      [slice('ns', 'web', [ports.tcp(80)], [{ ip: '192.168.9.9', node: 'other' }])],
    )
    expect(none.text).toContain(
      '-A KUBE-SERVICES -m comment --comment "ns/web has no local endpoints" -m tcp -p tcp -d 10.100.0.5 --dport 80 -j DROP',
    )
  })

  it('NodePort with externalTrafficPolicy Cluster masquerades; Local keeps the source', () => {
    const np = (etp: 'Cluster' | 'Local') =>
      svc('ns', 'np', {
        type: 'NodePort',
        externalTrafficPolicy: etp,
        clusterIP: '10.100.0.7',
        ports: [{ port: 80, protocol: 'TCP', targetPort: 80, nodePort: 30080 }],
      })
    const eps = [slice('ns', 'np', [ports.tcp(80)], [{ ip: '192.168.1.1', node: NODE }])]
    const cluster = full([np('Cluster')], eps).text
    expect(cluster).toMatch(
      /-A KUBE-NODEPORTS -m comment --comment ns\/np -m tcp -p tcp --dport 30080 -j KUBE-EXT-\w+/,
    )
    expect(cluster).toContain(
      '"masquerade traffic for ns/np external destinations" -j KUBE-MARK-MASQ',
    )
    const local = full([np('Local')], eps).text
    expect(local).not.toContain('masquerade traffic for')
    expect(local).toContain('"masquerade LOCAL traffic for ns/np external destinations"')
    expect(local).toMatch(/-A KUBE-EXT-(\w+) -j KUBE-SVL-\1/)
  })

  it('drops per-endpoint comments in large cluster mode (> 1000 endpoints)', () => {
    const services: ReturnType<typeof svc>[] = []
    const slices: ReturnType<typeof slice>[] = []
    for (let i = 0; i < 201; i++) {
      services.push(
        svc('ns', `s${i}`, {
          clusterIP: `10.100.${i >> 8}.${i & 255}`,
          ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
        }),
      )
      slices.push(
        slice(
          'ns',
          `s${i}`,
          [ports.tcp(80)],
          [1, 2, 3, 4, 5].map((j) => ({ ip: `192.168.${i}.${j}` })),
        ),
      )
    }
    const out = full(services, slices)
    expect(out.largeClusterMode).toBe(true)
    expect(out.text).not.toMatch(/-A KUBE-SEP-\w+ -m comment/)
    expect(out.text).not.toMatch(/-A KUBE-SVC-\w+ -m comment --comment "ns\/s0 ->/)
    expect(out.text).toContain('"ns/s0 cluster IP"')
    // …and looks for stale chains at most once per syncPeriod
    const again = (msSinceCleanup?: number) =>
      buildRestore({
        entries: servicePortsFor(services, slices, NODE),
        config: eks,
        fullSync: false,
        updatedServices: new Set(),
        existingNatChains: [...out.activeNatChains, 'KUBE-SEP-AAAAAAAAAAAAAAAA'],
        ...(msSinceCleanup !== undefined ? { msSinceCleanup } : {}),
      })
    expect(again(1_000).deletedChains).toEqual([])
    expect(again(1_000).staleChains).toEqual(['KUBE-SEP-AAAAAAAAAAAAAAAA'])
    expect(again(31_000).deletedChains).toEqual(['KUBE-SEP-AAAAAAAAAAAAAAAA'])
    expect(again().text).toContain('-X KUBE-SEP-AAAAAAAAAAAAAAAA')
  })

  it('ClientIP affinity: recent --rcheck in KUBE-SVC, --set in KUBE-SEP', () => {
    const s = svc('ns', 'sticky', {
      clusterIP: '10.100.0.9',
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    })
    const out = full(
      [s],
      [slice('ns', 'sticky', [ports.tcp(80)], [{ ip: '192.168.1.1' }, { ip: '192.168.1.2' }])],
    ).text
    expect(out).toMatch(
      /-A KUBE-SVC-\w+ -m comment --comment "ns\/sticky -> 192.168.1.1:80" -m recent --name (KUBE-SEP-\w+) --rcheck --seconds 10800 --reap -j \1/,
    )
    expect(out).toMatch(
      /-m recent --name (KUBE-SEP-\w+) --set -m tcp -p tcp -j DNAT --to-destination 192.168.1.1:80/,
    )
  })
})

describe('the realistic node fixture (testdata/realistic-node.restore and .save)', () => {
  it('still matches what the writers produce (regenerate both together, as root, with real iptables)', () => {
    const file = readFileSync(new URL('./testdata/realistic-node.restore', import.meta.url), 'utf8')
    const parts = file.split(/^# \d\/4 .*\n/m).slice(1)
    const c = realisticCluster(3)
    expect(parts[0]).toBe(kubeletRules())
    expect(parts[1]).toBe(vpcCniRules([VPC_CIDR], NODE_IP))
    expect(parts[3]).toBe(
      buildRestore({
        entries: servicePortsFor(c.services, c.slices, FIXTURE_NODE),
        config: eksProxierConfig(FIXTURE_NODE, NODE_IP),
        fullSync: true,
        existingNatChains: [],
      }).text,
    )
  })
})
