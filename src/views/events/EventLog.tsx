import { layerOf, type Layer } from '../../engine/index.ts'
import { describeEvent, eventObject } from './describe.ts'
import { useSim, useUi, useUiStore } from '../hooks/stores.ts'

// The engine's events as text: the text equivalent of every animation, filterable by layer.
// Selecting an event selects its object on the map; a packet's event opens its packet path.

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
      <ol className="events" data-testid="events.list">
        {shown
          .slice()
          .reverse()
          .map(({ id, event }) => {
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
                  disabled={!obj && !flow}
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
