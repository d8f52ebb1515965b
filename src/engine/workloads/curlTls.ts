// The TLS part of `curl -v https://…` as curl 8.17 with its OpenSSL backend prints it (the
// curlimages/curl image: Alpine's OpenSSL 3.5, whose default key share is X25519MLKEM768). A pure
// function of what the server presents and negotiates; nothing here touches the engine state.
//
// Line shapes are copied from real curl 8.17/8.18 traces (stderr of `curl -v`):
// - `* SSL Trust Anchors:` / `*   CAfile: …` / `*   CApath: …`, the three-space `*   subject:` block,
//   `*   Certificate level N: Public key type …`, `*   subjectAltName: "h" matches cert's "h"`,
//   `* SSL certificate verified via OpenSSL.`: curl 8.17.0 on Linux, `curl -v https://example.com`
//   (a Caido proxy write-up, 2026-01) and `curl -vI https://jevops.de` (2026-02);
// - HTTP/2: `* [HTTP/2] [1] OPENED stream for https://example.com/`, the pseudo-header lines,
//   `> GET / HTTP/2`, `< HTTP/2 200 ` (curl writes "HTTP/2 %03d " with a trailing space):
//   curl 8.18.0 `curl -v https://example.com`, 2026-09;
// - the `} [n bytes data]` / `{ [n bytes data]` lines that curl's tool adds when stdout is not a
//   terminal (tool_cb_dbg.c): `curl -v https://tug.org` and `https://google.com` piped, curl 8.x
//   2026: `} [5 bytes data]` before the Client hello and `{ [5 bytes data]` before the Server hello
//   (the record headers), then one line per handshake message. Their sizes are representative,
//   not measured per host.
// The later TLS record headers of application data (more `[5 bytes data]` lines in a piped h2
// trace) are left out.

export interface CertInChain {
  /** `RSA`, `EC/prime256v1`, `EC/secp384r1` */
  key: string
  bits: number
  secBits: number
  /** the signature algorithm the certificate is signed with: `ecdsa-with-SHA256` */
  signedWith: string
}

/** What a TLS server presents and agrees to, as far as curl's verbose trace shows it. */
export interface TlsServerInfo {
  /** OpenSSL's one-line DN with `; ` separators, as curl prints it: `CN=example.com` */
  subject: string
  issuer: string
  /** the certificate's subjectAltName entry that matches the host name (absent: none does) */
  sanMatch?: string
  /** IP address entries of the subjectAltName (dns.google lists 8.8.8.8 and 8.8.4.4) */
  ipSans?: string[]
  /** `Jul 29 22:10:08 2026 GMT` (ASN1_TIME_print: day space-padded) */
  startDate: string
  expireDate: string
  /** leaf first, as `Certificate level 0..n` */
  chain: CertInChain[]
  alpn: 'h2' | 'http/1.1'
  version: 'TLSv1.3' | 'TLSv1.2'
  cipher: string
  /** the key exchange group: `X25519MLKEM768`, `x25519` */
  group: string
  /** the peer's signature type as OBJ_nid2sn names it: `id-ecPublicKey`, `RSASSA-PSS` */
  sigType: string
  /** byte sizes of the handshake messages the server sends */
  sizes: { certificate: number; certVerify: number; encryptedExtensions: number }
}

const CA_FILE = '/etc/ssl/certs/ca-certificates.crt'
const CA_PATH = '/etc/ssl/certs'

/**
 * From `* ALPN: curl offers h2,http/1.1` to the verification verdict. `data` adds the byte-count
 * lines (stdout is not a terminal). When nothing in the certificate matches the host, the trace
 * ends with the verification failure (curl exits 60).
 */
