import { useSim } from '../hooks/stores.ts'
import { headerDiff, hookChains, shortNode, type HopEvent } from './packetPath.ts'

// One hop's details: its headers before and after (the field this hop rewrote marked), and at a
// netfilter hook the chains the packet walked, every rule in iptables-save form, the ones that
// matched lit with their counters. Counters come from the node's tables now (live), not from the
// moment the packet passed.

const FIELD: Record<string, string> = {
  src: 'source',
  sport: 'source port',
  dst: 'destination',
  dport: 'destination port',
}

export function HeaderDiffTable({ hop }: { hop: HopEvent }) {
  const diff = headerDiff(hop.before, hop.after)
  return (
    <table className="pp-headers" data-testid="packets.headers">
      <caption className="sr-only">Packet headers before and after this hop</caption>
      <thead>
        <tr>
          <th scope="col">header</th>
          <th scope="col">before</th>
          <th scope="col">after</th>
        </tr>
      </thead>
      <tbody>
        {diff.map((d) => (
          <tr key={d.field} className={d.changed ? 'is-changed' : undefined}>
            <th scope="row">{FIELD[d.field]}</th>
            <td>{d.before}</td>
            <td>
              {d.changed ? (
                <mark data-testid={`packets.changed.${d.field}`}>{d.after}</mark>
              ) : (
                d.after
              )}
              {d.changed && <span className="sr-only"> (changed here)</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function RuleTables({ hop }: { hop: HopEvent }) {
  const nf = useSim((s) => (hop.node ? s.cluster.nodes[hop.node]?.netfilter : undefined))
  const chains = hookChains(nf, hop)
  return (
    <div className="pp-ruletables">
      <p className="pp-checked" data-testid="packets.checked">
        <strong>{hop.label}</strong> on {shortNode(hop.node ?? '')}: checked against{' '}
        <strong>{hop.checked ?? 0}</strong> rules · verdict {hop.verdict ?? 'ACCEPT'}
      </p>
      {chains.length === 0 ? (
        <p className="dim">
          No rule acted on this packet.{' '}
          {hop.direction === 'reply'
            ? 'It belongs to a connection conntrack already knows: nat chains see only a connection’s first packet, and the reply’s addresses are translated back from the conntrack entry.'
            : 'The chains’ policies (ACCEPT) let it through.'}
        </p>
      ) : (
        chains.map((c) => (
          <section
            key={`${c.table}/${c.chain}`}
            className="pp-chain"
            aria-label={`${c.table} table, chain ${c.chain}`}
            data-testid={`packets.chain.${c.chain}`}
          >
            <h4>
              <span className="dim">-t {c.table}</span> {c.chain}
              {c.policy && (
                <span className={c.policyMatched ? 'pp-policy is-matched' : 'pp-policy'}>
                  {' '}
                  policy {c.policy}
                </span>
              )}
            </h4>
            {c.missing ? (
              <p className="dim">This chain is gone: kube-proxy deleted it since.</p>
            ) : (
              <ol className="pp-rulelist">
                {c.rows.map((r) => (
                  <li
                    key={r.num}
                    className={r.matched ? 'is-matched' : undefined}
                    data-matched={r.matched ? 'true' : undefined}
                  >
                    <code>{r.text}</code>
                    <span className="pp-counter" title="packets, bytes (live)">
                      [{r.packets}:{r.bytes}]
                    </span>
                    {r.matched && <span className="sr-only"> (matched this packet)</span>}
                  </li>
                ))}
              </ol>
            )}
          </section>
        ))
      )}
      <p className="pp-live dim">
        Counters <code>[packets:bytes]</code> are live: they count every packet since the rule was
        written, as <code>iptables-save -c</code> shows them.
      </p>
    </div>
  )
}
