import { describe, expect, it } from 'vitest'
import { createSimulation, createObject } from '../../engine/index.ts'
import { iptablesCommand } from '../../engine/net/netfilter/command.ts'
import { Console } from '../session.ts'
import { session, text } from '../__tests__/helpers.ts'

type Sim = ReturnType<typeof createSimulation>

const mk = (sim: Sim, o: object) => {
  const r = sim.transact((ctx) => createObject(ctx, o as never))
  if (!r.ok) throw r.error
}

/** web (nginx x2) behind Service web, a busybox and a curl pod, kube-proxy fixture rules. */
function setup(opts: { rules?: boolean } = {}) {
  const sim = createSimulation({ seed: 7 })
  sim.settle()
  const deploy = (name: string, image: string, replicas: number, command?: string[]) =>
    mk(sim, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'default' },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name, image, ...(command ? { command } : {}) }] },
        },
      },
    })
  deploy('web', 'nginx', 2)
  deploy('bb', 'busybox', 1, ['sleep', '3600'])
  deploy('cc', 'curlimages/curl', 1, ['sleep', '3600'])
  mk(sim, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] },
  })
  mk(sim, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'empty', namespace: 'default' },
    spec: { selector: { app: 'nobody' }, ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] },
  })
  sim.settle()
  // kube-proxy has written the real rules on every node by now; `rules: false` flushes its
  // KUBE-SERVICES chain everywhere, as if kube-proxy had never run
  if (opts.rules === false)
    sim.transact((ctx) => {
      for (const node of Object.values(ctx.state.nodes))
        iptablesCommand(node.netfilter!, ['-t', 'nat', '-F', 'KUBE-SERVICES'])
    })
  const con = new Console(sim, { settleAfterCommands: true })
  const run = (cmd: string) => {
    const r = con.run(cmd)
    return {
      ...r,
      text: r.lines.map((l) => l.text).join('\n'),
      out: r.lines
        .filter((l) => !l.tone || l.tone === 'out')
        .map((l) => l.text)
        .join('\n'),
    }
  }
  const pod = (prefix: string) =>
    Object.values(sim.state.nodes)
      .flatMap((n) => Object.values(n.pods))
      .find((p) => p.name.startsWith(prefix))!
  const clusterIP = (name: string) =>
    (
      sim.state.etcd.buckets['services/specs']?.[`/registry/services/specs/default/${name}`]
        ?.value as { spec: { clusterIP: string } }
    ).spec.clusterIP
  return { sim, con, run, pod, clusterIP }
}

