import { utf8Bytes } from '../encoding.ts'
import { elapsedOf, isIpv4, type Url } from '../net/http.ts'
import type { Fetched, ProgramRun } from './curl.ts'
import {
  h2RequestLines,
  sessionTicketLines,
  tlsHandshakeLines,
  tlsNotSpokenLines,
  CURL_60_ADVICE,
  tlsServerFor,
  type TlsServerInfo,
} from './curlTls.ts'
import type { Output } from './programs.ts'

// `curl -v`: curl 8.17's trace on stderr (`* ` what curl does, `> ` request headers, `< ` response
// headers, `{ [n bytes data]` when stdout is not a terminal) over the same flow the plain path
// uses. Line shapes from real curl 8.17.0 traces (stderr of `curl -v`):
// - a curlimages/curl pod to an nginx Service (`kubectl run curl-test --image=curlimages/curl --rm
//   -i -- curl -v http://nginx-service/`, 2025-12): the meter's first line glued to
//   `* Host nginx-service:80 was resolved.`, `* IPv6: (none)`, `* IPv4: 10.108.68.21`,
//   `*   Trying 10.108.68.21:80...`, `* Established connection to nginx-service (10.108.68.21 port
//   80) from 10.1.0.52 port 54180 ` (with its trailing space), `* using HTTP/1.x`, the `> ` and
//   `< ` blocks, `* Request completely sent off`, `{ [615 bytes data]`;
// - `* Connection #0 to host devarea.htb:8080 left intact` (8.17 names host:port) and, after a
//   failure or `Connection: close`, `* shutting down connection #0` (8.17.0 traces, 2026-02);
// - a refused connect: `* connect to 10.96.107.40 port 8081 from 10.244.0.20 port 36916 failed:
//   Connection refused`, `* Failed to connect to … port 8081 after 75005 ms: Could not connect to
//   server` (curl 8.x in a Kubernetes Job); a SYN timeout ends `failed: Connection timed out`
//   (curl 8.x from GCP Cloud Shell, 2026); `* Could not resolve host: golang` then
//   `* shutting down connection #0` (curl 8.x `-vv`).
// The failf() message of every failure is also a `* ` line before curl's own `curl: (N) …`.

export interface VerboseOpts {
  silent: boolean
  showError: boolean
  head: boolean
  include: boolean
  fail: boolean
  output?: string
  writeOut?: string
  method: string
}

export interface VerboseEnv {
  agent: string
  /** the progress meter's three lines for bytes/ms (undefined: no meter, stdout is a terminal) */
  meter?: (bytes: number, elapsedMs: number) => string[]
  /** does stdout go somewhere other than a terminal (curl then prints the `[n bytes data]` lines) */
  data: boolean
}

/** A line that stands for the meter's final update (printed by Curl_pgrsDone, then a newline). */
const METER_END = Symbol('meter-end')
type Piece = Output | typeof METER_END

/** The errno text a failed connect() reports for a REJECT's --reject-with (or a plain RST). */
function connectErrno(rejectWith: string | undefined): string {
  if (rejectWith === 'icmp-net-unreachable') return 'Network is unreachable'
  if (rejectWith && /host-unreachable|prohibited/.test(rejectWith)) return 'No route to host'
  return 'Connection refused'
}

