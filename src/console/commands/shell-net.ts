import type { Ctx } from '../../engine/context.ts'
import { EPOCH_MS } from '../../engine/time.ts'
import { utf8Bytes } from '../../engine/encoding.ts'
import { nodeResolvConf } from '../../engine/node/fs.ts'
import { parseResolvConf, query, type ResolvConf } from '../../engine/net/dns.ts'
import {
  connectTo,
  parseUrl,
  responseBytes,
  serveHttp,
  type Connect,
  type Response,
} from '../../engine/net/http.ts'
import {
  listConntrack,
  CONNTRACK_VERSION,
  emptyConntrack,
} from '../../engine/net/netfilter/conntrack.ts'
import type { Place } from '../../engine/net/path.ts'
import type { CommandEnv, CommandResult, CommandSpec, OutputLine } from '../types.ts'
import { dim, err, out, textLines } from '../types.ts'
import type { ShellCtx } from './shell-context.ts'
import { withCtx } from './shell-coreutils.ts'

// Network tools inside pods and on nodes: curl, BusyBox wget / nslookup / nc, and conntrack on the
// node. Each one makes real flows through the simulated kernel (engine/net): DNS first, then TCP,
// walking every node's netfilter rules. A tool that waits for a timeout moves the virtual clock by
// that long after its flows ran (as `kubectl delete` waits for the pod to go).

interface NetCtx {
  place: Place
  resolv: ResolvConf
  libc: 'musl' | 'glibc'
}

function netCtx(env: CommandEnv, c: ShellCtx): NetCtx {
  const state = env.sim.state
  if (c.view) {
    const rt = c.view.rt
    const text = c.view.fs.readFile('/etc/resolv.conf')
    return {
      place: rt.hostNetwork ? { node: c.view.node.name } : { node: c.view.node.name, pod: rt.uid },
      resolv: parseResolvConf(typeof text === 'string' ? text : ''),
      libc: c.tools === 'busybox' ? 'musl' : 'glibc',
    }
  }
  return {
    place: { node: c.node!.name },
    resolv: parseResolvConf(nodeResolvConf(state)),
    libc: 'glibc',
  }
}

/** Runs the flows in one transaction, then lets virtual time pass for what the tool waited. */
function runFlows<T>(
  env: CommandEnv,
  fn: (ctx: Ctx) => T,
  waitedMs: (t: T) => number,
): T | undefined {
  const r = env.sim.transact(fn)
  if (!r.ok) return undefined
  const ms = waitedMs(r.value)
  if (ms >= 1000) env.sim.advance(ms)
  return r.value
}

/** Is stdout a terminal? Interactive shells are; `kubectl exec` without -t is not. */
function isTty(env: CommandEnv): boolean {
  const t = (env as CommandEnv & { tty?: boolean }).tty
  return t === undefined ? !(env as CommandEnv & { piped?: boolean }).piped : t
}

function elapsedOf(c: Connect): number {
  return c.kind === 'resolve-failed'
    ? c.resolution.elapsedMs
    : c.kind === 'external'
      ? 0
      : c.elapsedMs
}

function externalNote(name: string): OutputLine {
  return dim(
    `(Cutaway does not simulate the internet yet: ${name} is outside the cluster and its VPC, so the request would leave through a NAT or internet gateway, which is not modelled. No request was sent.)`,
  )
}

// ---- curl ------------------------------------------------------------------------------------

interface CurlOpts {
  silent: boolean
  showError: boolean
  head: boolean
  include: boolean
  fail: boolean
  output?: string
  writeOut?: string
  method: string
  timeoutMs?: number
  url?: string
}

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
        case '--location':
        case '--insecure':
        case '--verbose':
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
        else if (f === 'L' || f === 'k' || f === 'v') continue
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

function httpRequestBytes(host: string, path: string, method: string, agent: string): number {
  return `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ${agent}\r\nAccept: */*\r\n\r\n`
    .length
}

interface Fetched {
  connect: Connect
  response?: Response
}

