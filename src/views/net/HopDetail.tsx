import { useSim } from '../hooks/stores.ts'
import { headerDiff, hookChains, rtbRoute, shortNode, type HopEvent } from './packetPath.ts'

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

// What AWS says the gateways do: a route table uses "the route with the most specific match"
// (EC2 API reference, CreateRoute: docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html);
// an internet gateway is a route table target that also "perform[s] network address translation
// (NAT) for instances that have been assigned public IPv4 addresses" (VPC user guide,
// VPC_Internet_Gateway.html), one to one; a public NAT gateway lets instances in private subnets
// reach the internet and gets an Elastic IP at creation (vpc-nat-gateway.html). Which address the
// NAT gateway writes (its private IP, or the EIP) is branch egress's call; the hop's label and
// the header diff show the addresses of this run, and the note here stays neutral about it.
export function GatewayNote({ hop }: { hop: HopEvent }) {
  const reply = hop.direction === 'reply'
  let note: string
  switch (hop.kind) {
    case 'rtb': {
      const r = rtbRoute(hop.label)
      note = `The VPC router looks up ${r.table}, the route table of the subnet the packet leaves from, and takes the most specific route that matches the destination: ${r.route}. This table is the VPC's, not the node's: the node's own routing (ip route) already chose the ENI.`
      break
    }
    case 'igw':
      note = reply
        ? 'The internet gateway maps the public address back to the private address it belongs to (one-to-one NAT): the reply reaches the VPC with a private destination.'
        : 'The internet gateway does one-to-one NAT: a private source address with a public IPv4 address associated becomes that public address. A source with no public address (a pod IP, a private node) is not translated and cannot reach the internet this way.'
      break
    case 'natgw':
      note = reply
        ? 'The NAT gateway finds the connection it translated and rewrites the destination back to the address and port that sent the request.'
        : 'The NAT gateway replaces the source address and port with its own; it keeps the mapping so the reply can find its way back. Hosts on the internet never see the node’s or the pod’s address.'
      break
    default:
      note = reply
        ? `${hop.label} answers, to the address it saw as the source.`
        : `${hop.label} receives the packet. Cutaway simulates a few hosts on the internet (example.com, checkip.amazonaws.com, dns.google); the address they see is the last translation’s.`
  }
  return (
    <p className="pp-gateway" data-testid="packets.gateway">
      {note}
    </p>
  )
}
