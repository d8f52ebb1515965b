import { listObjects } from '../../engine/index.ts'
import { useSim, useUiStore } from '../hooks/stores.ts'

// Placeholder map: a list of nodes and their pods (the SVG map replaces it).
export function ClusterMap() {
  const cluster = useSim((s) => s.cluster)
  const ui = useUiStore()
  const nodes = listObjects(cluster, 'Node')
  const pods = listObjects(cluster, 'Pod')
  return (
    <section aria-label="Cluster map" className="cluster-map" data-testid="cluster.map">
      {nodes.map((n) => (
        <div key={n.metadata.name} className="node-box">
          <button
            type="button"
            onClick={() => ui.getState().select({ kind: 'Node', name: n.metadata.name })}
          >
            {n.metadata.name}
          </button>
          <ul>
            {pods
              .filter((p) => p.spec.nodeName === n.metadata.name)
              .map((p) => (
                <li key={p.metadata.uid} data-testid={`pod.${p.metadata.name}`}>
                  <button
                    type="button"
                    onClick={() =>
                      ui.getState().select({
                        kind: 'Pod',
                        namespace: p.metadata.namespace,
                        name: p.metadata.name,
                      })
                    }
                  >
                    {p.metadata.name} {p.status.phase}
                  </button>
                </li>
              ))}
          </ul>
        </div>
      ))}
    </section>
  )
}