export function tlsHandshakeLines(
  host: string,
  info: TlsServerInfo,
  data: boolean,
): { lines: string[]; error?: { code: 60; text: string } } {
  const lines: string[] = ['* ALPN: curl offers h2,http/1.1']
  const msg = (dir: 'IN' | 'OUT', text: string, bytes: number, v = info.version) => {
    lines.push(`* ${v} (${dir}), ${text}`)
    if (data) lines.push(`${dir === 'IN' ? '{' : '}'} [${bytes} bytes data]`)
  }
  const pq = info.group === 'X25519MLKEM768'
  if (data) lines.push('} [5 bytes data]')
  // the ClientHello carries the ML-KEM key share: ~1.5 KB instead of OpenSSL's 512-byte padding
  msg('OUT', 'TLS handshake, Client hello (1):', pq ? 1562 : 512, 'TLSv1.3')
  lines.push('* SSL Trust Anchors:', `*   CAfile: ${CA_FILE}`, `*   CApath: ${CA_PATH}`)
  if (data) lines.push('{ [5 bytes data]')
  msg('IN', 'TLS handshake, Server hello (2):', pq ? 1210 : 122, 'TLSv1.3')
  if (info.version === 'TLSv1.3') {
    msg('IN', 'TLS change cipher, Change cipher spec (1):', 1)
    msg('IN', 'TLS handshake, Encrypted Extensions (8):', info.sizes.encryptedExtensions)
    msg('IN', 'TLS handshake, Certificate (11):', info.sizes.certificate)
    msg('IN', 'TLS handshake, CERT verify (15):', info.sizes.certVerify)
    msg('IN', 'TLS handshake, Finished (20):', 52)
    msg('OUT', 'TLS change cipher, Change cipher spec (1):', 1)
    msg('OUT', 'TLS handshake, Finished (20):', 52)
  } else {
    // TLS 1.2 (ECDHE): the server's key exchange is in the clear, then both Finished messages
    msg('IN', 'TLS handshake, Certificate (11):', info.sizes.certificate)
    msg('IN', 'TLS handshake, Server key exchange (12):', info.sizes.certVerify + 69)
    msg('IN', 'TLS handshake, Server finished (14):', 4)
    msg('OUT', 'TLS handshake, Client key exchange (16):', 37)
    msg('OUT', 'TLS change cipher, Change cipher spec (1):', 1)
    msg('OUT', 'TLS handshake, Finished (20):', 16)
    msg('IN', 'TLS change cipher, Change cipher spec (1):', 1)
    msg('IN', 'TLS handshake, Finished (20):', 16)
  }
  lines.push(
    `* SSL connection using ${info.version} / ${info.cipher} / ${info.group} / ${info.sigType}`,
    `* ALPN: server accepted ${info.alpn}`,
    '* Server certificate:',
    `*   subject: ${info.subject}`,
    `*   start date: ${info.startDate}`,
    `*   expire date: ${info.expireDate}`,
    `*   issuer: ${info.issuer}`,
    ...info.chain.map(
      (c, i) =>
        `*   Certificate level ${i}: Public key type ${c.key} (${c.bits}/${c.secBits} Bits/secBits), signed using ${c.signedWith}`,
    ),
  )
  if (info.sanMatch === undefined) {
    // lib/vtls/openssl.c ossl_verifyhost(): no subjectAltName entry matched
    const text = `SSL: no alternative certificate subject name matches target host name '${host}'`
    lines.push(`*   subjectAltName does not match hostname ${host}`, `* ${text}`)
    return { lines, error: { code: 60, text } }
  }
  lines.push(
    // ossl_verifyhost(): an IP address is matched against the certificate's IP entries
    /^\d+\.\d+\.\d+\.\d+$/.test(host)
      ? `*   subjectAltName: host "${host}" matched cert's IP address!`
      : `*   subjectAltName: "${host}" matches cert's "${info.sanMatch}"`,
    '* SSL certificate verified via OpenSSL.',
  )
  return { lines }
}

/** What curl prints after a failed verification (exit 60), verbose or not (lib/strerror + tool_operate.c). */
export const CURL_60_ADVICE = [
  'More details here: https://curl.se/docs/sslcerts.html',
  '',
  'curl failed to verify the legitimacy of the server and therefore could not',
  'establish a secure connection to it. To learn more about this situation and',
  'how to fix it, please visit the webpage mentioned above.',
]

