import { useId, useMemo, useRef, type KeyboardEvent } from 'react'
import type { MainView as View } from '../../state/uiStore.ts'
import { ClusterMap } from '../cluster/ClusterMap.tsx'
import { useSim, useUi, useUiStore } from '../hooks/stores.ts'
import { latestSyncs } from './packetPath.ts'
import { PacketPath } from './PacketPath.tsx'
import { ProxySyncs } from './ProxySyncs.tsx'

// The big area of the workspace and the stage: the cluster map, or the packet path. Two tabs (the
// WAI-ARIA tabs pattern, as the details panel's); lessons switch with uiStore.showPackets/showMap.
// Over the map, kube-proxy's latest syncs show for a few seconds after each one.

const VIEWS: { id: View; label: string }[] = [
  { id: 'map', label: 'Cluster map' },
  { id: 'packets', label: 'Packet path' },
]

export function MainView() {
  const ui = useUiStore()
  const view = useUi((s) => s.mainView)
  const id = useId()
  const refs = useRef<Record<string, HTMLButtonElement | null>>({})
  const events = useSim((s) => s.events)
  const syncCount = useMemo(
    () => latestSyncs(events.map((e) => e.event)).reduce((n, s) => n + s.syncs, 0),
    [events],
  )

  const pick = (v: View) =>
    v === 'map' ? ui.getState().showMap() : ui.getState().showPackets(ui.getState().packetFlow)

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const i = VIEWS.findIndex((v) => v.id === view)
    let next: View | undefined
    if (e.key === 'ArrowRight') next = VIEWS[(i + 1) % VIEWS.length]!.id
    else if (e.key === 'ArrowLeft') next = VIEWS[(i - 1 + VIEWS.length) % VIEWS.length]!.id
    else if (e.key === 'Home') next = VIEWS[0]!.id
    else if (e.key === 'End') next = VIEWS[VIEWS.length - 1]!.id
    if (!next) return
    e.preventDefault()
    pick(next)
    refs.current[next]?.focus()
  }

  return (
    <div className="main-view">
      <div role="tablist" aria-label="Main view" className="tabs main-tabs" onKeyDown={onKeyDown}>
        {VIEWS.map((v) => (
          <button
            key={v.id}
            ref={(el) => {
              refs.current[v.id] = el
            }}
            type="button"
            role="tab"
            id={`${id}-${v.id}-tab`}
            aria-selected={view === v.id}
            aria-controls={`${id}-${v.id}-panel`}
            tabIndex={view === v.id ? 0 : -1}
            onClick={() => pick(v.id)}
            data-testid={`main.tab.${v.id}`}
          >
            {v.label}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`${id}-${view}-panel`}
        aria-labelledby={`${id}-${view}-tab`}
        className={`main-panel main-panel-${view}`}
      >
        {view === 'map' ? (
          <>
            <ClusterMap />
            {syncCount > 0 && (
              <div className="map-syncs" key={syncCount}>
                <ProxySyncs compact />
              </div>
            )}
          </>
        ) : (
          <PacketPath />
        )}
      </div>
    </div>
  )
}
