import { ApiError } from '../engine/index.ts'
import type { OutputLine } from './types.ts'
import { err } from './types.ts'

/** `Error from server (NotFound): pods "x" not found`, as kubectl prints an API Status. */
export function apiErrorLines(e: unknown, prefix = ''): OutputLine[] {
  if (e instanceof ApiError) return [err(`Error from server (${e.reason}): ${prefix}${e.message}`)]
  // an engine bug must never reach the learner as a stack trace
  return [err(`error: internal simulation error: ${e instanceof Error ? e.message : String(e)}`)]
}

export class UsageError extends Error {}