describe('curl from a pod', () => {
  it('fetches nginx welcome page through the Service name', () => {
    const { run, pod } = setup()
    const r = run(`kubectl exec ${pod('cc-').name} -- curl -s http://web.default.svc.cluster.local`)
    expect(r.exitCode).toBe(0)
    expect(r.out).toContain('<title>Welcome to nginx!</title>')
    expect(r.out.split('\n')[0]).toBe('<!DOCTYPE html>')
  })

  it("nginx logs the request with the client pod's own IP (no SNAT inside the VPC)", () => {
    const { run, pod, sim } = setup()
    const client = pod('cc-')
    run(`kubectl exec ${client.name} -- curl -s http://web/`)
    const logs = Object.values(sim.state.nodes)
      .flatMap((n) => Object.values(n.pods))
      .filter((p) => p.name.startsWith('web-'))
      .flatMap((p) => p.containers[0]!.logs.map((l) => l.text))
    const access = logs.filter((l) => l.includes('"GET / HTTP/1.1"'))
    expect(access).toHaveLength(1)
    expect(access[0]).toMatch(
      new RegExp(
        `^${client.ip.replaceAll('.', '\\.')} - - \\[02/Mar/2026:\\d\\d:\\d\\d:\\d\\d \\+0000\\] "GET / HTTP/1\\.1" 200 615 "-" "curl/8\\.17\\.0" "-"$`,
      ),
    )
  })

  it('prints the progress meter on stderr without a terminal, and not with -s', () => {
    const { run, pod } = setup()
    const r = run(`kubectl exec ${pod('cc-').name} -- curl http://web`)
    expect(r.lines[0]!.text).toBe(
      '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current',
    )
    expect(r.lines[2]!.text).toMatch(/^100 {3}615 {2}100 {3}615 {4}0 {5}0 /)
  })

  it('says it cannot resolve an unknown name (exit 6)', () => {
    const { run, pod } = setup()
    const r = run(`kubectl exec ${pod('cc-').name} -- curl -sS http://nosuch`)
    expect(r.text).toContain('curl: (6) Could not resolve host: nosuch')
    expect(r.text).toContain('command terminated with exit code 6')
  })

  it('is silent with -s alone', () => {
    const { run, pod } = setup()
    const r = run(`kubectl exec ${pod('cc-').name} -- curl -s http://nosuch`)
    expect(r.lines.map((l) => l.text)).toEqual(['command terminated with exit code 6'])
  })

  it('fails at once on a Service without endpoints (kube-proxy REJECT)', () => {
    const { run, pod, clusterIP, sim } = setup()
    const before = sim.state.now
    const r = run(`kubectl exec ${pod('cc-').name} -- curl -sS http://empty`)
    expect(r.text).toMatch(
      /curl: \(7\) Failed to connect to empty port 80 after \d+ ms: Could not connect to server/,
    )
    expect(sim.state.now - before).toBeLessThan(1000)
    // with the meter, a failed connect ends the meter line first; a failed lookup does not
    // (curl 8.14.1: `…--:--:--     0\ncurl: (7) …` but `…--:--:--     0curl: (6) …`)
    const meter = run(`kubectl exec ${pod('cc-').name} -- curl http://empty`).lines.map(
      (l) => l.text,
    )
    expect(meter[2]).toMatch(/ {5}0$/)
    expect(meter[3]).toMatch(
      /^curl: \(7\) Failed to connect to empty port 80 after \d+ ms: Could not/,
    )
    const lookup = run(`kubectl exec ${pod('cc-').name} -- curl http://nosuch`).lines.map(
      (l) => l.text,
    )
    expect(lookup[2]).toMatch(/ {5}0curl: \(6\) Could not resolve host: nosuch$/)
    void clusterIP
  })

  it('times out on a DROP, and the clock moves by the timeout', () => {
    const { run, pod, sim } = setup()
    // FORWARD sees the packet after DNAT: a rule on the ClusterIP would never match there
    sim.transact((ctx) => {
      for (const n of Object.values(ctx.state.nodes))
        n.netfilter!.tables.filter.chains.FORWARD!.rules.unshift({
          proto: { name: 'tcp' },
          matches: [{ module: 'tcp', dport: { from: 80 } }],
          target: { kind: 'DROP' },
          counters: { packets: 0, bytes: 0 },
        })
    })
    const before = sim.state.now
    const r = run(`kubectl exec ${pod('cc-').name} -- curl -sS --connect-timeout 5 http://web`)
    // curl's connect timeout counts from the start, name lookup included (a few ms here)
    expect(r.text).toMatch(/curl: \(28\) Connection timed out after 50\d\d milliseconds/)
    expect(sim.state.now - before).toBeGreaterThanOrEqual(5000)
    const r2 = run(`kubectl exec ${pod('cc-').name} -- curl -sS http://web`)
    expect(r2.text).toMatch(
      /curl: \(28\) Failed to connect to web port 80 after 127\d{3} ms: Could not connect to server/,
    )
  })

  it('without kube-proxy rules the ClusterIP is routed nowhere', () => {
    const { run, pod } = setup({ rules: false })
    const r = run(`kubectl exec ${pod('cc-').name} -- curl -sS -m 2 http://web`)
    // kube-dns has no DNAT either: the name cannot even be resolved
    expect(r.text).toContain('curl: (6) Could not resolve host: web')
  })

  it('works inside an interactive shell', () => {
    const { con, run, pod } = setup()
    run(`kubectl exec -it ${pod('bb-').name} -- sh`)
    expect(con.mode.kind).toBe('container')
    const r = run('wget -qO- http://web')
    expect(r.out).toContain('<h1>Welcome to nginx!</h1>')
  })
})

