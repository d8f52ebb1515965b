import { ApiError } from '../../engine/index.ts'

// metav1.Status bodies as kube-apiserver writes them (apimachinery/pkg/api/errors, and
// apiserver/pkg/endpoints/handlers/responsewriters/status.go for unknown paths and methods).

export interface StatusBody {
  kind: 'Status'
  apiVersion: 'v1'
  metadata: object
  status: 'Failure' | 'Success'
  message?: string
  reason?: string
  details?: object
  code: number
}

export function failure(code: number, reason: string, message: string, details = {}): StatusBody {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    details,
    code,
  }
}

/** 404 for a path no handler serves (the apiserver's NotFound handler). */
export const PATH_NOT_FOUND = () =>
  failure(404, 'NotFound', 'the server could not find the requested resource')

export const METHOD_NOT_ALLOWED = () =>
  failure(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  )

export function badRequest(message: string): StatusBody {
  return failure(400, 'BadRequest', message)
}

export function fromError(e: unknown): StatusBody {
  if (e instanceof ApiError) {
    const s = e.toStatus()
    return { ...s, details: JSON.parse(JSON.stringify(s.details ?? {})) } as StatusBody
  }
  return failure(500, 'InternalError', `Internal error occurred: ${String(e)}`)
}
