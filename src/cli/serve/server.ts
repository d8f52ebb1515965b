import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ClusterState, KObject, Pod, ResourceInfo, Simulation } from '../../engine/index.ts'
import {
  ApiError,
  RESOURCES,
  apiVersionOf,
  createObject,
  deleteObjectGracefully,
  getObject,
  kubeletUnreachableError,
  listObjects,
  patchObject,
  readPodLogs,
  rfc3339,
  updateObject,
} from '../../engine/index.ts'
import { formatSelector } from '../../console/printers.ts'
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery.ts'
import { fieldFilter, jsonPatch, labelFilter, mergePatch, type Filter } from './query.ts'
import {
  METHOD_NOT_ALLOWED,
  PATH_NOT_FOUND,
  badRequest,
  failure,
  fromError,
  type StatusBody,
} from './status.ts'
import type { RequestAttributes, UserInfo } from '../../engine/index.ts'
import { authorize, clusterCreator, forbidden, impersonate } from '../../engine/index.ts'
import { decodeAccessReview } from './protobuf.ts'
import { selfSubjectAccessReview, selfSubjectReview } from './reviews.ts'
import { openApiV3Doc, openApiV3Root } from './openapi.ts'
import { toTable, wantsTable, type IncludeObject } from './table.ts'
import { shiftFor, shiftTimestamp, shiftTimestamps } from './timeshift.ts'

// The simulated cluster's Kubernetes API on 127.0.0.1, for a real kubectl. Every request runs
// against the same Simulation as the console, through the same engine verbs (createObject,
// deleteObjectGracefully, updateObject), one transaction each. The virtual clock: like the Node
// console (settleAfterCommands), a successful mutating request lets the cluster settle before it
// answers, so `kubectl create` then `kubectl get` shows what the console would show; between
// requests the clock moves only when the console runs a command (e.g. `sleep 30`). Watches and
// `logs -f` stream whatever the engine commits, from either side.

export interface ServeOptions {
  /** 0 picks a free port */
  port?: number
  /** the host's clock, for anchoring timestamps (tests pass a fixed offset from simulated time) */
  wallClock?: () => number
  /** settle after each successful mutating request (default true, as the Node console does) */
  settle?: boolean
}

export interface KubeApiServer {
  readonly port: number
  readonly url: string
  /** ms added to every simulated timestamp in responses */
  shiftMs(): number
  close(): Promise<void>
}

const MAX_BODY = 3 * 1024 * 1024 // the apiserver's request body limit (3 MiB)

interface Request {
  method: string
  segs: string[]
  query: URLSearchParams
  accept: string
  contentType: string
  body: string
  raw: Uint8Array
  /** Impersonate-User / Impersonate-Group (kubectl --as / --as-group) */
  as?: string
  asGroups: string[]
}

type Reply =
  | { code: number; json: unknown }
  | { code: number; text: string }
  | { stream: (res: ServerResponse, req: IncomingMessage) => void }

const status = (s: StatusBody): Reply => ({ code: s.code, json: s })