describe('busybox tools', () => {
  it('nslookup prints the ClusterIP of a Service', () => {
    const { run, pod, clusterIP } = setup()
    const r = run(`kubectl exec ${pod('bb-').name} -- nslookup web.default.svc.cluster.local`)
    expect(r.out).toBe(
      [
        'Server:\t\t10.100.0.10',
        'Address:\t10.100.0.10:53',
        '',
        'Name:\tweb.default.svc.cluster.local',
        `Address: ${clusterIP('web')}`,
        '',
        '',
      ].join('\n'),
    )
  })

  it('nslookup of an unknown name: NXDOMAIN for A and AAAA', () => {
    const { run, pod } = setup()
    const r = run(`kubectl exec ${pod('bb-').name} -- nslookup nosuch.default.svc.cluster.local`)
    expect(r.out).toContain("** server can't find nosuch.default.svc.cluster.local: NXDOMAIN")
  })

  it('nc -zv reports an open port and a refused one', () => {
    const { run, pod } = setup()
    const web = pod('web-')
    const ok = run(`kubectl exec ${pod('bb-').name} -- nc -zv ${web.ip} 80`)
    expect(ok.text).toBe(`${web.ip} (${web.ip}:80) open`)
    const no = run(`kubectl exec ${pod('bb-').name} -- nc -zv ${web.ip} 81`)
    expect(no.text).toContain(`nc: ${web.ip} (${web.ip}:81): Connection refused`)
  })

  it('nslookup exits 1 on NXDOMAIN; wget shows an explicit port as written (BusyBox 1.35)', () => {
    const { run, pod } = setup()
    const bb = pod('bb-').name
    expect(run(`kubectl exec ${bb} -- nslookup nosuch.default.svc.cluster.local`).text).toContain(
      'command terminated with exit code 1',
    )
    expect(run(`kubectl exec ${bb} -- wget -O- http://web:80/`).text).toMatch(
      /^Connecting to web:80 \(10\.100\.\d+\.\d+:80\)$/m,
    )
  })

  it('wget names a missing host like BusyBox', () => {
    const { run, pod } = setup()
    const r = run(`kubectl exec ${pod('bb-').name} -- wget -qO- http://nosuch`)
    expect(r.text).toContain("wget: bad address 'nosuch'")
  })
})

describe('ping', () => {
  it('a pod answers; a ClusterIP never does (it exists only in rules)', () => {
    const { run, pod, clusterIP, sim } = setup()
    const web = pod('web-')
    const ok = run(`kubectl exec ${pod('bb-').name} -- ping -c 2 ${web.ip}`)
    expect(ok.exitCode).toBe(0)
    expect(ok.lines[0]!.text).toBe(`PING ${web.ip} (${web.ip}): 56 data bytes`)
    expect(ok.lines[1]!.text).toMatch(
      new RegExp(
        `^64 bytes from ${web.ip.replaceAll('.', '\\.')}: seq=0 ttl=6[23] time=\\d\\.\\d{3} ms$`,
      ),
    )
    expect(ok.text).toContain('2 packets transmitted, 2 packets received, 0% packet loss')
    const before = sim.state.now
    const lost = run(`kubectl exec ${pod('bb-').name} -- ping -c 3 web`)
    expect(lost.lines[0]!.text).toBe(`PING web (${clusterIP('web')}): 56 data bytes`)
    expect(lost.text).toContain('3 packets transmitted, 0 packets received, 100% packet loss')
    expect(lost.text).toContain('command terminated with exit code 1')
    expect(sim.state.now - before).toBeGreaterThanOrEqual(2000)
  })
})

