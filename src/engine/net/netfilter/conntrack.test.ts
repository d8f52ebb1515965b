import { describe, expect, it } from 'vitest'
import {
  confirm,
  emptyConntrack,
  formatEntry,
  listConntrack,
  lookup,
  newEntry,
  update,
} from './conntrack.ts'

const t = { proto: 'tcp' as const, src: '192.168.1.5', dst: '10.100.0.50', sport: 40000, dport: 80 }

describe('conntrack', () => {
  it('follows a TCP connection from SYN to TIME_WAIT, ASSURED after the handshake', () => {
    const ct = emptyConntrack()
    const e = newEntry(ct, t, 0)
    e.reply = { ...e.reply, src: '192.168.3.7' }
    confirm(ct, e)
    const steps: [Parameters<typeof update>[1], Parameters<typeof update>[2], string, number][] = [
      ['original', { syn: true }, 'SYN_SENT', 120],
      ['reply', { syn: true, ack: true }, 'SYN_RECV', 60],
      ['original', { ack: true }, 'ESTABLISHED', 86400],
      ['original', { fin: true, ack: true }, 'FIN_WAIT', 120],
      ['reply', { fin: true, ack: true }, 'LAST_ACK', 30],
      ['original', { ack: true }, 'TIME_WAIT', 120],
    ]
    for (const [dir, flags, state, secs] of steps) {
      update(e, dir, flags, 1000)
      expect([e.tcpState, (e.expiresAt - 1000) / 1000]).toEqual([state, secs])
    }
    expect(e.assured).toBe(true)
    expect(
      lookup(ct, { ...t, src: '192.168.3.7', dst: '192.168.1.5', sport: 80, dport: 40000 }, 1000)
        ?.dir,
    ).toBe('reply')
  })

  it('prints entries as conntrack -L does, with [UNREPLIED] and the stderr summary', () => {
    const ct = emptyConntrack()
    const e = newEntry(
      ct,
      { proto: 'udp', src: '192.168.1.5', dst: '10.100.0.10', sport: 51000, dport: 53 },
      0,
    )
    confirm(ct, e)
    expect(formatEntry(e, 1000)).toBe(
      'udp      17 29 src=192.168.1.5 dst=10.100.0.10 sport=51000 dport=53 [UNREPLIED] src=10.100.0.10 dst=192.168.1.5 sport=53 dport=51000 mark=0 use=1',
    )
    update(e, 'reply', undefined, 1000)
    expect(formatEntry(e, 1000)).toContain('dport=53 src=10.100.0.10')
    expect(e.assured).toBe(false)
    // a UDP flow still talking after 2 s becomes a stream: 120 s and ASSURED
    update(e, 'original', undefined, 3000)
    expect([e.assured, e.expiresAt]).toEqual([true, 123_000])
    const { lines, summary } = listConntrack(ct, 3000, { proto: 'udp' })
    expect(lines).toHaveLength(1)
    expect(summary).toBe('conntrack v1.4.6 (conntrack-tools): 1 flow entries have been shown.')
    expect(listConntrack(ct, 200_000).lines).toHaveLength(0)
  })
})