function fetch(
  env: CommandEnv,
  n: NetCtx,
  url: { host: string; port: number; path: string },
  method: string,
  agent: string,
  timeoutMs: number | undefined,
): Fetched | undefined {
  return runFlows(
    env,
    (ctx) => {
      let response: Response | undefined
      const connect = connectTo(ctx, n.place, url.host, url.port, {
        resolv: n.resolv,
        libc: n.libc,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        purpose: `HTTP ${method} ${url.path}`,
        requestBytes: httpRequestBytes(url.host, url.path, method, agent),
        responseBytes: (server) => {
          if (!server?.pod) return 0
          response = serveHttp(ctx.state, server.pod, method, url.path, EPOCH_MS + ctx.state.now)
          return responseBytes(response)
        },
      })
      return response ? { connect, response } : { connect }
    },
    (f) => elapsedOf(f.connect),
  )
}

const CURL_AGENT = 'curl/8.17.0'

function curlRun(args: string[], env: CommandEnv, c: ShellCtx): CommandResult {
  const o = parseCurl(args)
  if ('error' in o) return { lines: [err(o.error), err(CURL_TRY)], exitCode: 2 }
  if (!o.url) return { lines: [err('curl: no URL specified'), err(CURL_TRY)], exitCode: 2 }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(o.url)?.[1]
  const url = parseUrl(o.url)
  if (!url) {
    if (scheme && !/^https?$/i.test(scheme))
      return { lines: [err(`curl: (1) Protocol "${scheme}" not supported`)], exitCode: 1 }
    return { lines: [err('curl: (3) URL rejected: Bad hostname')], exitCode: 3 }
  }
  const n = netCtx(env, c)
  const fetched = fetch(env, n, url, o.method, CURL_AGENT, o.timeoutMs)
  if (!fetched) return { lines: [err('curl: (7) Failed to connect')], exitCode: 7 }
  const meter = !o.silent && !isTty(env)
  const showErr = !o.silent || o.showError
  const conn = fetched.connect
  const failLine = (code: number, text: string): CommandResult => {
    const lines: OutputLine[] = []
    if (meter) {
      const m = progressMeter(0, elapsedOf(conn))
      lines.push(dim(m[0]!), dim(m[1]!))
      if (showErr) lines.push(err(`${m[2]}curl: (${code}) ${text}`))
      else lines.push(dim(m[2]!))
    } else if (showErr) lines.push(err(`curl: (${code}) ${text}`))
    return { lines, exitCode: code }
  }
  switch (conn.kind) {
    case 'external':
      return { lines: [externalNote(conn.name)], exitCode: 6 }
    case 'resolve-failed':
      return failLine(6, `Could not resolve host: ${url.host}`)
    case 'refused':
      return failLine(
        7,
        `Failed to connect to ${url.host} port ${url.port} after ${conn.elapsedMs} ms: Couldn't connect to server`,
      )
    case 'timeout':
      return conn.byOption
        ? failLine(28, `Connection timed out after ${conn.elapsedMs + 1} milliseconds`)
        : failLine(
            28,
            `Failed to connect to ${url.host} port ${url.port} after ${conn.elapsedMs + 1} ms: Couldn't connect to server`,
          )
    case 'connected':
      break
  }
  const res = fetched.response
  if (!res)
    return {
      lines: [
        dim(
          `(Cutaway connected to ${conn.ip}:${url.port}, but does not simulate what ${conn.server ? `${conn.server.namespace}/${conn.server.name}` : 'that host'} answers there.)`,
        ),
      ],
      exitCode: 0,
    }
  const lines: OutputLine[] = []
  if (o.fail && res.status >= 400) {
    return failLine(22, `The requested URL returned error: ${res.status}`)
  }
  const headerLines = [
    `HTTP/1.1 ${res.status} ${res.reason}`,
    ...res.headers.map(([k, v]) => `${k}: ${v}`),
    '',
  ]
  const stdout: string[] = []
  if (o.head || o.include) stdout.push(...headerLines)
  const discard = o.output !== undefined
  if (!o.head && !discard && res.body) stdout.push(...textLines(res.body).map((l) => l.text))
  if (meter)
    lines.push(...progressMeter(o.head ? 0 : utf8Bytes(res.body).length, conn.elapsedMs).map(dim))
  lines.push(...stdout.map(out))
  if (o.output !== undefined && o.output !== '/dev/null')
    lines.push(dim(`(Cutaway does not keep files written by curl: ${o.output} was not saved.)`))
  if (o.writeOut !== undefined) {
    const text = o.writeOut
      .replaceAll('%{http_code}', String(res.status))
      .replaceAll('%{response_code}', String(res.status))
      .replaceAll('%{remote_ip}', conn.ip)
      .replaceAll('%{remote_port}', String(url.port))
      .replaceAll('\\n', '\n')
    const parts = text.split('\n')
    if (parts[parts.length - 1] === '') parts.pop()
    lines.push(...parts.map(out))
  }
  return { lines, exitCode: 0 }
}

