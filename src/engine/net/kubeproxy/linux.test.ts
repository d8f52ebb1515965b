import { spawnSync } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import {
  kubeProxyEnsureRules,
  kubeletRules,
  snatConfigFromEnv,
  vpcCniHostRulesUpdate,
  vpcCniRules,
} from './baseline.ts'
import { emptyNetfilter } from '../netfilter/model.ts'
import { iptablesRestore } from '../netfilter/restore.ts'
import { iptablesRules } from '../netfilter/save.ts'
import { buildRestore, eksProxierConfig, servicePortsFor } from './rules.ts'
import { NODE, NODE_IP, VPC_CIDR, realisticCluster } from './fixtures.ts'
import { chainsAndJumpsFromSave } from './testing.ts'

// The differential check against real Linux: the kernel's iptables-restore must accept every text
// our programs write, in the order a node receives them (kubelet, VPC CNI, kube-proxy's jump rules,
// its full sync, then a partial sync). Runs in a throwaway network namespace; needs root and the
// Debian `iptables` package (installed by .ci/run).

const NETNS = `cutaway-kp-${process.pid}`
const which = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0
const isRoot = process.getuid?.() === 0
const canRun = isRoot && which('iptables-restore') && which('ip')
if (!canRun)
  console.warn(
    `skipping the real-Linux iptables-restore test: ${!isRoot ? 'not running as root' : 'iptables-restore or ip not installed'}`,
  )

function restore(text: string) {
  const r = spawnSync('ip', ['netns', 'exec', NETNS, 'iptables-restore', '--noflush'], {
    input: text,
    encoding: 'utf8',
  })
  return { rc: r.status, err: r.stderr }
}
function save(table: string): string {
  return spawnSync('ip', ['netns', 'exec', NETNS, 'iptables-save', '-t', table], {
    encoding: 'utf8',
  }).stdout
}
/** what a node gets before kube-proxy's first sync: the kubelet's, the VPC CNI's, kube-proxy's jumps */
function bootNode() {
  expect(restore(kubeletRules())).toEqual({ rc: 0, err: '' })
  expect(restore(vpcCniRules([VPC_CIDR], NODE_IP))).toEqual({ rc: 0, err: '' })
  expect(restore(kubeProxyEnsureRules(chainsAndJumpsFromSave(saveAll())))).toEqual({
    rc: 0,
    err: '',
  })
}
const saveAll = () => ['raw', 'mangle', 'nat', 'filter'].map(save).join('')
/** every table as iptables-save prints it, without the comment lines that carry a date */
const dump = () =>
  ['raw', 'mangle', 'nat', 'filter']
    .map(save)
    .join('')
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n')
const chainsOf = (saved: string) =>
  saved
    .split('\n')
    .filter((l) => l.startsWith(':'))
    .map((l) => l.slice(1).split(' ')[0]!)

describe.skipIf(!canRun)('real iptables-restore accepts what the node programs write', () => {
  afterAll(() => {
    spawnSync('ip', ['netns', 'del', NETNS])
  })

  it('baseline, full sync, then partial sync: rc 0 each time', () => {
    expect(spawnSync('ip', ['netns', 'add', NETNS]).status).toBe(0)
    bootNode()
    // kube-proxy's EnsureRule found the kubelet's jumps to KUBE-FIREWALL and added none
    expect(save('filter').match(/^-A INPUT -j KUBE-FIREWALL$/gm)).toHaveLength(1)

    const cfg = eksProxierConfig(NODE, NODE_IP)
    const first = realisticCluster(3)
    const full = buildRestore({
      entries: servicePortsFor(first.services, first.slices, NODE),
      config: cfg,
      fullSync: true,
      existingNatChains: chainsOf(save('nat')),
    })
    expect(restore(full.text)).toEqual({ rc: 0, err: '' })
    const nat = save('nat')
    for (const c of full.activeNatChains) expect(nat).toContain(`:${c} `)
    expect(nat).toContain('--probability 0.33333333349') // 1/3 as the kernel's 32-bit fixed point shows it
    expect(save('filter')).toContain('"default/empty:http has no endpoints"')

    // web scales to 4, sticky is deleted: a partial sync rewrites web's chains and deletes sticky's
    const second = realisticCluster(4)
    second.services = second.services.filter((s) => s.metadata.name !== 'sticky')
    second.slices = second.slices.filter((s) => s.metadata.name !== 'sticky-abcde')
    const partial = buildRestore({
      entries: servicePortsFor(second.services, second.slices, NODE),
      config: cfg,
      fullSync: false,
      updatedServices: new Set(['default/web', 'default/web-np', 'default/sticky']),
      existingNatChains: chainsOf(save('nat')),
    })
    expect(partial.deletedChains.length).toBeGreaterThan(0)
    expect(restore(partial.text)).toEqual({ rc: 0, err: '' })
    const after = chainsOf(save('nat'))
    for (const c of partial.deletedChains) expect(after).not.toContain(c)
    for (const c of partial.activeNatChains) expect(after).toContain(c)
    // the unchanged kube-dns chains survived the partial sync untouched
    expect(after).toContain('KUBE-SVC-TCOU7JCQXEZGVUNU')

    // and the kernel ends up exactly where a fresh node given B at once would be
    const incremental = dump()
    spawnSync('ip', ['netns', 'del', NETNS])
    expect(spawnSync('ip', ['netns', 'add', NETNS]).status).toBe(0)
    bootNode()
    const fresh = buildRestore({
      entries: servicePortsFor(second.services, second.slices, NODE),
      config: cfg,
      fullSync: true,
      existingNatChains: chainsOf(save('nat')),
    })
    expect(restore(fresh.text).rc).toBe(0)
    expect(incremental).toBe(dump())
  })

  it('aws-node restarts with EXTERNALSNAT / EXCLUDE_SNAT_CIDRS / RANDOMIZESNAT: the kernel agrees with the model', () => {
    spawnSync('ip', ['netns', 'del', NETNS])
    expect(spawnSync('ip', ['netns', 'add', NETNS]).status).toBe(0)
    bootNode()
    const model = emptyNetfilter()
    for (const t of [kubeletRules(), vpcCniRules([VPC_CIDR], NODE_IP)])
      iptablesRestore(model, t, { noflush: true })
    iptablesRestore(model, kubeProxyEnsureRules(model), { noflush: true })
    const rulesOf = (table: string) =>
      spawnSync('ip', ['netns', 'exec', NETNS, 'iptables', '-t', table, '-S'], { encoding: 'utf8' })
        .stdout
    for (const env of [
      {},
      { AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true' },
      { AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: '10.0.0.0/8,172.16.0.0/12' },
      {
        AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: '172.16.0.0/12',
        AWS_VPC_K8S_CNI_RANDOMIZESNAT: 'hashrandom',
      },
      { AWS_VPC_K8S_CNI_RANDOMIZESNAT: 'none' },
    ]) {
      const text = vpcCniHostRulesUpdate(model, [VPC_CIDR], NODE_IP, snatConfigFromEnv(env))
      expect(restore(text)).toEqual({ rc: 0, err: '' })
      expect(iptablesRestore(model, text, { noflush: true })).toEqual({ ok: true })
      for (const table of ['nat', 'mangle'] as const)
        expect(rulesOf(table)).toBe(iptablesRules(model.tables[table]).join('\n') + '\n')
    }
  })
})
