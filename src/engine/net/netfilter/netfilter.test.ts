import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { produce } from 'immer'
import { emptyNetfilter } from './model.ts'
import { EPOCH_MS } from '../../time.ts'
import { parseRule, renderError } from './parse.ts'
import { iptablesRestore } from './restore.ts'
import { ctime, iptablesRules, iptablesSave, probabilityString, ruleSpec } from './save.ts'
import { iptablesList } from './list.ts'
import { iptablesCommand } from './command.ts'
import { EKS_NODE_SAVE, KUBE_PROXY_RESTORE, LEARNER_RULES } from './testdata/rules.ts'
import { ruleArgs } from './testdata/arbitraries.ts'

const words = (s: string) => s.split(' ')
const noDates = (s: string) =>
  s
    .split('\n')
    .filter((l) => !l.startsWith('# '))
    .join('\n')

function restored(text: string, opts = {}) {
  const nf = emptyNetfilter()
  const r = iptablesRestore(nf, text, opts)
  expect(r).toEqual({ ok: true })
  return nf
}

describe('parseRule', () => {
  it('canonicalises addresses, loads tcp implicitly and keeps the match order', () => {
    const r = parseRule(words('-m comment --comment x -p tcp -s 10.1.2.3/8 --dport http -j ACCEPT'))
    expect(r.ok && r.rule).toEqual({
      src: { cidr: '10.0.0.0/8' },
      proto: { name: 'tcp' },
      matches: [
        { module: 'comment', comment: 'x' },
        { module: 'tcp', dport: { from: 80 } },
      ],
      target: { kind: 'ACCEPT' },
      counters: { packets: 0, bytes: 0 },
    })
  })

  it('turns every MARK spelling into value/mask (libxt_MARK)', () => {
    const mark = (opt: string) => {
      const r = parseRule(words(`-j MARK ${opt}`))
      return r.ok ? r.rule.target : r.error
    }
    expect(mark('--or-mark 0x4000')).toEqual({ kind: 'MARK', value: 0x4000, mask: 0x4000 })
    expect(mark('--xor-mark 0x4000')).toEqual({ kind: 'MARK', value: 0x4000, mask: 0 })
    expect(mark('--and-mark 0x10')).toEqual({ kind: 'MARK', value: 0, mask: 0xffffffef })
    expect(mark('--set-mark 16')).toEqual({ kind: 'MARK', value: 0x10, mask: 0xffffffff })
    expect(mark('--set-mark 0x5/0xa')).toEqual({ kind: 'MARK', value: 5, mask: 0xf })
  })

  const errors: [string, string][] = [
    ['--foo', 'unknown option "--foo"'],
    ['-s 1.2.3.999', "host/network `1.2.3.999' not found"],
    ['-s 10.0.0.0/33', "invalid mask `33' specified"],
    ['-p tcp --dport 99999', "invalid port/service `99999' specified"],
    ['-p tcp --dport 90:80', 'invalid portrange (min > max)'],
    ['--dport 80', 'unknown option "--dport"'],
    ['-m tcp --dport 80', "TCP match requires '-p tcp'"],
    ['-m foo', "Couldn't load match `foo':No such file or directory\n"],
    ['-p foo', 'unknown protocol "foo" specified'],
    ['-p tcp -p udp', 'multiple -p flags not allowed'],
    ['! -j ACCEPT', 'cannot have ! before -j'],
    ['! ! -s 1.2.3.4', 'multiple consecutive ! not allowed'],
    ['! -m comment', 'unexpected ! flag before --match'],
    ['-j ACCEPT -j DROP', 'multiple -j flags not allowed'],
    ['-m comment', 'comment: option "--comment" must be specified\n'],
    ['-m comment --comment a --comment b', 'comment: option "--comment" can only be used once.\n'],
    ['-m statistic --mode random', '--probability must be specified when using random mode'],
    [
      '-m statistic --mode random --probability 1.5',
      'statistic: bad value for option "--probability", or out of range (0-1).\n',
    ],
    ['-m statistic ! --mode random', 'statistic: option "--mode" cannot be inverted.\n'],
    ['-m mark --mark foo', 'mark: bad integer value for option "--mark", or out of range.\n'],
    ['-m conntrack --ctstate FOO', 'Bad ctstate "FOO"'],
    ['-m addrtype', 'addrtype: you must specify --src-type or --dst-type'],
    [
      '-m multiport --dports 1',
      "multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'",
    ],
    ['-j REJECT --reject-with foo', 'unknown reject type "foo"'],
    ['-j DNAT', 'DNAT: option "--to-destination" must be specified\n'],
    ['-j DNAT --to-destination 1.2.3.4:80', 'Need TCP, UDP, SCTP or DCCP with port specification'],
    ['-j MARK', 'MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required'],
    ['-j CONNMARK', 'CONNMARK target: No operation specified'],
    ['-j LOG --log-level err', 'log level "err" unknown\n'],
    [
      '-i aaaaaaaaaaaaaaaaaaaaaa',
      "interface name `aaaaaaaaaaaaaaaaaaaaaa' must be shorter than IFNAMSIZ (15)",
    ],
    ['-p icmp --icmp-type foo', "Unknown ICMP type `foo'"],
  ]
  it.each(errors)('rejects %s as iptables does', (args, message) => {
    const r = parseRule(words(args))
    expect(r.ok ? 'accepted' : r.error.message).toBe(message)
  })

  it('renders errors with the version and the help line', () => {
    const r = parseRule(['extra'])
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(renderError(r.error, '1.8.8')).toBe(
        "Bad argument `extra'\nTry `iptables -h' or 'iptables --help' for more information.",
      )
    const e = parseRule(['-m', 'foo'])
    if (!e.ok)
      expect(renderError(e.error, '1.8.8')).toBe(
        "iptables v1.8.8 (nf_tables): Couldn't load match `foo':No such file or directory\n\nTry `iptables -h' or 'iptables --help' for more information.",
      )
  })
})

