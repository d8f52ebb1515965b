import type { KObject, ObjectMeta } from '../model/k8s.ts'
import { base64Decode, utf8Bytes } from '../encoding.ts'
import { parseRfc3339, EPOCH_MS } from '../time.ts'
import { canonicalJson } from '../controllers/hash.ts'

// The bytes the API server hands etcd for a built-in object: Kubernetes protobuf.
//
//   6b 38 73 00                      "k8s\0", the protobuf serializer's magic
//   runtime.Unknown {                k8s.io/apimachinery/pkg/runtime/generated.proto
//     1 typeMeta { 1 apiVersion, 2 kind }
//     2 raw              the object's own protobuf (below)
//     3 contentEncoding  "" (always written)
//     4 contentType      "" (always written)
//   }
// (kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/runtime/serializer/protobuf/protobuf.go,
// FIDELITY §2.2). Field numbers come from the `protobuf:"…"` tags of k8s.io/api/core/v1/types.go
// (generated.proto) and k8s.io/apimachinery/pkg/apis/meta/v1/types.go.
//
// The generated Go code (gogo, proto2 with value fields) writes every non-pointer scalar even when it
// is empty (`12 00` for an empty generateName, `38 00` for generation 0) and pointers only when set;
// fields go out in ascending number, map entries in sorted key order. We follow the same rules, so
// a hexdump reads like a real one: `…0a 08 6d 79 73 65 63 72 65 74 12 00 1a 07 64 65 66 61 75 6c 74 22 00 2a 24…`.

export const PROTOBUF_MAGIC = [0x6b, 0x38, 0x73, 0x00] as const

type Out = number[]

function varint(out: Out, n: number): void {
  if (n < 0) {
    // int64 two's complement: ten bytes (negative values never occur in the fields we model)
    let b = BigInt.asUintN(64, BigInt(n))
    for (let i = 0; i < 9; i++) {
      out.push(Number(b & 0x7fn) | 0x80)
      b >>= 7n
    }
    out.push(Number(b))
    return
  }
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80)
    n = Math.floor(n / 0x80)
  }
  out.push(n)
}

const tag = (out: Out, field: number, wire: 0 | 2) => varint(out, (field << 3) | wire)

export function pbVarint(out: Out, field: number, n: number): void {
  tag(out, field, 0)
  varint(out, n)
}

export function pbBytes(out: Out, field: number, bytes: readonly number[] | Uint8Array): void {
  tag(out, field, 2)
  varint(out, bytes.length)
  for (const b of bytes) out.push(b)
}

export function pbString(out: Out, field: number, s: string | undefined): void {
  pbBytes(out, field, utf8Bytes(s ?? ''))
}

/** `map<string, string|bytes>`: one length-delimited entry {1 key, 2 value} per key, keys sorted. */
function pbMap(
  out: Out,
  field: number,
  m: Record<string, string> | undefined,
  value: (v: string) => readonly number[],
): void {
  if (!m) return
  for (const k of Object.keys(m).sort()) {
    const e: Out = []
    pbString(e, 1, k)
    pbBytes(e, 2, value(m[k]!))
    pbBytes(out, field, e)
  }
}

/** metav1.Time → google.protobuf.Timestamp-shaped {1 seconds, 2 nanos}, both always written. */
function pbTime(out: Out, field: number, rfc3339: string): void {
  const t: Out = []
  pbVarint(t, 1, Math.floor((parseRfc3339(rfc3339) + EPOCH_MS) / 1000))
  pbVarint(t, 2, 0)
  pbBytes(out, field, t)
}

/** metav1.ObjectMeta (1 name, 2 generateName, 3 namespace, 4 selfLink, 5 uid, 6 resourceVersion,
 * 7 generation, 8 creationTimestamp, 9 deletionTimestamp*, 10 deletionGracePeriodSeconds*, 11 labels,
 * 12 annotations, 13 ownerReferences, 14 finalizers, 17 managedFields — the engine keeps none). */
export function objectMeta(m: ObjectMeta): Out {
  const o: Out = []
  pbString(o, 1, m.name)
  pbString(o, 2, m.generateName)
  pbString(o, 3, m.namespace)
  pbString(o, 4, '')
  pbString(o, 5, m.uid)
  // The API server clears resourceVersion before it writes: etcd's modRevision is the version
  // (apiserver/pkg/storage/etcd3/store.go, versioner.PrepareObjectForStorage).
  pbString(o, 6, '')
  pbVarint(o, 7, m.generation ?? 0)
  pbTime(o, 8, m.creationTimestamp)
  if (m.deletionTimestamp) pbTime(o, 9, m.deletionTimestamp)
  if (m.deletionGracePeriodSeconds !== undefined) pbVarint(o, 10, m.deletionGracePeriodSeconds)
  pbMap(o, 11, m.labels, utf8Bytes)
  pbMap(o, 12, m.annotations, utf8Bytes)
  for (const r of m.ownerReferences ?? []) {
    // OwnerReference: 1 kind, 3 name, 4 uid, 5 apiVersion, 6 controller*, 7 blockOwnerDeletion*
    const e: Out = []
    pbString(e, 1, r.kind)
    pbString(e, 3, r.name)
    pbString(e, 4, r.uid)
    pbString(e, 5, r.apiVersion)
    if (r.controller !== undefined) pbVarint(e, 6, r.controller ? 1 : 0)
    if (r.blockOwnerDeletion !== undefined) pbVarint(e, 7, r.blockOwnerDeletion ? 1 : 0)
    pbBytes(o, 13, e)
  }
  for (const f of m.finalizers ?? []) pbString(o, 14, f)
  return o
}

