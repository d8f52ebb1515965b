import type { Ctx } from '../../engine/context.ts'
import { nodeResolvConf } from '../../engine/node/fs.ts'
import { parseResolvConf, query, resolve, type ResolvConf } from '../../engine/net/dns.ts'
import { icmpEcho, type Exchange } from '../../engine/net/flow.ts'
import { nextFloat } from '../../engine/random.ts'
import { connectTo, elapsedOf, isIpv4, parseUrl } from '../../engine/net/http.ts'
import {
  listConntrack,
  CONNTRACK_VERSION,
  emptyConntrack,
} from '../../engine/net/netfilter/conntrack.ts'
import type { Place } from '../../engine/net/path.ts'
import { fetchUrl, runCurl, unresolvedNote } from '../../engine/workloads/curl.ts'
import {
  INTERNET_RTT_MS,
  internetHostByIp,
  internetNote,
  isInternetName,
  ttlFromInternet,
} from '../../engine/net/internet.ts'
import type { Output } from '../../engine/workloads/programs.ts'
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

export function netCtx(env: CommandEnv, c: ShellCtx): NetCtx {
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
export function runFlows<T>(
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

/** curl's output as console lines: its error lines in red; the progress meter and notes dim. */
function programLines(output: Output[]): OutputLine[] {
  return output.map((o) =>
    o.stream === 'stdout' ? out(o.text) : o.text.includes('curl: ') ? err(o.text) : dim(o.text),
  )
}

function curlRun(args: string[], env: CommandEnv, c: ShellCtx): CommandResult {
  const n = netCtx(env, c)
  const r = runFlows(
    env,
    (ctx) => runCurl(ctx, n.place, args, { ...n, tty: isTty(env) }),
    (x) => x.waitedMs,
  )
  if (!r) return { lines: [err('curl: (7) Failed to connect')], exitCode: 7 }
  return { lines: programLines(r.output), exitCode: r.exitCode }
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
      const fetched = runFlows(
        env,
        (ctx) => fetchUrl(ctx, n.place, n, url, method, 'Wget', timeoutMs),
        (f) => elapsedOf(f.connect),
      )
      if (!fetched) return { lines: [err('wget: error')], exitCode: 1 }
      const conn = fetched.connect
      if (conn.kind === 'resolve-failed') {
        const note = unresolvedNote(env.sim.state, url.host, conn)
        return {
          lines: [err(`wget: bad address '${url.host}'`), ...(note ? [dim(note)] : [])],
          exitCode: 1,
        }
      }
      const lines: OutputLine[] = []
      const say = (t: string) => {
        if (!quiet) lines.push(dim(t))
      }
      // wget.c: "Connecting to %s (%s)" with the URL's host as written, so an explicit port shows
      // twice: `Connecting to 127.0.0.1:1 (127.0.0.1:1)` (checked against BusyBox 1.35 wget)
      const authority =
        /^(?:[a-zA-Z][\w+.-]*:\/\/)?(?:[^@/]*@)?([^/?#]+)/.exec(target)?.[1] ?? url.host
      say(`Connecting to ${authority} (${conn.ip}:${url.port})`)
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
        // the A answer, then the AAAA answer (empty: the cluster is IPv4 only)
        if (a.rcode === 'NXDOMAIN') {
          lines.push(out(`** server can't find ${r.name}: NXDOMAIN`), out(''))
          lines.push(out(`** server can't find ${r.name}: NXDOMAIN`), out(''))
          continue
        }
        // parse_reply(): a reply without the AA flag (everything CoreDNS forwarded, anything from
        // a public resolver) is headed "Non-authoritative answer:", the A reply and the AAAA one
        const nonAuth = !/(^|\.)cluster\.local\.?$/i.test(r.name)
        if (nonAuth) lines.push(out('Non-authoritative answer:'))
        for (const ip of a.addrs) lines.push(out(`Name:\t${r.name}`), out(`Address: ${ip}`))
        lines.push(out(''))
        if (nonAuth) lines.push(out('Non-authoritative answer:'))
        for (const ip of a.aaaa ?? []) lines.push(out(`Name:\t${r.name}`), out(`Address: ${ip}`))
        lines.push(out(''))
      }
      // a failed query (NXDOMAIN) makes the exit status 1 (BusyBox 1.35 binary against a local DNS
      // server; older nslookup.c returned EXIT_SUCCESS regardless)
      const failed = results.some((r) => r.answer?.rcode === 'NXDOMAIN')
      if (
        results.every((r) => r.answer?.rcode === 'NXDOMAIN') &&
        isInternetName(env.sim.state, host)
      )
        lines.push(dim(internetNote(host)))
      return { lines, exitCode: failed ? 1 : 0 }
    }),
}

// ---- BusyBox nc -------------------------------------------------------------------------------

/** An echo reply's TTL: 64 from a Linux host in the cluster, less what forwarded it back. */
function ttlOf(ip: string, forwards: number): number {
  const host = internetHostByIp(ip)
  return host ? ttlFromInternet(host, forwards) : 64 - forwards
}

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
      if (connect.kind === 'resolve-failed') {
        const note = unresolvedNote(env.sim.state, host, connect)
        return {
          lines: [err(`nc: bad address '${host}'`), ...(note ? [dim(note)] : [])],
          exitCode: 1,
        }
      }
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

// ---- BusyBox ping ----------------------------------------------------------------------------

const ping: CommandSpec = {
  path: ['ping'],
  modes: ['container'],
  summary: 'Send ICMP ECHO_REQUEST packets to network hosts (BusyBox)',
  usage: 'ping [-c COUNT] HOST',
  rawArgs: true,
  run: (inv, env) =>
    withCtx(env, 'ping', (c) => {
      let count: number | undefined
      let host: string | undefined
      const args = inv.args
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!
        if (a === '-c') count = Number(args[++i])
        else if (a.startsWith('-c')) count = Number(a.slice(2))
        else if (a === '-W' || a === '-w' || a === '-i' || a === '-s') i++
        else if (!a.startsWith('-')) host = a
      }
      if (!host || (count !== undefined && !(count > 0)))
        return {
          lines: [
            err('BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.'),
            err(''),
            err('Usage: ping [OPTIONS] HOST'),
          ],
          exitCode: 1,
        }
      const n = netCtx(env, c)
      const sent = count ?? 4
      const r = runFlows(
        env,
        (ctx) => {
          let ip = host
          if (!isIpv4(host)) {
            const res = resolve(ctx, n.place, host, n.resolv, n.libc)
            if (res.kind !== 'ok') return { bad: res.kind }
            ip = res.addrs[0]!
          }
          // busybox uses its pid as the echo id
          const id = 1 + Math.floor(nextFloat(ctx.state.rng) * 65535)
          const echoes: Exchange[] = []
          for (let seq = 0; seq < sent; seq++) echoes.push(icmpEcho(ctx, n.place, ip, id))
          const far = internetHostByIp(ip) ? INTERNET_RTT_MS : 0
          const rtts = echoes.map(
            (x) => 0.04 + far + 0.2 * x.elapsedMs + nextFloat(ctx.state.rng) * 0.08,
          )
          return { ip, echoes, rtts }
        },
        // one echo a second
        () => (sent - 1) * 1000,
      )
      if (!r) return { lines: [err('ping: error')], exitCode: 1 }
      if ('bad' in r) {
        const note =
          r.bad === 'nxdomain' && isInternetName(env.sim.state, host)
            ? internetNote(host)
            : undefined
        return {
          lines: [err(`ping: bad address '${host}'`), ...(note ? [dim(note)] : [])],
          exitCode: 1,
        }
      }
      const lines: OutputLine[] = [out(`PING ${host} (${r.ip}): 56 data bytes`)]
      const got: number[] = []
      r.echoes.forEach((x, seq) => {
        if (x.outcome !== 'answered') return
        const t = r.rtts[seq]!
        got.push(t)
        lines.push(
          out(
            `64 bytes from ${r.ip}: seq=${seq} ttl=${ttlOf(r.ip, x.answerForwards ?? 0)} time=${t.toFixed(3)} ms`,
          ),
        )
      })
      if (count === undefined)
        lines.push(dim('(Cutaway stops ping after 4 packets, as if you pressed Ctrl+C.)'))
      lines.push(
        out(''),
        out(`--- ${host} ping statistics ---`),
        out(
          `${sent} packets transmitted, ${got.length} packets received, ${Math.round(((sent - got.length) * 100) / sent)}% packet loss`,
        ),
      )
      if (got.length) {
        const avg = got.reduce((a, b) => a + b, 0) / got.length
        lines.push(
          out(
            `round-trip min/avg/max = ${Math.min(...got).toFixed(3)}/${avg.toFixed(3)}/${Math.max(...got).toFixed(3)} ms`,
          ),
        )
      }
      return { lines, exitCode: got.length ? 0 : 1 }
    }),
}

