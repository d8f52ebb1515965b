import { useState, type KeyboardEvent } from 'react'
import { layerOf, type Layer } from '../../engine/index.ts'
import { describeEvent, eventObject } from './describe.ts'
import { useSim, useUi, useUiStore } from '../hooks/stores.ts'

// The engine's events as text: the text equivalent of every animation, filterable by layer.
// Selecting an event selects its object on the map; a packet's event opens its packet path.
// The list is one tab stop (a roving tabindex): hundreds of rows must not stand between a keyboard
// user and the console. Up/Down, Home/End move within it; Enter or Space selects.

const LAYERS: { id: Layer; label: string }[] = [
  { id: 'kubernetes', label: 'Kubernetes' },
  { id: 'node', label: 'Node' },
  { id: 'aws', label: 'AWS' },
]

export function EventLog() {
  const events = useSim((s) => s.events)
  const layers = useUi((s) => s.layers)
  const ui = useUiStore()
  const selected = useUi((s) => s.selected)
  const shown = events
    .filter((e) => e.event.type !== 'log.append' && layers[layerOf(e.event)])
    .slice(-200)
  // the row that holds the list's tab stop, by event id (default: the newest)
  const [current, setCurrent] = useState<number | null>(null)
  const rows = shown.slice().reverse()
  const stop = rows.some((r) => r.id === current) ? current : (rows[0]?.id ?? null)

  function onKeyDown(e: KeyboardEvent<HTMLOListElement>) {
    const i = rows.findIndex((r) => r.id === stop)
    if (i < 0) return
    const to =
      e.key === 'ArrowDown'
        ? Math.min(i + 1, rows.length - 1)
        : e.key === 'ArrowUp'
          ? Math.max(i - 1, 0)
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? rows.length - 1
              : null
    if (to === null) return
    e.preventDefault()
    const id = rows[to]!.id
    setCurrent(id)
    e.currentTarget.querySelector<HTMLButtonElement>(`[data-event-id="${id}"]`)?.focus()
  }
  return (
    <section className="event-log" aria-label="Event log">
      <div className="event-log-head">
        <h2>Events</h2>
        <div role="group" aria-label="Show layers">
          {LAYERS.map((l) => (
            <label key={l.id} className="chip">
              <input
                type="checkbox"
                checked={layers[l.id]}
                onChange={() => ui.getState().toggleLayer(l.id)}
              />{' '}
              {l.label}
            </label>
          ))}
        </div>
      </div>
      <ol
        className="events"
        data-testid="events.list"
        aria-label="Events, newest first: arrow keys move, Enter selects"
        onKeyDown={onKeyDown}
      >
        {rows.map(({ id, event }) => {
          const obj = eventObject(event)
          const flow =
            event.type === 'packet.flow' || event.type === 'packet.hop' ? event.flow : null
          const isSel =
            !!obj &&
            !!selected &&
            obj.kind === selected.kind &&
            obj.name === selected.name &&
            obj.namespace === selected.namespace
          return (
            <li key={id} className={`event ${layerOf(event)}${isSel ? ' selected' : ''}`}>
              <button
                type="button"
                data-event-id={id}
                tabIndex={id === stop ? 0 : -1}
                aria-disabled={!obj && !flow}
                onFocus={() => setCurrent(id)}
                onClick={() => {
                  if (obj) ui.getState().select(obj)
                  if (flow) ui.getState().showPackets(flow)
                }}
              >
                <span className="layer">{layerOf(event)}</span> {describeEvent(event)}
                {flow && <span className="sr-only"> (opens its packet path)</span>}
              </button>
            </li>
          )
        })}
      </ol>
    </section>
  )
}
