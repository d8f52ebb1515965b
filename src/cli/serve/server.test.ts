import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'node:http'
import fc from 'fast-check'
import { createSimulation } from '../../engine/index.ts'
import { startKubeApi, type KubeApiServer } from './server.ts'

// The served API without kubectl: real Status bodies for what is not there, and no request, however
// malformed, crashes the server or gets anything but a Status when it fails.

interface Res {
  code: number
  type: string
  body: string
}

function send(port: number, method: string, path: string, body?: string, type?: string) {
  return new Promise<Res>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: { ...(type ? { 'Content-Type': type } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            code: res.statusCode ?? 0,
            type: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
      },
    )
    req.on('error', reject)
    if (body !== undefined) req.write(body)
    req.end()
  })
}

describe('served Kubernetes API', () => {
  let server: KubeApiServer
  beforeAll(async () => {
    server = await startKubeApi(createSimulation({ seed: 3 }), { port: 0 })
  })
  afterAll(() => server.close())

  it('answers unknown paths and methods with the real Status bodies', async () => {
    const notFound = await send(server.port, 'GET', '/apis/batch/v1/jobs')
    expect(notFound.code).toBe(404)
    expect(JSON.parse(notFound.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server could not find the requested resource',
      reason: 'NotFound',
      details: {},
      code: 404,
    })
    const method = await send(server.port, 'POST', '/api/v1/namespaces/default/pods/x')
    expect(method.code).toBe(405)
    expect(JSON.parse(method.body).reason).toBe('MethodNotAllowed')
    const pod = await send(server.port, 'GET', '/api/v1/namespaces/default/pods/nosuch')
    expect(JSON.parse(pod.body)).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'pods "nosuch" not found',
      details: { name: 'nosuch', kind: 'pods' },
    })
    const bad = await send(
      server.port,
      'POST',
      '/api/v1/namespaces/default/pods',
      '{"kind":',
      'application/json',
    )
    expect(bad.code).toBe(400)
    expect(JSON.parse(bad.body).reason).toBe('BadRequest')
  })

  it('lists with field selectors and prints Tables', async () => {
    const res = await send(
      server.port,
      'GET',
      '/api/v1/pods?fieldSelector=metadata.namespace%3Dkube-system,status.phase%3DRunning',
    )
    const list = JSON.parse(res.body)
    expect(list.kind).toBe('PodList')
    expect(list.items.length).toBeGreaterThan(0)
    expect(
      list.items.every((p: { status: { phase: string } }) => p.status.phase === 'Running'),
    ).toBe(true)
  })

  const SEGMENTS = [
    'api',
    'apis',
    'v1',
    'apps',
    'namespaces',
    'default',
    'kube-system',
    'pods',
    'deployments',
    'nodes',
    'scale',
    'log',
    'status',
    'openapi',
    'v3',
    'version',
    '%zz',
    '..',
    '',
  ]
  const path = fc
    .tuple(
      fc.array(fc.oneof(fc.constantFrom(...SEGMENTS), fc.string({ maxLength: 8 })), {
        maxLength: 8,
      }),
      fc.array(
        fc.tuple(
          fc.constantFrom('labelSelector', 'fieldSelector', 'tailLines', 'container', 'dryRun'),
          fc.string({ maxLength: 12 }),
        ),
        { maxLength: 3 },
      ),
    )
    .map(([segs, q]) => {
      const p =
        '/' + segs.map((s) => (s === '%zz' || s === '..' ? s : encodeURIComponent(s))).join('/')
      const qs = q.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')
      return qs ? `${p}?${qs}` : p
    })
  const body = fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 40 }),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    fc
      .record({
        kind: fc.constantFrom('Pod', 'Deployment', 'Namespace', 'Scale', 'x'),
        metadata: fc.record({ name: fc.string({ maxLength: 10 }) }),
        spec: fc.jsonValue({ maxDepth: 2 }),
      })
      .map((v) => JSON.stringify(v)),
  )

  it('never crashes on random paths, methods and bodies, and fails with a Status', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND'),
        path,
        body,
        fc.constantFrom(
          'application/json',
          'application/merge-patch+json',
          'application/json-patch+json',
          'application/strategic-merge-patch+json',
          'text/plain',
        ),
        async (method, p, b, type) => {
          const res = await send(server.port, method, p, b, type)
          expect(res.code).toBeGreaterThanOrEqual(200)
          expect(res.code).toBeLessThan(600)
          if (res.code >= 400) {
            const s = JSON.parse(res.body)
            expect(s.kind).toBe('Status')
            expect(s.code).toBe(res.code)
            expect(res.code).not.toBe(500)
          }
        },
      ),
      { numRuns: 300 },
    )
    expect((await send(server.port, 'GET', '/version')).code).toBe(200)
  })
})
