import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import './cluster.css'
import { toYaml } from '../../console/format/yaml.ts'
import type { DetailsTab, ObjectRef } from '../../state/uiStore.ts'
import { useSim, useUi, useUiStore } from '../hooks/stores.ts'
import { getDetails, type Details, type FieldValue } from './details.ts'
import { DiskView } from '../logs/DiskView.tsx'
import { JourneyTab } from '../secrets/JourneyTab.tsx'
import { hasJourneyTab } from '../secrets/journey.ts'
import { NodeNetwork, PacketsThrough } from '../net/NodeNetwork.tsx'

// Details of the selected object: a kubectl-like summary, and for Kubernetes objects the YAML that
// `kubectl get -o yaml` prints (same formatter as the console). Tabs follow the WAI-ARIA tabs
// pattern: one tab stop, arrow keys move between tabs, Home/End.

type Tab = DetailsTab

const TAB_LABEL: Record<Tab, string> = {
  summary: 'Summary',
  yaml: 'YAML',
  disk: 'Disk',
  journey: 'Journey',
  network: 'Network',
}

export function DetailsPanel() {
  const selected = useUi((s) => s.selected)
  const cluster = useSim((s) => s.cluster)
  const details = useMemo(
    () => (selected ? getDetails(cluster, selected) : null),
    [cluster, selected],
  )
  return (
    <section aria-label="Details" className="details" data-testid="details">
      <h2>Details</h2>
      {!selected ? (
        <p className="dim">Select an object on the map, in the text view or in the event log.</p>
      ) : !details ? (
        <p className="dim">
          {selected.kind} {selected.namespace ? `${selected.namespace}/` : ''}
          {selected.name} no longer exists.
        </p>
      ) : (
        <DetailsBody details={details} />
      )}
    </section>
  )
}

function DetailsBody({ details }: { details: Details }) {
  const [tab, setTab] = useState<Tab>('summary')
  const id = useId()
  const ui = useUiStore()
  // a tab asked for from outside (uiStore.openDetails) wins until the learner picks one
  const asked = useUi((s) => s.detailsTab)
  const pickTab = (t: Tab) => {
    setTab(t)
    ui.getState().takeDetailsTab()
  }
  const tabs: Tab[] = details.object ? ['summary', 'yaml'] : ['summary']
  // iptables and packets (src/views/net); before Disk, which stays last (e2e/logs presses End)
  if (details.kind === 'Node' || details.kind === 'Pod') tabs.push('network')
  // a node's log files (src/views/logs): /var/log/pods and /var/log/containers
  if (details.kind === 'Node') tabs.push('disk')
  // the journey of one Secret (src/views/secrets) crosses the control plane and etcd
  if (hasJourneyTab(details.kind)) tabs.push('journey')
  const wanted = asked ?? tab
  const current: Tab = tabs.includes(wanted) ? wanted : 'summary'
  const refs = useRef<Record<string, HTMLButtonElement | null>>({})

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const i = tabs.indexOf(current)
    let next: Tab | undefined
    if (e.key === 'ArrowRight') next = tabs[(i + 1) % tabs.length]
    else if (e.key === 'ArrowLeft') next = tabs[(i - 1 + tabs.length) % tabs.length]
    else if (e.key === 'Home') next = tabs[0]
    else if (e.key === 'End') next = tabs[tabs.length - 1]
    if (!next) return
    e.preventDefault()
    pickTab(next)
    refs.current[next]?.focus()
  }

  return (
    <div className="details-body">
      <h3 className="details-title">
        <span className="details-kind">{details.kind}</span> {details.title}
      </h3>
      {tabs.length > 1 && (
        <div role="tablist" aria-label="Details view" className="tabs" onKeyDown={onKeyDown}>
          {tabs.map((t) => (
            <button
              key={t}
              ref={(el) => {
                refs.current[t] = el
              }}
              type="button"
              role="tab"
              id={`${id}-${t}-tab`}
              aria-selected={current === t}
              aria-controls={`${id}-${t}-panel`}
              tabIndex={current === t ? 0 : -1}
              onClick={() => pickTab(t)}
              data-testid={`details.tab.${t}`}
            >
              {TAB_LABEL[t]}
            </button>
          ))}
        </div>
      )}
      {current === 'summary' ? (
        <div
          role={tabs.length > 1 ? 'tabpanel' : undefined}
          id={`${id}-summary-panel`}
          aria-labelledby={tabs.length > 1 ? `${id}-summary-tab` : undefined}
          data-testid="details.summary"
        >
          <Summary details={details} />
        </div>
      ) : current === 'journey' ? (
        <div
          role="tabpanel"
          id={`${id}-journey-panel`}
          aria-labelledby={`${id}-journey-tab`}
          data-testid="details.journey"
        >
          <JourneyTab
            secret={
              details.kind === 'Secret' && details.object
                ? {
                    namespace: details.object.metadata.namespace ?? 'default',
                    name: details.object.metadata.name,
                  }
                : null
            }
          />
        </div>
      ) : current === 'network' ? (
        <div
          role="tabpanel"
          id={`${id}-network-panel`}
          aria-labelledby={`${id}-network-tab`}
          data-testid="details.network"
        >
          {details.kind === 'Node' ? (
            <NodeNetwork node={details.title} />
          ) : (
            <PacketsThrough pod={details.title} />
          )}
        </div>
      ) : current === 'disk' ? (
        <div
          role="tabpanel"
          id={`${id}-disk-panel`}
          aria-labelledby={`${id}-disk-tab`}
          data-testid="details.disk"
        >
          <DiskView node={details.title} />
        </div>
      ) : (
        <div
          role="tabpanel"
          id={`${id}-yaml-panel`}
          aria-labelledby={`${id}-yaml-tab`}
          tabIndex={0}
          className="yaml-panel"
          data-testid="details.yaml"
        >
          <pre>{toYaml(details.object)}</pre>
        </div>
      )}
    </div>
  )
}

function Value({ v }: { v: FieldValue }) {
  const ui = useUiStore()
  if (typeof v === 'string') return <>{v}</>
  const ref: ObjectRef = v.ref
  return (
    <button type="button" className="link-button" onClick={() => ui.getState().select(ref)}>
      {v.text}
    </button>
  )
}

function Summary({ details }: { details: Details }) {
  return (
    <>
      <dl className="fields">
        {details.fields.map(([k, v]) => (
          <div key={k} className="field">
            <dt>{k}</dt>
            <dd>
              <Value v={v} />
            </dd>
          </div>
        ))}
      </dl>
      {details.tables.map((t) => (
        <table key={t.caption} className="details-table">
          <caption>{t.caption}</caption>
          <thead>
            <tr>
              {t.columns.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {t.rows.map((r, i) => (
              <tr key={i}>
                {r.map((c, j) => (
                  <td key={j}>{c}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ))}
      {details.note && (
        <p className="details-note" role="note">
          {details.note}
        </p>
      )}
    </>
  )
}
