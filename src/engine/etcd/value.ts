import type { ClusterState, EtcdEntry } from '../model/state.ts'
import type { StoredValue } from '../model/etcd.ts'
import type { Kind } from '../model/k8s.ts'
import { resourceForKind } from '../model/resources.ts'
import { encodeObject } from './protobuf.ts'
import { kmsV2Encrypt, kmsV2EncryptedLength } from './kms.ts'

// The bytes etcd holds for a key, rebuilt on demand from what the entry records: the object as it
// was written at that revision, and how it was written (which API server, which DEK). Rebuilding
// instead of storing keeps state small and JSON-serialisable; it gives the same bytes every time
// because the per-write randomness is derived from (DEK, key, revision) — see kms.ts.

/** How a write at `revision` is stored: the API server that takes it and its DEK if the resource is covered. */
export function storedValueFor(state: ClusterState, kind: Kind, revision: number): StoredValue {
  // EKS runs two API servers behind a load balancer; requests alternate between them
  const servers = state.aws.controlPlane.apiServers.length || 1
  const apiServer = revision % servers
  const enc = state.encryption
  const dek = enc?.current[apiServer]
  // what the API servers were (re)started to encrypt (kms.ts startApiServers)
  const covered =
    dek !== undefined &&
    (enc!.resources === 'all' || enc!.resources.includes(resourceForKind(kind).resource))
  return covered ? { apiServer, dek } : { apiServer }
}

/** The exact value bytes of an etcd entry (what `etcdctl get` prints after the key). */
export function etcdValue(state: ClusterState, key: string, entry: EtcdEntry): Uint8Array {
  const plain = encodeObject(entry.value)
  const dek = entry.stored?.dek !== undefined ? state.encryption?.deks[entry.stored.dek] : undefined
  return dek ? kmsV2Encrypt(dek, key, entry.modRevision, plain) : plain
}

/** Size of the value bytes without encrypting (events on every write carry it). */
export function etcdValueSize(state: ClusterState, entry: EtcdEntry): number {
  const plain = encodeObject(entry.value).length
  const dek = entry.stored?.dek !== undefined ? state.encryption?.deks[entry.stored.dek] : undefined
  return dek ? kmsV2EncryptedLength(dek, plain) : plain
}

export function isEncrypted(entry: EtcdEntry): boolean {
  return entry.stored?.dek !== undefined
}
