// Differential test against real Linux: the same input goes into real iptables (inside a throwaway
// network namespace) and into the model, and iptables-save, iptables -S and iptables -L must print
// the same bytes (the two `#` date lines aside). The host runs iptables 1.8.9 (nf_tables), so the
// model is asked for 1.8.9 output here; EKS nodes print 1.8.8's, which differs only in the version
// string and `-L -n`'s protocol column (see list.ts).
// Runs only as root with iptables installed (`.ci/run` installs the Debian package).

import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { emptyNetfilter, TABLE_ORDER, type NetfilterState } from './model.ts'
import { iptablesRestore } from './restore.ts'
import { iptablesRules, iptablesSave, tablePresent } from './save.ts'
import { iptablesList } from './list.ts'
import { iptablesCommand } from './command.ts'
import {
  EKS_NODE_SAVE,
  EXTENSION_RULES,
  KUBE_PROXY_RESTORE,
  LEARNER_RULES,
} from './testdata/rules.ts'
import { ruleArgs } from './testdata/arbitraries.ts'

const VERSION = '1.8.9'
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
const hasIptables =
  spawnSync('iptables-restore', ['--version'], { encoding: 'utf8' }).stdout?.includes(
    'nf_tables',
  ) ?? false
const reason = !isRoot
  ? 'not running as root'
  : !hasIptables
    ? 'iptables-restore (nf_tables) is not installed'
    : ''
if (reason) console.warn(`netfilter differential test skipped: ${reason}`)

const namespaces: string[] = []
function netns(): (args: string[], input?: string) => { out: string; err: string; code: number } {
  const ns = `cutaway-${randomBytes(4).toString('hex')}`
  const r = spawnSync('ip', ['netns', 'add', ns])
  if (r.status !== 0) throw new Error(`ip netns add ${ns} failed: ${r.stderr}`)
  namespaces.push(ns)
  return (args, input) => {
    const p = spawnSync('ip', ['netns', 'exec', ns, ...args], { input, encoding: 'utf8' })
    return { out: p.stdout, err: p.stderr, code: p.status ?? -1 }
  }
}

afterAll(() => {
  for (const ns of namespaces) spawnSync('ip', ['netns', 'del', ns])
})

const noDates = (s: string) =>
  s
    .split('\n')
    .filter((l) => !l.startsWith('# '))
    .join('\n')

function compareAll(real: ReturnType<typeof netns>, nf: NetfilterState, nonNumeric = false) {
  expect(noDates(iptablesSave(nf, { now: 0, version: VERSION }))).toBe(
    noDates(real(['iptables-save']).out),
  )
  for (const t of TABLE_ORDER) {
    if (!tablePresent(nf.tables[t])) continue
    const ours = (lines: string[]) => (lines.length ? lines.join('\n') + '\n' : '')
    expect(ours(iptablesRules(nf.tables[t]))).toBe(real(['iptables', '-t', t, '-S']).out)
    expect(ours(iptablesRules(nf.tables[t], { verbose: true }))).toBe(
      real(['iptables', '-t', t, '-S', '-v']).out,
    )
    const variants: [string[], Parameters<typeof iptablesList>[1]][] = [
      [['-n', '-v'], { numeric: true, verbose: true }],
      [
        ['-n', '-v', '-x', '--line-numbers'],
        { numeric: true, verbose: true, exact: true, lineNumbers: true },
      ],
      [['-n'], { numeric: true }],
    ]
    if (nonNumeric) variants.push([[], {}], [['-v'], { verbose: true }])
    for (const [flags, opts] of variants)
      expect(ours(iptablesList(nf.tables[t], { ...opts, version: VERSION }))).toBe(
        real(['iptables', '-t', t, '-L', ...flags]).out,
      )
  }
}