describe('iptables-save', () => {
  it('prints kube-proxy rules in the canonical form of a real EKS node (FIDELITY §3.5)', () => {
    const save = iptablesSave(restored(KUBE_PROXY_RESTORE), { now: 0, table: 'nat' })
    for (const line of [
      '-A KUBE-SERVICES -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O',
      '-A KUBE-SVC-XPGD46QRK7WJZT7O ! -s 10.0.0.0/8 -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ',
      '-A KUBE-SEP-SXIVWICOYRO3J4NJ -s 10.180.0.1/32 -m comment --comment "ns1/svc1:p80" -j KUBE-MARK-MASQ',
      '-A KUBE-SEP-SXIVWICOYRO3J4NJ -p tcp -m comment --comment "ns1/svc1:p80" -m tcp -j DNAT --to-destination 10.180.0.1:80',
      '-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.1:80" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-3JOIVZTXZZRGORX4',
      '-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.2:80" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-IO5XOSKPAXIFQXAJ',
      '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000',
      '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
      '-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0',
      '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
    ])
      expect(save.split('\n')).toContain(line)
    // the stale chain kube-proxy deleted with -X is gone
    expect(save).not.toContain('OLDSTALE')
  })

  it('keeps an EKS node dump byte for byte (restore → save is the identity on saved text)', () => {
    expect(noDates(iptablesSave(restored(EKS_NODE_SAVE), { now: 0 }))).toBe(EKS_NODE_SAVE)
  })

  it('prints tables in iptables-nft order with the C-locale date and only tables that exist', () => {
    const nf = restored('*nat\n:X - [0:0]\nCOMMIT\n*raw\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n')
    const now = Date.UTC(2026, 10, 6, 8, 5, 9) - EPOCH_MS
    expect(ctime(now)).toBe('Fri Nov  6 08:05:09 2026')
    const save = iptablesSave(nf, { now, version: '1.8.8' })
    expect(save.split('\n').filter((l) => l.startsWith('*'))).toEqual(['*raw', '*nat'])
    expect(
      save.startsWith(
        '# Generated by iptables-save v1.8.8 (nf_tables) on Fri Nov  6 08:05:09 2026\n*raw\n',
      ),
    ).toBe(true)
    expect(iptablesSave(emptyNetfilter(), { now })).toBe('')
  })

  it('prints probabilities as glibc %.11f of the kernel fixed-point value', () => {
    expect(probabilityString(Math.round(0.5 * 2 ** 31))).toBe('0.50000000000')
    expect(probabilityString(Math.round(0.3333333333 * 2 ** 31))).toBe('0.33333333349')
    expect(probabilityString(2 ** 31)).toBe('1.00000000000')
    // an exact tie at the 11th decimal rounds to even, as glibc does (JS toFixed would round up)
    expect(probabilityString(2 ** 19)).toBe('0.00024414062')
  })

  it('iptables -S lists policies, chains, then rules', () => {
    const nf = restored(LEARNER_RULES)
    const lines = iptablesRules(nf.tables.filter)
    expect(lines.slice(0, 5)).toEqual([
      '-P INPUT ACCEPT',
      '-P FORWARD DROP',
      '-P OUTPUT ACCEPT',
      '-N KUBE-FORWARD',
      '-N KUBE-SERVICES',
    ])
    expect(iptablesRules(nf.tables.filter, { chain: 'OUTPUT', ruleNum: 1 })).toEqual([
      '-A OUTPUT -p tcp -m tcp ! --dport 22 -j DROP',
    ])
  })
})

