import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildRestore, eksProxierConfig, probability, servicePortsFor } from './rules.ts'
import { slice, svc } from './testing.ts'
import type { EndpointSlice, Service } from '../../model/k8s.ts'

const NODE = 'node-a'
const cfg = eksProxierConfig(NODE, '192.168.6.121')

/** iptables-restore --noflush semantics on user chains, enough to compare outcomes of texts. */
function applyRestore(tables: Record<string, Map<string, string[]>>, text: string): void {
  let t: Map<string, string[]> | undefined
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) t = tables[line.slice(1)] ??= new Map()
    else if (line.startsWith(':'))
      t!.set(line.slice(1).split(' ')[0]!, []) // create or flush
    else if (line.startsWith('-A ')) {
      const chain = line.split(' ')[1]!
      expect(t!.has(chain), `append to undeclared ${chain}`).toBe(true)
      t!.get(chain)!.push(line)
    } else if (line.startsWith('-X ')) t!.delete(line.slice(3))
  }
}

const arbCluster = fc
  .array(
    fc.record({
      eps: fc.array(
        fc.record({
          host: fc.integer({ min: 1, max: 40 }),
          local: fc.boolean(),
          ready: fc.boolean(),
          terminating: fc.boolean(),
        }),
        { maxLength: 6 },
      ),
      type: fc.constantFrom('ClusterIP', 'NodePort'),
      itp: fc.constantFrom('Cluster', 'Local'),
      etp: fc.constantFrom('Cluster', 'Local'),
      affinity: fc.boolean(),
    }),
    { maxLength: 6 },
  )
  .map((list) => {
    const services: Service[] = []
    const slices: EndpointSlice[] = []
    list.forEach((s, i) => {
      services.push(
        svc('ns', `s${i}`, {
          type: s.type as 'ClusterIP' | 'NodePort',
          clusterIP: `10.100.0.${i + 1}`,
          internalTrafficPolicy: s.itp as 'Cluster' | 'Local',
          ...(s.type === 'NodePort' ? { externalTrafficPolicy: s.etp as 'Cluster' | 'Local' } : {}),
          sessionAffinity: s.affinity ? 'ClientIP' : 'None',
          ports: [
            {
              port: 80,
              protocol: 'TCP',
              targetPort: 80,
              ...(s.type === 'NodePort' ? { nodePort: 30000 + i } : {}),
            },
          ],
        }),
      )
      slices.push(
        slice(
          'ns',
          `s${i}`,
          [{ name: '', port: 80, protocol: 'TCP' }],
          s.eps.map((e) => ({
            ip: `192.168.1.${e.host}`,
            node: e.local ? NODE : 'node-b',
            ready: e.ready && !e.terminating,
            serving: e.ready,
            terminating: e.terminating,
          })),
        ),
      )
    })
    return { services, slices }
  })

const fingerprint = (entries: ReturnType<typeof servicePortsFor>) => {
  const by: Record<string, unknown[]> = {}
  for (const e of entries) (by[e.info.service] ??= []).push(e)
  return Object.fromEntries(Object.entries(by).map(([k, v]) => [k, JSON.stringify(v)]))
}

describe('kube-proxy rules: invariants', () => {
  it('the conditional probabilities pick each of n endpoints with probability 1/n', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), (n) => {
        let remaining = 1
        for (let i = 0; i < n; i++) {
          const p = i < n - 1 ? Number(probability(n - i)) : 1
          expect(Math.abs(remaining * p - 1 / n)).toBeLessThan(1e-8)
          remaining *= 1 - p
        }
      }),
    )
  })

  it('every jump in the text goes to a chain it declares or a built-in target', () => {
    fc.assert(
      fc.property(arbCluster, ({ services, slices }) => {
        const out = buildRestore({
          entries: servicePortsFor(services, slices, NODE),
          config: cfg,
          fullSync: true,
          existingNatChains: [],
        })
        const tables: Record<string, Map<string, string[]>> = {}
        applyRestore(tables, out.text)
        const targets = new Set([
          'ACCEPT',
          'DROP',
          'REJECT',
          'RETURN',
          'DNAT',
          'MARK',
          'MASQUERADE',
        ])
        for (const t of Object.values(tables))
          for (const rules of t.values())
            for (const r of rules) {
              const j = r.match(/ -j (\S+)/)?.[1]
              if (j) expect(targets.has(j) || t.has(j), `${r}`).toBe(true)
            }
      }),
      { numRuns: 150 },
    )
  })

  it('a full sync of A, then a partial sync to B, leaves the same tables as a full sync of B', () => {
    fc.assert(
      fc.property(arbCluster, arbCluster, (a, b) => {
        const ea = servicePortsFor(a.services, a.slices, NODE)
        const eb = servicePortsFor(b.services, b.slices, NODE)
        const fa = buildRestore({ entries: ea, config: cfg, fullSync: true, existingNatChains: [] })
        const incremental: Record<string, Map<string, string[]>> = {}
        applyRestore(incremental, fa.text)
        const pa = fingerprint(ea)
        const pb = fingerprint(eb)
        const updated = new Set(
          [...Object.keys(pa), ...Object.keys(pb)].filter((k) => pa[k] !== pb[k]),
        )
        const partial = buildRestore({
          entries: eb,
          config: cfg,
          fullSync: false,
          updatedServices: updated,
          existingNatChains: incremental.nat!.keys(),
        })
        applyRestore(incremental, partial.text)
        const fresh: Record<string, Map<string, string[]>> = {}
        applyRestore(
          fresh,
          buildRestore({ entries: eb, config: cfg, fullSync: true, existingNatChains: [] }).text,
        )
        const norm = (t: Record<string, Map<string, string[]>>) =>
          Object.fromEntries(
            Object.entries(t).map(([k, m]) => [k, Object.fromEntries([...m].sort())]),
          )
        expect(norm(incremental)).toEqual(norm(fresh))
      }),
      { numRuns: 150 },
    )
  })
})
