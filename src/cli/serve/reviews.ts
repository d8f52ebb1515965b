import type { ClusterState, UserInfo } from '../../engine/index.ts'
import { authorize, selfSubjectReview as engineSelfSubjectReview } from '../../engine/index.ts'

// The review APIs kubectl's `auth can-i` and `auth whoami` POST to. Every request is the cluster
// creator's (the server has no authentication) or, with --as, whom they impersonate; the answer
// comes from the same authorizer the console's `kubectl auth can-i` uses (engine/apiserver/authz.ts).

type Spec = {
  resourceAttributes?: {
    namespace?: string
    verb?: string
    group?: string
    resource?: string
    subresource?: string
    name?: string
  }
  nonResourceAttributes?: { path?: string; verb?: string }
}

/** POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews */
export function selfSubjectAccessReview(
  state: ClusterState,
  user: UserInfo,
  body: Record<string, unknown>,
) {
  const spec = (body.spec ?? {}) as Spec
  const ra = spec.resourceAttributes
  const nra = spec.nonResourceAttributes
  if (!ra && !nra) return undefined
  const d = ra
    ? authorize(state, {
        user,
        verb: ra.verb ?? '',
        apiGroup: ra.group ?? '',
        resource: ra.resource ?? '',
        ...(ra.subresource ? { subresource: ra.subresource } : {}),
        namespace: ra.namespace ?? '',
        ...(ra.name ? { name: ra.name } : {}),
      })
    : authorize(state, { user, verb: nra!.verb ?? '', path: nra!.path ?? '' })
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec,
    status: { allowed: d.allowed, ...(d.reason ? { reason: d.reason } : {}) },
  }
}

/** POST /apis/authentication.k8s.io/v1/selfsubjectreviews */
export function selfSubjectReview(user: UserInfo) {
  return engineSelfSubjectReview(user, null)
}