describe('iptables -L', () => {
  const nat = () => restored(KUBE_PROXY_RESTORE).tables.nat
  it('lays out the columns, references and extension texts as iptables does', () => {
    const lines = iptablesList(nat(), { chain: 'KUBE-SVC-AQI2S6QIMU7PVVRP' })
    expect(lines).toEqual([
      'Chain KUBE-SVC-AQI2S6QIMU7PVVRP (1 references)',
      'target     prot opt source               destination         ',
      'KUBE-SEP-3JOIVZTXZZRGORX4  all  --  anywhere             anywhere             /* ns1/svc1 -> 10.0.1.1:80 */ statistic mode random probability 0.33333333349',
      'KUBE-SEP-IO5XOSKPAXIFQXAJ  all  --  anywhere             anywhere             /* ns1/svc1 -> 10.0.1.2:80 */ statistic mode random probability 0.50000000000',
      'KUBE-SEP-XGJFVO3L2O5SRFNT  all  --  anywhere             anywhere             /* ns1/svc1 -> 10.0.1.3:80 */',
    ])
    expect(iptablesList(nat(), { chain: 'KUBE-MARK-MASQ', numeric: true, verbose: true })).toEqual([
      'Chain KUBE-MARK-MASQ (5 references)',
      ' pkts bytes target     prot opt in     out     source               destination         ',
      '    0     0 MARK       all  --  *      *       0.0.0.0/0            0.0.0.0/0            MARK or 0x4000',
    ])
    expect(iptablesList(nat(), { chain: 'KUBE-SEP-SXIVWICOYRO3J4NJ', lineNumbers: true })[3]).toBe(
      '2    DNAT       tcp  --  anywhere             anywhere             /* ns1/svc1:p80 */ tcp to:10.180.0.1:80',
    )
    expect(iptablesList(nat(), { chain: 'KUBE-SERVICES' })[2]).toContain(
      'tcp  --  anywhere             172.30.0.41          /* ns1/svc1:p80 cluster IP */ tcp dpt:http',
    )
  })

  it('prints the policy counters in K/M/G unless -x', () => {
    const nf = emptyNetfilter()
    nf.tables.filter.chains.INPUT!.counters = { packets: 123456, bytes: 98765432 }
    expect(iptablesList(nf.tables.filter, { chain: 'INPUT', verbose: true })[0]).toBe(
      'Chain INPUT (policy ACCEPT 123K packets, 99M bytes)',
    )
    expect(iptablesList(nf.tables.filter, { chain: 'INPUT', verbose: true, exact: true })[0]).toBe(
      'Chain INPUT (policy ACCEPT 123456 packets, 98765432 bytes)',
    )
  })
})