export function runVerboseCurl(
  o: VerboseOpts,
  url: Url,
  fetched: Fetched,
  v: VerboseEnv,
): ProgramRun {
  const pieces: Piece[] = []
  const trace = (...lines: string[]) =>
    pieces.push(...lines.map((text): Output => ({ stream: 'stderr', text })))
  const stdout = (...lines: string[]) =>
    pieces.push(...lines.map((text): Output => ({ stream: 'stdout', text })))
  const conn = fetched.connect
  const finish = (exitCode: number, waitedMs: number): ProgramRun => ({
    output: render(pieces, v.meter, fetched, o.head),
    exitCode,
    waitedMs,
  })
  const failure = (code: number, text: string, meterEnds = true): ProgramRun => {
    trace(`* ${text}`)
    if (meterEnds) pieces.push(METER_END)
    trace('* shutting down connection #0')
    if (!o.silent || o.showError) trace(`curl: (${code}) ${text}`)
    return finish(code, elapsedOf(conn))
  }

  if (!isIpv4(url.host)) {
    if (conn.kind === 'resolve-failed')
      return failure(6, `Could not resolve host: ${url.host}`, false)
    trace(`* Host ${url.host}:${url.port} was resolved.`, '* IPv6: (none)', `* IPv4: ${conn.ip}`)
  }
  if (conn.kind === 'resolve-failed') return finish(6, elapsedOf(conn))
  trace(`*   Trying ${conn.ip}:${url.port}...`)
  const client = conn.exchange.client
  if (conn.kind === 'refused') {
    trace(
      `* connect to ${conn.ip} port ${url.port} from ${client.ip} port ${client.port} failed: ${connectErrno(conn.rejectWith)}`,
    )
    return failure(
      7,
      `Failed to connect to ${url.host} port ${url.port} after ${conn.elapsedMs} ms: Could not connect to server`,
    )
  }
  if (conn.kind === 'timeout') {
    if (conn.byOption)
      return failure(28, `Connection timed out after ${conn.elapsedMs + 1} milliseconds`)
    trace(
      `* connect to ${conn.ip} port ${url.port} from ${client.ip} port ${client.port} failed: Connection timed out`,
    )
    return failure(
      28,
      `Failed to connect to ${url.host} port ${url.port} after ${conn.elapsedMs + 1} ms: Could not connect to server`,
    )
  }

  const res = fetched.response
  let tls: TlsServerInfo | undefined
  if (url.scheme === 'https') {
    tls = tlsServerFor(url.host, conn.exchange.server?.place.internet?.name)
    if (!tls) {
      if (!res) {
        trace(
          `(Cutaway connected to ${conn.ip}:${url.port}, but does not simulate the TLS server there.)`,
        )
        return finish(0, conn.elapsedMs)
      }
      // the server answered in plain HTTP: nginx's port 80 behind an https:// URL
      const bad = tlsNotSpokenLines(v.data)
      trace(...bad.lines)
      pieces.push(METER_END)
      trace('* shutting down connection #0')
      if (!o.silent || o.showError) trace(`curl: (${bad.code}) ${bad.text}`)
      return finish(bad.code, conn.elapsedMs)
    }
    const hs = tlsHandshakeLines(url.host, tls, v.data)
    trace(...hs.lines)
    if (hs.error) {
      pieces.push(METER_END)
      trace('* shutting down connection #0')
      if (!o.silent || o.showError)
        trace(`curl: (${hs.error.code}) ${hs.error.text}`, ...CURL_60_ADVICE)
      return finish(hs.error.code, conn.elapsedMs)
    }
  }
  trace(
    `* Established connection to ${url.host} (${conn.ip} port ${url.port}) from ${client.ip} port ${client.port} `,
  )
  const h2 = tls?.alpn === 'h2'
  const defaultPort = url.scheme === 'https' ? 443 : 80
  const hostHeader = url.port === defaultPort ? url.host : `${url.host}:${url.port}`
  if (h2) trace(...h2RequestLines(url, o.method, v.agent))
  else
    trace(
      '* using HTTP/1.x',
      `> ${o.method} ${url.path} HTTP/1.1`,
      `> Host: ${hostHeader}`,
      `> User-Agent: ${v.agent}`,
      '> Accept: */*',
      '> ',
    )
  // curl 8.17 over HTTP/1.1 saw the tickets before `Request completely sent off`, over h2 after
  const tickets = tls ? sessionTicketLines(tls, v.data) : []
  if (!h2) trace(...tickets)
  trace('* Request completely sent off')
  if (h2) trace(...tickets)
  if (!res) {
    trace(
      `(Cutaway connected to ${conn.ip}:${url.port}, but does not simulate what ${conn.server ? `${conn.server.namespace}/${conn.server.name}` : 'that host'} answers there.)`,
    )
    return finish(0, conn.elapsedMs)
  }
  const head = h2
    ? [`HTTP/2 ${res.status} `, ...res.headers.map(([k, val]) => `${k.toLowerCase()}: ${val}`)]
    : [`HTTP/1.1 ${res.status} ${res.reason}`, ...res.headers.map(([k, val]) => `${k}: ${val}`)]
  for (const line of [...head, '']) {
    trace(`< ${line}`)
    if (o.head || o.include) stdout(line)
  }
  if (o.fail && res.status >= 400)
    return failure(22, `The requested URL returned error: ${res.status}`)
  const bytes = o.head ? 0 : utf8Bytes(res.body).length
  if (bytes && v.data) trace(`{ [${bytes} bytes data]`)
  if (!o.head && o.output === undefined && res.body) {
    const body = res.body.endsWith('\n') ? res.body.slice(0, -1) : res.body
    stdout(...body.split('\n'))
  }
  pieces.push(METER_END)
  const closes = res.headers.some(([k, val]) => /^connection$/i.test(k) && /close/i.test(val))
  trace(
    closes
      ? '* shutting down connection #0'
      : `* Connection #0 to host ${url.host}:${url.port} left intact`,
  )
  if (o.output !== undefined && o.output !== '/dev/null')
    trace(`(Cutaway does not keep files written by curl: ${o.output} was not saved.)`)
  if (o.writeOut !== undefined) stdout(...writeOutLines(o.writeOut, res.status, conn.ip, url.port))
  return finish(0, conn.elapsedMs)
}

/**
 * Lays the pieces out as a piped terminal shows them: the meter's header, its first (zero) update
 * with no newline, so the first trace line is glued to it, and its last update where curl ends the
 * transfer.
 */
function render(
  pieces: Piece[],
  meter: VerboseEnv['meter'],
  fetched: Fetched,
  head: boolean,
): Output[] {
  if (!meter) return pieces.filter((p): p is Output => p !== METER_END)
  const conn = fetched.connect
  const zero = meter(0, 0)
  const bytes = head || !fetched.response ? 0 : utf8Bytes(fetched.response.body).length
  const ms = conn.kind === 'connected' || conn.kind === 'refused' || conn.kind === 'timeout'
  const last = meter(bytes, ms ? conn.elapsedMs : 0)[2]!
  const out: Output[] = [
    { stream: 'stderr', text: zero[0]! },
    { stream: 'stderr', text: zero[1]! },
  ]
  let glued = false
  for (const p of pieces) {
    if (p === METER_END) out.push({ stream: 'stderr', text: last })
    else if (!glued && p.stream === 'stderr') {
      out.push({ stream: 'stderr', text: `${zero[2]}${p.text}` })
      glued = true
    } else out.push(p)
  }
  return out
}

/** curl's `-w` text with the variables Cutaway knows filled in, as lines (a final newline ends one). */
export function writeOutLines(format: string, status: number, ip: string, port: number): string[] {
  const parts = format
    .replaceAll('%{http_code}', String(status))
    .replaceAll('%{response_code}', String(status))
    .replaceAll('%{remote_ip}', ip)
    .replaceAll('%{remote_port}', String(port))
    .replaceAll('\\n', '\n')
    .split('\n')
  if (parts[parts.length - 1] === '') parts.pop()
  return parts
}