describe('conntrack on the node', () => {
  it('lists the flow with its DNAT, in the real format', () => {
    const { run, pod, sim, clusterIP } = setup()
    const client = pod('cc-')
    run(`kubectl exec ${client.name} -- curl -s http://web`)
    const node = Object.values(sim.state.nodes).find((n) => n.pods[client.uid])!
    run(`ssh ${node.name}`)
    const r = run(`conntrack -L -p tcp -d ${clusterIP('web')}`)
    const lines = r.lines.map((l) => l.text)
    expect(lines[0]).toMatch(
      new RegExp(
        `^tcp      6 \\d+ TIME_WAIT src=${client.ip} dst=${clusterIP('web').replaceAll('.', '\\.')} sport=\\d+ dport=80 src=192\\.168\\.\\d+\\.\\d+ dst=${client.ip} sport=80 dport=\\d+ \\[ASSURED\\] mark=0 use=1$`,
      ),
    )
    expect(lines[lines.length - 1]).toBe(
      'conntrack v1.4.6 (conntrack-tools): 1 flow entries have been shown.',
    )
    // the summary is conntrack's stderr: `conntrack -L | wc -l` counts only the flows
    expect(r.lines.at(-1)!.stderr).toBe(true)
    // no command: the usage, on stdout, exit 0 (as conntrack-tools prints it)
    const usage = run('conntrack')
    expect(usage.exitCode).toBe(0)
    expect(usage.lines[0]!.text).toBe(
      'Command line interface for the connection tracking system. Version 1.4.6',
    )
  })
})

describe('curl -v', () => {
  const cases: [string, string][] = [
    ['curl -v http://web', 'curl-v-http'],
    ['curl -sv http://empty', 'curl-v-refused'],
    ['curl -v http://nosuch', 'curl-v-resolve'],
    ['curl -svI https://web:80/', 'curl-v-https-plain-server'],
  ]
  for (const [cmd, file] of cases)
    it(`${cmd} prints curl 8.17's trace`, async () => {
      const { run, pod } = setup()
      const r = run(`kubectl exec ${pod('cc-').name} -- ${cmd}`)
      await expect(r.text + '\n').toMatchFileSnapshot(`./__golden__/${file}.txt`)
    })

  it('on a terminal: no meter and no [n bytes data] lines; --verbose and -v in a group', () => {
    const { run, pod } = setup()
    const r = run(`kubectl exec -it ${pod('cc-').name} -- curl -sfv http://web`)
    expect(r.text).toContain('* Connection #0 to host web:80 left intact')
    expect(r.text).not.toContain('bytes data]')
    expect(r.text).not.toContain('% Total')
    const long = run(`kubectl exec -it ${pod('cc-').name} -- curl --verbose -s http://web`)
    expect(long.text).toContain('> GET / HTTP/1.1')
  })

  it('times out with the connect error and the failf line', () => {
    const { run, pod, sim } = setup()
    sim.transact((ctx) => {
      for (const n of Object.values(ctx.state.nodes))
        n.netfilter!.tables.filter.chains.FORWARD!.rules.unshift({
          proto: { name: 'tcp' },
          matches: [{ module: 'tcp', dport: { from: 80 } }],
          target: { kind: 'DROP' },
          counters: { packets: 0, bytes: 0 },
        })
    })
    const r = run(`kubectl exec ${pod('cc-').name} -- curl -sSv --connect-timeout 5 http://web`)
    expect(r.lines.map((l) => l.text).slice(-4, -1)).toEqual([
      expect.stringMatching(/^\* Connection timed out after 50\d\d milliseconds$/),
      '* shutting down connection #0',
      expect.stringMatching(/^curl: \(28\) Connection timed out after 50\d\d milliseconds$/),
    ])
  })
})

describe('traceroute', () => {
  it('from a busybox pod to a web pod: hop by hop (golden)', async () => {
    const { run, pod, sim } = setup()
    const client = pod('bb-')
    const node = Object.values(sim.state.nodes).find((n) => n.pods[client.uid])!
    const target = Object.values(sim.state.nodes)
      .filter((n) => n.name !== node.name)
      .flatMap((n) => Object.values(n.pods))
      .find((p) => p.name.startsWith('web-'))!
    const r = run(`kubectl exec ${client.name} -- traceroute ${target.ip}`)
    expect(r.exitCode).toBe(0)
    await expect(r.text + '\n').toMatchFileSnapshot('./__golden__/traceroute-pod-to-pod.txt')
  })

  it('is not installed on the AL2023 node, and curl_user may not open raw sockets', () => {
    const { run, pod, sim } = setup()
    const node = Object.keys(sim.state.nodes)[0]!
    run(`ssh ${node}`)
    const r = run('traceroute example.com')
    expect(r.exitCode).toBe(127)
    expect(r.lines[0]!.text).toBe('-bash: traceroute: command not found')
    run('exit')
    const c = run(`kubectl exec ${pod('cc-').name} -- traceroute web`)
    expect(c.text).toContain('traceroute: socket(AF_INET,3,1): Operation not permitted')
    const n = run(`kubectl exec ${pod('web-').name} -- traceroute web`)
    // no shell in between: the runtime itself finds no such program in the Debian image
    expect(n.text).toContain('exec: "traceroute": executable file not found in $PATH')
  })
})

