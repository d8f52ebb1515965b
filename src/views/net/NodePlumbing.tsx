import { useId, useMemo } from 'react'
import { IP_COOLDOWN_MS } from '../../engine/net/ipam/ipamd.ts'
import { useSim, useSimStore } from '../hooks/stores.ts'
import { countsLine, describeIp, plumbingOf, type EniRow } from './plumbing.ts'

// The Network tab's "Plumbing": what the VPC CNI built on this node, read live from ipamd and the
// pods' runtimes. Text first: the ENIs with every address (no tab stop per address), the pods'
// network namespaces each joined by its veth pair to the host (drawn as a line between two boxes;
// the same in words for screen readers), the host-network pods, then the routing as `ip rule` and
// `ip route show table N` print it. New rows get a short outline; nothing moves under reduced motion.

export function NodePlumbing({ node }: { node: string }) {
  const store = useSimStore()
  const id = useId()
  const runtime = useSim((s) => s.cluster.nodes[node])
  const aws = useSim((s) => s.cluster.aws)
  // the cooling countdown is in simulated seconds: re-read once a second only while one is running
  const sec = useSim((s) => {
    const now = s.cluster.now
    const ips = Object.values(s.cluster.nodes[node]?.ipamd?.ips ?? {})
    const cooling = ips.some(
      (a) => !a.pod && a.unassignedAt !== undefined && now < a.unassignedAt + IP_COOLDOWN_MS,
    )
    return cooling ? Math.floor(now / 1000) : 0
  })
  const p = useMemo(() => {
    void aws
    void sec
    return runtime ? plumbingOf(store.getState().cluster, runtime) : undefined
  }, [store, runtime, aws, sec])
  if (!p || p.enis.length === 0)
    return (
      <section className="nn-plumbing" data-testid="network.plumbing">
        <h3>Plumbing</h3>
        <p className="dim">ipamd has not started on this node yet: no ENIs, no pod addresses.</p>
      </section>
    )
  return (
    <section className="nn-plumbing" aria-labelledby={`${id}-h`} data-testid="network.plumbing">
      <h3 id={`${id}-h`}>Plumbing</h3>
      <p className="nn-counts" data-testid="network.plumbing.counts">
        {countsLine(p)}
      </p>
      <p className="dim">
        What the VPC CNI built: ipamd keeps secondary IPs of the node&apos;s ENIs warm; each pod
        gets one as <code>eth0</code> in its own network namespace, joined to the host by a veth
        pair.
      </p>
      <h4>ENIs (device order)</h4>
      <ol className="nn-enis" data-testid="network.enis">
        {p.enis.map((e) => (
          <Eni key={e.eniId} eni={e} />
        ))}
      </ol>
      <h4>Pods&apos; network namespaces</h4>
      {p.pods.length === 0 ? (
        <p className="dim">No pod on this node has its own network namespace yet.</p>
      ) : (
        <ol className="nn-pods" data-testid="network.pods">
          {p.pods.map((x) => (
            <li
              key={`${x.namespace}/${x.name}`}
              className="nn-pod"
              data-testid={`network.pod.${x.name}`}
              data-namespace={x.namespace}
            >
              <span className="nn-ns">
                <strong>{x.name}</strong>
                {x.namespace !== 'default' && <span className="dim"> ({x.namespace})</span>}{' '}
                <code>eth0 {x.ip}/32</code>
              </span>
              <span className="nn-pair" aria-hidden="true" />
              <span className="sr-only"> veth pair to the host side </span>
              <span className="nn-host">
                <code data-testid={`network.veth.${x.name}`}>{x.veth}</code>
                <span className="dim">
                  {x.ifindex !== undefined && ` if${x.ifindex}`}
                  {x.ifname && ` · ${x.ifname}, table ${x.table}`}
                </span>
              </span>
            </li>
          ))}
        </ol>
      )}
      <h4>In the host namespace (no veth, node IP)</h4>
      <p className="nn-hostpods" data-testid="network.hostns">
        {p.hostPods.length === 0
          ? 'none'
          : p.hostPods.map((x, i) => (
              <span key={`${x.namespace}/${x.name}`}>
                {i ? ', ' : ''}
                <code>
                  {x.namespace}/{x.name}
                </code>
              </span>
            ))}
      </p>
      <details className="nn-routing" data-testid="network.routing">
        <summary>Routing: ip rule, and a route table per ENI</summary>
        <pre data-testid="network.rules">{['$ ip rule', ...p.rules].join('\n')}</pre>
        {p.routes.map((r) => (
          <pre key={r.table} data-testid={`network.routes.${r.table}`}>
            {[`$ ${r.command}   # ${r.ifname}`, ...r.lines].join('\n')}
          </pre>
        ))}
        <p className="dim">
          Rule 512 sends traffic to a pod through <code>main</code> (its veth route); rule 1536
          sends what a pod on a secondary ENI sends out through that ENI&apos;s table.
        </p>
      </details>
    </section>
  )
}

function Eni({ eni }: { eni: EniRow }) {
  return (
    <li className="nn-eni" data-testid={`network.eni.${eni.ifname}`} data-eni-id={eni.eniId}>
      <p className="nn-eni-head">
        <code className="nn-ifname">{eni.ifname}</code> <code>{eni.eniId}</code>{' '}
        <span className="dim">
          {eni.subnetId}
          {eni.subnetCidr && ` (${eni.subnetCidr})`} · table {eni.table}
        </span>
      </p>
      <ul className="nn-ips" aria-label={`${eni.ifname} addresses`}>
        <li className="nn-ip is-primary" data-testid={`network.ip.${eni.primaryIp}`}>
          <code>{eni.primaryIp}</code>{' '}
          <span>
            {eni.device === 0 ? 'primary: node IP / never a pod’s' : 'primary: never a pod’s'}
          </span>
        </li>
        {eni.secondary.map((a) => (
          <li
            key={a.ip}
            className={`nn-ip is-${a.use}`}
            data-testid={`network.ip.${a.ip}`}
            data-use={a.use}
          >
            <code>{a.ip}</code> <span>{describeIp(a)}</span>
          </li>
        ))}
      </ul>
    </li>
  )
}
