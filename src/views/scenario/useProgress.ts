import { useStore } from 'zustand'
import { progressStore, type ProgressState } from '../../state/progressStore.ts'

/** The learner's saved progress (one store for the app, in localStorage). */
export function useProgress<T>(select: (s: ProgressState) => T): T {
  return useStore(progressStore(), select)
}
