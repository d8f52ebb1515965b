import { useMemo } from 'react'
import { useSim } from '../hooks/stores.ts'
import { buildJourney, latestSecret, type Journey, type SecretRef } from './journey.ts'

/** The journey of `secret` (or of the newest Secret when none is chosen), rebuilt when the cluster
 * or the event log changes: the tab's words and the animated panel read the same one. */
export function useJourney(secret: SecretRef | null): {
  ref: SecretRef | null
  journey: Journey | null
} {
  const cluster = useSim((s) => s.cluster)
  const events = useSim((s) => s.events)
  const ref = secret ?? latestSecret(cluster)
  const journey = useMemo(
    () =>
      ref
        ? buildJourney(
            cluster,
            events.map((e) => e.event),
            ref,
          )
        : null,
    [cluster, events, ref],
  )
  return { ref, journey }
}