describe('iptables commands', () => {
  const run = (nf: ReturnType<typeof emptyNetfilter>, cmd: string) =>
    iptablesCommand(nf, words(cmd))
  it('gives the real messages and exit codes, and changes nothing on failure', () => {
    const nf = emptyNetfilter()
    expect(run(nf, '-N MY').exitCode).toBe(0)
    expect(run(nf, '-A INPUT -j MY')).toMatchObject({ exitCode: 0, changed: true })
    const snapshot = JSON.stringify(nf)
    const cases: [string, number, string][] = [
      ['-N MY', 1, 'iptables: Chain already exists.\n'],
      [
        '-X MY',
        4,
        'iptables v1.8.8 (nf_tables):  CHAIN_DEL failed (Device or resource busy): chain MY\n',
      ],
      [
        '-X INPUT',
        4,
        'iptables v1.8.8 (nf_tables):  CHAIN_DEL failed (Device or resource busy): chain INPUT\n',
      ],
      ['-P MY DROP', 1, 'iptables: Bad built-in chain name.\n'],
      ['-P INPUT REJECT', 1, "iptables: Bad policy name. Run `dmesg' for more information.\n"],
      [
        '-D INPUT -j ACCEPT',
        1,
        'iptables: Bad rule (does a matching rule exist in that chain?).\n',
      ],
      ['-D INPUT 5', 1, 'iptables: Index of deletion too big.\n'],
      ['-I INPUT 5 -j ACCEPT', 1, 'iptables: Index of insertion too big.\n'],
      ['-R INPUT 5 -j ACCEPT', 1, 'iptables: Index of replacement too big.\n'],
      ['-A NOPE -j ACCEPT', 1, 'iptables: No chain/target/match by that name.\n'],
      ['-L NOPE', 1, 'iptables: No chain/target/match by that name.\n'],
      [
        '-A INPUT -j DNAT --to-destination 1.2.3.4',
        4,
        'iptables v1.8.8 (nf_tables):  RULE_APPEND failed (Invalid argument): rule in chain INPUT\n',
      ],
      [
        '-t bogus -L',
        3,
        "iptables v1.8.8 (nf_tables): table 'bogus' does not exist\nPerhaps iptables or your kernel needs to be upgraded.\n",
      ],
      [
        '-A INPUT -A OUTPUT',
        2,
        "iptables v1.8.8 (nf_tables): Cannot use -A with -A\nTry `iptables -h' or 'iptables --help' for more information.\n",
      ],
      [
        '-N ACCEPT',
        2,
        "iptables v1.8.8 (nf_tables): chain name may not clash with target name\nTry `iptables -h' or 'iptables --help' for more information.\n",
      ],
    ]
    for (const [cmd, code, stderr] of cases)
      expect([cmd, run(nf, cmd)]).toEqual([
        cmd,
        { stdout: '', stderr, exitCode: code, changed: false },
      ])
    expect(JSON.stringify(nf)).toBe(snapshot)
    expect(iptablesCommand(nf, []).stderr).toContain('no command specified')
  })

  it('inserts, replaces, checks, deletes by spec, flushes and deletes chains', () => {
    const nf = emptyNetfilter()
    run(nf, '-A INPUT -s 10.0.0.1 -j ACCEPT')
    run(nf, '-I INPUT -p udp --dport 53 -j ACCEPT')
    run(nf, '-I INPUT 2 -j LOG')
    expect(iptablesRules(nf.tables.filter, { chain: 'INPUT' })).toEqual([
      '-P INPUT ACCEPT',
      '-A INPUT -p udp -m udp --dport 53 -j ACCEPT',
      '-A INPUT -j LOG',
      '-A INPUT -s 10.0.0.1/32 -j ACCEPT',
    ])
    expect(run(nf, '-C INPUT -s 10.0.0.1/32 -j ACCEPT')).toMatchObject({
      exitCode: 0,
      changed: false,
    })
    run(nf, '-R INPUT 2 -j DROP')
    expect(run(nf, '-D INPUT -s 10.0.0.1 -j ACCEPT').exitCode).toBe(0)
    expect(nf.tables.filter.chains.INPUT!.rules.map((r) => ruleSpec(r))).toEqual([
      '-p udp -m udp --dport 53 -j ACCEPT',
      '-j DROP',
    ])
    run(nf, '-N A')
    run(nf, '-A A -j RETURN')
    expect(run(nf, '-X').exitCode).toBe(4)
    run(nf, '-F')
    expect(run(nf, '-X')).toMatchObject({ exitCode: 0, changed: true })
    expect(Object.keys(nf.tables.filter.chains)).toEqual(['INPUT', 'FORWARD', 'OUTPUT'])
    expect(run(nf, '-nvL INPUT').stdout).toContain(
      'Chain INPUT (policy ACCEPT 0 packets, 0 bytes)\n',
    )
  })
})