export function startKubeApi(sim: Simulation, opts: ServeOptions = {}): Promise<KubeApiServer> {
  const wall = opts.wallClock ?? (() => Date.now())
  const shift = () => shiftFor(wall(), sim.state.now)
  const settle = opts.settle ?? true
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) tooLarge = true
      else chunks.push(c)
    })
    req.on('error', () => res.destroy())
    req.on('end', () => {
      let reply: Reply
      try {
        if (tooLarge)
          reply = status(
            failure(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'),
          )
        else {
          const raw = Buffer.concat(chunks)
          const parsed = parseRequest(req, raw.toString('utf8'), raw)
          reply = typeof parsed === 'string' ? status(badRequest(parsed)) : handle(parsed)
        }
      } catch (e) {
        reply = status(fromError(e))
      }
      send(res, req, reply)
    })
  })

  // requests Node's HTTP parser rejects still get a Status, not a bare 400
  server.on('clientError', (e: Error, socket) => {
    if (!socket.writable) return socket.destroy()
    const body = JSON.stringify(badRequest(`malformed HTTP request: ${e.message}`))
    socket.end(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  })

  function send(res: ServerResponse, req: IncomingMessage, reply: Reply) {
    if ('stream' in reply) return reply.stream(res, req)
    if ('text' in reply) {
      res.writeHead(reply.code, { 'Content-Type': 'text/plain' })
      res.end(reply.text)
      return
    }
    const body = JSON.stringify(shiftTimestamps(reply.json, shift()))
    res.writeHead(reply.code, { 'Content-Type': 'application/json' })
    res.end(body)
  }

  function parseRequest(req: IncomingMessage, body: string, raw: Uint8Array): Request | string {
    let url: URL
    let segs: string[]
    try {
      // not new URL(path, base): a path starting with // would read as a host
      url = new URL(
        `http://127.0.0.1${(req.url ?? '/').startsWith('/') ? '' : '/'}${req.url ?? ''}`,
      )
      segs = url.pathname.split('/').filter(Boolean).map(decodeURIComponent)
    } catch {
      return `invalid request URI: ${JSON.stringify(req.url ?? '')}`
    }
    return {
      method: req.method ?? 'GET',
      segs,
      query: url.searchParams,
      accept: String(req.headers.accept ?? ''),
      contentType: String(req.headers['content-type'] ?? ''),
      body,
      raw,
      ...(typeof req.headers['impersonate-user'] === 'string'
        ? { as: req.headers['impersonate-user'] }
        : {}),
      asGroups: req.headersDistinct['impersonate-group'] ?? [],
    }
  }

  function handle(r: Request): Reply {
    const [a, b, c] = r.segs
    const discovery = (doc: unknown): Reply =>
      r.method !== 'GET'
        ? status(METHOD_NOT_ALLOWED())
        : doc
          ? { code: 200, json: doc }
          : status(PATH_NOT_FOUND())
    if (r.segs.length === 0) return discovery({ paths: ['/api', '/api/v1', '/apis', '/version'] })
    if (a === 'version' && r.segs.length === 1) return discovery(versionInfo(sim.state))
    if (a === 'api') {
      if (r.segs.length === 1) return discovery(apiVersions(`127.0.0.1:${port()}`))
      if (b !== 'v1') return status(PATH_NOT_FOUND())
      if (r.segs.length === 2) return discovery(apiResourceList('', 'v1'))
      const empty = emptyPolicyList(r)
      if (empty) return empty
      return resource(r, '', 'v1', r.segs.slice(2))
    }
    if (a === 'apis') {
      const lease = nodeLease(r)
      if (lease) return lease
      const review = reviews(r)
      if (review) return review
      if (r.segs.length === 1) return discovery(apiGroupList())
      if (r.segs.length === 2) return discovery(apiGroup(b!))
      if (r.segs.length === 3) return discovery(apiResourceList(b!, c!))
      return resource(r, b!, c!, r.segs.slice(3))
    }
    if (a === 'openapi' && b === 'v3') {
      if (r.segs.length === 2) return discovery(openApiV3Root())
      return discovery(openApiV3Doc(r.segs.slice(2).join('/')))
    }
    // /openapi/v2 is not served (kubectl falls back to v3 or to its built-in types)
    return status(PATH_NOT_FOUND())
  }

  /**
   * GET of a node's Lease in kube-node-lease, which `kubectl describe node` reads. Simplified, as in
   * the console's describe: the simulation keeps no Lease objects; the kubelet holds its node's
   * Lease and renews it every 10 s, so the renewal is shown as now. Not listed in discovery.
   */
  function nodeLease(r: Request): Reply | undefined {
    const [, g, v, nsWord, ns, plural, name, ...more] = r.segs
    if (g !== 'coordination.k8s.io' || v !== 'v1' || nsWord !== 'namespaces' || plural !== 'leases')
      return undefined
    if (r.method !== 'GET' || !name || more.length) return status(METHOD_NOT_ALLOWED())
    const node =
      ns === 'kube-node-lease' ? getObject(sim.state, 'Node', undefined, name) : undefined
    if (!node)
      return status(
        fromError(
          new ApiError('NotFound', `leases.coordination.k8s.io "${name}" not found`, {
            name,
            group: 'coordination.k8s.io',
            kind: 'leases',
          }),
        ),
      )
    return {
      code: 200,
      json: {
        kind: 'Lease',
        apiVersion: 'coordination.k8s.io/v1',
        metadata: {
          name,
          namespace: 'kube-node-lease',
          creationTimestamp: node.metadata.creationTimestamp,
        },
        spec: {
          holderIdentity: name,
          leaseDurationSeconds: 40,
          renewTime: microTime(sim.state.now),
        },
      },
    }
  }

  /** The requester: the cluster creator, or whom they impersonate (kubectl --as/--as-group). */
  function userOf(r: Request): UserInfo | StatusBody {
    const creator = clusterCreator(sim.state.aws)
    if (r.as === undefined) return creator
    const u = impersonate(sim.state, creator, r.as, r.asGroups)
    return u instanceof ApiError ? fromError(u) : u
  }

  /** The authorization filter, with the verb the apiserver derives from method and query. */
  function authorizeRequest(
    r: Request,
    info: ResourceInfo,
    ns: string | undefined,
    name: string | undefined,
    sub: string | undefined,
  ): Reply | undefined {
    const user = userOf(r)
    if (isStatus(user)) return status(user)
    const watching = r.query.get('watch') === 'true' || r.query.get('watch') === '1'
    const verb =
      r.method === 'GET'
        ? name === undefined
          ? watching
            ? 'watch'
            : 'list'
          : 'get'
        : r.method === 'POST'
          ? 'create'
          : r.method === 'PUT'
            ? 'update'
            : r.method === 'PATCH'
              ? 'patch'
              : r.method === 'DELETE'
                ? name === undefined
                  ? 'deletecollection'
                  : 'delete'
                : undefined
    if (!verb) return undefined
    const attrs: RequestAttributes = {
      user,
      verb,
      apiGroup: info.group,
      resource: info.resource,
      ...(sub ? { subresource: sub } : {}),
      namespace: ns ?? '',
      ...(name !== undefined ? { name } : {}),
    }
    const d = authorize(sim.state, attrs)
    return d.allowed ? undefined : status(fromError(forbidden(attrs, d.reason)))
  }

  function reviews(r: Request): Reply | undefined {
    const path = r.segs.join('/')
    const access = path === 'apis/authorization.k8s.io/v1/selfsubjectaccessreviews'
    const who = path === 'apis/authentication.k8s.io/v1/selfsubjectreviews'
    if (!access && !who) return undefined
    if (r.method !== 'POST') return status(METHOD_NOT_ALLOWED())
    const user = userOf(r)
    if (isStatus(user)) return status(user)
    if (who) return { code: 201, json: selfSubjectReview(user) }
    let b: Record<string, unknown> | StatusBody
    if (/protobuf/.test(r.contentType)) {
      const decoded = decodeAccessReview(r.raw)
      b = typeof decoded === 'string' ? badRequest(decoded) : decoded
    } else b = body(r)
    if (isStatus(b)) return status(b)
    const review = selfSubjectAccessReview(sim.state, user, b)
    if (!review)
      return status(
        failure(
          422,
          'Invalid',
          'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
        ),
      )
    return { code: 201, json: review }
  }

  /** `kubectl describe namespace` lists these; none are modelled, so a namespace has none. */
  function emptyPolicyList(r: Request): Reply | undefined {
    const [, v, nsWord, , plural, ...more] = r.segs
    const kinds: Record<string, string> = {
      resourcequotas: 'ResourceQuotaList',
      limitranges: 'LimitRangeList',
    }
    if (v !== 'v1' || nsWord !== 'namespaces' || !plural || !kinds[plural] || more.length)
      return undefined
    if (r.method !== 'GET') return status(METHOD_NOT_ALLOWED())
    return {
      code: 200,
      json: {
        kind: kinds[plural],
        apiVersion: 'v1',
        metadata: { resourceVersion: String(sim.state.etcd.revision) },
        items: [],
      },
    }
  }

  function resource(r: Request, group: string, version: string, rest: string[]): Reply {
    let ns: string | undefined
    let parts = rest
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      ns = rest[1]
      parts = rest.slice(2)
    }
    const [plural, name, sub, ...extra] = parts
    const info = RESOURCES.find(
      (x) => x.group === group && x.version === version && x.resource === plural,
    )
    if (!info || extra.length || (ns !== undefined && !info.namespaced))
      return status(PATH_NOT_FOUND())
    const denied = authorizeRequest(r, info, ns, name, sub)
    if (denied) return denied
    if (name === undefined) {
      if (r.method === 'GET') return list(r, info, ns)
      if (r.method === 'POST') return create(r, info, ns)
      return status(METHOD_NOT_ALLOWED())
    }
    if (info.namespaced && ns === undefined) return status(PATH_NOT_FOUND())
    if (sub === 'log' && info.kind === 'Pod') {
      if (r.method !== 'GET') return status(METHOD_NOT_ALLOWED())
      return logs(r, ns!, name)
    }
    if (sub === 'scale' && (info.kind === 'Deployment' || info.kind === 'ReplicaSet'))
      return scale(r, info, ns!, name)
    if (sub !== undefined && sub !== 'status') return status(PATH_NOT_FOUND())
    switch (r.method) {
      case 'GET': {
        const obj = getObject(sim.state, info.kind, ns, name)
        if (!obj) return status(fromError(notFoundFor(info, name)))
        return one(r, info, obj)
      }
      case 'DELETE':
        return remove(r, info, ns, name)
      case 'PUT':
        return put(r, info, ns, name)
      case 'PATCH':
        return patch(r, info, ns, name)
      default:
        return status(METHOD_NOT_ALLOWED())
    }
  }

  function typed(info: ResourceInfo, o: KObject): KObject {
    return { ...o, apiVersion: apiVersionOf(info), kind: info.kind } as KObject
  }

  function include(r: Request): IncludeObject {
    const v = r.query.get('includeObject')
    return v === 'None' || v === 'Object' ? v : 'Metadata'
  }

  function one(r: Request, info: ResourceInfo, obj: KObject): Reply {
    const rv = obj.metadata.resourceVersion ?? ''
    if (wantsTable(r.accept))
      return { code: 200, json: toTable(sim.state, info, [typed(info, obj)], include(r), rv) }
    return { code: 200, json: typed(info, obj) }
  }

  function filters(r: Request): Filter | string {
    const l = labelFilter(r.query.get('labelSelector'))
    if (typeof l === 'string') return `unable to parse requirement: ${l}`
    const f = fieldFilter(r.query.get('fieldSelector'))
    if (typeof f === 'string') return f
    return (o) => l(o) && f(o)
  }

  function matching(state: ClusterState, info: ResourceInfo, ns: string | undefined, f: Filter) {
    return listObjects(state, info.kind, info.namespaced ? ns : undefined)
      .filter(f)
      .map((o) => typed(info, o))
  }

  function list(r: Request, info: ResourceInfo, ns: string | undefined): Reply {
    const f = filters(r)
    if (typeof f === 'string') return status(badRequest(f))
    const w = r.query.get('watch')
    if (w === 'true' || w === '1') return watch(r, info, ns, f)
    const items = matching(sim.state, info, ns, f)
    const rv = String(sim.state.etcd.revision)
    if (wantsTable(r.accept))
      return { code: 200, json: toTable(sim.state, info, items, include(r), rv) }
    return {
      code: 200,
      json: {
        kind: `${info.kind}List`,
        apiVersion: apiVersionOf(info),
        metadata: { resourceVersion: rv },
        items,
      },
    }
  }

  /**
   * Streams WatchEvents as JSON lines. Simplification: there is no event history, so a watch that
   * names a resourceVersion starts from the current state (a change committed between kubectl's
   * list and its watch would be missed; requests are handled one at a time, so only a console
   * command in between can do that).
   */
  function watch(r: Request, info: ResourceInfo, ns: string | undefined, f: Filter): Reply {
    const table = wantsTable(r.accept)
    const inc = include(r)
    const rv = r.query.get('resourceVersion')
    const timeout = Number(r.query.get('timeoutSeconds') ?? '0')
    return {
      stream(res) {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' })
        res.flushHeaders() // kubectl's watch is open once the headers arrive
        let first = true
        const seen = new Map<string, KObject>()
        const key = (o: KObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`
        const emit = (type: string, obj: KObject) => {
          let object: unknown = obj
          if (table) {
            // as the apiserver does, only the first event carries the column definitions
            const { columnDefinitions, ...rest } = toTable(
              sim.state,
              info,
              [obj],
              inc,
              obj.metadata.resourceVersion ?? '',
            )
            object = first ? { ...rest, columnDefinitions } : rest
          }
          first = false
          res.write(JSON.stringify(shiftTimestamps({ type, object }, shift())) + '\n')
        }
        const sync = (state: ClusterState, announce: boolean) => {
          const now = new Map(matching(state, info, ns, f).map((o) => [key(o), o]))
          for (const [k, o] of now) {
            const prev = seen.get(k)
            if (!prev) {
              if (announce) emit('ADDED', o)
            } else if (prev.metadata.resourceVersion !== o.metadata.resourceVersion)
              emit('MODIFIED', o)
            seen.set(k, o)
          }
          for (const [k, o] of seen)
            if (!now.has(k)) {
              seen.delete(k)
              emit('DELETED', o)
            }
        }
        sync(sim.state, !rv || rv === '0')
        const unsubscribe = sim.subscribe((_e, state) => sync(state, true))
        const timer =
          timeout > 0 ? setTimeout(() => res.end(), Math.min(timeout, 3600) * 1000) : undefined
        const stop = () => {
          unsubscribe()
          if (timer) clearTimeout(timer)
        }
        res.on('close', stop)
      },
    }
  }

  function body(r: Request): Record<string, unknown> | StatusBody {
    if (/protobuf|cbor/.test(r.contentType))
      return failure(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
      )
    let parsed: unknown
    try {
      parsed = JSON.parse(r.body)
    } catch (e) {
      return badRequest(
        `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (${(e as Error).message})`,
      )
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      return badRequest('the body of the request must be a JSON object')
    return shiftTimestamps(parsed as Record<string, unknown>, -shift())
  }
  const isStatus = (x: unknown): x is StatusBody =>
    !!x && typeof x === 'object' && (x as StatusBody).kind === 'Status' && 'code' in x

  function commit<T>(fn: Parameters<Simulation['transact']>[0]): T | StatusBody {
    const res = sim.transact(fn)
    if (!res.ok) return fromError(res.error)
    if (settle) sim.settle()
    return res.value as T
  }

  function create(r: Request, info: ResourceInfo, ns: string | undefined): Reply {
    const obj = body(r)
    if (isStatus(obj)) return status(obj)
    const meta = (obj.metadata ?? {}) as Record<string, unknown>
    if (typeof meta !== 'object' || Array.isArray(meta))
      return status(badRequest('metadata must be an object'))
    if (obj.kind !== undefined && obj.kind !== info.kind)
      return status(
        badRequest(
          `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersionOf(info)})`,
        ),
      )
    if (info.namespaced) {
      if (meta.namespace !== undefined && ns !== undefined && meta.namespace !== ns)
        return status(
          badRequest(
            'the namespace of the provided object does not match the namespace sent on the request',
          ),
        )
      if (ns === undefined) return status(METHOD_NOT_ALLOWED())
    }
    const input = {
      ...obj,
      apiVersion: apiVersionOf(info),
      kind: info.kind,
      metadata: { ...meta, ...(ns !== undefined ? { namespace: ns } : {}) },
    }
    const dryRun = r.query.getAll('dryRun').includes('All')
    const created = commit<KObject>((ctx) => createObject(ctx, input as never, { dryRun }))
    if (isStatus(created)) return status(created)
    const now = getObject(sim.state, info.kind, ns, created.metadata.name) ?? created
    return { code: 201, json: typed(info, dryRun ? created : now) }
  }

  function remove(r: Request, info: ResourceInfo, ns: string | undefined, name: string): Reply {
    let grace: number | undefined
    if (r.body.trim()) {
      const opts = body(r)
      if (isStatus(opts)) return status(opts)
      if (typeof opts.gracePeriodSeconds === 'number') grace = opts.gracePeriodSeconds
    }
    const q = r.query.get('gracePeriodSeconds')
    if (q !== null && Number.isInteger(Number(q))) grace = Number(q)
    const deleted = commit<KObject>((ctx) =>
      deleteObjectGracefully(
        ctx,
        info.kind,
        ns,
        name,
        grace !== undefined ? { gracePeriodSeconds: grace } : {},
      ),
    )
    if (isStatus(deleted)) return status(deleted)
    const still = getObject(sim.state, info.kind, ns, name)
    // graceful deletion answers with the object (deletionTimestamp set); otherwise a Success Status
    if (still && still.metadata.uid === deleted.metadata.uid)
      return { code: 200, json: typed(info, still) }
    return {
      code: 200,
      json: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: {
          name,
          ...(info.group ? { group: info.group } : {}),
          kind: info.resource,
          uid: deleted.metadata.uid,
        },
      },
    }
  }

  function applyPatch(r: Request, current: unknown): unknown | StatusBody {
    let p: unknown
    try {
      p = JSON.parse(r.body)
    } catch (e) {
      return badRequest(`error decoding patch: ${(e as Error).message}`)
    }
    p = shiftTimestamps(p, -shift())
    const type = r.contentType.split(';')[0]!.trim()
    if (type === 'application/json-patch+json') {
      try {
        return jsonPatch(current, p)
      } catch (e) {
        return failure(422, 'Invalid', (e as Error).message)
      }
    }
    if (
      type === 'application/merge-patch+json' ||
      type === 'application/strategic-merge-patch+json'
    ) {
      if (!p || typeof p !== 'object' || Array.isArray(p))
        return badRequest('error decoding patch: a merge patch must be a JSON object')
      return mergePatch(current, p)
    }
    return failure(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
    )
  }

  function patch(r: Request, info: ResourceInfo, ns: string | undefined, name: string): Reply {
    const current = getObject(sim.state, info.kind, ns, name)
    if (!current) return status(fromError(notFoundFor(info, name)))
    const next = applyPatch(r, typed(info, current))
    if (isStatus(next)) return status(next)
    if (!next || typeof next !== 'object')
      return status(badRequest('the patch result is not an object'))
    return replace(info, ns, name, next as KObject)
  }

  function put(r: Request, info: ResourceInfo, ns: string | undefined, name: string): Reply {
    const obj = body(r)
    if (isStatus(obj)) return status(obj)
    const meta = obj.metadata as { name?: string } | undefined
    if (meta?.name !== undefined && meta.name !== name)
      return status(badRequest('the name of the object does not match the name on the URL'))
    if (!getObject(sim.state, info.kind, ns, name))
      return status(fromError(notFoundFor(info, name)))
    return replace(info, ns, name, obj as unknown as KObject)
  }

  function replace(info: ResourceInfo, ns: string | undefined, name: string, obj: KObject): Reply {
    const current = getObject(sim.state, info.kind, ns, name)!
    // a plain copy: patches share (frozen) subtrees with the stored object
    obj = JSON.parse(JSON.stringify(obj)) as KObject
    const next = {
      ...obj,
      apiVersion: apiVersionOf(info),
      kind: info.kind,
      metadata: {
        ...(obj.metadata ?? {}),
        name,
        ...(ns !== undefined ? { namespace: ns } : {}),
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
      },
    } as KObject
    const done = commit<KObject>((ctx) => updateObject(ctx, next))
    if (isStatus(done)) return status(done)
    return { code: 200, json: typed(info, getObject(sim.state, info.kind, ns, name) ?? done) }
  }

  function scaleOf(_info: ResourceInfo, o: KObject) {
    const w = o as unknown as {
      spec: { replicas?: number; selector?: Parameters<typeof formatSelector>[0] }
      status?: { replicas?: number }
    }
    const sel = formatSelector(w.spec.selector)
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: o.metadata.name,
        namespace: o.metadata.namespace,
        uid: o.metadata.uid,
        resourceVersion: o.metadata.resourceVersion,
        creationTimestamp: o.metadata.creationTimestamp,
      },
      spec: { replicas: w.spec.replicas ?? 0 },
      status: { replicas: w.status?.replicas ?? 0, ...(sel !== '<none>' ? { selector: sel } : {}) },
    }
  }

  function scale(r: Request, info: ResourceInfo, ns: string, name: string): Reply {
    const current = getObject(sim.state, info.kind, ns, name)
    if (!current) return status(fromError(notFoundFor(info, name)))
    if (r.method === 'GET') return { code: 200, json: scaleOf(info, current) }
    let next: unknown
    if (r.method === 'PATCH') next = applyPatch(r, scaleOf(info, current))
    else if (r.method === 'PUT') next = body(r)
    else return status(METHOD_NOT_ALLOWED())
    if (isStatus(next)) return status(next)
    const replicas = (next as { spec?: { replicas?: unknown } })?.spec?.replicas
    if (typeof replicas !== 'number' || !Number.isInteger(replicas))
      return status(
        failure(
          422,
          'Invalid',
          `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas ?? null)}: must be an integer`,
        ),
      )
    const done = commit<KObject>((ctx) =>
      patchObject(ctx, info.kind as 'Deployment', ns, name, (o) => {
        o.spec.replicas = replicas
      }),
    )
    if (isStatus(done)) return status(done)
    return { code: 200, json: scaleOf(info, getObject(sim.state, info.kind, ns, name) ?? done) }
  }

  function logs(r: Request, ns: string, name: string): Reply {
    const pod = getObject(sim.state, 'Pod', ns, name) as Pod | undefined
    if (!pod)
      return status(
        fromError(
          notFoundFor(
            RESOURCES.find((x) => x.kind === 'Pod')!,
            name,
          ),
        ),
      )
    const names = pod.spec.containers.map((c) => c.name)
    let container = r.query.get('container') ?? undefined
    if (!container) {
      if (names.length !== 1)
        return status(
          badRequest(
            `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`,
          ),
        )
      container = names[0]!
    }
    const previous = r.query.get('previous') === 'true'
    const follow = r.query.get('follow') === 'true'
    const timestamps = r.query.get('timestamps') === 'true'
    const tail = r.query.get('tailLines')
    const since = r.query.get('sinceSeconds')
    const read = (state: ClusterState, first: boolean) => {
      const p = getObject(state, 'Pod', ns, name) as Pod | undefined
      if (!p || p.metadata.uid !== pod.metadata.uid) return undefined
      const down = kubeletUnreachableError(state, p, container, { follow, previous })
      if (down) return { error: down }
      return readPodLogs(state, p, {
        namespace: ns,
        pod: name,
        container,
        previous,
        ...(first && tail !== null && Number.isInteger(Number(tail))
          ? { tailLines: Number(tail) }
          : {}),
        ...(first && since !== null && Number(since) > 0 ? { sinceMs: Number(since) * 1000 } : {}),
      })
    }
    const format = (l: { timestamp: string; message: string }) =>
      `${timestamps ? `${shiftTimestamp(l.timestamp, shift())} ` : ''}${l.message}\n`
    const res = read(sim.state, true)!
    if ('error' in res) {
      const m = /^Error from server(?: \((\w+)\))?: ([\s\S]*)$/.exec(res.error)
      const reason = m?.[1] ?? ''
      const code = reason === 'NotFound' ? 404 : 500
      const s = failure(code, reason, m?.[2] ?? res.error)
      if (!reason) delete s.reason
      return status(s)
    }
    if (!res.ok) return status(badRequest(res.message))
    const text = res.lines.map(format).join('')
    if (!follow) return { code: 200, text }
    return {
      stream(out) {
        out.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' })
        out.flushHeaders()
        out.write(text)
        let last = res.lines.at(-1)
        const unsubscribe = sim.subscribe((_e, state) => {
          const now = read(state, false)
          if (!now || 'error' in now || !now.ok) {
            unsubscribe()
            out.end()
            return
          }
          const fresh = last
            ? now.lines.filter(
                (l) => l.time > last!.time || (l.time === last!.time && l.ns > last!.ns),
              )
            : now.lines
          if (fresh.length) {
            out.write(fresh.map(format).join(''))
            last = fresh.at(-1)
          }
        })
        out.on('close', unsubscribe)
      },
    }
  }

  const port = () => (server.address() as AddressInfo | null)?.port ?? 0

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 6443, '127.0.0.1', () => {
      server.off('error', reject)
      resolve({
        port: port(),
        url: `http://127.0.0.1:${port()}`,
        shiftMs: shift,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          }),
      })
    })
  })
}

function notFoundFor(info: ResourceInfo, name: string): ApiError {
  const gr = info.group ? `${info.resource}.${info.group}` : info.resource
  return new ApiError('NotFound', `${gr} "${name}" not found`, {
    name,
    ...(info.group ? { group: info.group } : {}),
    kind: info.resource,
  })
}

/** metav1.MicroTime: RFC 3339 with exactly six fraction digits (kubectl rejects anything else). */
function microTime(simMs: number): string {
  const micros = String(Math.floor(simMs % 1000) * 1000).padStart(6, '0')
  return `${rfc3339(simMs).slice(0, 19)}.${micros}Z`
}
