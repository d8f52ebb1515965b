import { describe, expect, it } from 'vitest'
import {
  h2RequestLines,
  sessionTicketLines,
  tlsHandshakeLines,
  TLS_SERVERS,
  type TlsServerInfo,
} from './curlTls.ts'

const fixed: TlsServerInfo = {
  subject: 'CN=example.com',
  issuer: 'C=US; O=SSL Corporation; CN=Cloudflare TLS Issuing ECC CA 3',
  sanMatch: 'example.com',
  startDate: 'Jul 29 22:10:08 2026 GMT',
  expireDate: 'Oct 27 22:17:21 2026 GMT',
  chain: [
    { key: 'EC/prime256v1', bits: 256, secBits: 128, signedWith: 'ecdsa-with-SHA256' },
    { key: 'EC/secp384r1', bits: 384, secBits: 192, signedWith: 'ecdsa-with-SHA384' },
  ],
  alpn: 'h2',
  version: 'TLSv1.3',
  cipher: 'TLS_AES_256_GCM_SHA384',
  group: 'X25519MLKEM768',
  sigType: 'id-ecPublicKey',
  sizes: { certificate: 2832, certVerify: 79, encryptedExtensions: 15 },
}

describe('curl 8.17 TLS trace (OpenSSL backend)', () => {
  it('prints the handshake, the certificate and the verdict as curl does on a terminal', () => {
    const { lines, error } = tlsHandshakeLines('example.com', fixed, false)
    expect(error).toBeUndefined()
    expect(lines).toEqual([
      '* ALPN: curl offers h2,http/1.1',
      '* TLSv1.3 (OUT), TLS handshake, Client hello (1):',
      '* SSL Trust Anchors:',
      '*   CAfile: /etc/ssl/certs/ca-certificates.crt',
      '*   CApath: /etc/ssl/certs',
      '* TLSv1.3 (IN), TLS handshake, Server hello (2):',
      '* TLSv1.3 (IN), TLS change cipher, Change cipher spec (1):',
      '* TLSv1.3 (IN), TLS handshake, Encrypted Extensions (8):',
      '* TLSv1.3 (IN), TLS handshake, Certificate (11):',
      '* TLSv1.3 (IN), TLS handshake, CERT verify (15):',
      '* TLSv1.3 (IN), TLS handshake, Finished (20):',
      '* TLSv1.3 (OUT), TLS change cipher, Change cipher spec (1):',
      '* TLSv1.3 (OUT), TLS handshake, Finished (20):',
      '* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384 / X25519MLKEM768 / id-ecPublicKey',
      '* ALPN: server accepted h2',
      '* Server certificate:',
      '*   subject: CN=example.com',
      '*   start date: Jul 29 22:10:08 2026 GMT',
      '*   expire date: Oct 27 22:17:21 2026 GMT',
      '*   issuer: C=US; O=SSL Corporation; CN=Cloudflare TLS Issuing ECC CA 3',
      '*   Certificate level 0: Public key type EC/prime256v1 (256/128 Bits/secBits), signed using ecdsa-with-SHA256',
      '*   Certificate level 1: Public key type EC/secp384r1 (384/192 Bits/secBits), signed using ecdsa-with-SHA384',
      '*   subjectAltName: "example.com" matches cert\'s "example.com"',
      '* SSL certificate verified via OpenSSL.',
    ])
  })

  it('adds the byte counts when stdout is not a terminal', () => {
    const { lines } = tlsHandshakeLines('example.com', fixed, true)
    expect(lines.slice(1, 4)).toEqual([
      '} [5 bytes data]',
      '* TLSv1.3 (OUT), TLS handshake, Client hello (1):',
      '} [1562 bytes data]',
    ])
    expect(lines).toContain('{ [2832 bytes data]')
    expect(lines.filter((l) => l.startsWith('* ')).length).toBe(
      tlsHandshakeLines('example.com', fixed, false).lines.length,
    )
  })

  it('fails verification with exit 60 when no subjectAltName matches', () => {
    const { sanMatch: _, ...noMatch } = fixed
    const r = tlsHandshakeLines('example.org', noMatch, false)
    expect(r.error).toEqual({
      code: 60,
      text: "SSL: no alternative certificate subject name matches target host name 'example.org'",
    })
    expect(r.lines.at(-2)).toBe('*   subjectAltName does not match hostname example.org')
  })

  it('prints the HTTP/2 stream and the session tickets', () => {
    expect(
      h2RequestLines({ host: 'example.com', port: 443, path: '/' }, 'GET', 'curl/8.17.0'),
    ).toEqual([
      '* using HTTP/2',
      '* [HTTP/2] [1] OPENED stream for https://example.com/',
      '* [HTTP/2] [1] [:method: GET]',
      '* [HTTP/2] [1] [:scheme: https]',
      '* [HTTP/2] [1] [:authority: example.com]',
      '* [HTTP/2] [1] [:path: /]',
      '* [HTTP/2] [1] [user-agent: curl/8.17.0]',
      '* [HTTP/2] [1] [accept: */*]',
      '> GET / HTTP/2',
      '> Host: example.com',
      '> User-Agent: curl/8.17.0',
      '> Accept: */*',
      '> ',
    ])
    expect(sessionTicketLines(fixed, false)).toEqual([
      '* TLSv1.3 (IN), TLS handshake, Newsession Ticket (4):',
      '* TLSv1.3 (IN), TLS handshake, Newsession Ticket (4):',
    ])
  })

  it('knows the simulated internet hosts, valid on the simulated day (March 2026)', () => {
    expect(Object.keys(TLS_SERVERS).sort()).toEqual([
      'checkip.amazonaws.com',
      'dns.google',
      'example.com',
    ])
    const day = Date.UTC(2026, 2, 2)
    for (const info of Object.values(TLS_SERVERS)) {
      expect(Date.parse(info.startDate.replace(' GMT', 'Z'))).toBeLessThan(day)
      expect(Date.parse(info.expireDate.replace(' GMT', 'Z'))).toBeGreaterThan(day)
    }
  })
})