describe('the kernel checks', () => {
  it('refuses a NAT target at a hook that reaches it through a jump, and -i/-o where they mean nothing', () => {
    const nf = emptyNetfilter()
    const run = (cmd: string) => iptablesCommand(nf, words(cmd))
    expect(run('-t nat -N U').exitCode).toBe(0)
    expect(run('-t nat -A U -j MASQUERADE').exitCode).toBe(0)
    expect(run('-t nat -A PREROUTING -j U')).toMatchObject({
      exitCode: 4,
      stderr:
        'iptables v1.8.8 (nf_tables):  RULE_APPEND failed (Invalid argument): rule in chain PREROUTING\n',
    })
    expect(run('-t nat -A POSTROUTING -j U').exitCode).toBe(0)
    expect(run('-t nat -I U -j DNAT --to-destination 10.0.0.1').exitCode).toBe(4)
    expect(run('-A OUTPUT -i eth0').stderr).toBe(
      "iptables v1.8.8 (nf_tables): Can't use -i with OUTPUT\n\nTry `iptables -h' or 'iptables --help' for more information.\n",
    )
    expect(run('-t nat -E U MASQ').exitCode).toBe(0)
    expect(iptablesRules(nf.tables.nat, { chain: 'POSTROUTING' })).toEqual([
      '-P POSTROUTING ACCEPT',
      '-A POSTROUTING -j MASQ',
    ])
  })
})

