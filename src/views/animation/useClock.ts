import { useEffect } from 'react'
import type { SimulationStore } from '../../state/simulationStore.ts'

/**
 * The app's single requestAnimationFrame loop (STYLE.md 15): while playing, it moves the simulated
 * clock by the real time elapsed times the speed. Per-frame values never go into React state.
 */
export function useClock(store: SimulationStore): void {
  useEffect(() => {
    let raf = 0
    let last = performance.now()
    const frame = (t: number) => {
      const dt = t - last
      last = t
      if (store.getState().playing) store.getState().tick(dt)
      raf = requestAnimationFrame(frame)
    }
    raf = requestAnimationFrame(frame)
    return () => cancelAnimationFrame(raf)
  }, [store])
}
