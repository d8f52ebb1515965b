import { describe, expect, it } from 'vitest'
import {
  createSimulation,
  listObjects,
  containerLogFiles,
  parseCriLine,
} from '../../engine/index.ts'
import { Console } from '../session.ts'

function setup(config: Record<string, number> = {}) {
  const sim = createSimulation({ seed: 7, config })
  const c = new Console(sim, { settleAfterCommands: true })
  const run = (cmd: string) => {
    const r = c.run(cmd)
    return {
      out: r.lines.filter((l) => l.tone !== 'err').map((l) => l.text),
      err: r.lines.filter((l) => l.tone === 'err').map((l) => l.text),
      code: r.exitCode,
    }
  }
  return { sim, c, run }
}

const TICKER =
  "kubectl create deployment ticker --image=busybox -- sh -c 'while true; do echo line; sleep 1; done'"

function liveFile(sim: ReturnType<typeof createSimulation>, pod: string, previous = false) {
  const p = listObjects(sim.state, 'Pod', 'default').find((x) => x.metadata.name === pod)!
  const files = containerLogFiles(sim.state, p.spec.nodeName!).filter(
    (f) => f.pod === pod && f.kind === 'live' && f.current === !previous,
  )
  return files[0]!
}

function fileMessages(text: string): string[] {
  return text
    .split('\n')
    .slice(0, -1)
    .map((l) => parseCriLine(l)!.message)
}

describe('kubectl logs', () => {
  it('prints exactly the file, with --tail, --since and --timestamps', () => {
    const { sim, run } = setup()
    run(TICKER)
    run('sleep 30')
    const pod = listObjects(sim.state, 'Pod', 'default')[0]!.metadata.name
    const f = liveFile(sim, pod)
    const msgs = f.records.map((r) => r.text)
    expect(msgs.length).toBeGreaterThan(20)
    expect(run(`kubectl logs ${pod}`).out).toEqual(msgs)
    expect(run(`kubectl logs ${pod} --tail=3`).out).toEqual(msgs.slice(-3))
    expect(run(`kubectl logs ${pod} --tail=0`).out).toEqual([])
    const since = run(`kubectl logs ${pod} --since=5s`).out
    const now = sim.state.now
    expect(since).toEqual(f.records.filter((r) => r.time >= now - 5000).map((r) => r.text))
    expect(since.length).toBeGreaterThanOrEqual(4)
    expect(since.length).toBeLessThanOrEqual(6)
    const ts = run(`kubectl logs ${pod} --tail=2 --timestamps`).out
    const lines = f.records.slice(-2)
    expect(ts).toEqual(
      lines.map((r) => {
        const crit = parseCriLine(`${ts[lines.indexOf(r)]!.split(' ')[0]} stdout F ${r.text}`)!
        return `${crit.timestamp} ${r.text}`
      }),
    )
    expect(ts[0]).toMatch(/^2026-03-02T\d\d:\d\d:\d\d(\.\d*[1-9])?Z line$/)
    expect(fileMessages(criText(f))).toEqual(msgs)
    expect(run('kubectl logs deploy/ticker --tail=1').out).toEqual(msgs.slice(-1))
  })

  it("--previous reads the last dead instance; errors are kubectl's", () => {
    const { sim, run } = setup()
    run(
      "kubectl create deployment crash --image=busybox -- sh -c 'echo starting; echo oops; exit 1'",
    )
    run('sleep 30')
    const pod = listObjects(sim.state, 'Pod', 'default')[0]!.metadata.name
    const prev = liveFile(sim, pod, true)
    expect(prev.records.map((r) => r.text)).toEqual(['starting', 'oops'])
    expect(run(`kubectl logs ${pod} -p`).out).toEqual(['starting', 'oops'])
    expect(run(`kubectl logs ${pod} --previous`).code).toBe(0)

    run(TICKER)
    run('sleep 5')
    const t = listObjects(sim.state, 'Pod', 'default').find((p) =>
      p.metadata.name.startsWith('ticker-'),
    )!
    expect(run(`kubectl logs ${t.metadata.name} -p`)).toEqual({
      out: [],
      err: [
        `Error from server (BadRequest): previous terminated container "busybox" in pod "${t.metadata.name}" not found`,
      ],
      code: 1,
    })
    expect(run('kubectl logs nosuch').err).toEqual([
      'error: error from server (NotFound): pods "nosuch" not found in namespace "default"',
    ])
    expect(run(`kubectl logs ${t.metadata.name} -c nope`).err).toEqual([
      `error: container nope is not valid for pod ${t.metadata.name}`,
    ])
    expect(run('kubectl logs deploy/nosuch').err).toEqual([
      'Error from server (NotFound): deployments.apps "nosuch" not found',
    ])

    run('kubectl create deployment bad --image=nginxx')
    run('sleep 30')
    const bad = listObjects(sim.state, 'Pod', 'default').find((p) =>
      p.metadata.name.startsWith('bad-'),
    )!
    expect(run(`kubectl logs ${bad.metadata.name}`).err[0]).toMatch(
      new RegExp(
        `^Error from server \\(BadRequest\\): container "nginxx" in pod "${bad.metadata.name}" is waiting to start: (trying and failing to pull image|image can't be pulled)$`,
      ),
    )
  })

  it('multi-container pods default to the first container; deploy/x says which pod; -l prints every pod', () => {
    const { sim, run } = setup()
    const aws = listObjects(sim.state, 'Pod', 'kube-system').find((p) =>
      p.metadata.name.startsWith('aws-node-'),
    )!
    const r = run(`kubectl logs -n kube-system ${aws.metadata.name} --tail=1`)
    expect(r.err).toEqual([
      'Defaulted container "aws-node" out of: aws-node, aws-eks-nodeagent, aws-vpc-cni-init (init)',
    ])
    expect(r.code).toBe(0)
    run('kubectl create deployment web --image=nginx --replicas=2')
    const w = run('kubectl logs deploy/web')
    expect(w.err[0]).toMatch(/^Found 2 pods, using pod\/web-\S+$/)
    const l = run('kubectl logs -n kube-system -l k8s-app=kube-proxy --prefix')
    const pods = new Set(l.out.map((x) => /^\[pod\/(\S+)\/kube-proxy\] /.exec(x)![1]))
    expect(pods.size).toBe(3)
    expect(run('kubectl logs -l app=web -f -n default --max-log-requests=1').err).toEqual([
      'error: you are attempting to follow 2 log streams, but maximum allowed concurrency is 1, use --max-log-requests to increase the limit',
    ])
  })

  it('-f follows for 10 simulated seconds and records the request path', () => {
    const { sim, run } = setup()
    run(TICKER)
    run('sleep 10')
    const pod = listObjects(sim.state, 'Pod', 'default')[0]!.metadata.name
    const before = run(`kubectl logs ${pod}`).out.length
    const events: string[][] = []
    sim.subscribe((evs) => {
      for (const e of evs) if (e.type === 'logs.request') events.push(e.hops)
    })
    const t0 = sim.state.now
    const f = run(`kubectl logs ${pod} -f`).out
    expect(sim.state.now - t0).toBeGreaterThanOrEqual(10_000)
    expect(f.length).toBeGreaterThanOrEqual(before + 9)
    // no line printed twice: what -f printed is what the file holds now
    expect(f.length).toBe(liveFile(sim, pod).records.length)
    expect(events[0]![0]).toBe('kubectl')
    expect(events[0]![1]).toBe('kube-apiserver')
    expect(events[0]![2]).toMatch(/^kubelet@ip-/)
    expect(events[0]![3]).toMatch(/^\/var\/log\/pods\/default_ticker-[^/]+\/busybox\/0\.log$/)
  })
})

