import { describe, expect, it } from 'vitest'
import type { Fetched } from './curl.ts'
import { runVerboseCurl } from './curlVerbose.ts'
import type { Exchange } from '../net/flow.ts'

// An HTTPS exchange as the engine will hand it over once internet hosts are reachable (branch
// egress): connected to example.com:443 with a response. Only the trace is under test here.
const exchange = {
  flow: 'f1',
  outcome: 'answered',
  client: { ip: '192.168.6.121', port: 50472 },
  elapsedMs: 2,
} as Exchange
const fetched: Fetched = {
  connect: { kind: 'connected', ip: '104.20.23.154', exchange, elapsedMs: 2 },
  response: {
    status: 200,
    reason: 'OK',
    headers: [
      ['Date', 'Mon, 02 Mar 2026 09:00:00 GMT'],
      ['Content-Type', 'text/html'],
      ['Server', 'cloudflare'],
    ],
    body: '<!doctype html><html lang="en"><head><title>Example Domain</title></head></html>\n',
  },
}
const opts = {
  silent: true,
  showError: false,
  head: false,
  include: false,
  fail: false,
  method: 'GET',
}
const url = { scheme: 'https' as const, host: 'example.com', port: 443, path: '/' }

describe('curl -v https://example.com (HTTP/2 over TLS 1.3)', () => {
  it('prints the handshake, the h2 stream and the response headers in lower case', async () => {
    const r = runVerboseCurl(opts, url, fetched, { agent: 'curl/8.17.0', data: true })
    expect(r.exitCode).toBe(0)
    const text = r.output.map((o) => `${o.stream === 'stderr' ? '2' : '1'}| ${o.text}`).join('\n')
    await expect(text + '\n').toMatchFileSnapshot('./__golden__/curl-v-https-example.txt')
    const lines = r.output.map((o) => o.text)
    expect(lines).toContain('< HTTP/2 200 ')
    expect(lines).toContain('< content-type: text/html')
    expect(lines.at(-1)).toBe('* Connection #0 to host example.com:443 left intact')
  })

  it('without a TLS server on the other end it says so instead of inventing one', () => {
    const r = runVerboseCurl(
      opts,
      { ...url, host: 'kubernetes.default' },
      { connect: fetched.connect },
      { agent: 'curl/8.17.0', data: false },
    )
    expect(r.output.at(-1)!.text).toMatch(/does not simulate the TLS server there/)
  })
})
