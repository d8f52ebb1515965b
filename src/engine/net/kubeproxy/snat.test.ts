import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { emptyNetfilter, type NetfilterState } from '../netfilter/model.ts'
import { iptablesRestore } from '../netfilter/restore.ts'
import { iptablesRules } from '../netfilter/save.ts'
import {
  DEFAULT_SNAT_CONFIG,
  kubeProxyEnsureRules,
  kubeletRules,
  snatConfigFromEnv,
  vpcCniHostRulesUpdate,
  vpcCniRules,
} from './baseline.ts'
import { NODE_IP, VPC_CIDR } from './fixtures.ts'

// aws-node's start-up rule reconciliation (updateHostIptablesRules) against the boot-time text.

function bootedNode(): NetfilterState {
  const nf = emptyNetfilter()
  for (const t of [kubeletRules(), vpcCniRules([VPC_CIDR], NODE_IP)])
    expect(iptablesRestore(nf, t, { noflush: true })).toEqual({ ok: true })
  expect(iptablesRestore(nf, kubeProxyEnsureRules(nf), { noflush: true })).toEqual({ ok: true })
  return nf
}

function update(nf: NetfilterState, env: Record<string, string>): string {
  const text = vpcCniHostRulesUpdate(nf, [VPC_CIDR], NODE_IP, snatConfigFromEnv(env))
  expect(iptablesRestore(nf, text, { noflush: true })).toEqual({ ok: true })
  return text
}

const awsLines = (nf: NetfilterState) =>
  [...iptablesRules(nf.tables.nat), ...iptablesRules(nf.tables.mangle)].filter((l) => /AWS/.test(l))

// FIDELITY §5.5, the real node's nat rules (addresses as in the fixture)
const FIDELITY_5_5 = [
  '-A POSTROUTING -m comment --comment "AWS SNAT CHAIN" -j AWS-SNAT-CHAIN-0',
  '-A AWS-SNAT-CHAIN-0 -d 192.168.0.0/16 -m comment --comment "AWS SNAT CHAIN" -j RETURN',
  '-A AWS-SNAT-CHAIN-0 ! -o vlan+ -m comment --comment "AWS, SNAT" -m addrtype ! --dst-type LOCAL -j SNAT --to-source 192.168.6.121 --random-fully',
  '-A PREROUTING -i eni+ -m comment --comment "AWS, outbound connections" -j AWS-CONNMARK-CHAIN-0',
  '-A PREROUTING -m comment --comment "AWS, CONNMARK" -j CONNMARK --restore-mark --nfmask 0x80 --ctmask 0x80',
  '-A AWS-CONNMARK-CHAIN-0 -d 192.168.0.0/16 -m comment --comment "AWS CONNMARK CHAIN, VPC CIDR" -j RETURN',
  '-A AWS-CONNMARK-CHAIN-0 -m comment --comment "AWS, CONNMARK" -j CONNMARK --set-xmark 0x80/0x80',
]
const MANGLE = [
  '-A PREROUTING -i ens5 -m comment --comment "AWS, primary ENI" -m addrtype --dst-type LOCAL --limit-iface-in -j CONNMARK --set-xmark 0x80/0x80',
  '-A PREROUTING -i eni+ -m comment --comment "AWS, primary ENI" -j CONNMARK --restore-mark --nfmask 0x80 --ctmask 0x80',
  '-A PREROUTING -i vlan+ -m comment --comment "AWS, primary ENI" -j CONNMARK --restore-mark --nfmask 0x80 --ctmask 0x80',
]

