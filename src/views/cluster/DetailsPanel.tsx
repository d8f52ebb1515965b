import { useUi } from '../hooks/stores.ts'

// Placeholder: details and YAML of the selected object.
export function DetailsPanel() {
  const selected = useUi((s) => s.selected)
  return (
    <section aria-label="Details" className="details">
      <h2>Details</h2>
      {selected ? (
        <p>{`${selected.kind} ${selected.namespace ? selected.namespace + '/' : ''}${selected.name}`}</p>
      ) : (
        <p className="dim">Select an object on the map.</p>
      )}
    </section>
  )
}
