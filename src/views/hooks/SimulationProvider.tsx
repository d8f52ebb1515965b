import { useState, type ReactNode } from 'react'
import {
  createSimulationStore,
  type SimulationStore,
  type StoreOptions,
} from '../../state/simulationStore.ts'
import { createUiStore } from '../../state/uiStore.ts'
import { SimCtx, UiCtx } from './stores.ts'

export function SimulationProvider({
  options,
  store,
  children,
}: {
  options?: StoreOptions
  store?: SimulationStore
  children: ReactNode
}) {
  const [sim] = useState(() => store ?? createSimulationStore(options))
  const [ui] = useState(() => createUiStore())
  return (
    <SimCtx.Provider value={sim}>
      <UiCtx.Provider value={ui}>{children}</UiCtx.Provider>
    </SimCtx.Provider>
  )
}
