// What etcd and the API servers' storage layer hold beyond the objects themselves: how each value
// was written (so its exact bytes can be rebuilt), the API servers' KMS v2 data keys, and Raft.

/** How one etcd value was written: by which API server, and under which DEK (none = identity). */
export interface StoredValue {
  /** index into ControlPlane.apiServers of the API server that wrote it */
  apiServer: number
  /** index into EncryptionState.deks; absent: written in plain protobuf (the identity provider) */
  dek?: number
}

/** A KMS v2 data encryption key (in KDF mode: the seed the per-write keys are derived from). */
export interface DataKey {
  apiServer: number
  /** 32 bytes, hex: never leaves the API server's memory on a real cluster */
  seed: string
  /** what KMS Encrypt returned for the seed, hex (EncryptedObject.encryptedDEKSource) */
  encryptedDEKSource: string
  /** the KMS key (KEK) that wrapped it: EncryptedObject.keyID */
  keyId: string
  /** the name in the `k8s:enc:kms:v2:<providerName>:` prefix */
  providerName: string
  /** HKDF_SHA256_XNONCE_AES_GCM_SEED (1.29+) or AES_GCM_KEY (the DEK used directly) */
  sourceType: 'HKDF_SHA256_XNONCE_AES_GCM_SEED' | 'AES_GCM_KEY'
  /** simulated ms when it was made */
  createdAt: number
}

export interface EncryptionState {
  /** every DEK ever made; the API servers use their latest one for new writes */
  deks: DataKey[]
  /** per API server: index of its current DEK in `deks`, if it encrypts at all */
  current: (number | undefined)[]
  /** which resources new writes encrypt: 'all' (EKS 1.28+) or a list such as ['secrets'] */
  resources: 'all' | string[]
}

export interface RaftState {
  term: number
  /** index of the last committed log entry */
  commitIndex: number
}
