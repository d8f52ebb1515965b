import { performance } from 'node:perf_hooks'
import { createSimulation } from '../src/engine/index.ts'
import { Console } from '../src/console/session.ts'
import { createSimulationStore } from '../src/state/simulationStore.ts'
import {
  buildRestore,
  eksProxierConfig,
  servicePortsFor,
} from '../src/engine/net/kubeproxy/rules.ts'
import { NODE, NODE_IP, manyServices } from '../src/engine/net/kubeproxy/fixtures.ts'
import { emptyNetfilter } from '../src/engine/net/netfilter/model.ts'
import { iptablesRestore } from '../src/engine/net/netfilter/restore.ts'
import { iptablesCommand } from '../src/engine/net/netfilter/command.ts'
import { runHook } from '../src/engine/net/netfilter/evaluate.ts'
import { createRng } from '../src/engine/random.ts'

// `npm run bench`: engine and console costs on big clusters, each against a budget. Budgets are
// generous for a shared 2-core machine; the point is to catch an order-of-magnitude regression.

interface Row {
  name: string
  ms: number
  budgetMs: number
  note: string
}

const rows: Row[] = []
function measure<T>(
  name: string,
  budgetMs: number,
  fn: () => T,
  note: (r: T) => string = () => '',
): T {
  const t0 = performance.now()
  const r = fn()
  rows.push({ name, ms: performance.now() - t0, budgetMs, note: note(r) })
  return r
}

// 1. a 100-node, 3,000-pod cluster, built from commands (m5.xlarge: 58 pods per node)
const big = measure(
  'build 100 nodes + 3,000 pods from commands',
  20_000,
  () => {
    const c = new Console(
      createSimulation({ seed: 1, config: { nodeCount: 100, instanceType: 'm5.xlarge' } }),
      { settleAfterCommands: true },
    )
    for (let i = 0; i < 30; i++)
      c.run(
        `kubectl create deployment app-${i} --image=${i % 3 === 0 ? 'busybox' : 'nginx'} --replicas=100${i % 3 === 0 ? " -- sh -c 'while true; do echo tick; sleep 5; done'" : ''}`,
      )
    return c
  },
  (c) => {
    const pods = Object.keys(c.sim.state.etcd.buckets['pods'] ?? {}).length
    const running = Object.values(c.sim.state.etcd.buckets['pods'] ?? {}).filter(
      (e) => (e.value as { status: { phase: string } }).status.phase === 'Running',
    ).length
    return `${pods} pods (${running} Running), etcd revision ${c.sim.state.etcd.revision}`
  },
)

// 2. one `kubectl get pods -A` on that cluster
measure(
  'kubectl get pods -A (3,000+ pods)',
  500,
  () => big.run('kubectl get pods -A'),
  (r) => (r.exitCode === 0 ? `${r.lines.length} lines` : `error: ${r.lines[0]?.text}`),
)
measure(
  'kubectl get pods -A -o json (3,000+ pods)',
  2_000,
  () => big.run('kubectl get pods -A -o json'),
  (r) => (r.exitCode === 0 ? `${r.lines.length} lines` : `error: ${r.lines[0]?.text}`),
)

// 3. replay a 200-command log on a fresh simulation (what step back / shared links do)
const script: string[] = []
for (let i = 0; i < 200; i++) {
  const n = i % 10
  switch (i % 8) {
    case 0:
      script.push(`kubectl create deployment w${n}-${i} --image=nginx --replicas=${1 + (i % 4)}`)
      break
    case 1:
      script.push(`kubectl scale deployment w${(i - 1) % 10}-${i - 1} --replicas=${(i % 5) + 1}`)
      break
    case 2:
      script.push('kubectl get pods -o wide')
      break
    case 3:
      script.push(`sleep ${5 + (i % 20)}`)
      break
    case 4:
      script.push(`kubectl delete deployment w${(i - 4) % 10}-${i - 4}`)
      break
    case 5:
      script.push('kubectl get deploy,rs,svc')
      break
    case 6:
      script.push(`kubectl expose deployment w${(i - 6) % 10}-${i - 6} --port=80`)
      break
    default:
      script.push('kubectl get events')
  }
}
const record = new Console(createSimulation({ seed: 2 }), { settleAfterCommands: true })
const recorded = script.map((cmd) =>
  record
    .run(cmd)
    .lines.map((l) => l.text)
    .join('\n'),
)
measure(
  'replay a 200-command log',
  3_000,
  () => {
    const replay = new Console(createSimulation({ seed: 2 }), { settleAfterCommands: true })
    return script.map((cmd) =>
      replay
        .run(cmd)
        .lines.map((l) => l.text)
        .join('\n'),
    )
  },
  (out) =>
    JSON.stringify(out) === JSON.stringify(recorded)
      ? 'byte-identical to the recording'
      : 'MISMATCH with the recording',
)
// 4. step back at step 50: restoring a checkpoint, not replaying (the web app's Step back button)
{
  const store = createSimulationStore({ seed: 4, playing: true })
  for (let i = 0; i < 50; i++) {
    store
      .getState()
      .run(
        i % 5 === 0
          ? `kubectl create deployment d${i} --image=nginx --replicas=2`
          : i % 5 === 1
            ? `kubectl scale deployment d${i - 1} --replicas=3`
            : 'kubectl get pods -A',
      )
    for (let t = 0; t < 5; t++) store.getState().tick(100)
  }
  measure(
    'step back at step 50 (web store)',
    100,
    () => store.getState().stepBack(),
    () => `log now ${store.getState().log.length} commands`,
  )
  measure(
    'rebuild step 50 from its log (sandbox link)',
    1_500,
    () => createSimulationStore({ seed: 4, log: store.getState().log }),
    () => 'replay of 49 commands',
  )
}
measure('boot a default cluster (3 nodes)', 200, () => createSimulation({ seed: 3 }))

