import type { Ctx } from '../context.ts'
import type { Kind } from '../model/k8s.ts'
import { createObject, deleteObjectGracefully } from '../apiserver/api.ts'
import { deleteObject, getObject, listObjects } from '../apiserver/store.ts'

// The garbage collector (pkg/controller/garbagecollector): when an owner is deleted, its dependents
// (ownerReferences to that uid) are deleted in the background. And the namespace controller: a
// terminating namespace is emptied, then removed.

const DEPENDENT_KINDS: Kind[] = ['ReplicaSet', 'Pod', 'EndpointSlice']

export function collectGarbage(ctx: Ctx, ownerUid: string): void {
  for (const kind of DEPENDENT_KINDS) {
    for (const o of listObjects(ctx.state, kind)) {
      if (o.metadata.ownerReferences?.some((r) => r.uid === ownerUid))
        deleteObjectGracefully(ctx, kind, o.metadata.namespace, o.metadata.name)
    }
  }
}

const NAMESPACED_KINDS: Kind[] = [
  'Deployment',
  'DaemonSet',
  'ReplicaSet',
  'Service',
  'EndpointSlice',
  'Pod',
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'Event',
  'Role',
  'RoleBinding',
]

export function reconcileNamespace(ctx: Ctx, name: string): void {
  const ns = getObject(ctx.state, 'Namespace', undefined, name)
  if (!ns) return
  if (!ns.metadata.deletionTimestamp) {
    // the ServiceAccount controller and root-ca-cert-publisher fill every new namespace
    if (!getObject(ctx.state, 'ServiceAccount', name, 'default'))
      createObject(ctx, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'default', namespace: name },
      } as never)
    if (!getObject(ctx.state, 'ConfigMap', name, 'kube-root-ca.crt'))
      createObject(ctx, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'kube-root-ca.crt',
          namespace: name,
          annotations: {
            'kubernetes.io/description':
              'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.',
          },
        },
        data: {
          'ca.crt':
            '-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIcutaway0000wDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE\n-----END CERTIFICATE-----\n',
        },
      } as never)
    return
  }
  for (const kind of NAMESPACED_KINDS) {
    for (const o of listObjects(ctx.state, kind, name)) {
      if (!o.metadata.deletionTimestamp) deleteObjectGracefully(ctx, kind, name, o.metadata.name)
    }
  }
  // pods may still be shutting down; the namespace goes once they are gone (watch.ts re-enqueues)
  if (listObjects(ctx.state, 'Pod', name).length === 0) deleteObject(ctx, ns)
}
