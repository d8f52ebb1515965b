import type { Ctx } from '../context.ts'
import type { NodeRuntime, PodRuntime } from '../model/node.ts'
import { utf8Bytes } from '../encoding.ts'
import { podResolvConf } from '../node/fs.ts'
import { parseResolvConf, type ResolvConf } from '../net/dns.ts'
import {
  connectTo,
  elapsedOf,
  parseUrl,
  responseBytes,
  serveHttp,
  type Connect,
  type Response,
} from '../net/http.ts'
import { placeOfPod, type Place } from '../net/path.ts'
import type { Output } from './programs.ts'
import type { ClusterState } from '../model/state.ts'
import {
  internetHostByName,
  internetNote,
  isInternetName,
  serveInternetHttp,
} from '../net/internet.ts'
import { runVerboseCurl, writeOutLines } from './curlVerbose.ts'
import { CURL_60_ADVICE, TLS_NOT_SPOKEN, tlsServerFor } from './curlTls.ts'

// curl (8.17, curlimages/curl and the nginx image's Debian curl) as a program: its options, its
// real output (the progress meter on stderr when stdout is not a terminal, the error lines and exit
// codes) over real flows from engine/net. The console's `curl` and a curlimages/curl container's
// entrypoint both run this.

export interface NetEnv {
  /** is stdout a terminal (no progress meter then) */
  tty: boolean
  resolv: ResolvConf
  libc: 'musl' | 'glibc'
}

export interface ProgramRun {
  output: Output[]
  exitCode: number
  /** virtual ms the program waited (a connect timeout); the caller lets that much time pass */
  waitedMs: number
}

/**
 * The dim note a tool adds after failing to resolve `name`: which internet hosts Cutaway
 * simulates, when the name was one to look up on the internet (undefined otherwise).
 */
export function unresolvedNote(state: ClusterState, name: string, c: Connect): string | undefined {
  return c.kind === 'resolve-failed' &&
    c.resolution.kind === 'nxdomain' &&
    isInternetName(state, name)
    ? internetNote(name)
    : undefined
}

export interface Fetched {
  connect: Connect
  response?: Response
}

/** Resolve, connect, send one HTTP request and read the answer, inside a transaction. */
export function fetchUrl(
  ctx: Ctx,
  from: Place,
  env: Pick<NetEnv, 'resolv' | 'libc'>,
  url: { host: string; port: number; path: string },
  method: string,
  agent: string,
  timeoutMs: number | undefined,
  /** the client negotiates HTTP/2 over TLS (curl; not BusyBox wget) */
  h2 = false,
): Fetched {
  let response: Response | undefined
  const connect = connectTo(ctx, from, url.host, url.port, {
    resolv: env.resolv,
    libc: env.libc,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    purpose: `HTTP ${method} ${url.path}`,
    requestBytes: httpRequestBytes(url.host, url.path, method, agent),
    responseBytes: (server) => {
      const internet = server?.place.internet && internetHostByName(server.place.internet.name)
      if (internet) {
        response = serveInternetHttp(ctx.state, internet, {
          method,
          path: url.path,
          port: url.port,
          peer: server.peer.ip,
          h2,
        })
        return responseBytes(response)
      }
      if (!server?.pod) return 0
      response = serveHttp(ctx, server.pod, {
        method,
        path: url.path,
        host: url.port === 80 ? url.host : `${url.host}:${url.port}`,
        userAgent: agent,
        remoteAddr: server.peer.ip,
      })
      return responseBytes(response)
    },
  })
  return response ? { connect, response } : { connect }
}

interface CurlOpts {
  silent: boolean
  showError: boolean
  head: boolean
  include: boolean
  fail: boolean
  verbose?: boolean
  output?: string
  writeOut?: string
  method: string
  timeoutMs?: number
  url?: string
}

const CURL_AGENT = 'curl/8.17.0'
const CURL_TRY = "curl: try 'curl --help' or 'curl --manual' for more information"

