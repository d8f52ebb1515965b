import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { TestCluster } from '../testing/TestCluster.ts'
import { getEntry } from '../apiserver/store.ts'
import { updateObject } from '../apiserver/api.ts'
import { base64 } from '../encoding.ts'
import type { Secret } from '../model/k8s.ts'
import type { SimEvent } from '../events.ts'
import { etcdValue } from './value.ts'
import { encodeObject } from './protobuf.ts'
import { associateEncryptionConfig, kmsV2Decrypt, readMessage } from './kms.ts'

const bytesOf = (s: string) => Array.from(s, (c) => c.charCodeAt(0))
const ascii = (b: Uint8Array, from = 0, to = b.length) => String.fromCharCode(...b.slice(from, to))

function indexOf(hay: Uint8Array, needle: readonly number[]): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer
    return i
  }
  return -1
}

function secret(t: TestCluster, name: string, value: number[]): Secret {
  return t.create<Secret>({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'default' },
    type: 'Opaque',
    data: { password: base64(value) },
  } as never)
}

function valueOf(t: TestCluster, name: string): { key: string; bytes: Uint8Array } {
  const entry = getEntry(t.state, 'Secret', 'default', name)!
  const key = `/registry/secrets/default/${name}`
  return { key, bytes: etcdValue(t.state, key, entry) }
}

const KEY_ARN = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'

describe('etcd values without encryption (EKS 1.27, no customer key)', () => {
  const t = new TestCluster({ seed: 7, config: { kubernetesVersion: '1.27' } })
  secret(t, 'db', bytesOf('s3cr3t'))
  const { bytes } = valueOf(t, 'db')

  it('is Kubernetes protobuf: magic k8s\\0, then runtime.Unknown with v1/Secret', () => {
    expect(Array.from(bytes.slice(0, 4))).toEqual([0x6b, 0x38, 0x73, 0x00])
    // 0a <len> { 0a 02 "v1" 12 06 "Secret" }
    expect(Array.from(bytes.slice(4, 6))).toEqual([0x0a, 0x0c])
    expect(ascii(bytes, 6, 18)).toBe('\n\x02v1\x12\x06Secret')
    const unknown = readMessage(bytes.slice(4))
    expect(unknown.get(3)).toEqual([new Uint8Array()])
    expect(unknown.get(4)).toEqual([new Uint8Array()])
  })

  it('holds the raw secret bytes, not base64', () => {
    expect(indexOf(bytes, bytesOf('s3cr3t'))).toBeGreaterThan(0)
    expect(indexOf(bytes, bytesOf('czNjcjN0'))).toBe(-1)
    // metadata: name, empty generateName, namespace, empty selfLink, uid, as real values read
    expect(indexOf(bytes, [0x0a, 0x02, ...bytesOf('db'), 0x12, 0x00, 0x1a, 0x07])).toBeGreaterThan(
      0,
    )
  })

  it('makes no data key at startup', () => {
    expect(t.state.encryption!.deks).toHaveLength(0)
  })
})

describe('etcd values with KMS v2 envelope encryption (EKS 1.28+ default)', () => {
  const t = new TestCluster({ seed: 7 })
  secret(t, 'db', bytesOf('s3cr3t'))
  const { key, bytes } = valueOf(t, 'db')

  it('starts with the KMS v2 prefix and an EncryptedObject', () => {
    const prefix = 'k8s:enc:kms:v2:aws-encryption-provider-v2-aok:'
    expect(ascii(bytes, 0, prefix.length)).toBe(prefix)
    const eo = readMessage(bytes.slice(prefix.length))
    expect((eo.get(1)![0] as Uint8Array).length).toBeGreaterThan(60)
    expect(new TextDecoder().decode(eo.get(2)![0] as Uint8Array)).toMatch(/^arn:aws:kms:us-west-2:/)
    expect((eo.get(3)![0] as Uint8Array)[0]).toBe(0x31)
    expect(eo.get(5)).toEqual([1]) // HKDF_SHA256_XNONCE_AES_GCM_SEED
  })

  it('encrypts every resource, not only Secrets', () => {
    const ns = getEntry(t.state, 'Namespace', undefined, 'default')!
    expect(ascii(etcdValue(t.state, '/registry/namespaces/default', ns), 0, 15)).toBe(
      'k8s:enc:kms:v2:',
    )
  })

  it('decrypts with the DEK back to the protobuf (round trip)', () => {
    const entry = getEntry(t.state, 'Secret', 'default', 'db')!
    expect(kmsV2Decrypt(t.state, key, bytes)).toEqual(encodeObject(entry.value))
    // the etcd key is the AES-GCM additional data: the same bytes under another key do not open
    expect(kmsV2Decrypt(t.state, '/registry/secrets/default/other', bytes)).toBe(
      'authentication failed',
    )
  })

  it('never contains the plaintext (any secret value)', () => {
    let n = 0
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 64 }), (value) => {
        const name = `p${n++}`
        secret(t, name, Array.from(value))
        const v = valueOf(t, name)
        expect(indexOf(v.bytes, Array.from(value))).toBe(-1)
        expect(indexOf(v.bytes, bytesOf(base64(Array.from(value))))).toBe(-1)
        expect(indexOf(v.bytes, bytesOf('Secret'))).toBe(-1)
        const plain = kmsV2Decrypt(t.state, v.key, v.bytes) as Uint8Array
        expect(indexOf(plain, Array.from(value))).toBeGreaterThan(0)
      }),
      { numRuns: 40 },
    )
  })

  it('makes one DEK per API server at startup and calls KMS for no write', () => {
    // (TestCluster subscribes after bootstrap, so the two startup kms.encrypt events are not in t.events)
    expect(t.state.encryption!.deks.map((d) => d.apiServer)).toEqual([0, 1])
    expect(t.events.filter((e) => e.type === 'kms.encrypt')).toHaveLength(0)
  })

  it('replicates each write through the Raft leader to both followers', () => {
    const rep = t.events.filter(
      (e): e is Extract<SimEvent, { type: 'etcd.replicate' }> =>
        e.type === 'etcd.replicate' && e.key === key,
    )
    expect(rep).toHaveLength(1)
    const r = rep[0]!
    expect(r.valueSize).toBe(bytes.length)
    expect(r.encrypted).toBe(true)
    expect(r.followers).toHaveLength(2)
    const azs = new Set([r.leader.availabilityZone, ...r.followers.map((f) => f.availabilityZone)])
    expect(azs.size).toBe(3)
    const all = t.events.filter((e) => e.type === 'etcd.replicate') as (typeof r)[]
    for (let i = 1; i < all.length; i++) expect(all[i]!.index).toBeGreaterThan(all[i - 1]!.index)
  })
})

