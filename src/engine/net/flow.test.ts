import { describe, expect, it } from 'vitest'
import { netCluster, podRuntime } from './testing/netCluster.ts'
import { tcpConnect } from './flow.ts'

describe('a TCP connection to a ClusterIP', () => {
  it('is DNATed to a web pod and the answer comes back from the ClusterIP', () => {
    const tc = netCluster()
    const svc = tc.get('Service', 'web')!
    const client = podRuntime(tc, 'client-')
    const r = tc.sim.transact((ctx) =>
      tcpConnect(ctx, client.place, svc.spec.clusterIP, 80, {
        purpose: 'HTTP GET /',
        requestBytes: 77,
        responseBytes: () => 853,
      }),
    )
    if (!r.ok) throw r.error
    const x = r.value
    console.log(
      x,
      r.events
        .filter((e) => e.type === 'packet.hop')
        .map((e) => JSON.stringify(e))
        .join('\n'),
    )
    expect(x.outcome).toBe('answered')
    expect(x.reply).toMatchObject({ src: svc.spec.clusterIP, sport: 80, dst: client.pod.ip })
  })
})
