import { describe, expect, it } from 'vitest'
import { session } from '../__tests__/helpers.ts'

// A node's loopback: a host process sending to 127.0.0.0/8 or to its own address goes OUTPUT ->
// POSTROUTING -> lo -> INPUT, from source 127.0.0.1 when the destination is a loopback address.
// kube-proxy's localhost NodePorts (KUBE-NODEPORTS -d 127.0.0.0/8, route_localnet) still answer.
describe('the node loopback', () => {
  it('NodePorts answer on 127.0.0.1, localhost and the node IP from the node', () => {
    const c = session(7)
    const run = (cmd: string) => {
      const r = c.run(cmd)
      return { exitCode: r.exitCode, text: r.lines.map((l) => l.text).join('\n') }
    }
    run('kubectl create deployment web --image=nginx')
    run('kubectl create service nodeport web --tcp=80:80 --node-port=30080')
    c.sim.settle()
    const node = Object.values(c.sim.state.nodes)[0]!
    run(`ssh ${node.name}`)
    for (const host of ['127.0.0.1', 'localhost', node.ip]) {
      const r = run(`curl -s -o /dev/null -w %{http_code} http://${host}:30080/`)
      expect([host, r.exitCode, r.text]).toEqual([host, 0, '200'])
    }
  })

  it('a host process to localhost: OUTPUT -> POSTROUTING -> lo -> INPUT, from 127.0.0.1, no PREROUTING', () => {
    const c = session(7)
    const node = Object.values(c.sim.state.nodes)[0]!
    c.run(`ssh ${node.name}`)
    const hops: { kind: string; label: string; src: string; direction: string }[] = []
    c.sim.subscribe((evs) => {
      for (const e of evs)
        if (e.type === 'packet.hop')
          hops.push({ kind: e.kind, label: e.label, src: e.before.src, direction: e.direction })
    })
    expect(c.run('curl -s -o /dev/null localhost:61679/v1/enis').exitCode).toBe(0)
    const syn = hops.filter((h) => h.direction === 'request').slice(0, 5)
    expect(syn.map((h) => h.label)).toEqual([
      'OUTPUT',
      'POSTROUTING',
      '127.0.0.1 dev lo: local',
      'INPUT',
      `${node.name} host`,
    ])
    expect(syn.every((h) => h.src === '127.0.0.1')).toBe(true)
  })
})