/**
 * The TLS server curl meets at `urlHost`: by name, or, when the URL names an address, the server of
 * the internet host that holds it (`hostName`), whose certificate must then list the address itself
 * (curl sends no SNI for an address; a certificate for example.com does not match 104.20.23.154).
 */
export function tlsServerFor(
  urlHost: string,
  hostName: string | undefined,
): TlsServerInfo | undefined {
  const byName = TLS_SERVERS[urlHost]
  if (byName) return byName
  const info = hostName ? TLS_SERVERS[hostName] : undefined
  if (!info) return undefined
  const { sanMatch: _name, ...rest } = info
  return info.ipSans?.includes(urlHost) ? { ...rest, sanMatch: urlHost } : rest
}

/** The HTTP/2 request as curl's trace shows it: stream 1's pseudo-headers, then `> GET / HTTP/2`. */
export function h2RequestLines(
  url: { host: string; port: number; path: string },
  method: string,
  agent: string,
): string[] {
  const authority = url.port === 443 ? url.host : `${url.host}:${url.port}`
  return [
    '* using HTTP/2',
    `* [HTTP/2] [1] OPENED stream for https://${authority}${url.path}`,
    `* [HTTP/2] [1] [:method: ${method}]`,
    '* [HTTP/2] [1] [:scheme: https]',
    `* [HTTP/2] [1] [:authority: ${authority}]`,
    `* [HTTP/2] [1] [:path: ${url.path}]`,
    `* [HTTP/2] [1] [user-agent: ${agent}]`,
    '* [HTTP/2] [1] [accept: */*]',
    `> ${method} ${url.path} HTTP/2`,
    `> Host: ${authority}`,
    `> User-Agent: ${agent}`,
    '> Accept: */*',
    '> ',
  ]
}

/** TLS 1.3 servers send their session tickets once the handshake is done. */
export function sessionTicketLines(info: TlsServerInfo, data: boolean): string[] {
  if (info.version !== 'TLSv1.3') return []
  const one = ['* TLSv1.3 (IN), TLS handshake, Newsession Ticket (4):']
  if (data) one.push('{ [249 bytes data]')
  return [...one, ...one]
}

/**
 * What curl says when the server on the other end does not speak TLS (an `https://` URL to nginx's
 * plain port 80): OpenSSL reads an HTTP answer where it expects a record and gives up; curl exits
 * 35 (CURLE_SSL_CONNECT_ERROR). The OpenSSL version is Alpine 3.22's.
 */
/** OpenSSL's error when the server answers a ClientHello in plain HTTP (curl exits 35) */
export const TLS_NOT_SPOKEN = 'OpenSSL/3.5.4: error:0A00010B:SSL routines::wrong version number'

export function tlsNotSpokenLines(data: boolean): { lines: string[]; code: 35; text: string } {
  const text = TLS_NOT_SPOKEN
  const lines = ['* ALPN: curl offers h2,http/1.1']
  if (data) lines.push('} [5 bytes data]')
  lines.push('* TLSv1.3 (OUT), TLS handshake, Client hello (1):')
  if (data) lines.push('} [1562 bytes data]')
  lines.push('* SSL Trust Anchors:', `*   CAfile: ${CA_FILE}`, `*   CApath: ${CA_PATH}`)
  lines.push(`* ${text}`)
  return { lines, code: 35, text }
}

const EC256 = (signedWith: string): CertInChain => ({
  key: 'EC/prime256v1',
  bits: 256,
  secBits: 128,
  signedWith,
})
const EC384: CertInChain = {
  key: 'EC/secp384r1',
  bits: 384,
  secBits: 192,
  signedWith: 'ecdsa-with-SHA384',
}
const RSA = (bits: 2048 | 4096, signedWith: string): CertInChain => ({
  key: 'RSA',
  bits,
  secBits: bits === 2048 ? 112 : 152,
  signedWith,
})

