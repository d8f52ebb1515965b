import type { Ctx } from '../context.ts'
import { EPOCH_MS } from '../time.ts'
import { writeContainerLog } from '../logs/rotate.ts'
import { containerFs } from '../node/containerFs.ts'
import { resolveImage } from '../workloads/images.ts'
import { utf8Bytes } from '../encoding.ts'
import { resolve, type ResolvConf, type Resolution } from './dns.ts'
import { tcpConnect, type Exchange, type PodRef } from './flow.ts'
import type { Place } from './path.ts'
import { ipamdEnis } from './ipam/introspect.ts'

// An HTTP request from a pod or a node, as curl and wget make it: resolve the host, connect, send
// one request, read one response. nginx's default server answers HTTP (the welcome page from the
// image's /usr/share/nginx/html, or nginx's 404 page), and so do the internet's hosts
// (internet.ts); another listener accepts the connection but what it would say is not simulated.

/** Linux: net.ipv4.tcp_syn_retries = 6, SYNs at 0,1,3,7,15,31,63 s and a last wait: 127 s */
export const TCP_SYN_TIMEOUT_MS = 127_000

export interface Url {
  scheme: 'http' | 'https'
  host: string
  port: number
  path: string
}

export function parseUrl(text: string): Url | undefined {
  const m = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):\/\/)?([^/:?#]+)(?::(\d+))?([^#]*)/.exec(text)
  if (!m || !m[2]) return undefined
  const scheme = (m[1] ?? 'http').toLowerCase()
  if (scheme !== 'http' && scheme !== 'https') return undefined
  const port = m[3] ? Number(m[3]) : scheme === 'https' ? 443 : 80
  if (port < 1 || port > 65535) return undefined
  return { scheme, host: m[2], port, path: m[4] || '/' }
}

export function isIpv4(s: string): boolean {
  return (
    /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s) &&
    s.split('.').every((x) => Number(x) <= 255)
  )
}

export interface Response {
  /** absent: HTTP/1.1. `HTTP/2` when the client negotiated h2 (curl over TLS): lowercase header
   * names, no reason phrase (curl prints `HTTP/2 200 `, with the space) */
  version?: 'HTTP/2'
  status: number
  reason: string
  headers: [string, string][]
  body: string
}

export type Connect =
  | { kind: 'resolve-failed'; resolution: Exclude<Resolution, { kind: 'ok' }> }
  | { kind: 'connected'; ip: string; exchange: Exchange; server?: PodRef; elapsedMs: number }
  /** RST, ICMP port unreachable or a REJECT: the connect failed at once */
  | { kind: 'refused'; ip: string; exchange: Exchange; elapsedMs: number; rejectWith?: string }
  /** nothing came back: the connect hung until a timeout */
  | { kind: 'timeout'; ip: string; exchange: Exchange; elapsedMs: number; byOption: boolean }

/** virtual ms a connect attempt took, whatever its end */
export function elapsedOf(c: Connect): number {
  return c.kind === 'resolve-failed' ? c.resolution.elapsedMs : c.elapsedMs
}

export interface ConnectOpts {
  resolv: ResolvConf
  libc: 'musl' | 'glibc'
  /** curl --connect-timeout / -m, wget -T, nc -w: when the client gives up waiting, in ms */
  timeoutMs?: number
  purpose: string
  requestBytes: number
  responseBytes(server: Exchange['server']): number
}

/** Resolves `host` (unless it is an address) and opens a TCP connection to it. */
export function connectTo(
  ctx: Ctx,
  from: Place,
  host: string,
  port: number,
  opts: ConnectOpts,
): Connect {
  let ip = host
  let elapsed = 0
  if (!isIpv4(host)) {
    const r = resolve(ctx, from, host, opts.resolv, opts.libc)
    if (r.kind !== 'ok') return { kind: 'resolve-failed', resolution: r }
    ip = r.addrs[0]!
    elapsed += r.elapsedMs
  }
  const x = tcpConnect(ctx, from, ip, port, opts)
  if (x.outcome === 'answered')
    return {
      kind: 'connected',
      ip,
      exchange: x,
      ...(x.server?.pod ? { server: x.server.pod } : {}),
      elapsedMs: elapsed + x.elapsedMs,
    }
  if (x.outcome === 'refused' || x.outcome === 'rejected')
    return {
      kind: 'refused',
      ip,
      exchange: x,
      elapsedMs: elapsed + x.elapsedMs,
      ...(x.rejectWith ? { rejectWith: x.rejectWith } : {}),
    }
  const byOption = opts.timeoutMs !== undefined && opts.timeoutMs < TCP_SYN_TIMEOUT_MS
  return {
    kind: 'timeout',
    ip,
    exchange: x,
    elapsedMs: elapsed + (byOption ? opts.timeoutMs! : TCP_SYN_TIMEOUT_MS),
    byOption,
  }
}

const NGINX_VERSION = '1.29.3'
/** the image's build time of /usr/share/nginx/html/index.html (Last-Modified, ETag) */
const NGINX_HTML_MTIME = Date.UTC(2025, 9, 28, 12, 5, 10) / 1000

