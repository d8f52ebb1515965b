export type { KObject } from '../../engine/index.ts'
/** An object as kubectl builds it before sending (no uid, no status from the server). */
export type NewObjectLike = {
  apiVersion: string
  kind: string
  metadata: Record<string, unknown>
} & Record<string, unknown>
