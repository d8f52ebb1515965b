import type { ClusterState } from '../model/state.ts'
import { EPOCH_MS } from '../time.ts'
import { utf8Bytes } from '../encoding.ts'
import type { Response } from './http.ts'

// The internet beyond the VPC, as far as Cutaway simulates it: a handful of real hosts with their
// real addresses, answering what the real ones answer. Everything else on the internet does not
// exist here: names outside this table get NXDOMAIN (with a note from the tool saying so) and a
// packet to an address outside it is lost past the internet gateway.
// Simplified: the routers between the internet gateway and a host are not simulated (traceroute
// prints `* * *` for them: workloads/traceroute.ts); TLS is a handshake described, not performed
// (curl -v prints it from workloads/curlTls.ts; the page is the same as over http); AAAA records are
// answered (nslookup prints them) but IPv6 is not routed: an IPv4 EKS cluster's pods have no IPv6
// address, and curl prints `IPv6: (none)` because getaddrinfo's AI_ADDRCONFIG leaves IPv6 out on a host
// without an IPv6 address; a name has no CNAME chain (checkip.amazonaws.com really is a CNAME
// to checkip.check-ip.aws.a2z.com and then to a regional name).

/** Routers between the internet gateway and an internet host that Cutaway does not simulate: each
 * shows as `* * *` in traceroute and takes one off the TTL of the host's answers. */
export const UNSIMULATED_INTERNET_HOPS = 5

/** Milliseconds the unsimulated part of the internet adds to a round trip (traceroute, ping): an AWS
 * region to a nearby Cloudflare or Google edge is a millisecond or two. */
export const INTERNET_RTT_MS = 1.2

export type InternetHostKind = 'web' | 'checkip' | 'dns'

export interface InternetHost {
  name: string
  /** its A records */
  addrs: string[]
  /** its AAAA records (printed by nslookup; unreachable from an IPv4 cluster's pods) */
  aaaa?: string[]
  tcp: number[]
  udp: number[]
  kind: InternetHostKind
  /** what the host's TLS server accepts of curl's ALPN offer (h2,http/1.1): the protocol spoken on 443 */
  alpn: 'h2' | 'http/1.1'
  /** the TTL the host's own packets start with (Linux 64; Google's public DNS answers pings with 128:
   * `ping 8.8.8.8` shows ttl=11x from most networks) */
  initialTtl?: number
}

/** The TTL of a packet `host` sends, as it arrives after the unsimulated routers and `forwards` more. */
export function ttlFromInternet(host: InternetHost, forwards: number): number {
  return (host.initialTtl ?? 64) - UNSIMULATED_INTERNET_HOPS - forwards
}

const HOSTS: readonly InternetHost[] = [
  // IANA's example domain, served by Cloudflare since late 2025: `dig example.com` answers these two
  // (observed October 2026; the page and headers as `curl -v https://example.com` showed them in
  // December 2025 / January 2026: 513 bytes, `Server: cloudflare`)
  {
    name: 'example.com',
    addrs: ['104.20.23.154', '172.66.147.243'],
    // Cloudflare's IPv6 addresses for the same two edges (2606:4700:10::<the IPv4 address in hex>)
    aaaa: ['2606:4700:10::6814:179a', '2606:4700:10::ac42:93f3'],
    tcp: [80, 443],
    udp: [],
    kind: 'web',
    alpn: 'h2',
  },
  // AWS's "what is my IP" service: the body is the caller's public address and a newline. The
  // address is one observed for it (a regional Amazon address; the real name rotates several).
  {
    name: 'checkip.amazonaws.com',
    addrs: ['44.193.128.70'],
    tcp: [80, 443],
    udp: [],
    kind: 'checkip',
    alpn: 'http/1.1',
  },
  // Google Public DNS (developers.google.com/speed/public-dns): DNS on 53 (udp and tcp), DoH on 443
  {
    name: 'dns.google',
    addrs: ['8.8.8.8', '8.8.4.4'],
    aaaa: ['2001:4860:4860::8888', '2001:4860:4860::8844'],
    tcp: [53, 443],
    udp: [53],
    kind: 'dns',
    alpn: 'h2',
    initialTtl: 128,
  },
]

/** The names Cutaway's internet answers for, for the tools' notes. */
export const INTERNET_HOST_NAMES: readonly string[] = HOSTS.map((h) => h.name)

function canonical(name: string): string {
  return name.toLowerCase().replace(/\.$/, '')
}

export function internetHostByName(name: string): InternetHost | undefined {
  const q = canonical(name)
  return HOSTS.find((h) => h.name === q)
}

export function internetHostByIp(ip: string): InternetHost | undefined {
  return HOSTS.find((h) => h.addrs.includes(ip))
}