const secretBytes = (b64: string): number[] => base64Decode(b64) ?? utf8Bytes(b64)

/** The kinds encoded field by field; every other kind uses `fallbackBody` (documented below). */
function body(obj: KObject): Out | undefined {
  const o: Out = []
  switch (obj.kind) {
    case 'Secret':
      // Secret: 1 metadata, 2 data (map<string, bytes>: the RAW bytes, not base64), 3 type,
      // 4 stringData (write-only, never stored), 5 immutable*
      pbBytes(o, 1, objectMeta(obj.metadata))
      pbMap(o, 2, obj.data, secretBytes)
      pbString(o, 3, obj.type)
      if ((obj as { immutable?: boolean }).immutable !== undefined)
        pbVarint(o, 5, (obj as { immutable?: boolean }).immutable ? 1 : 0)
      return o
    case 'ConfigMap': {
      // ConfigMap: 1 metadata, 2 data (map<string, string>), 3 binaryData (map<string, bytes>), 4 immutable*
      const cm = obj as typeof obj & { binaryData?: Record<string, string>; immutable?: boolean }
      pbBytes(o, 1, objectMeta(cm.metadata))
      pbMap(o, 2, cm.data, utf8Bytes)
      pbMap(o, 3, cm.binaryData, secretBytes)
      if (cm.immutable !== undefined) pbVarint(o, 4, cm.immutable ? 1 : 0)
      return o
    }
    case 'Namespace': {
      // Namespace: 1 metadata, 2 spec {1 finalizers}, 3 status {1 phase, 2 conditions}
      pbBytes(o, 1, objectMeta(obj.metadata))
      const spec: Out = []
      for (const f of obj.spec?.finalizers ?? []) pbString(spec, 1, f)
      pbBytes(o, 2, spec)
      const status: Out = []
      pbString(status, 1, obj.status?.phase)
      pbBytes(o, 3, status)
      return o
    }
    case 'ServiceAccount': {
      // ServiceAccount: 1 metadata, 2 secrets (ObjectReference), 3 imagePullSecrets, 4 automountServiceAccountToken*
      const sa = obj as typeof obj & {
        secrets?: { name: string; namespace?: string }[]
        imagePullSecrets?: { name: string }[]
        automountServiceAccountToken?: boolean
      }
      pbBytes(o, 1, objectMeta(sa.metadata))
      for (const s of sa.secrets ?? []) {
        // ObjectReference: 1 kind, 2 namespace, 3 name, 4 uid, 5 apiVersion, 6 resourceVersion, 7 fieldPath
        const r: Out = []
        for (let f = 1; f <= 7; f++)
          pbString(r, f, f === 2 ? s.namespace : f === 3 ? s.name : undefined)
        pbBytes(o, 2, r)
      }
      for (const s of sa.imagePullSecrets ?? []) {
        const r: Out = []
        pbString(r, 1, s.name)
        pbBytes(o, 3, r)
      }
      if (sa.automountServiceAccountToken !== undefined)
        pbVarint(o, 4, sa.automountServiceAccountToken ? 1 : 0)
      return o
    }
    default:
      return undefined
  }
}

/**
 * SIMPLIFICATION for the kinds we do not encode field by field (Pod, Service, Deployment, …): the
 * metadata is exact (field 1, as for every built-in kind), but `spec` and `status` travel as
 * canonical JSON text in fields 2 and 3 (their numbers for most kinds). Real Kubernetes encodes them
 * as nested protobuf messages, so the lengths and bytes after the metadata differ from a real etcd.
 * https://github.com/kubernetes/api/blob/master/core/v1/generated.proto
 */
function fallbackBody(obj: KObject): Out {
  const o: Out = []
  pbBytes(o, 1, objectMeta(obj.metadata))
  const rest = obj as unknown as Record<string, unknown>
  const others = Object.keys(rest)
    .filter((k) => !['apiVersion', 'kind', 'metadata', 'spec', 'status'].includes(k))
    .sort()
  const spec =
    rest.spec ?? (others.length ? Object.fromEntries(others.map((k) => [k, rest[k]])) : undefined)
  if (spec !== undefined) pbBytes(o, 2, utf8Bytes(canonicalJson(spec)))
  if (rest.status !== undefined) pbBytes(o, 3, utf8Bytes(canonicalJson(rest.status)))
  return o
}

/** Whether `encodeObject` encodes this kind field by field (true) or with the JSON fallback. */
export function isExactKind(kind: string): boolean {
  return ['Secret', 'ConfigMap', 'Namespace', 'ServiceAccount'].includes(kind)
}

/** The object's own protobuf (runtime.Unknown's `raw`). */
export function objectProto(obj: KObject): Out {
  return body(obj) ?? fallbackBody(obj)
}

/** What the API server writes to etcd before any encryption: magic + runtime.Unknown. */
export function encodeObject(obj: KObject): Uint8Array {
  const typeMeta: Out = []
  pbString(typeMeta, 1, obj.apiVersion)
  pbString(typeMeta, 2, obj.kind)
  const unknown: Out = []
  pbBytes(unknown, 1, typeMeta)
  pbBytes(unknown, 2, objectProto(obj))
  pbString(unknown, 3, '')
  pbString(unknown, 4, '')
  const out = new Uint8Array(PROTOBUF_MAGIC.length + unknown.length)
  out.set(PROTOBUF_MAGIC, 0)
  out.set(unknown, PROTOBUF_MAGIC.length)
  return out
}