describe('turning encryption on for an existing cluster (1.27 + customer managed key)', () => {
  const t = new TestCluster({ seed: 3, config: { kubernetesVersion: '1.27' } })
  secret(t, 'old', bytesOf('before'))
  const before = valueOf(t, 'old').bytes
  const r = t.sim.transact((ctx) =>
    associateEncryptionConfig(ctx, [{ resources: ['secrets'], provider: { keyArn: KEY_ARN } }]),
  )

  it('calls KMS once per API server and leaves existing values as they were', () => {
    expect(r.ok).toBe(true)
    expect(r.ok && r.events.filter((e) => e.type === 'kms.encrypt')).toHaveLength(2)
    expect(valueOf(t, 'old').bytes).toEqual(before)
  })

  it('encrypts new Secrets, and old ones once written again; other resources stay plain', () => {
    secret(t, 'new', bytesOf('after'))
    expect(ascii(valueOf(t, 'new').bytes, 0, 46)).toBe(
      'k8s:enc:kms:v2:aws-encryption-provider-v2-cmk:',
    )
    const old = getEntry(t.state, 'Secret', 'default', 'old')!.value as Secret
    t.sim.transact((ctx) => updateObject(ctx, { ...old, metadata: { ...old.metadata } }))
    const rewritten = valueOf(t, 'old')
    expect(ascii(rewritten.bytes, 0, 15)).toBe('k8s:enc:kms:v2:')
    expect(indexOf(rewritten.bytes, bytesOf('before'))).toBe(-1)
    t.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm', namespace: 'default' },
      data: { a: 'b' },
    } as never)
    const cm = getEntry(t.state, 'ConfigMap', 'default', 'cm')!
    expect(
      Array.from(etcdValue(t.state, '/registry/configmaps/default/cm', cm).slice(0, 4)),
    ).toEqual([0x6b, 0x38, 0x73, 0x00])
  })
})

describe('a customer managed key given at creation (SimulationConfig.encryptionKeyArn)', () => {
  it('on 1.27 encrypts Secrets only, under the key and the customer-key provider name', () => {
    const t = new TestCluster({
      seed: 5,
      config: { kubernetesVersion: '1.27', encryptionKeyArn: KEY_ARN },
    })
    secret(t, 'db', bytesOf('s3cr3t'))
    const v = valueOf(t, 'db').bytes
    expect(ascii(v, 0, 46)).toBe('k8s:enc:kms:v2:aws-encryption-provider-v2-cmk:')
    expect(indexOf(v, bytesOf(KEY_ARN))).toBeGreaterThan(0)
    // before 1.29 the DEK is used directly: no encryptedDEKSourceType field
    expect(readMessage(v.slice(46)).get(5)).toBeUndefined()
    const entry = getEntry(t.state, 'Secret', 'default', 'db')!
    expect(kmsV2Decrypt(t.state, '/registry/secrets/default/db', v)).toEqual(
      encodeObject(entry.value),
    )
    const ns = getEntry(t.state, 'Namespace', undefined, 'default')!
    expect(ascii(etcdValue(t.state, '/registry/namespaces/default', ns), 0, 4)).toBe('k8s\0')
    expect(t.state.aws.cluster.encryptionConfig).toEqual([
      { resources: ['secrets'], provider: { keyArn: KEY_ARN } },
    ])
  })
})

describe('determinism', () => {
  it('the same seed and the same writes give the same bytes', () => {
    const run = () => {
      const t = new TestCluster({ seed: 11 })
      secret(t, 'db', bytesOf('s3cr3t'))
      return Array.from(valueOf(t, 'db').bytes)
    }
    expect(run()).toEqual(run())
  })

  it('the etcd leader follows the seed', () => {
    const leaders = new Set(
      [1, 2, 3, 4, 5, 6].map(
        (seed) =>
          new TestCluster({ seed }).state.aws.controlPlane.etcdMembers.find((m) => m.isLeader)!
            .name,
      ),
    )
    expect(leaders.size).toBeGreaterThan(1)
  })
})