// 5. kube-proxy: the iptables-restore text for 1,000 Services × 5 endpoints, then one endpoint change
{
  const { services, slices } = manyServices(1000, 5)
  const cfg = eksProxierConfig(NODE, NODE_IP)
  const fingerprints = (entries: ReturnType<typeof servicePortsFor>) => {
    const by: Record<string, unknown[]> = {}
    for (const e of entries) (by[e.info.service] ??= []).push(e)
    return Object.fromEntries(Object.entries(by).map(([k, v]) => [k, JSON.stringify(v)]))
  }
  const full = measure(
    'kube-proxy full sync: 1,000 Services × 5 endpoints',
    500,
    () => {
      const entries = servicePortsFor(services, slices, NODE)
      return {
        entries,
        fp: fingerprints(entries),
        out: buildRestore({ entries, config: cfg, fullSync: true, existingNatChains: [] }),
      }
    },
    (r) =>
      `${r.out.text.split('\n').length} lines, ${r.out.numNATRules} nat rules, ${r.out.activeNatChains.length} chains${r.out.largeClusterMode ? ' (large cluster mode)' : ''}`,
  )
  // one pod of svc-500 replaced: a new IP in its slice
  const changed = slices.map((s) =>
    s.metadata.name === 'svc-500-abcde'
      ? {
          ...s,
          endpoints: [
            ...s.endpoints.slice(1),
            { ...s.endpoints[0]!, addresses: ['192.168.250.250'] },
          ],
        }
      : s,
  )
  measure(
    'kube-proxy partial sync: one endpoint changed',
    300,
    () => {
      const entries = servicePortsFor(services, changed, NODE)
      const fp = fingerprints(entries)
      const updated = new Set(Object.keys(fp).filter((k) => fp[k] !== full.fp[k]))
      return buildRestore({
        entries,
        config: cfg,
        fullSync: false,
        updatedServices: updated,
        existingNatChains: full.out.activeNatChains,
      })
    },
    (out) =>
      `${out.text.split('\n').length} lines, ${out.writtenChains.length} chains written, ${out.deletedChains.length} deleted`,
  )

  // the kernel's side: iptables-restore of that text into a node's tables, then one new
  // connection's first packet walking PREROUTING to the last Service (the worst case of the linear
  // KUBE-SERVICES scan)
  const nf = measure(
    'iptables-restore of that full sync',
    2000,
    () => {
      const nf = emptyNetfilter()
      const r = iptablesRestore(nf, full.out.text, { noflush: true })
      if (!r.ok) throw new Error(r.error)
      iptablesCommand(nf, ['-t', 'nat', '-A', 'PREROUTING', '-j', 'KUBE-SERVICES'])
      return nf
    },
    (nf) => `${Object.keys(nf.tables.nat.chains).length} nat chains`,
  )
  measure(
    'one packet through PREROUTING (1,000 Services)',
    50,
    () =>
      runHook(
        {
          node: NODE,
          nf,
          ct: { nextId: 1, entries: [] },
          recent: {},
          isLocal: (ip) => ip === NODE_IP,
          masqueradeAddress: NODE_IP,
          now: 0,
          rng: createRng(1),
        },
        'PREROUTING',
        {
          pkt: {
            proto: 'tcp',
            src: '192.168.1.10',
            sport: 40000,
            dst: '10.100.3.231',
            dport: 80,
            len: 60,
            mark: 0,
            inIface: 'eni0123456789a',
          },
        },
      ),
    (t) =>
      `${t.checked} rules checked, ${t.changes.length ? 'DNAT to a KUBE-SEP endpoint' : 'MISMATCH: no DNAT'}`,
  )
}

const pad = (s: string, n: number) => s.padEnd(n)
console.log(
  `\n${pad('benchmark', 50)}${pad('time', 12)}${pad('budget', 12)}${pad('status', 8)}notes`,
)
let failed = 0
for (const r of rows) {
  // a wrong answer is a failure whatever the time
  const ok = r.ms <= r.budgetMs && !/error|MISMATCH/.test(r.note)
  if (!ok) failed++
  console.log(
    `${pad(r.name, 50)}${pad(`${r.ms.toFixed(0)} ms`, 12)}${pad(`${r.budgetMs} ms`, 12)}${pad(ok ? 'ok' : 'OVER', 8)}${r.note}`,
  )
}
console.log(
  `\n${rows.length - failed} within budget, ${failed} over (node ${process.version}, ${process.arch})`,
)