/** What a public resolver (8.8.8.8, or Route 53 Resolver recursing) answers for an A query. */
export function internetDnsAnswer(
  name: string,
): { rcode: 'NOERROR'; addrs: string[]; aaaa?: string[] } | { rcode: 'NXDOMAIN' } {
  const h = internetHostByName(name)
  if (!h) return { rcode: 'NXDOMAIN' }
  return { rcode: 'NOERROR', addrs: [...h.addrs], ...(h.aaaa ? { aaaa: [...h.aaaa] } : {}) }
}

/** Is `name` one that would be looked up on the internet (not the cluster's, not the VPC's)? */
export function isInternetName(state: ClusterState, name: string): boolean {
  const q = canonical(name)
  return (
    q.includes('.') &&
    !/^\d+(\.\d+){3}$/.test(q) &&
    !q.endsWith('.cluster.local') &&
    !q.endsWith('.compute.internal') &&
    !q.endsWith(`.${state.config.region}.compute.internal`)
  )
}

/** The dim note a tool adds when an internet name did not resolve. */
export function internetNote(name: string): string {
  return `(Cutaway simulates only these internet hosts: ${INTERNET_HOST_NAMES.join(', ')}. ${name} does not exist here, so the resolver answered NXDOMAIN.)`
}

const EXAMPLE_PAGE =
  '<!doctype html><html lang="en"><head><title>Example Domain</title><meta name="viewport" content="width=device-width, initial-scale=1"><style>body{background:#eee;width:60vw;margin:15vh auto;font-family:system-ui,sans-serif}h1{font-size:1.5em}div{opacity:0.8}a:link,a:visited{color:#348}</style><body><div><h1>Example Domain</h1><p>This domain is for use in documentation examples without needing permission. Avoid use in operations.<p><a href="https://iana.org/domains/example">Learn more</a></div></body></html>\n'

/** Last-Modified of the cached page, as observed (Cloudflare re-fetches it every few hours). */
const EXAMPLE_MODIFIED = 'Sat, 03 Jan 2026 05:43:21 GMT'

export interface InternetRequest {
  method: string
  path: string
  port: number
  /** the client's address as the host sees it: a node's public IP or the NAT gateway's EIP */
  peer: string
  /** the client offered h2 in its TLS handshake (curl does; BusyBox wget does not); HTTP/2 is spoken
   * only when the host's TLS server accepts it too */
  h2?: boolean
}

/** The same response as an HTTP/2 client sees it (header order as observed over HTTP/1.1:
 * unconfirmed for h2). */
function overH2(r: Response): Response {
  return {
    ...r,
    version: 'HTTP/2',
    reason: '',
    headers: r.headers
      .filter(([k]) => k !== 'Connection')
      .map(([k, v]) => [k.toLowerCase(), v] as [string, string]),
  }
}

/**
 * What an internet host answers an HTTP request with, or undefined when the simulation does not
 * model that host's HTTP (dns.google's DoH page).
 */
export function serveInternetHttp(
  state: ClusterState,
  host: InternetHost,
  req: InternetRequest,
): Response | undefined {
  const r = serveHttp1(state, host, req)
  return r && req.h2 && req.port === 443 && host.alpn === 'h2' ? overH2(r) : r
}

function serveHttp1(
  state: ClusterState,
  host: InternetHost,
  req: InternetRequest,
): Response | undefined {
  const date: [string, string] = ['Date', new Date(EPOCH_MS + state.now).toUTCString()]
  const head = req.method === 'HEAD'
  if (host.kind === 'web') {
    const body = req.path.split('?')[0] === '/' || req.path === '/index.html' ? EXAMPLE_PAGE : ''
    if (!body)
      // the origin answers every other path with the same page, with a 404 status [unconfirmed
      // since example.com moved to Cloudflare]
      return {
        status: 404,
        reason: 'Not Found',
        headers: [
          date,
          ['Content-Type', 'text/html'],
          ['Content-Length', String(utf8Bytes(EXAMPLE_PAGE).length)],
          ['Connection', 'keep-alive'],
          ['Server', 'cloudflare'],
        ],
        body: head ? '' : EXAMPLE_PAGE,
      }
    return {
      status: 200,
      reason: 'OK',
      headers: [
        date,
        ['Content-Type', 'text/html'],
        ['Connection', 'keep-alive'],
        ['Last-Modified', EXAMPLE_MODIFIED],
        ['Allow', 'GET, HEAD'],
        ['Accept-Ranges', 'bytes'],
        ['Server', 'cloudflare'],
        ['Content-Length', String(utf8Bytes(body).length)],
      ],
      body: head ? '' : body,
    }
  }
  if (host.kind === 'checkip') {
    // the caller's public address: the point of the egress lesson (node public IP vs NAT EIP).
    // Headers beyond these are not modelled.
    const body = `${req.peer}\n`
    return {
      status: 200,
      reason: 'OK',
      headers: [date, ['Content-Length', String(body.length)]],
      body: head ? '' : body,
    }
  }
  return undefined
}
