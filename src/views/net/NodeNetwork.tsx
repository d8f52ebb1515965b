import { useId, useMemo, useState } from 'react'
import type { TableName } from '../../engine/net/netfilter/model.ts'
import { orderedChains, ruleLine } from '../../engine/net/netfilter/save.ts'
import { useSim, useUiStore } from '../hooks/stores.ts'
import { flowsOf } from './packetPath.ts'
import { NodePlumbing } from './NodePlumbing.tsx'
import { ProxySyncs } from './ProxySyncs.tsx'

// A node's Network tab: its plumbing (ENIs, addresses, veths, routing: NodePlumbing.tsx), its iptables, one table at a time, each chain collapsible with its rules
// in iptables-save form and live counters (what `iptables-save -c -t <table>` prints, spread out),
// the kube-proxy syncs it received, and the packets that went through it.

const TABLES: TableName[] = ['nat', 'filter', 'mangle', 'raw']

export function NodeNetwork({ node }: { node: string }) {
  const nf = useSim((s) => s.cluster.nodes[node]?.netfilter)
  const [table, setTable] = useState<TableName>('nat')
  const id = useId()
  const chains = useMemo(() => (nf ? orderedChains(nf.tables[table]) : []), [nf, table])
  return (
    <div className="node-network" data-testid="network">
      <NodePlumbing node={node} />
      <ProxySyncs node={node} />
      <PacketsThrough node={node} />
      <fieldset className="nn-tables">
        <legend>iptables table</legend>
        {TABLES.map((t) => (
          <label key={t}>
            <input
              type="radio"
              name={`${id}-table`}
              checked={table === t}
              onChange={() => setTable(t)}
              data-testid={`network.table.${t}`}
            />{' '}
            {t}
          </label>
        ))}
      </fieldset>
      {!nf ? (
        <p className="dim">This node has no netfilter tables yet.</p>
      ) : (
        <div className="nn-chains" data-testid="network.chains">
          <p className="dim">
            <code>iptables-save -c -t {table}</code>, one chain per line; counters{' '}
            <code>[packets:bytes]</code> are live.
          </p>
          {chains.map((c) => {
            const pkts = c.rules.reduce((n, r) => n + r.counters.packets, 0)
            return (
              <details key={c.name} className="nn-chain" data-testid={`network.chain.${c.name}`}>
                <summary>
                  <code>{c.name}</code>{' '}
                  <span className="dim">
                    {c.policy ? `policy ${c.policy} · ` : ''}
                    {c.rules.length} rules · {pkts} pkts
                  </span>
                </summary>
                {c.rules.length === 0 ? (
                  <p className="dim">No rules.</p>
                ) : (
                  <ol className="pp-rulelist">
                    {c.rules.map((r, i) => (
                      <li key={i} className={r.counters.packets ? 'has-hits' : undefined}>
                        <code>{ruleLine(c.name, r)}</code>
                        <span className="pp-counter">
                          [{r.counters.packets}:{r.counters.bytes}]
                        </span>
                      </li>
                    ))}
                  </ol>
                )}
              </details>
            )
          })}
        </div>
      )}
    </div>
  )
}

/** The flows whose client is on this node (or a pod), newest first, each opening the packet path. */
export function PacketsThrough({ node, pod }: { node?: string; pod?: string }) {
  const ui = useUiStore()
  const events = useSim((s) => s.events)
  const flows = useMemo(
    () =>
      flowsOf(events.map((e) => e.event)).filter((f) => (pod ? f.client === pod : f.node === node)),
    [events, node, pod],
  )
  return (
    <section className="nn-flows" aria-label="Packets" data-testid="network.flows">
      <h3>Packets {pod ? 'from this pod' : 'from this node'}</h3>
      {flows.length === 0 ? (
        <p className="dim">
          None yet: try <code>kubectl exec &lt;pod&gt; -- curl http://&lt;service&gt;</code>.
        </p>
      ) : (
        <ul>
          {flows.slice(0, 6).map((f) => (
            <li key={f.flow}>
              <button
                type="button"
                className="link-button"
                onClick={() => ui.getState().showPackets(f.flow)}
              >
                {f.purpose} → {f.dst}:{f.dport}
              </button>{' '}
              <span className="dim">{f.outcome}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
