import { createContext, useContext } from 'react'
import { useStore } from 'zustand'
import type { SimulationStore, SimulationStoreState } from '../../state/simulationStore.ts'
import type { UiState, UiStore } from '../../state/uiStore.ts'

// One store per mounted workspace (STYLE.md 10): isolated tests, side-by-side demos, and a fresh
// sandbox per route. Components read with selectors; actions come from the store itself.

export const SimCtx = createContext<SimulationStore | null>(null)
export const UiCtx = createContext<UiStore | null>(null)

export function useSimStore(): SimulationStore {
  const s = useContext(SimCtx)
  if (!s) throw new Error('useSimStore outside SimulationProvider')
  return s
}

export function useSim<T>(select: (s: SimulationStoreState) => T): T {
  return useStore(useSimStore(), select)
}

export function useUiStore(): UiStore {
  const s = useContext(UiCtx)
  if (!s) throw new Error('useUiStore outside SimulationProvider')
  return s
}

export function useUi<T>(select: (s: UiState) => T): T {
  return useStore(useUiStore(), select)
}