// ---- conntrack (node) -------------------------------------------------------------------------

/** `conntrack` alone, as conntrack-tools 1.4.7 prints it (Debian 12 binary; AL2023's 1.4.6 may list
 * a few options differently: unconfirmed). Tabs are the real ones. */
const CONNTRACK_USAGE = [
  `Command line interface for the connection tracking system. Version ${CONNTRACK_VERSION}`,
  'Usage: conntrack [commands] [options]',
  '',
  'Commands:',
  '  -L [table] [options]\t\tList conntrack or expectation table',
  '  -G [table] parameters\t\tGet conntrack or expectation',
  '  -D [table] parameters\t\tDelete conntrack or expectation',
  '  -I [table] parameters\t\tCreate a conntrack or expectation',
  '  -U [table] parameters\t\tUpdate a conntrack',
  '  -E [table] [options]\t\tShow events',
  '  -F [table]\t\t\tFlush table',
  '  -C [table]\t\t\tShow counter',
  '  -S\t\t\t\tShow statistics',
  '',
  'Tables: conntrack, expect, dying, unconfirmed',
  '',
  'Conntrack parameters and options:',
  '  -n, --src-nat ip\t\t\tsource NAT ip',
  '  -g, --dst-nat ip\t\t\tdestination NAT ip',
  '  -j, --any-nat ip\t\t\tsource or destination NAT ip',
  '  -m, --mark mark\t\t\tSet mark',
  '  -c, --secmark secmark\t\t\tSet selinux secmark',
  '  -e, --event-mask eventmask\t\tEvent mask, eg. NEW,DESTROY',
  '  -z, --zero \t\t\t\tZero counters while listing',
  '  -o, --output type[,...]\t\tOutput format, eg. xml',
  '  -l, --label label[,...]\t\tconntrack labels',
  '',
  'Expectation parameters and options:',
  '  --tuple-src ip\tSource address in expect tuple',
  '  --tuple-dst ip\tDestination address in expect tuple',
  '',
  'Updating parameters and options:',
  '  --label-add label\tAdd label',
  '  --label-del label\tDelete label',
  '',
  'Common parameters and options:',
  '  -s, --src, --orig-src ip\t\tSource address from original direction',
  '  -d, --dst, --orig-dst ip\t\tDestination address from original direction',
  '  -r, --reply-src ip\t\tSource addres from reply direction',
  '  -q, --reply-dst ip\t\tDestination address from reply direction',
  "  -p, --protonum proto\t\tLayer 4 Protocol, eg. 'tcp'",
  "  -f, --family proto\t\tLayer 3 Protocol, eg. 'ipv6'",
  '  -t, --timeout timeout\t\tSet timeout',
  '  -u, --status status\t\tSet status, eg. ASSURED',
  '  -w, --zone value\t\tSet conntrack zone',
  '  --orig-zone value\t\tSet zone for original direction',
  '  --reply-zone value\t\tSet zone for reply direction',
  '  -b, --buffer-size\t\tNetlink socket buffer size',
  '  --mask-src ip\t\t\tSource mask address',
  '  --mask-dst ip\t\t\tDestination mask address',
  '',
]

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
      // no command: usage() on stdout, exit 0 (conntrack.c main(): `default: usage(argv[0])`)
      if (!cmd) return { lines: CONNTRACK_USAGE.map(out), exitCode: 0 }
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
      return { lines: [...lines.map(out), { ...dim(summary), stderr: true }], exitCode: 0 }
    }),
}

export const SHELL_NET_COMMANDS: CommandSpec[] = [curl, wget, nslookup, nc, ping, conntrack]