describe.skipIf(!!reason)('netfilter vs real iptables 1.8.9 (nf_tables) in a netns', () => {
  const cases: [string, string, boolean][] = [
    ["kube-proxy's restore input (FIDELITY §3.4)", KUBE_PROXY_RESTORE, true],
    ['an EKS node (FIDELITY §3.5, §5.5)', EKS_NODE_SAVE, true],
    ['learner-style rules', LEARNER_RULES, false],
    ['every extension option', EXTENSION_RULES, false],
  ]
  for (const [name, text, nonNumeric] of cases)
    it(`restores ${name} and prints the same`, () => {
      const real = netns()
      const r = real(['iptables-restore'], text)
      expect(r.err).toBe('')
      const nf = emptyNetfilter()
      expect(iptablesRestore(nf, text, { version: VERSION })).toEqual({ ok: true })
      compareAll(real, nf, nonNumeric)
      // and our save output restores to the same thing in the kernel
      const again = netns()
      again(['iptables-restore'], iptablesSave(nf, { now: 0, version: VERSION }))
      expect(noDates(again(['iptables-save']).out)).toBe(noDates(real(['iptables-save']).out))
    })

  it('--noflush keeps undeclared chains and flushes declared ones, as kube-proxy expects', () => {
    const real = netns()
    const nf = emptyNetfilter()
    const partial = `*nat
:KUBE-SVC-AQI2S6QIMU7PVVRP - [0:0]
:KUBE-SEP-NEWNEWNEWNEWNEW1 - [0:0]
:KUBE-SEP-XGJFVO3L2O5SRFNT - [0:0]
-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.9:80" -j KUBE-SEP-NEWNEWNEWNEWNEW1
-A KUBE-SEP-NEWNEWNEWNEWNEW1 -m comment --comment ns1/svc1 -m tcp -p tcp -j DNAT --to-destination 10.0.1.9:80
-X KUBE-SEP-XGJFVO3L2O5SRFNT
COMMIT
`
    for (const [text, noflush] of [
      [KUBE_PROXY_RESTORE, false],
      [partial, true],
    ] as const) {
      const rr = real(noflush ? ['iptables-restore', '--noflush'] : ['iptables-restore'], text)
      const ours = iptablesRestore(nf, text, { noflush, version: VERSION })
      expect({ code: rr.code, err: rr.err }).toEqual(
        ours.ok ? { code: 0, err: '' } : { code: ours.exit, err: ours.error + '\n' },
      )
    }
    compareAll(real, nf)
  })

  const badRestores: string[] = [
    '*filter\n:X - [0:0]\n-A X -j NOPE\nCOMMIT\n',
    '*filter\n:X - [0:0]\n-A X -j DROP\n-A Z -j DROP\nCOMMIT\n',
    '*filter\n:X - [0:0]\n-A X -j DROP\n',
    '*filter\n:X - [0:0]\n-A X --bogus\nCOMMIT\n',
    '*foo\nCOMMIT\n',
    '-A X -j DROP\n',
    '*filter\n:INPUT BAD [0:0]\nCOMMIT\n',
    '*filter\nfoo\nCOMMIT\n',
    '*filter\n-A INPUT -p tcp --dport 99999 -j ACCEPT\nCOMMIT\n',
    '*nat\n:A - [0:0]\n-A A -m statistic --mode random --probability 1.5 -j RETURN\nCOMMIT\n',
    '*nat\n:A - [0:0]\nCOMMIT\n*filter\n:X - [0:0]\n-A X -j NOPE\nCOMMIT\n',
    '*nat\n-X KUBE-SEP-SXIVWICOYRO3J4NJ\nCOMMIT\n',
    '*filter\n-A INPUT -j DNAT --to-destination 10.0.0.1\nCOMMIT\n',
  ]
  for (const text of badRestores)
    it(`fails like iptables-restore on ${JSON.stringify(text.slice(0, 50))}`, () => {
      const real = netns()
      real(['iptables-restore'], LEARNER_RULES)
      const nf = emptyNetfilter()
      iptablesRestore(nf, LEARNER_RULES, { version: VERSION })
      const rr = real(['iptables-restore'], text)
      const ours = iptablesRestore(nf, text, { version: VERSION })
      expect(ours.ok).toBe(false)
      if (!ours.ok)
        expect({ code: ours.exit, err: ours.error + '\n' }).toEqual({ code: rr.code, err: rr.err })
      compareAll(real, nf)
    })

  // learner commands, good and bad: same stdout, stderr, exit code and resulting rules
  const commands: string[][] = [
    ['-A', 'INPUT', '-p', 'tcp', '--dport', '80', '-j', 'DROP'],
    ['-I', 'INPUT', '-s', '10.1.2.3', '-j', 'REJECT'],
    ['-I', 'INPUT', '2', '-p', 'udp', '--dport', 'domain', '-j', 'ACCEPT'],
    ['-N', 'MY-CHAIN'],
    [
      '-A',
      'MY-CHAIN',
      '-m',
      'comment',
      '--comment',
      'learner rule',
      '-j',
      'LOG',
      '--log-prefix',
      'blocked: ',
    ],
    ['-A', 'INPUT', '-j', 'MY-CHAIN'],
    ['-N', 'MY-CHAIN'],
    ['-X', 'MY-CHAIN'],
    ['-D', 'INPUT', '-p', 'tcp', '--dport', '80', '-j', 'DROP'],
    ['-D', 'INPUT', '-p', 'tcp', '--dport', '81', '-j', 'DROP'],
    ['-C', 'INPUT', '-s', '10.1.2.3/32', '-j', 'REJECT', '--reject-with', 'icmp-port-unreachable'],
    ['-R', 'INPUT', '1', '-s', '10.9.9.9', '-j', 'DROP'],
    ['-D', 'INPUT', '9'],
    ['-I', 'INPUT', '9', '-j', 'ACCEPT'],
    ['-P', 'FORWARD', 'DROP'],
    ['-P', 'MY-CHAIN', 'DROP'],
    ['-P', 'INPUT', 'REJECT'],
    ['-A', 'NOPE', '-j', 'ACCEPT'],
    ['-A', 'INPUT', '-j', 'NOPE'],
    ['-A', 'INPUT', '--foo'],
    ['-A', 'INPUT', '-s', '1.2.3.999', '-j', 'ACCEPT'],
    ['-A', 'INPUT', '-p', 'tcp', '--dport', 'abc'],
    ['-A', 'INPUT', '-m', 'foo'],
    ['-A', 'INPUT', '-j', 'DNAT', '--to-destination', '1.2.3.4'],
    [
      '-t',
      'nat',
      '-A',
      'PREROUTING',
      '-p',
      'tcp',
      '-j',
      'DNAT',
      '--to-destination',
      '10.0.0.1:8080',
    ],
    ['-t', 'nat', '-A', 'POSTROUTING', '-j', 'MASQUERADE', '--to-ports', '80'],
    ['-t', 'bogus', '-L'],
    ['-A', 'INPUT', '-m', 'tcp', '--dport', '80'],
    ['-A', 'INPUT', '-p', 'tcp', '-p', 'udp'],
    ['-A', 'INPUT', '!', '-j', 'ACCEPT'],
    ['-A', 'INPUT', 'extra'],
    ['-N', 'a b'],
    ['-N', 'ACCEPT'],
    ['-A', 'INPUT', '-m', 'comment'],
    ['-A', 'INPUT', '-m', 'statistic', '--mode', 'random'],
    ['-A', 'INPUT', '-m', 'mark', '--mark', 'foo'],
    ['-A', 'INPUT', '-j', 'MARK'],
    ['-A', 'INPUT', '-i', 'aaaaaaaaaaaaaaaaaaaaaa'],
    ['-L', '-A', 'INPUT'],
    [],
    ['-F', 'MY-CHAIN'],
    ['-X', 'MY-CHAIN'],
    ['-D', 'INPUT', '1'],
    ['-X', 'MY-CHAIN'],
    ['-Z'],
    ['-nvL'],
    ['-L', 'INPUT', '-n', '--line-numbers'],
    ['-S', 'INPUT'],
    ['-S', 'INPUT', '1'],
    ['-t', 'nat', '-S'],
    ['-t', 'nat', '-N', 'U'],
    ['-t', 'nat', '-A', 'U', '-j', 'MASQUERADE'],
    ['-t', 'nat', '-A', 'PREROUTING', '-j', 'U'],
    ['-t', 'nat', '-A', 'POSTROUTING', '-j', 'U'],
    ['-t', 'nat', '-A', 'U', '-j', 'DNAT', '--to-destination', '10.0.0.1'],
    ['-t', 'nat', '-A', 'INPUT', '-j', 'SNAT', '--to-source', '10.0.0.2'],
    ['-t', 'mangle', '-A', 'INPUT', '-j', 'REJECT'],
    ['-A', 'INPUT', '-i', 'eth0', '-o', 'eth1'],
    ['-A', 'OUTPUT', '-i', 'eth0'],
    ['-F'],
    ['-X'],
    ['-h'],
    ['-V'],
  ]
  it('runs learner commands like iptables does', () => {
    const real = netns()
    const nf = emptyNetfilter()
    for (const argv of commands) {
      const rr = real(['iptables', ...argv])
      const ours = iptablesCommand(nf, argv, { version: VERSION })
      expect({ argv, out: ours.stdout, err: ours.stderr, code: ours.exitCode }).toEqual({
        argv,
        out: rr.out,
        err: rr.err,
        code: rr.code,
      })
    }
    compareAll(real, nf)
  })

  it('prints generated rules exactly as iptables-save does (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(ruleArgs, { minLength: 1, maxLength: 12 }), (rules) => {
        const text = `*filter\n:X - [0:0]\n:Y - [0:0]\n${rules.map((r) => `-A X ${r}`).join('\n')}\nCOMMIT\n`
        const real = netns()
        const rr = real(['iptables-restore'], text)
        const nf = emptyNetfilter()
        const ours = iptablesRestore(nf, text, { version: VERSION })
        expect(ours.ok ? '' : ours.error + '\n').toBe(rr.err)
        compareAll(real, nf)
      }),
      { numRuns: Number(process.env.NETFILTER_DIFF_RUNS ?? 40) },
    )
  }, 300_000)
})