const curl: CommandSpec = {
  path: ['curl'],
  modes: ['node', 'container'],
  summary: 'Transfer a URL (real flows through DNS, kube-proxy rules and conntrack)',
  usage: 'curl [-sSfiI] [-m SECONDS] [--connect-timeout SECONDS] [-o FILE] [-w FORMAT] URL',
  rawArgs: true,
  run: (inv, env) => withCtx(env, 'curl', (c) => curlRun(inv.args, env, c)),
}

// ---- BusyBox wget ----------------------------------------------------------------------------

const wget: CommandSpec = {
  path: ['wget'],
  modes: ['container'],
  summary: 'Retrieve files via HTTP (BusyBox)',
  usage: 'wget [-q] [-O FILE] [-T SEC] [--spider] URL',
  rawArgs: true,
  run: (inv, env) =>
    withCtx(env, 'wget', (c) => {
      let quiet = false
      let outFile: string | undefined
      let timeoutMs: number | undefined
      let spider = false
      let target: string | undefined
      const args = inv.args
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!
        if (a === '--spider') spider = true
        else if (a.startsWith('-') && !a.startsWith('--') && a.length > 1) {
          for (let k = 1; k < a.length; k++) {
            const f = a[k]!
            if (f === 'q') quiet = true
            else if (f === 'O' || f === 'T') {
              const v = a.slice(k + 1) || args[++i]
              if (f === 'O') outFile = v
              else timeoutMs = Number(v) * 1000
              break
            } else if (f === 'S') continue
            else
              return {
                lines: [
                  err(`wget: unrecognized option '-${f}'`),
                  err('BusyBox v1.37.0 multi-call binary.'),
                ],
                exitCode: 1,
              }
          }
        } else target = a
      }
      if (!target)
        return {
          lines: [
            err('BusyBox v1.37.0 multi-call binary.'),
            err(''),
            err('Usage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]'),
          ],
          exitCode: 1,
        }
      const url = parseUrl(target)
      if (!url) return { lines: [err(`wget: not an http or ftp url: ${target}`)], exitCode: 1 }
      const n = netCtx(env, c)
      const method = spider ? 'HEAD' : 'GET'
      const fetched = fetch(env, n, url, method, 'Wget', timeoutMs)
      if (!fetched) return { lines: [err('wget: error')], exitCode: 1 }
      const conn = fetched.connect
      if (conn.kind === 'external') return { lines: [externalNote(conn.name)], exitCode: 1 }
      if (conn.kind === 'resolve-failed')
        return { lines: [err(`wget: bad address '${url.host}'`)], exitCode: 1 }
      const lines: OutputLine[] = []
      const say = (t: string) => {
        if (!quiet) lines.push(dim(t))
      }
      say(
        `Connecting to ${url.host}${url.port !== 80 || url.host !== conn.ip ? ` (${conn.ip}:${url.port})` : ''}`,
      )
      if (conn.kind === 'refused')
        return {
          lines: [
            ...lines,
            err(`wget: can't connect to remote host (${conn.ip}): Connection refused`),
          ],
          exitCode: 1,
        }
      if (conn.kind === 'timeout')
        return {
          lines: [
            ...lines,
            err(
              conn.byOption
                ? 'wget: download timed out'
                : `wget: can't connect to remote host (${conn.ip}): Connection timed out`,
            ),
          ],
          exitCode: 1,
        }
      const res = fetched.response
      if (!res)
        return {
          lines: [
            ...lines,
            dim(`(Cutaway does not simulate what answers on ${conn.ip}:${url.port}.)`),
          ],
          exitCode: 0,
        }
      if (res.status >= 400)
        return {
          lines: [
            ...lines,
            err(`wget: server returned error: HTTP/1.1 ${res.status} ${res.reason}`),
          ],
          exitCode: 1,
        }
      if (spider) {
        say('remote file exists')
        return { lines, exitCode: 0 }
      }
      const size = Number(res.headers.find(([k]) => k === 'Content-Length')?.[1] ?? 0)
      const file = outFile ?? (url.path.split('/').pop() || 'index.html')
      const toStdout = file === '-'
      say(toStdout ? 'writing to stdout' : `saving to '${file}'`)
      if (toStdout) lines.push(...textLines(res.body))
      say(
        `${(toStdout ? '-' : file).padEnd(20)} 100% |********************************| ${String(size).padStart(5)}  0:00:00 ETA`,
      )
      say(toStdout ? 'written to stdout' : `'${file}' saved`)
      if (!toStdout)
        lines.push(dim(`(Cutaway does not keep downloaded files: ${file} was not saved.)`))
      return { lines, exitCode: 0 }
    }),
}