const NOT_FOUND = `<html>
<head><title>404 Not Found</title></head>
<body>
<center><h1>404 Not Found</h1></center>
<hr><center>nginx/${NGINX_VERSION}</center>
</body>
</html>
`

function httpDate(ms: number): string {
  return new Date(ms).toUTCString()
}

export interface HttpRequest {
  method: string
  path: string
  /** the Host header */
  host: string
  userAgent: string
  /** the client address nginx sees ($remote_addr) */
  remoteAddr: string
}

/**
 * What the server pod answers to an HTTP request: nginx's default server (which also writes its
 * access log line to the container's stdout, as the official image links access.log there), or
 * undefined when the listener is not an HTTP server the simulation models.
 */
export function serveHttp(ctx: Ctx, server: PodRef, req: HttpRequest): Response | undefined {
  const state = ctx.state
  const node = Object.values(state.nodes).find((n) => n.pods[server.uid])
  const rt = node?.pods[server.uid]
  const ipamd = rt?.containers.find(
    (x) => x.state === 'running' && resolveImage(x.image)?.info.behaviour === 'aws-node',
  )
  if (node && ipamd && req.host.endsWith(':61679')) return ipamdIntrospection(ctx, node, req)
  const c = rt?.containers.find(
    (x) => x.state === 'running' && resolveImage(x.image)?.info.behaviour === 'nginx',
  )
  if (!node || !rt || !c) return undefined
  const fs = containerFs(state, server.namespace, server.name, c.name)?.fs
  const clean = req.path.split('?')[0]!
  const file = clean.endsWith('/') ? `${clean}index.html` : clean
  const content = fs?.readFile(`/usr/share/nginx/html${file}`)
  const wallMs = EPOCH_MS + state.now
  const date: [string, string] = ['Date', httpDate(wallMs)]
  const head = req.method === 'HEAD'
  let res: Response
  if (typeof content !== 'string') {
    res = {
      status: 404,
      reason: 'Not Found',
      headers: [
        ['Server', `nginx/${NGINX_VERSION}`],
        date,
        ['Content-Type', 'text/html'],
        ['Content-Length', String(NOT_FOUND.length)],
        ['Connection', 'keep-alive'],
      ],
      body: head ? '' : NOT_FOUND,
    }
  } else {
    const len = utf8Bytes(content).length
    res = {
      status: 200,
      reason: 'OK',
      headers: [
        ['Server', `nginx/${NGINX_VERSION}`],
        date,
        ['Content-Type', 'text/html'],
        ['Content-Length', String(len)],
        ['Last-Modified', httpDate(NGINX_HTML_MTIME * 1000)],
        ['Connection', 'keep-alive'],
        // nginx's ETag: hex mtime - hex length
        ['ETag', `"${NGINX_HTML_MTIME.toString(16)}-${len.toString(16)}"`],
        ['Accept-Ranges', 'bytes'],
      ],
      body: head ? '' : content,
    }
  }
  // log_format main (the image's nginx.conf): $remote_addr - $remote_user [$time_local] "$request"
  // $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"
  const sent = utf8Bytes(res.body).length
  writeContainerLog(ctx, node, rt, c, [
    {
      stream: 'stdout',
      text: `${req.remoteAddr} - - [${timeLocal(wallMs)}] "${req.method} ${req.path} HTTP/1.1" ${res.status} ${sent} "-" "${req.userAgent}" "-"`,
    },
  ])
  return res
}

/** ipamd's introspection server (aws-node, :61679): /v1/enis; other paths get Go's 404. */
function ipamdIntrospection(
  ctx: Ctx,
  node: Parameters<typeof ipamdEnis>[1],
  req: HttpRequest,
): Response {
  const date: [string, string] = ['Date', httpDate(EPOCH_MS + ctx.state.now)]
  const path = req.path.split('?')[0]
  const body = path === '/v1/enis' ? ipamdEnis(ctx.state, node) : '404 page not found\n'
  return {
    status: path === '/v1/enis' ? 200 : 404,
    reason: path === '/v1/enis' ? 'OK' : 'Not Found',
    headers: [
      ['Content-Type', path === '/v1/enis' ? 'application/json' : 'text/plain; charset=utf-8'],
      ...(path === '/v1/enis' ? [] : [['X-Content-Type-Options', 'nosniff'] as [string, string]]),
      date,
      ['Content-Length', String(utf8Bytes(body).length)],
    ],
    body: req.method === 'HEAD' ? '' : body,
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** nginx's $time_local on a UTC node: 02/Mar/2026:08:46:12 +0000 */
function timeLocal(ms: number): string {
  const d = new Date(ms)
  const p2 = (n: number) => String(n).padStart(2, '0')
  return `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`
}

export function responseBytes(r: Response | undefined): number {
  if (!r) return 0
  const head = `HTTP/1.1 ${r.status} ${r.reason}\r\n${r.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`
  return head.length + r.body.length
}
