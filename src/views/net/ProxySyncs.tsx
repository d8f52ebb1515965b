import { useMemo } from 'react'
import { useSim } from '../hooks/stores.ts'
import { describeSync, latestSyncs, shortNode } from './packetPath.ts'

// "kube-proxy writes rules": each node's latest kube-proxy sync (full or partial, the per-service
// chains written and deleted, the rule count). A row flashes once when its node receives new
// rules (a CSS animation keyed on the sync, none under reduced motion), so scaling a Deployment
// shows every node's KUBE-SVC chain being rewritten. The rows are the text.

export function ProxySyncs({ node, compact = false }: { node?: string; compact?: boolean }) {
  const events = useSim((s) => s.events)
  const syncs = useMemo(
    () => latestSyncs(events.map((e) => e.event)).filter((s) => !node || s.node === node),
    [events, node],
  )
  if (!syncs.length) return null
  return (
    <section
      className={compact ? 'proxy-syncs compact' : 'proxy-syncs'}
      aria-label="kube-proxy writes rules"
      data-testid="proxy.syncs"
    >
      <h3>
        kube-proxy writes rules <span className="dim">(iptables-restore --noflush)</span>
      </h3>
      <ul>
        {syncs.map((s) => {
          const svc = s.last.chainsWritten.filter((c) => c.startsWith('KUBE-SVC-'))
          return (
            <li
              key={`${s.node}/${s.syncs}`}
              className={`proxy-sync${s.last.error ? ' is-error' : ''}`}
              data-testid={`proxy.sync.${shortNode(s.node)}`}
            >
              <span className="proxy-node">{shortNode(s.node)}</span>{' '}
              <span className={s.last.full ? 'proxy-kind full' : 'proxy-kind'}>
                {s.last.full ? 'full' : 'partial'}
              </span>{' '}
              <span className="proxy-counts">
                {s.last.chainsWritten.length} chains written
                {s.last.chainsDeleted.length > 0 &&
                  `, ${s.last.chainsDeleted.length} deleted`} · {s.last.rules} rules
              </span>
              {!compact && <span className="sr-only">: {describeSync(s.last)}</span>}
              {svc.length > 0 && (
                <span className="proxy-chains" aria-hidden={compact ? undefined : true}>
                  {' '}
                  {svc.join(' ')}
                </span>
              )}
            </li>
          )
        })}
      </ul>
    </section>
  )
}