// ---- BusyBox nslookup --------------------------------------------------------------------------

const nslookup: CommandSpec = {
  path: ['nslookup'],
  modes: ['container'],
  summary: 'Query the nameserver for the IP address of the given HOST (BusyBox)',
  usage: 'nslookup HOST [DNS_SERVER]',
  rawArgs: true,
  run: (inv, env) =>
    withCtx(env, 'nslookup', (c) => {
      const [host, serverArg] = inv.args.filter((a) => !a.startsWith('-'))
      if (!host)
        return {
          lines: [
            err('BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.'),
            err(''),
            err('Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]'),
          ],
          exitCode: 1,
        }
      const n = netCtx(env, c)
      const server = serverArg ?? n.resolv.nameservers[0] ?? '127.0.0.1'
      // busybox's own resolver (not libc): the search list only for a name without a dot, every
      // domain of it, and nothing else (nslookup.c add_query_with_search); no ndots
      const names = host.includes('.')
        ? [host.replace(/\.$/, '')]
        : n.resolv.search.length
          ? n.resolv.search.map((d) => `${host}.${d}`)
          : [host]
      const results = runFlows(
        env,
        (ctx) => names.map((name) => ({ name, ...query(ctx, n.place, server, name) })),
        (rs) => (rs.some((r) => r.exchange.outcome !== 'answered') ? 10_000 : 0),
      )
      if (!results) return { lines: [err('nslookup: error')], exitCode: 1 }
      if (results.every((r) => !r.answer))
        return {
          lines: [out(';; connection timed out; no servers could be reached'), out('')],
          exitCode: 1,
        }
      const lines: OutputLine[] = [
        out(`Server:\t\t${server}`),
        out(`Address:\t${server}:53`),
        out(''),
      ]
      for (const r of results) {
        const a = r.answer
        if (!a) continue
        if (a.rcode === 'EXTERNAL') {
          lines.push(externalNote(r.name))
          continue
        }
        // the A answer, then the AAAA answer (empty: the cluster is IPv4 only)
        if (a.rcode === 'NXDOMAIN') {
          lines.push(out(`** server can't find ${r.name}: NXDOMAIN`), out(''))
          lines.push(out(`** server can't find ${r.name}: NXDOMAIN`), out(''))
          continue
        }
        for (const ip of a.addrs) lines.push(out(`Name:\t${r.name}`), out(`Address: ${ip}`))
        lines.push(out(''), out(''))
      }
      return { lines, exitCode: 0 }
    }),
}

// ---- BusyBox nc -------------------------------------------------------------------------------

