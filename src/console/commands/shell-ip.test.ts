import { describe, expect, it } from 'vitest'
import { createSimulation, createObject } from '../../engine/index.ts'
import { vethName } from '../../engine/node/util.ts'
import { Console } from '../session.ts'

// `ip` on a node and in pods. The layouts were taken from iproute2 6.1 and BusyBox 1.35 run in
// network namespaces built like a pod's (veth pair, /32, 169.254.1.1 routes, permanent ARP entry),
// and from an AL2023 EKS node's dump (FIDELITY §5.4): trailing spaces included, as the tools print them.

function setup() {
  const sim = createSimulation({ seed: 7, config: { nodeCount: 1 } })
  sim.settle()
  for (const [name, image] of [
    ['bb', 'busybox'],
    ['web', 'nginx'],
  ] as const) {
    const r = sim.transact((ctx) =>
      createObject(ctx, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default' },
        spec: { containers: [{ name, image, command: ['sleep', '3600'] }] },
      } as never),
    )
    if (!r.ok) throw r.error
  }
  sim.settle()
  const con = new Console(sim, { settleAfterCommands: true })
  const node = Object.values(sim.state.nodes)[0]!
  const run = (cmd: string) => {
    const res = con.run(cmd)
    return { ...res, text: res.lines.map((l) => l.text).join('\n') }
  }
  return { sim, node, run }
}

describe('ip', () => {
  it('on the node: addr, link, route, rule, neigh, the per-ENI table', async () => {
    const { run, node } = setup()
    run(`ssh ${node.name}`)
    const t = [
      'ip addr',
      'ip link',
      'ip route',
      'ip route show table 2',
      'ip route show table 3',
      'ip rule',
      'ip neigh',
      'ip addr show dev nosuch',
      'ip foo',
    ]
      .map((c) => `$ ${c}\n${run(c).text}`)
      .join('\n')
    await expect(t).toMatchFileSnapshot('./__golden__/ip-node.txt')
    expect(run('ip route show table 9').exitCode).toBe(2)
  })

  it('in pods: the /32, the routes via 169.254.1.1 and the permanent ARP entry of the host veth', async () => {
    const { run, sim } = setup()
    const t = [
      'kubectl exec bb -- ip addr',
      'kubectl exec bb -- ip route',
      'kubectl exec bb -- ip neigh',
      'kubectl exec bb -- ip rule',
      'kubectl exec bb -- ip route add 1.2.3.4 dev eth0',
    ]
      .map((c) => `$ ${c}\n${run(c).text}`)
      .join('\n')
    await expect(t).toMatchFileSnapshot('./__golden__/ip-pod.txt')
    // the host side of bb's veth: its route on the node and its MAC in the pod's ARP entry
    const bb = Object.values(Object.values(sim.state.nodes)[0]!.pods).find((p) => p.name === 'bb')!
    expect(t).toContain(`eth0@if`)
    expect(vethName('default', 'bb')).toMatch(/^eni[0-9a-f]{11}$/)
    // printf '%s' 'default.web-6dc5cd68db-svzjk' | sha1sum -> d2120341adee5f4f…
    expect(vethName('default', 'web-6dc5cd68db-svzjk')).toBe('enid2120341ade')
    expect(t).toContain(`inet ${bb.ip}/32 scope global eth0`)
  })
})

describe('ipamd introspection', () => {
  it('curl -s localhost:61679/v1/enis on the node: the datastore as JSON', () => {
    const { run, node, sim } = setup()
    run(`ssh ${node.name}`)
    const r = run('curl -s localhost:61679/v1/enis')
    expect(r.exitCode).toBe(0)
    const j = JSON.parse(r.text)
    const n = sim.state.nodes[node.name]!
    expect(j.TotalIPs).toBe(10)
    expect(j.AssignedIPs).toBe(4)
    expect(Object.keys(j.ENIs)).toEqual([...n.ipamd!.enis].sort())
    const primary = j.ENIs[n.ipamd!.enis[0]!]
    expect(primary).toMatchObject({ IsPrimary: true, DeviceNumber: 0, RouteTableID: 254 })
    expect(j.ENIs[n.ipamd!.enis[1]!]).toMatchObject({ DeviceNumber: 1, RouteTableID: 2 })
    const bb = Object.values(n.pods).find((p) => p.name === 'bb')!
    const entry = primary.AvailableIPv4Cidrs[`${bb.ip}/32`].IPAddresses[bb.ip]
    expect(entry).toMatchObject({
      Address: bb.ip,
      IPAMKey: { networkName: 'aws-cni', containerID: bb.sandboxId, ifName: 'eth0' },
      IPAMMetadata: { k8sPodNamespace: 'default', k8sPodName: 'bb' },
      UnassignedTime: '0001-01-01T00:00:00Z',
    })
    expect(entry.AssignedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/)
    expect(Object.keys(primary)).toEqual([
      'ID',
      'IsPrimary',
      'IsTrunk',
      'IsEFA',
      'DeviceNumber',
      'AvailableIPv4Cidrs',
      'IPv6Cidrs',
      'RouteTableID',
    ])
    expect(run('curl 127.0.0.1:61679/v1/enis').exitCode).toBe(0)
  })

  // ipamd binds introspection to INTROSPECTION_BIND_ADDRESS, default 127.0.0.1:61679
  // (amazon-vpc-cni-k8s pkg/ipamd/introspect.go), and metrics to ":61678" (pkg/ipamd/metrics.go)
  it('answers on 127.0.0.1 only: the node IP is refused at once; metrics (:61678) on every address', () => {
    const { run, node } = setup()
    run(`ssh ${node.name}`)
    const r = run('curl http://' + node.ip + ':61679/v1/enis')
    expect(r.exitCode).toBe(7)
    expect(r.text).toBe(
      `curl: (7) Failed to connect to ${node.ip} port 61679 after 0 ms: Could not connect to server`,
    )
    expect(run('curl -s localhost:61679/v1/nope').text).toBe('404 page not found')
    expect(
      run('curl -s -o /dev/null -w %{http_code} http://' + node.ip + ':61678/metrics').exitCode,
    ).not.toBe(7)
    expect(
      run('curl -s -o /dev/null -w %{http_code} http://127.0.0.1:61678/metrics').exitCode,
    ).not.toBe(7)
  })
})