function parseCurl(args: string[]): CurlOpts | { error: string } {
  const o: CurlOpts = {
    silent: false,
    showError: false,
    head: false,
    include: false,
    fail: false,
    method: 'GET',
  }
  const seconds = (v: string | undefined) => {
    const n = Number(v)
    return v !== undefined && Number.isFinite(n) && n >= 0 ? Math.round(n * 1000) : undefined
  }
  const setTimeout = (ms: number | undefined) => {
    if (ms !== undefined && ms > 0)
      o.timeoutMs = o.timeoutMs === undefined ? ms : Math.min(o.timeoutMs, ms)
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    const value = () => args[++i]
    if (a.startsWith('--')) {
      const [name, inline] = a.split('=', 2) as [string, string | undefined]
      const v = () => inline ?? value()
      switch (name) {
        case '--silent':
          o.silent = true
          break
        case '--show-error':
          o.showError = true
          break
        case '--head':
          o.head = true
          o.method = 'HEAD'
          break
        case '--include':
          o.include = true
          break
        case '--fail':
          o.fail = true
          break
        case '--verbose':
          o.verbose = true
          break
        case '--location':
        case '--insecure':
          break
        case '--output':
          o.output = v()
          break
        case '--write-out':
          o.writeOut = v()
          break
        case '--request':
          o.method = v() ?? 'GET'
          break
        case '--header':
        case '--user-agent':
          v()
          break
        case '--max-time':
        case '--connect-timeout': {
          const ms = seconds(v())
          if (ms === undefined)
            return { error: `curl: option ${name}: expected a proper numerical parameter` }
          setTimeout(ms)
          break
        }
        case '--url':
          o.url = v()
          break
        default:
          return { error: `curl: option ${name}: is unknown` }
      }
      continue
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let k = 1; k < a.length; k++) {
        const f = a[k]!
        const rest = a.slice(k + 1)
        const arg = () => (rest ? rest : value())
        if (f === 's') o.silent = true
        else if (f === 'S') o.showError = true
        else if (f === 'I') {
          o.head = true
          o.method = 'HEAD'
        } else if (f === 'i') o.include = true
        else if (f === 'f') o.fail = true
        else if (f === 'v') o.verbose = true
        else if (f === 'L' || f === 'k') continue
        else if (f === 'o' || f === 'w' || f === 'X' || f === 'H' || f === 'A' || f === 'm') {
          const v = arg()
          if (f === 'o') o.output = v
          else if (f === 'w') o.writeOut = v
          else if (f === 'X') o.method = v ?? 'GET'
          else if (f === 'm') {
            const ms = seconds(v)
            if (ms === undefined)
              return { error: 'curl: option -m: expected a proper numerical parameter' }
            setTimeout(ms)
          }
          break
        } else return { error: `curl: option -${f}: is unknown` }
      }
      continue
    }
    o.url ??= a
  }
  return o
}

/** curl's max5data(): a number in at most five characters. */
function max5(n: number): string {
  if (n < 100000) return String(Math.round(n)).padStart(5)
  if (n < 10000 * 1024) return `${Math.floor(n / 1024)}k`.padStart(5)
  if (n < 100 * 1024 * 1024) return `${(n / 1048576).toFixed(1)}M`.padStart(5)
  return `${Math.floor(n / 1048576)}M`.padStart(5)
}

