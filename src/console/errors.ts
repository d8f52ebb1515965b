import { ApiError } from '../engine/index.ts'
import type { OutputLine } from './types.ts'
import { err } from './types.ts'

/** `Error from server (NotFound): pods "x" not found`, as kubectl prints an API Status. */
export function apiErrorLines(e: unknown, prefix = ''): OutputLine[] {
  if (e instanceof ApiError && e.reason === 'Invalid' && e.details?.causes) {
    // kubectl prints validation failures as `The <Kind> "<name>" is invalid: …`, one `* cause` per line when several
    const kind = (e.details.kind ?? '').split('.')[0]
    const causes = e.details.causes
    if (causes.length === 1)
      return [err(`The ${kind} "${e.details.name}" is invalid: ${causes[0]}`)]
    return [
      err(`The ${kind} "${e.details.name}" is invalid: `),
      ...causes.map((c) => err(`* ${c}`)),
    ]
  }
  if (e instanceof ApiError) return [err(`Error from server (${e.reason}): ${prefix}${e.message}`)]
  // an engine bug must never reach the learner as a stack trace
  return [err(`error: internal simulation error: ${e instanceof Error ? e.message : String(e)}`)]
}

export class UsageError extends Error {}
