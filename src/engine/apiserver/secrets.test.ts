import { describe, expect, it } from 'vitest'
import { TestCluster } from '../testing/TestCluster.ts'
import type { Secret } from '../model/k8s.ts'
import { ApiError } from './errors.ts'
import { goBase64ErrorOffset } from './secrets.ts'
import { updateObject } from './api.ts'
import { deepClone } from '../clone.ts'

function cluster() {
  const c = new TestCluster({ seed: 7 })
  c.settle()
  return c
}

function createError(c: TestCluster, obj: Record<string, unknown>): ApiError {
  try {
    c.create({ apiVersion: 'v1', kind: 'Secret', metadata: {}, ...obj })
  } catch (e) {
    return e as ApiError
  }
  throw new Error('expected the API server to refuse it')
}

describe("Go's base64 decoder positions (what the API server reports)", () => {
  it.each([
    ['YWRtaW4=', undefined],
    ['czNjcjN0', undefined],
    ['', undefined],
    // values seen in real error reports: kubernetes/kubernetes#7817 ("wombat", "admin" → byte 4),
    // #31548 ("billy" → byte 4), cert-manager-webhook-pdns#53 ("APIKEY_BASE64" → byte 6),
    // argocd-vault-plugin#381 ("<foo>" → byte 0)
    ['wombat', 4],
    ['admin', 4],
    ['billy', 4],
    ['APIKEY_BASE64', 6],
    ['<foo>', 0],
    ['YWJj=', 4],
    ['YQ=', 3],
    ['YQ==YQ==', 4],
    ['YW\nJj', undefined],
  ])('%j → %s', (input, at) => {
    expect(goBase64ErrorOffset(input)).toBe(at)
  })
})

describe('Secrets in the API server', () => {
  it('defaults type to Opaque, merges stringData into data and never stores it', () => {
    const c = cluster()
    const s = c.create<Secret>({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      data: { username: 'YWRtaW4=' },
      stringData: { password: 's3cr3t', username: 'root' },
    })
    expect(s.type).toBe('Opaque')
    expect(s.data).toEqual({ username: 'cm9vdA==', password: 'czNjcjN0' })
    expect('stringData' in s).toBe(false)
    expect(JSON.stringify(c.get('Secret', 'db'))).not.toContain('stringData')
  })

  it('refuses invalid base64 with the decoder message', () => {
    const c = cluster()
    const e = createError(c, { metadata: { name: 'x' }, data: { key: 'APIKEY_BASE64' } })
    expect(e.reason).toBe('BadRequest')
    expect(e.message).toBe(
      'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 6',
    )
  })

  it('validates key names, the 1 MiB limit and the keys each type needs', () => {
    const c = cluster()
    const bad = createError(c, { metadata: { name: 'x' }, stringData: { 'a b': 'v' } })
    expect(bad.details?.causes).toEqual([
      `data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    ])
    expect(bad.message).toMatch(/^Secret "x" is invalid: data\[a b\]: Invalid value/)
    const big = createError(c, {
      metadata: { name: 'x' },
      stringData: { a: 'x'.repeat(600_000), b: 'y'.repeat(600_000) },
    })
    expect(big.details?.causes).toEqual(['data: Too long: may not be more than 1048576 bytes'])
    const docker = createError(c, {
      metadata: { name: 'x' },
      type: 'kubernetes.io/dockerconfigjson',
      data: {},
    })
    expect(docker.details?.causes).toEqual(['data[.dockerconfigjson]: Required value'])
    const tls = createError(c, {
      metadata: { name: 'x' },
      type: 'kubernetes.io/tls',
      stringData: { 'tls.crt': 'c' },
    })
    expect(tls.details?.causes).toEqual(['data[tls.key]: Required value'])
    // exactly 1 MiB is fine
    c.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'max' },
      stringData: { a: 'x'.repeat(1024 * 1024) },
    })
  })

  it('locks data of an immutable Secret and never lets type change', () => {
    const c = cluster()
    const s = c.create<Secret>({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'frozen' },
      immutable: true,
      stringData: { a: '1' },
    })
    const changed = deepClone(s)
    changed.data = { a: 'Mg==' }
    const r = c.sim.transact((ctx) => updateObject(ctx, changed))
    expect(r.ok).toBe(false)
    expect((r as { error: ApiError }).error.details?.causes).toEqual([
      'data: Forbidden: field is immutable when `immutable` is set',
    ])
    const retyped = deepClone(s)
    retyped.type = 'kubernetes.io/basic-auth'
    retyped.data = { ...retyped.data, username: 'dQ==' }
    retyped.immutable = true
    const r2 = c.sim.transact((ctx) => updateObject(ctx, retyped))
    expect((r2 as { error: ApiError }).error.details?.causes).toContain(
      'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
    )
  })
})