function clock(ms: number): string {
  if (ms < 1000) return '--:--:--'
  const s = Math.floor(ms / 1000)
  return `${String(Math.floor(s / 3600)).padStart(2)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
}

/** The progress meter curl writes to stderr when stdout is not a terminal (progress.c). */
function progressMeter(bytes: number, elapsedMs: number): string[] {
  const pct = (n: number) => String(n).padStart(3)
  const speed = bytes ? (bytes * 1000) / Math.max(1, elapsedMs) : 0
  const done = bytes > 0 ? 100 : 0
  return [
    '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current',
    '                                 Dload  Upload   Total   Spent    Left  Speed',
    `${pct(done)} ${max5(bytes)}  ${pct(done)} ${max5(bytes)}  ${pct(0)} ${max5(0)}  ${max5(speed)}  ${max5(0)} --:--:-- ${clock(elapsedMs)} --:--:-- ${max5(speed)}`,
  ]
}

export function httpRequestBytes(
  host: string,
  path: string,
  method: string,
  agent: string,
): number {
  return `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ${agent}\r\nAccept: */*\r\n\r\n`
    .length
}

/** Runs `curl args` from `from`. */
export function runCurl(ctx: Ctx, from: Place, args: string[], env: NetEnv): ProgramRun {
  const stderr = (text: string): Output => ({ stream: 'stderr', text })
  const stdout = (text: string): Output => ({ stream: 'stdout', text })
  const done = (output: Output[], exitCode: number, waitedMs = 0): ProgramRun => ({
    output,
    exitCode,
    waitedMs,
  })
  const o = parseCurl(args)
  if ('error' in o) return done([stderr(o.error), stderr(CURL_TRY)], 2)
  if (!o.url) return done([stderr('curl: no URL specified'), stderr(CURL_TRY)], 2)
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(o.url)?.[1]
  const url = parseUrl(o.url)
  if (!url) {
    if (scheme && !/^https?$/i.test(scheme))
      return done([stderr(`curl: (1) Protocol "${scheme}" not supported`)], 1)
    return done([stderr('curl: (3) URL rejected: Bad hostname')], 3)
  }
  const fetched = fetchUrl(
    ctx,
    from,
    env,
    url,
    o.method,
    CURL_AGENT,
    o.timeoutMs,
    url.scheme === 'https',
  )
  const meter = !o.silent && !env.tty
  // -v: the trace (workloads/curlVerbose.ts); names outside the cluster keep the plain path's note
  if (o.verbose) {
    const r = runVerboseCurl(o, url, fetched, {
      agent: CURL_AGENT,
      ...(meter ? { meter: progressMeter } : {}),
      data: !env.tty || o.output !== undefined,
    })
    const note = unresolvedNote(ctx.state, url.host, fetched.connect)
    return note ? { ...r, output: [...r.output, stderr(note)] } : r
  }
  const showErr = !o.silent || o.showError
  const conn = fetched.connect
  const waited = elapsedOf(conn)
  // After a failed connect, libcurl's Curl_pgrsDone() ends the meter with a newline, so the error
  // gets its own line; a failed name lookup never gets there and the error is glued to the meter
  // (`     0curl: (6) …`). Both checked against curl 8.14.1 (Debian bookworm-backports).
  const fail = (code: number, text: string, sameLine = false): ProgramRun => {
    const lines: Output[] = []
    if (meter) {
      const m = progressMeter(0, waited)
      lines.push(stderr(m[0]!), stderr(m[1]!))
      if (showErr && sameLine) lines.push(stderr(`${m[2]}curl: (${code}) ${text}`))
      else {
        lines.push(stderr(m[2]!))
        if (showErr) lines.push(stderr(`curl: (${code}) ${text}`))
      }
    } else if (showErr) lines.push(stderr(`curl: (${code}) ${text}`))
    return done(lines, code, waited)
  }
  switch (conn.kind) {
    case 'resolve-failed': {
      const r = fail(6, `Could not resolve host: ${url.host}`, true)
      const note = unresolvedNote(ctx.state, url.host, conn)
      return note ? { ...r, output: [...r.output, stderr(note)] } : r
    }
    case 'refused':
      return fail(
        7,
        // curl 8 spells CURLE_COULDNT_CONNECT "Could not connect to server" (7.x: "Couldn't")
        `Failed to connect to ${url.host} port ${url.port} after ${conn.elapsedMs} ms: Could not connect to server`,
      )
    case 'timeout':
      return conn.byOption
        ? fail(28, `Connection timed out after ${conn.elapsedMs + 1} milliseconds`)
        : fail(
            28,
            `Failed to connect to ${url.host} port ${url.port} after ${conn.elapsedMs + 1} ms: Could not connect to server`,
          )
    case 'connected':
      break
  }
  const res = fetched.response
  if (url.scheme === 'https') {
    // the same TLS verdicts as the -v trace (curlTls.ts), without the trace
    const tls = tlsServerFor(url.host, conn.exchange.server?.place.internet?.name)
    if (!tls && res) return fail(35, TLS_NOT_SPOKEN)
    if (tls && tls.sanMatch === undefined) {
      const r = fail(
        60,
        `SSL: no alternative certificate subject name matches target host name '${url.host}'`,
      )
      return showErr ? { ...r, output: [...r.output, ...CURL_60_ADVICE.map(stderr)] } : r
    }
  }
  if (!res)
    return done(
      [
        stderr(
          `(Cutaway connected to ${conn.ip}:${url.port}, but does not simulate what ${conn.server ? `${conn.server.namespace}/${conn.server.name}` : 'that host'} answers there.)`,
        ),
      ],
      0,
      waited,
    )
  if (o.fail && res.status >= 400)
    return fail(22, `The requested URL returned error: ${res.status}`)
  const lines: Output[] = []
  if (meter)
    lines.push(
      ...progressMeter(o.head ? 0 : utf8Bytes(res.body).length, conn.elapsedMs).map(stderr),
    )
  if (o.head || o.include)
    lines.push(
      ...[
        `${res.version ?? 'HTTP/1.1'} ${res.status} ${res.reason}`,
        ...res.headers.map(([k, v]) => `${k}: ${v}`),
        '',
      ].map(stdout),
    )
  if (!o.head && o.output === undefined && res.body) {
    const body = res.body.endsWith('\n') ? res.body.slice(0, -1) : res.body
    lines.push(...body.split('\n').map(stdout))
  }
  if (o.output !== undefined && o.output !== '/dev/null')
    lines.push(stderr(`(Cutaway does not keep files written by curl: ${o.output} was not saved.)`))
  if (o.writeOut !== undefined)
    lines.push(...writeOutLines(o.writeOut, res.status, conn.ip, url.port).map(stdout))
  return done(lines, 0, waited)
}

/** A curlimages/curl container whose arguments are a curl command line: run it at start. */
export function curlAtStart(
  ctx: Ctx,
  node: NodeRuntime,
  rt: PodRuntime,
  args: string[],
): ProgramRun {
  return runCurl(ctx, placeOfPod(node, rt), args, {
    tty: false,
    resolv: parseResolvConf(podResolvConf(ctx.state, rt.namespace)),
    libc: 'musl',
  })
}