/**
 * The internet hosts Cutaway simulates, as their TLS servers present themselves. Dates are moved
 * to the simulation's calendar (early March 2026), keeping each CA's real lifetime, so the
 * certificates are valid on the simulated day.
 */
export const TLS_SERVERS: Record<string, TlsServerInfo> = {
  // Since 2025 example.com is served by Cloudflare: CN=example.com, issuer "Cloudflare TLS Issuing
  // ECC CA 3" (O=SSL Corporation), a four-level EC chain, h2, X25519MLKEM768, ECDSA: curl 8.18.0
  // `curl -v https://example.com`, 2026-09 (cert Jul 29 - Oct 27 2026: 90 days).
  'example.com': {
    subject: 'CN=example.com',
    issuer: 'C=US; O=SSL Corporation; CN=Cloudflare TLS Issuing ECC CA 3',
    sanMatch: 'example.com',
    startDate: 'Jan 28 22:10:08 2026 GMT',
    expireDate: 'Apr 28 22:17:21 2026 GMT',
    chain: [EC256('ecdsa-with-SHA256'), EC256('ecdsa-with-SHA384'), EC384, EC384],
    alpn: 'h2',
    version: 'TLSv1.3',
    cipher: 'TLS_AES_256_GCM_SHA384',
    group: 'X25519MLKEM768',
    sigType: 'id-ecPublicKey',
    sizes: { certificate: 2832, certVerify: 79, encryptedExtensions: 15 },
  },
  // Google Public DNS: CN=dns.google from Google Trust Services WR2 on an RSA chain (2048, 2048,
  // 4096), h2: curl 8.15.0 `curl -v https://8.8.8.8`, 2026-05 (cert May 7 - Jul 30 2026: 84 days);
  // Shodan 2026-08 shows the same issuer. Google accepts X25519MLKEM768 from OpenSSL 3.5 clients.
  'dns.google': {
    subject: 'CN=dns.google',
    issuer: 'C=US; O=Google Trust Services; CN=WR2',
    sanMatch: 'dns.google',
    ipSans: ['8.8.8.8', '8.8.4.4'],
    startDate: 'Feb  9 08:37:32 2026 GMT',
    expireDate: 'May  4 08:37:31 2026 GMT',
    chain: [
      RSA(2048, 'sha256WithRSAEncryption'),
      RSA(2048, 'sha256WithRSAEncryption'),
      RSA(4096, 'sha384WithRSAEncryption'),
    ],
    alpn: 'h2',
    version: 'TLSv1.3',
    cipher: 'TLS_AES_256_GCM_SHA384',
    group: 'X25519MLKEM768',
    sigType: 'RSASSA-PSS',
    sizes: { certificate: 4832, certVerify: 264, encryptedExtensions: 15 },
  },
  // checkip.amazonaws.com: an Amazon Trust Services certificate (Amazon RSA 2048 M0x intermediates,
  // AWS Security Blog "How to prepare for AWS's move to its own certificate authority", updated
  // 2024-11-18). Unconfirmed: no captured trace of this host was found; the M02 intermediate, TLS
  // 1.3 with x25519 (no ML-KEM) and HTTP/1.1 only are our assumptions.
  'checkip.amazonaws.com': {
    subject: 'CN=checkip.amazonaws.com',
    issuer: 'C=US; O=Amazon; CN=Amazon RSA 2048 M02',
    sanMatch: 'checkip.amazonaws.com',
    startDate: 'Dec 18 00:00:00 2025 GMT',
    expireDate: 'Jan 16 23:59:59 2027 GMT',
    chain: [
      RSA(2048, 'sha256WithRSAEncryption'),
      RSA(2048, 'sha256WithRSAEncryption'),
      RSA(2048, 'sha256WithRSAEncryption'),
    ],
    alpn: 'http/1.1',
    version: 'TLSv1.3',
    cipher: 'TLS_AES_128_GCM_SHA256',
    group: 'x25519',
    sigType: 'RSASSA-PSS',
    sizes: { certificate: 4021, certVerify: 264, encryptedExtensions: 25 },
  },
}
