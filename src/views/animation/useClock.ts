import { useEffect } from 'react'
import type { SimulationStore } from '../../state/simulationStore.ts'
import { onEveryFrame } from './frame.ts'

/**
 * While playing, moves the simulated clock by the real time elapsed times the speed, on the app's
 * single animation frame (frame.ts). Per-frame values never go into React state.
 */
export function useClock(store: SimulationStore): void {
  useEffect(() => {
    let last = performance.now()
    return onEveryFrame((t) => {
      const dt = t - last
      last = t
      if (store.getState().playing) store.getState().tick(dt)
    })
  }, [store])
}
