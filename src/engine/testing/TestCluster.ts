import { createSimulation, type CreateOptions, type Simulation } from '../simulation.ts'
import type { Deployment, KObject, Pod } from '../model/k8s.ts'
import {
  createObject,
  deleteObjectGracefully,
  patchObject,
  type NewObject,
} from '../apiserver/api.ts'
import { listObjects, getObject } from '../apiserver/store.ts'
import type { SimEvent } from '../events.ts'

/**
 * A seeded cluster for engine unit tests (tldraw's TestEditor pattern): drive it through API calls,
 * move time, and read what the controllers did. No console, no DOM.
 */
export class TestCluster {
  readonly sim: Simulation
  readonly events: SimEvent[] = []

  constructor(opts: CreateOptions = { seed: 7 }) {
    this.sim = createSimulation(opts)
    this.sim.subscribe((evs) => this.events.push(...evs))
  }

  get state() {
    return this.sim.state
  }

  create<T extends KObject>(obj: NewObject): T {
    const r = this.sim.transact((ctx) => createObject<T>(ctx, obj))
    if (!r.ok) throw r.error
    return r.value
  }

  deployment(
    name: string,
    image: string,
    replicas = 1,
    extra: { command?: string[]; namespace?: string } = {},
  ): Deployment {
    const labels = { app: name }
    return this.create<Deployment>({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: extra.namespace ?? 'default', labels },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              { name: name, image, ...(extra.command ? { command: extra.command } : {}) },
            ],
          },
        },
      },
    })
  }

  patch<K extends 'Deployment' | 'Pod' | 'ReplicaSet'>(
    kind: K,
    name: string,
    fn: Parameters<typeof patchObject<K>>[4],
    namespace = 'default',
  ) {
    const r = this.sim.transact((ctx) => patchObject(ctx, kind, namespace, name, fn))
    if (!r.ok) throw r.error
    return r.value
  }

  delete(kind: KObject['kind'], name: string, namespace: string | undefined = 'default') {
    const r = this.sim.transact((ctx) => deleteObjectGracefully(ctx, kind, namespace, name))
    if (!r.ok) throw r.error
  }

  settle() {
    this.sim.settle()
    return this
  }

  advance(ms: number) {
    this.sim.advance(ms)
    return this
  }

  pods(prefix = '', namespace = 'default'): Pod[] {
    return listObjects(this.state, 'Pod', namespace).filter((p) =>
      p.metadata.name.startsWith(prefix),
    )
  }

  allPods(): Pod[] {
    return listObjects(this.state, 'Pod')
  }

  get<K extends KObject['kind']>(kind: K, name: string, namespace: string | undefined = 'default') {
    return getObject(this.state, kind, namespace, name)
  }
}