describe('aws-node start: SNAT and connmark rules from its env', () => {
  // computeStaleIptablesRules runs before the last SNAT / set-xmark rule joins the list, so a
  // restart deletes and appends them again; the restore-mark rule is force re-appended
  it('default env: only the re-appends a restart always does; the rules stay §5.5', () => {
    const nf = bootedNode()
    const before = iptablesRules(nf.tables.nat).join('\n')
    const text = update(nf, {})
    expect(text).toBe(
      [
        '*nat',
        '-D AWS-SNAT-CHAIN-0 ! -o vlan+ -m comment --comment "AWS, SNAT" -m addrtype ! --dst-type LOCAL -j SNAT --to-source 192.168.6.121 --random-fully',
        '-A AWS-SNAT-CHAIN-0 ! -o vlan+ -m comment --comment "AWS, SNAT" -m addrtype ! --dst-type LOCAL -j SNAT --to-source 192.168.6.121 --random-fully',
        '-D PREROUTING -m comment --comment "AWS, CONNMARK" -j CONNMARK --restore-mark --mask 0x80',
        '-A PREROUTING -m comment --comment "AWS, CONNMARK" -j CONNMARK --restore-mark --mask 0x80',
        '-D AWS-CONNMARK-CHAIN-0 -m comment --comment "AWS, CONNMARK" -j CONNMARK --set-xmark 0x80/0x80',
        '-A AWS-CONNMARK-CHAIN-0 -m comment --comment "AWS, CONNMARK" -j CONNMARK --set-xmark 0x80/0x80',
        'COMMIT',
        '',
      ].join('\n'),
    )
    expect(iptablesRules(nf.tables.nat).join('\n')).toBe(before)
    const nat = iptablesRules(nf.tables.nat).filter((l) => /^-A .*AWS/.test(l))
    expect([...nat].sort()).toEqual([...FIDELITY_5_5].sort())
    expect(iptablesRules(nf.tables.mangle).filter((l) => /AWS/.test(l))).toEqual(MANGLE)
    // a second start changes nothing either
    update(nf, {})
    expect(iptablesRules(nf.tables.nat).join('\n')).toBe(before)
  })

  it('from an empty node the update writes exactly what vpcCniRules writes at boot', () => {
    const a = emptyNetfilter()
    iptablesRestore(a, vpcCniRules([VPC_CIDR], NODE_IP), { noflush: true })
    const b = emptyNetfilter()
    update(b, {})
    expect(awsLines(b)).toEqual(awsLines(a))
    expect(vpcCniHostRulesUpdate(a, [VPC_CIDR], NODE_IP, DEFAULT_SNAT_CONFIG)).toContain('-D')
  })

  it('EXTERNALSNAT=true: the jumps and every rule of both chains go, the chains stay empty, mangle stays', () => {
    const nf = bootedNode()
    update(nf, { AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true' })
    expect(iptablesRules(nf.tables.nat).filter((l) => /AWS/.test(l))).toEqual([
      '-N AWS-CONNMARK-CHAIN-0',
      '-N AWS-SNAT-CHAIN-0',
    ])
    expect(iptablesRules(nf.tables.mangle).filter((l) => /AWS/.test(l))).toEqual(MANGLE)
    // and back: false puts the §5.5 rules back
    update(nf, { AWS_VPC_K8S_CNI_EXTERNALSNAT: 'false' })
    const nat = iptablesRules(nf.tables.nat).filter((l) => /^-A .*AWS/.test(l))
    expect([...nat].sort()).toEqual([...FIDELITY_5_5].sort())
  })

  it('EXCLUDE_SNAT_CIDRS: RETURN rules with their comments, new ones inserted at the top', () => {
    const nf = bootedNode()
    update(nf, { AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: '10.0.0.0/8,bad,172.16.5.9/12' })
    expect(iptablesRules(nf.tables.nat, { chain: 'AWS-SNAT-CHAIN-0' })).toEqual([
      '-N AWS-SNAT-CHAIN-0',
      '-A AWS-SNAT-CHAIN-0 -d 172.16.0.0/12 -m comment --comment "AWS SNAT CHAIN EXCLUSION" -j RETURN',
      '-A AWS-SNAT-CHAIN-0 -d 10.0.0.0/8 -m comment --comment "AWS SNAT CHAIN EXCLUSION" -j RETURN',
      '-A AWS-SNAT-CHAIN-0 -d 192.168.0.0/16 -m comment --comment "AWS SNAT CHAIN" -j RETURN',
      '-A AWS-SNAT-CHAIN-0 ! -o vlan+ -m comment --comment "AWS, SNAT" -m addrtype ! --dst-type LOCAL -j SNAT --to-source 192.168.6.121 --random-fully',
    ])
    expect(iptablesRules(nf.tables.nat, { chain: 'AWS-CONNMARK-CHAIN-0' })[1]).toBe(
      '-A AWS-CONNMARK-CHAIN-0 -d 172.16.0.0/12 -m comment --comment "AWS CONNMARK CHAIN, EXCLUDED CIDR" -j RETURN',
    )
    // dropping one: the stale RETURN is deleted from both chains
    update(nf, { AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: '10.0.0.0/8' })
    expect(iptablesRules(nf.tables.nat).join('\n')).not.toContain('172.16.0.0/12')
  })

  it.each([
    ['hashrandom', ' --random'],
    ['none', ''],
    ['bogus', ' --random-fully'],
  ])('RANDOMIZESNAT=%s', (value, flag) => {
    const nf = bootedNode()
    update(nf, { AWS_VPC_K8S_CNI_RANDOMIZESNAT: value })
    const snat = iptablesRules(nf.tables.nat, { chain: 'AWS-SNAT-CHAIN-0' }).at(-1)
    expect(snat).toBe(
      `-A AWS-SNAT-CHAIN-0 ! -o vlan+ -m comment --comment "AWS, SNAT" -m addrtype ! --dst-type LOCAL -j SNAT --to-source 192.168.6.121${flag}`,
    )
  })
})

describe('aws-node restarts converge (property)', () => {
  const envArb = fc.record(
    {
      AWS_VPC_K8S_CNI_EXTERNALSNAT: fc.constantFrom('true', 'false', '', 'bogus'),
      AWS_VPC_K8S_CNI_RANDOMIZESNAT: fc.constantFrom('prng', 'hashrandom', 'none', ''),
      AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: fc
        .subarray(['10.0.0.0/8', '172.16.0.0/12', '100.64.0.0/10', 'nope'])
        .map((a) => a.join(',')),
    },
    { requiredKeys: [] },
  )
  const ruleSet = (nf: NetfilterState) =>
    [...iptablesRules(nf.tables.nat), ...iptablesRules(nf.tables.mangle)].sort()

  it('whatever ran before, a start with env E leaves the rules a single start with E leaves', () => {
    fc.assert(
      fc.property(fc.array(envArb, { maxLength: 4 }), envArb, (history, last) => {
        const a = bootedNode()
        for (const e of history) update(a, e as Record<string, string>)
        update(a, last as Record<string, string>)
        const b = bootedNode()
        update(b, last as Record<string, string>)
        expect(ruleSet(a)).toEqual(ruleSet(b))
        // the SNAT rule, when present, is always last in its chain (after every RETURN)
        const chain = iptablesRules(a.tables.nat, { chain: 'AWS-SNAT-CHAIN-0' })
        const snat = chain.findIndex((l) => l.includes('-j SNAT'))
        if (snat >= 0) expect(snat).toBe(chain.length - 1)
        // and a second start with the same env changes nothing
        const before = ruleSet(a)
        update(a, last as Record<string, string>)
        expect(ruleSet(a)).toEqual(before)
      }),
      { numRuns: 60 },
    )
  })
})