describe('curl over TLS to the internet: the verdicts of the -v trace, with and without it', () => {
  const c = session(1)
  text(c, 'kubectl run client --image=curlimages/curl --command -- sleep infinity')
  text(c, 'sleep 20')

  it('speaks HTTP/1.1 to a host whose TLS server accepts only http/1.1 (checkip)', () => {
    const out = text(c, 'kubectl exec client -- curl -sv https://checkip.amazonaws.com')
    expect(out).toContain('* ALPN: server accepted http/1.1')
    expect(out).toContain('* using HTTP/1.x')
    expect(out).toMatch(/^< HTTP\/1\.1 200 OK$/m)
    expect(out).not.toContain('HTTP/2')
  })

  it('refuses a certificate for a name when the URL is an address (exit 60), plain and verbose', () => {
    const plain = text(c, 'kubectl exec client -- curl -sS https://104.20.23.154')
    expect(plain.split('\n')[0]).toBe(
      "curl: (60) SSL: no alternative certificate subject name matches target host name '104.20.23.154'",
    )
    expect(plain).toContain('More details here: https://curl.se/docs/sslcerts.html')
    expect(plain).toContain('command terminated with exit code 60')
    expect(plain).not.toContain('Example Domain')
    const verbose = text(c, 'kubectl exec client -- curl -sv https://104.20.23.154')
    expect(verbose).toContain('*   subjectAltName does not match hostname 104.20.23.154')
  })

  it('accepts dns.google by address: its certificate lists 8.8.8.8', () => {
    const out = text(c, 'kubectl exec client -- curl -sv https://8.8.8.8')
    expect(out).toContain('*   subjectAltName: host "8.8.8.8" matched cert\'s IP address!')
    expect(out).toContain('* SSL certificate verified via OpenSSL.')
  })
})

describe('an internet host’s answers cross the routers traceroute shows as * * *', () => {
  it('ping 8.8.8.8 from a pod: Google’s initial TTL 128, less the unsimulated routers and the node', () => {
    const c = session(1)
    text(c, 'kubectl run bb --image=busybox -- sleep 3600')
    text(c, 'sleep 20')
    const trace = text(c, 'kubectl exec bb -- traceroute -n 8.8.8.8')
    // hop 1: the node; then the unsimulated routers; the last line is 8.8.8.8 itself
    const hops = trace.split('\n').filter((l) => /^ ?\d+ /.test(l))
    expect(hops.at(-1)).toMatch(/^ ?\d+ +8\.8\.8\.8 /)
    const routersBeyondNode = hops.length - 2
    const ping = text(c, 'kubectl exec bb -- ping -c 1 8.8.8.8')
    expect(ping).toContain(`ttl=${128 - routersBeyondNode - 1} `)
  })
})

describe('nslookup of an internet name', () => {
  it('prints the forwarded A and AAAA answers, non-authoritative', () => {
    const c = session(1)
    text(c, 'kubectl run bb --image=busybox -- sleep 3600')
    text(c, 'sleep 20')
    const out = text(c, 'kubectl exec bb -- nslookup example.com')
    expect(out).toContain(
      'Non-authoritative answer:\nName:\texample.com\nAddress: 104.20.23.154\nName:\texample.com\nAddress: 172.66.147.243\n\nNon-authoritative answer:\nName:\texample.com\nAddress: 2606:4700:10::6814:179a\n',
    )
    // a host with no AAAA record: the second answer is empty
    expect(text(c, 'kubectl exec bb -- nslookup checkip.amazonaws.com')).toMatch(
      /Address: 44\.193\.128\.70\n\nNon-authoritative answer:\n?$/,
    )
  })
})
