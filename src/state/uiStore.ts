import { createStore, type StoreApi } from 'zustand/vanilla'
import type { Layer } from '../engine/index.ts'

// UI state that is not the cluster: what is selected or hovered, which event layers show.

/** A reference to anything on the map: an API object, or an AWS/node part (`vpc`, `subnet-…`, `etcd-0`). */
export interface ObjectRef {
  kind: string
  name: string
  namespace?: string
}

/** What a lesson step points at: a kind, optionally narrowed by name, name prefix or namespace. */
export interface HighlightRef {
  kind: string
  name?: string
  namePrefix?: string
  namespace?: string
}

export function refKey(r: ObjectRef): string {
  return r.namespace ? `${r.kind}/${r.namespace}/${r.name}` : `${r.kind}/${r.name}`
}

export interface UiState {
  selected: ObjectRef | null
  hovered: ObjectRef | null
  layers: Record<Layer, boolean>
  /** text to put into the console's input (a lesson's "show solution"); the Terminal takes it and clears it */
  draft: string | null
  /** map objects a lesson step points at */
  highlighted: HighlightRef[]
  /** kinds the map must not give away yet (e.g. where etcd runs, while that is the open question) */
  concealed: string[]
  /** what the big area shows: the cluster map, or the packet path of a flow (views/net) */
  mainView: MainView
  /** the flow the packet path shows (`packet.flow`'s id); null: the latest */
  packetFlow: string | null
  /** a details tab asked for from outside the panel (a lesson step, a link); the panel takes it */
  detailsTab: DetailsTab | null
  select(r: ObjectRef | null): void
  setDraft(text: string | null): void
  setHighlighted(refs: HighlightRef[]): void
  setConcealed(kinds: string[]): void
  hover(r: ObjectRef | null): void
  toggleLayer(l: Layer): void
  /** shows the packet path; `flow` pins one flow, null follows the latest */
  showPackets(flow?: string | null): void
  showMap(): void
  /** selects `r` and opens one of its details tabs (e.g. a node's `network` tab) */
  openDetails(r: ObjectRef, tab: DetailsTab): void
  takeDetailsTab(): void
}

export type MainView = 'map' | 'packets'
export type DetailsTab = 'summary' | 'yaml' | 'disk' | 'network' | 'journey'

export type UiStore = StoreApi<UiState>

export function createUiStore(): UiStore {
  return createStore<UiState>()((set, get) => ({
    selected: null,
    hovered: null,
    layers: { kubernetes: true, node: true, aws: true },
    draft: null,
    highlighted: [],
    concealed: [],
    mainView: 'map',
    packetFlow: null,
    detailsTab: null,
    select: (selected) => set({ selected, detailsTab: null }),
    setDraft: (draft) => set({ draft }),
    setHighlighted: (highlighted) => set({ highlighted }),
    setConcealed: (concealed) => set({ concealed }),
    hover: (hovered) => set({ hovered }),
    toggleLayer: (l) => set({ layers: { ...get().layers, [l]: !get().layers[l] } }),
    showPackets: (flow = null) => set({ mainView: 'packets', packetFlow: flow }),
    showMap: () => set({ mainView: 'map' }),
    openDetails: (selected, detailsTab) => set({ selected, detailsTab }),
    takeDetailsTab: () => set({ detailsTab: null }),
  }))
}