const nc: CommandSpec = {
  path: ['nc'],
  modes: ['container'],
  summary: 'Connect to a TCP port (BusyBox nc; -z scans without sending data)',
  usage: 'nc [-zv] [-w SEC] HOST PORT',
  rawArgs: true,
  run: (inv, env) =>
    withCtx(env, 'nc', (c) => {
      let verbose = false
      let timeoutMs: number | undefined
      let zero = false
      const pos: string[] = []
      const args = inv.args
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!
        if (a.startsWith('-') && a.length > 1) {
          for (let k = 1; k < a.length; k++) {
            const f = a[k]!
            if (f === 'v') verbose = true
            else if (f === 'z') zero = true
            else if (f === 'n') continue
            else if (f === 'w') {
              timeoutMs = Number(a.slice(k + 1) || args[++i]) * 1000
              break
            } else return { lines: [err(`nc: invalid option -- '${f}'`)], exitCode: 1 }
          }
        } else pos.push(a)
      }
      const [host, portText] = pos
      const port = Number(portText)
      if (!host || !portText || !Number.isInteger(port) || port < 1 || port > 65535)
        return {
          lines: [
            err('BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.'),
            err(''),
            err('Usage: nc [OPTIONS] HOST PORT  - connect'),
          ],
          exitCode: 1,
        }
      const n = netCtx(env, c)
      const connect = runFlows(
        env,
        (ctx) =>
          connectTo(ctx, n.place, host, port, {
            resolv: n.resolv,
            libc: 'musl',
            ...(timeoutMs !== undefined ? { timeoutMs } : {}),
            purpose: 'TCP connect',
            requestBytes: 0,
            responseBytes: () => 0,
          }),
        elapsedOf,
      )
      if (!connect) return { lines: [err('nc: error')], exitCode: 1 }
      if (connect.kind === 'external') return { lines: [externalNote(connect.name)], exitCode: 1 }
      if (connect.kind === 'resolve-failed')
        return { lines: [err(`nc: bad address '${host}'`)], exitCode: 1 }
      const who = `${host} (${connect.ip}:${port})`
      if (connect.kind === 'refused')
        return { lines: [err(`nc: ${who}: Connection refused`)], exitCode: 1 }
      if (connect.kind === 'timeout')
        return { lines: [err(`nc: ${who}: Connection timed out`)], exitCode: 1 }
      const lines: OutputLine[] = verbose ? [dim(`${who} open`)] : []
      if (!zero)
        lines.push(dim('(Cutaway closes the connection at once: interactive nc is not simulated.)'))
      return { lines, exitCode: 0 }
    }),
}

// ---- conntrack (node) -------------------------------------------------------------------------

const conntrack: CommandSpec = {
  path: ['conntrack'],
  modes: ['node'],
  summary: 'Show or flush the connection tracking table (conntrack-tools)',
  usage: 'conntrack -L [-p tcp|udp|icmp] [-s IP] [-d IP] | -C | -F',
  rawArgs: true,
  mutates: true,
  run: (inv, env) =>
    withCtx(env, 'conntrack', (c) => {
      const node = c.node!
      const args = inv.args
      const cmd = args.find((a) => ['-L', '--dump', '-F', '--flush', '-C', '--count'].includes(a))
      const filter: { proto?: string; src?: string; dst?: string } = {}
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!
        if (a === '-p' || a === '--proto') filter.proto = args[++i]
        else if (a === '-s' || a === '--src' || a === '--orig-src') filter.src = args[++i]
        else if (a === '-d' || a === '--dst' || a === '--orig-dst') filter.dst = args[++i]
      }
      const now = env.sim.state.now
      if (!cmd)
        return {
          lines: [
            err(`conntrack v${CONNTRACK_VERSION} (conntrack-tools): no command specified`),
            err("Try `conntrack -h' or 'conntrack --help' for more information."),
          ],
          exitCode: 2,
        }
      if (cmd === '-F' || cmd === '--flush') {
        env.sim.transact((ctx) => {
          const n = ctx.state.nodes[node.name]
          if (n) n.conntrack = { ...emptyConntrack(), nextId: n.conntrack?.nextId ?? 1 }
        })
        return {
          lines: [
            err(
              `conntrack v${CONNTRACK_VERSION} (conntrack-tools): connection tracking table has been emptied.`,
            ),
          ],
          exitCode: 0,
        }
      }
      const { lines, summary } = listConntrack(node.conntrack, now, filter)
      if (cmd === '-C' || cmd === '--count')
        return { lines: [out(String(lines.length))], exitCode: 0 }
      // the summary goes to stderr, as the real tool writes it
      return { lines: [...lines.map(out), dim(summary)], exitCode: 0 }
    }),
}

export const SHELL_NET_COMMANDS: CommandSpec[] = [curl, wget, nslookup, nc, conntrack]
