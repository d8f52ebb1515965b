// API errors in the shape of a metav1.Status, so the console prints them as kubectl does
// ("Error from server (NotFound): pods \"x\" not found") and a served API can return them as is.

export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Invalid'
  | 'BadRequest'
  | 'Forbidden'
  | 'Conflict'
  | 'MethodNotAllowed'
  | 'RequestEntityTooLarge'

const CODES: Record<StatusReason, number> = {
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  Invalid: 422,
  BadRequest: 400,
  Forbidden: 403,
  MethodNotAllowed: 405,
  RequestEntityTooLarge: 413,
}

export class ApiError extends Error {
  readonly code: number
  constructor(
    readonly reason: StatusReason,
    message: string,
    readonly details?: { name?: string; group?: string; kind?: string; causes?: string[] },
  ) {
    super(message)
    this.code = CODES[reason]
  }

  toStatus() {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      details: this.details,
      code: this.code,
    }
  }
}

/** `pods "web" not found`: resource is the plural with its group (`deployments.apps`). */
export function notFound(resourceWithGroup: string, name: string): ApiError {
  const [kind, ...g] = resourceWithGroup.split('.')
  return new ApiError('NotFound', `${resourceWithGroup} "${name}" not found`, {
    name,
    kind,
    group: g.join('.') || undefined,
  })
}

export function alreadyExists(resourceWithGroup: string, name: string): ApiError {
  const [kind, ...g] = resourceWithGroup.split('.')
  return new ApiError('AlreadyExists', `${resourceWithGroup} "${name}" already exists`, {
    name,
    kind,
    group: g.join('.') || undefined,
  })
}

/** `Deployment.apps "x" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0` */
export function invalid(kindWithGroup: string, name: string, causes: string[]): ApiError {
  const msg = causes.length === 1 ? causes[0] : `[${causes.join(', ')}]`
  return new ApiError('Invalid', `${kindWithGroup} "${name}" is invalid: ${msg}`, {
    name,
    kind: kindWithGroup,
    causes,
  })
}