describe('iptables-restore', () => {
  it('commits table by table: a failed table changes nothing, earlier tables stay', () => {
    const nf = restored(LEARNER_RULES)
    const before = JSON.stringify(nf)
    const r = iptablesRestore(nf, '*filter\n:X - [0:0]\n-A X -j NOPE\nCOMMIT\n')
    expect(r).toEqual({
      ok: false,
      exit: 2,
      error:
        "iptables-restore v1.8.8 (nf_tables): Chain 'NOPE' does not exist\nError occurred at line: 4\nTry `iptables-restore -h' or 'iptables-restore --help' for more information.",
    })
    expect(JSON.stringify(nf)).toBe(before)
    const r2 = iptablesRestore(nf, '*raw\n:FOO - [0:0]\nCOMMIT\n*filter\n-A Z -j DROP\nCOMMIT\n')
    expect(r2).toEqual({
      ok: false,
      exit: 1,
      error: 'iptables-restore: line 5 failed: No chain/target/match by that name.',
    })
    expect(nf.tables.raw.chains.FOO).toBeDefined()
    expect(nf.tables.filter).toEqual(JSON.parse(before).tables.filter)
    expect(iptablesRestore(nf, '*filter\n:X - [0:0]\n')).toEqual({
      ok: false,
      exit: 1,
      error: 'iptables-restore: COMMIT expected at line 3',
    })
  })

  it('--noflush flushes declared chains and keeps the rest; --test applies nothing', () => {
    const nf = restored(KUBE_PROXY_RESTORE)
    const svc = 'KUBE-SVC-AQI2S6QIMU7PVVRP'
    const partial = `*nat\n:${svc} - [0:0]\n-A ${svc} -j KUBE-SEP-IO5XOSKPAXIFQXAJ\nCOMMIT\n`
    expect(iptablesRestore(nf, partial, { noflush: true })).toEqual({ ok: true })
    expect(nf.tables.nat.chains[svc]!.rules).toHaveLength(1)
    expect(nf.tables.nat.chains['KUBE-SEP-3JOIVZTXZZRGORX4']!.rules).toHaveLength(2)
    const failing = `*nat\n:${svc} - [0:0]\n-A ${svc} -j DROP\n-X KUBE-SEP-3JOIVZTXZZRGORX4\n-P OUTPUT DROP\n-A KUBE-MARK-MASQ -j MISSING\nCOMMIT\n`
    const snapshot = JSON.stringify(nf)
    expect(iptablesRestore(nf, failing, { noflush: true }).ok).toBe(false)
    expect(JSON.stringify(nf)).toBe(snapshot)
    const before = JSON.stringify(nf)
    expect(
      iptablesRestore(nf, '*nat\n:A - [0:0]\n-A A -j MISSING\nCOMMIT\n', { test: true }),
    ).toEqual({ ok: true })
    expect(JSON.stringify(nf)).toBe(before)
  })

  it('save → restore → save is a fixed point, and a failed restore changes nothing (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(ruleArgs, { maxLength: 10 }), fc.nat(9), (rules, bad) => {
        const text = `*filter\n:X - [0:0]\n:Y - [0:0]\n${rules.map((r) => `-A X ${r}`).join('\n')}\nCOMMIT\n`
        const nf = emptyNetfilter()
        const r = iptablesRestore(nf, text)
        if (!r.ok) return // the kernel refuses some generated rules (e.g. `! -s 0.0.0.0/0`)
        const once = iptablesSave(nf, { now: 0 })
        const nf2 = emptyNetfilter()
        expect(iptablesRestore(nf2, once)).toEqual({ ok: true })
        expect(iptablesSave(nf2, { now: 0 })).toBe(once)
        // the same input with one line broken fails and leaves the tables as they were
        const lines = text.split('\n')
        const at = Math.min(3 + bad, lines.length - 2)
        lines.splice(at, 0, '-A X --no-such-option')
        const snapshot = JSON.stringify(nf2)
        for (const noflush of [false, true]) {
          const fail = iptablesRestore(nf2, lines.join('\n'), { noflush })
          expect(fail.ok).toBe(false)
          expect(JSON.stringify(nf2)).toBe(snapshot)
        }
      }),
      { numRuns: 200 },
    )
  })

  it('works on an immer draft, as kube-proxy calls it inside a transaction', () => {
    const base = restored(KUBE_PROXY_RESTORE)
    const svc = 'KUBE-SVC-AQI2S6QIMU7PVVRP'
    const next = produce(base, (draft) => {
      const r = iptablesRestore(
        draft,
        `*nat\n:${svc} - [0:0]\n-A ${svc} -j KUBE-SEP-IO5XOSKPAXIFQXAJ\nCOMMIT\n`,
        { noflush: true },
      )
      expect(r).toEqual({ ok: true })
    })
    expect(next.tables.nat.chains[svc]!.rules).toHaveLength(1)
    expect(base.tables.nat.chains[svc]!.rules).toHaveLength(3)
    // untouched chains keep their identity (cheap snapshots)
    expect(next.tables.nat.chains['KUBE-SEP-3JOIVZTXZZRGORX4']).toBe(
      base.tables.nat.chains['KUBE-SEP-3JOIVZTXZZRGORX4'],
    )
    expect(noDates(iptablesSave(next, { now: 0 }))).toContain(
      `-A ${svc} -j KUBE-SEP-IO5XOSKPAXIFQXAJ\n`,
    )
  })
})