describe('node log tools', () => {
  it('crictl ps / pods / logs / inspect, zcat, tail -f, journalctl', () => {
    const { sim, run } = setup({ containerLogMaxSize: 2048 })
    run(TICKER)
    run('sleep 120')
    const pod = listObjects(sim.state, 'Pod', 'default')[0]!
    const node = pod.spec.nodeName!
    run(`ssh ${node}`)
    const ps = run('sudo crictl ps').out
    expect(ps[0]).toBe(
      'CONTAINER           IMAGE               CREATED             STATE               NAME                ATTEMPT             POD ID              POD                       NAMESPACE',
    )
    const row = ps.find((l) => l.includes(pod.metadata.name))!
    expect(row).toMatch(
      /^[0-9a-f]{13} {7}[0-9a-f]{13} {7}(\d+ \w+|About a minute) ago +Running +busybox +0 +[0-9a-f]{13} +ticker-\S+ +default$/,
    )
    expect(run('crictl pods').out[0]).toMatch(
      /^POD ID {14}CREATED {13}STATE {15}NAME +NAMESPACE +ATTEMPT +RUNTIME$/,
    )
    const id = row.slice(0, 13)
    const f = containerLogFiles(sim.state, node).filter((x) => x.pod === pod.metadata.name)
    const live = f.at(-1)!
    expect(run(`crictl logs --tail 2 ${id}`).out).toEqual(live.records.slice(-2).map((r) => r.text))
    const inspect = JSON.parse(run(`crictl inspect ${id}`).out.join('\n'))
    expect(inspect.status.logPath).toBe(live.path)
    expect(inspect.info.sandboxID).toMatch(/^[0-9a-f]{64}$/)
    expect(run('crictl logs ffffffffffff').code).toBe(1)

    const gz = f.find((x) => x.kind === 'compressed')!
    const z = run(`zcat ${gz.path}`).out
    expect(z).toHaveLength(gz.records.length)
    expect(z.every((l) => /^2026-03-02T\S+ stdout F line$/.test(l))).toBe(true)
    expect(run(`zcat ${live.path}`).err).toEqual([`gzip: ${live.path}: not in gzip format`])
    const ls = run(`ls ${live.dir}`).out.join(' ')
    expect(ls).toMatch(/0\.log\.20260302-\d{6}\.gz/)

    const tail = run(`tail -n 1 -f ${live.symlink}`).out
    expect(tail.length).toBeGreaterThanOrEqual(9)

    const j = run('journalctl -u kubelet -n 3 --no-pager').out
    expect(j).toHaveLength(3)
    expect(j[0]).toMatch(/^Mar 02 \d\d:\d\d:\d\d ip-\S+ kubelet\[2874\]: I0302 /)
  })
})

function criText(f: {
  records: readonly { time: number; stream: string; text: string; ns?: number }[]
}) {
  return f.records.map((r) => `2026-03-02T00:00:00Z ${r.stream} F ${r.text}\n`).join('')
}
