import type { Pod } from '../../engine/index.ts'
import { podStatusReason } from '../../console/printers.ts'

// What a pod chip looks like for each STATUS that `kubectl get pods` prints. Colour is never the
// only signal: Pending/ContainerCreating chips have a dashed outline, failing ones a thick outline,
// and the status text is in every tooltip, aria-label and the details panel.

export type PodCategory =
  | 'running'
  | 'pending'
  | 'creating'
  | 'crash'
  | 'image'
  | 'terminating'
  | 'succeeded'
  | 'failed'
  | 'unknown'

export interface PodStyle {
  /** chip background (labelled chips; dark so that light text keeps its contrast) */
  fill: string
  /** outline, and the fill of the small dot chips */
  stroke: string
  dashed: boolean
  thick: boolean
  label: string
}

// Tuned for the dark theme in app.css (background #0f1720): the light label text (#e6edf3) has a
// contrast ratio above 7:1 on every fill, and every stroke is above 3:1 on the node box (#1a2430).
export const POD_STYLES: Record<PodCategory, PodStyle> = {
  running: { fill: '#0f3320', stroke: '#3fb950', dashed: false, thick: false, label: 'Running' },
  pending: { fill: '#3a2e0b', stroke: '#e3b341', dashed: true, thick: false, label: 'Pending' },
  creating: {
    fill: '#0d2a47',
    stroke: '#58a6ff',
    dashed: true,
    thick: false,
    label: 'ContainerCreating',
  },
  crash: {
    fill: '#4a1418',
    stroke: '#ff7b72',
    dashed: false,
    thick: true,
    label: 'CrashLoopBackOff',
  },
  image: {
    fill: '#46173a',
    stroke: '#f778ba',
    dashed: false,
    thick: true,
    label: 'ErrImagePull / ImagePullBackOff',
  },
  terminating: {
    fill: '#262c33',
    stroke: '#8b949e',
    dashed: true,
    thick: false,
    label: 'Terminating',
  },
  succeeded: {
    fill: '#1f2a36',
    stroke: '#8b949e',
    dashed: false,
    thick: false,
    label: 'Completed',
  },
  failed: {
    fill: '#4a1418',
    stroke: '#ff7b72',
    dashed: false,
    thick: true,
    label: 'Error / Failed',
  },
  unknown: { fill: '#2f2545', stroke: '#bc8cff', dashed: true, thick: false, label: 'Unknown' },
}

export const LEGEND_ORDER: PodCategory[] = [
  'running',
  'pending',
  'creating',
  'crash',
  'image',
  'terminating',
]

/** Maps kubectl's STATUS column to a chip style. */
export function podCategory(status: string): PodCategory {
  if (status === 'Running') return 'running'
  if (status === 'Terminating') return 'terminating'
  if (status === 'ContainerCreating' || status === 'PodInitializing' || status.startsWith('Init:'))
    return status.startsWith('Init:') && /Err|BackOff|Error/.test(status) ? 'failed' : 'creating'
  if (status === 'CrashLoopBackOff' || status === 'RunContainerError') return 'crash'
  if (/ImagePull|ErrImage|InvalidImageName/.test(status)) return 'image'
  if (status === 'Pending') return 'pending'
  if (status === 'Completed' || status === 'Succeeded') return 'succeeded'
  if (status === 'Unknown' || status === 'NotReady') return 'unknown'
  return 'failed'
}

export function podStatus(pod: Pod): { text: string; category: PodCategory } {
  const text = podStatusReason(pod)
  return { text, category: podCategory(text) }
}
