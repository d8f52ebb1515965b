import { emptyNetfilter, type NetfilterState, type TableName } from '../netfilter/model.ts'
import { iptablesCommand } from '../netfilter/command.ts'
import { restoreTokens } from '../netfilter/restore.ts'
import { ruleSpec } from '../netfilter/save.ts'
import { deepClone } from '../../clone.ts'

// What a node's iptables hold before kube-proxy's first sync: the kubelet's chains and the AWS VPC
// CNI's SNAT/connmark rules. Both programs add these with single `iptables` calls (EnsureChain,
// EnsureRule, Insert, Append); here each is the equivalent iptables-restore --noflush text, in the
// order the programs issue the calls, so the resulting tables are the same.

/** AL2023 nodes name the primary ENI `ens5` (FIDELITY §5.4; AL2 used eth0). */
export const PRIMARY_INTERFACE = 'ens5'

/**
 * kubelet (pkg/kubelet/kubelet_network_linux.go syncIPTablesRules, 1.28+): the KUBE-IPTABLES-HINT
 * chain, KUBE-FIREWALL with its martian-localhost rule jumped to from INPUT and OUTPUT, and the
 * KUBE-KUBELET-CANARY chains its iptables Monitor watches in mangle, nat and filter.
 */
export function kubeletRules(): string {
  return [
    '*mangle',
    ':KUBE-IPTABLES-HINT - [0:0]',
    ':KUBE-KUBELET-CANARY - [0:0]',
    'COMMIT',
    '*nat',
    ':KUBE-KUBELET-CANARY - [0:0]',
    'COMMIT',
    '*filter',
    ':KUBE-FIREWALL - [0:0]',
    ':KUBE-KUBELET-CANARY - [0:0]',
    // EnsureRule(Prepend, …): `iptables -I OUTPUT -j KUBE-FIREWALL`, then the same for INPUT
    '-I OUTPUT 1 -j KUBE-FIREWALL',
    '-I INPUT 1 -j KUBE-FIREWALL',
    // the kubelet writes --dst/--src; the kernel holds the same rule as -d/-s
    '-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
    'COMMIT',
    '',
  ].join('\n')
}

/**
 * The VPC CNI's host rules (aws/amazon-vpc-cni-k8s pkg/networkutils/network.go
 * buildIptablesSNATRules and buildIptablesConnmarkRules) with the EKS add-on defaults:
 * AWS_VPC_K8S_CNI_EXTERNALSNAT=false, AWS_VPC_K8S_CNI_RANDOMIZESNAT=prng (--random-fully),
 * AWS_VPC_CNI_NODE_PORT_SUPPORT=true, veth prefix `eni`, connmark 0x80, no excluded CIDRs.
 * The RETURN rules are inserted at position 1 (ipt.Insert), the others appended. FIDELITY §5.5.
 * What a node's aws-node writes on its first start (vpcCniHostRulesUpdate gives the same rules);
 * kept as the reference text of the fixtures and the real-iptables test.
 */
export function vpcCniRules(vpcCidrs: readonly string[], primaryIp: string): string {
  const lines = [
    '*nat',
    ':AWS-SNAT-CHAIN-0 - [0:0]',
    ':AWS-CONNMARK-CHAIN-0 - [0:0]',
    '-A POSTROUTING -m comment --comment "AWS SNAT CHAIN" -j AWS-SNAT-CHAIN-0',
  ]
  for (const cidr of vpcCidrs)
    lines.push(`-I AWS-SNAT-CHAIN-0 1 -d ${cidr} -m comment --comment "AWS SNAT CHAIN" -j RETURN`)
  lines.push(
    `-A AWS-SNAT-CHAIN-0 ! -o vlan+ -m comment --comment "AWS, SNAT" -m addrtype ! --dst-type LOCAL -j SNAT --to-source ${primaryIp} --random-fully`,
    '-A PREROUTING -i eni+ -m comment --comment "AWS, outbound connections" -j AWS-CONNMARK-CHAIN-0',
  )
  for (const cidr of vpcCidrs)
    lines.push(
      `-I AWS-CONNMARK-CHAIN-0 1 -d ${cidr} -m comment --comment "AWS CONNMARK CHAIN, VPC CIDR" -j RETURN`,
    )
  lines.push(
    '-A PREROUTING -m comment --comment "AWS, CONNMARK" -j CONNMARK --restore-mark --mask 0x80',
    '-A AWS-CONNMARK-CHAIN-0 -m comment --comment "AWS, CONNMARK" -j CONNMARK --set-xmark 0x80/0x80',
    'COMMIT',
    '*mangle',
    `-A PREROUTING -m comment --comment "AWS, primary ENI" -i ${PRIMARY_INTERFACE} -m addrtype --dst-type LOCAL --limit-iface-in -j CONNMARK --set-mark 0x80/0x80`,
    '-A PREROUTING -m comment --comment "AWS, primary ENI" -i eni+ -j CONNMARK --restore-mark --mask 0x80',
    '-A PREROUTING -m comment --comment "AWS, primary ENI" -i vlan+ -j CONNMARK --restore-mark --mask 0x80',
    'COMMIT',
    '',
  )
  return lines.join('\n')
}

interface Jump {
  table: 'filter' | 'nat'
  dst: string
  src: string
  comment: string
  extra?: string
}

const NEW = '-m conntrack --ctstate NEW'
/** proxier.go iptablesJumpChains, then iptablesKubeletJumpChains, in that order. */
const JUMPS: Jump[] = [
  {
    table: 'filter',
    dst: 'KUBE-EXTERNAL-SERVICES',
    src: 'INPUT',
    comment: 'kubernetes externally-visible service portals',
    extra: NEW,
  },
  {
    table: 'filter',
    dst: 'KUBE-EXTERNAL-SERVICES',
    src: 'FORWARD',
    comment: 'kubernetes externally-visible service portals',
    extra: NEW,
  },
  {
    table: 'filter',
    dst: 'KUBE-NODEPORTS',
    src: 'INPUT',
    comment: 'kubernetes health check service ports',
  },
  {
    table: 'filter',
    dst: 'KUBE-SERVICES',
    src: 'FORWARD',
    comment: 'kubernetes service portals',
    extra: NEW,
  },
  {
    table: 'filter',
    dst: 'KUBE-SERVICES',
    src: 'OUTPUT',
    comment: 'kubernetes service portals',
    extra: NEW,
  },
  { table: 'filter', dst: 'KUBE-FORWARD', src: 'FORWARD', comment: 'kubernetes forwarding rules' },
  {
    table: 'filter',
    dst: 'KUBE-PROXY-FIREWALL',
    src: 'INPUT',
    comment: 'kubernetes load balancer firewall',
    extra: NEW,
  },
  {
    table: 'filter',
    dst: 'KUBE-PROXY-FIREWALL',
    src: 'OUTPUT',
    comment: 'kubernetes load balancer firewall',
    extra: NEW,
  },
  {
    table: 'filter',
    dst: 'KUBE-PROXY-FIREWALL',
    src: 'FORWARD',
    comment: 'kubernetes load balancer firewall',
    extra: NEW,
  },
  { table: 'nat', dst: 'KUBE-SERVICES', src: 'OUTPUT', comment: 'kubernetes service portals' },
  { table: 'nat', dst: 'KUBE-SERVICES', src: 'PREROUTING', comment: 'kubernetes service portals' },
  {
    table: 'nat',
    dst: 'KUBE-POSTROUTING',
    src: 'POSTROUTING',
    comment: 'kubernetes postrouting rules',
  },
  { table: 'filter', dst: 'KUBE-FIREWALL', src: 'INPUT', comment: '' },
  { table: 'filter', dst: 'KUBE-FIREWALL', src: 'OUTPUT', comment: '' },
]

const hasChain = (nf: NetfilterState | undefined, t: TableName, c: string) =>
  !!nf?.tables[t]?.chains[c]
const hasJump = (nf: NetfilterState | undefined, j: Jump) =>
  !!nf?.tables[j.table]?.chains[j.src]?.rules.some(
    (r) => r.target?.kind === 'jump' && r.target.chain === j.dst,
  )

/**
 * What kube-proxy does before a full sync with single iptables calls: EnsureChain + EnsureRule
 * (Prepend) for its jumps from the built-in chains, and its iptables Monitor's KUBE-PROXY-CANARY
 * chains. Only what is missing from `nf` is added (EnsureRule checks with `iptables -C`; we check
 * for a jump to the same chain). Returns '' when nothing is missing.
 */
export function kubeProxyEnsureRules(nf: NetfilterState | undefined): string {
  const out: string[] = []
  for (const table of ['mangle', 'nat', 'filter'] as const) {
    const chains = new Set<string>()
    const rules: string[] = []
    for (const j of JUMPS.filter((x) => x.table === table)) {
      if (!hasChain(nf, table, j.dst)) chains.add(j.dst)
      if (hasJump(nf, j)) continue
      const parts = ['-I', j.src, '1']
      if (j.extra) parts.push(j.extra)
      if (j.comment) parts.push('-m comment --comment', `"${j.comment}"`)
      parts.push('-j', j.dst)
      rules.push(parts.join(' '))
    }
    if (!hasChain(nf, table, 'KUBE-PROXY-CANARY')) chains.add('KUBE-PROXY-CANARY')
    if (chains.size === 0 && rules.length === 0) continue
    out.push(`*${table}`, ...[...chains].map((c) => `:${c} - [0:0]`), ...rules, 'COMMIT')
  }
  return out.length ? out.join('\n') + '\n' : ''
}

/** The aws-node env that decides the host rules (pkg/networkutils/network.go). */
export interface VpcCniSnatConfig {
  /** AWS_VPC_K8S_CNI_EXTERNALSNAT (strconv.ParseBool; default false) */
  externalSnat: boolean
  /** AWS_VPC_K8S_CNI_RANDOMIZESNAT: prng -> --random-fully, hashrandom -> --random, none -> no flag */
  randomizeSnat: 'prng' | 'hashrandom' | 'none'
  /** AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS, comma separated, invalid entries skipped */
  excludeSnatCidrs: string[]
  /** AWS_VPC_CNI_NODE_PORT_SUPPORT (default true): keeps the mangle "AWS, primary ENI" rules */
  nodePortSupport: boolean
  /** AWS_VPC_K8S_CNI_VETHPREFIX (default eni) */
  vethPrefix: string
}

/** Go's strconv.ParseBool; an unparsable value falls back to the default (getBoolEnvVar). */
function parseBool(v: string | undefined, dflt: boolean): boolean {
  if (v === undefined || v === '') return dflt
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false
  return dflt
}

/** parseCIDRString: each entry through net.ParseCIDR (network address kept), bad ones skipped. */
function parseCidrs(v: string | undefined): string[] {
  if (!v) return []
  const out: string[] = []
  for (const raw of v.split(',')) {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(raw.trim())
    if (!m) continue
    const oct = m.slice(1, 5).map(Number)
    const bits = Number(m[5])
    if (oct.some((o) => o > 255) || bits > 32) continue
    const ip = oct.reduce((a, o) => a * 256 + o, 0)
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0
    const net = (ip & mask) >>> 0
    out.push(`${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.${net & 255}/${bits}`)
  }
  return out
}

/** What aws-node reads from its environment at start (typeOfSNAT, useExternalSNAT, …). */
export function snatConfigFromEnv(env: Record<string, string | undefined>): VpcCniSnatConfig {
  const r = env.AWS_VPC_K8S_CNI_RANDOMIZESNAT
  return {
    externalSnat: parseBool(env.AWS_VPC_K8S_CNI_EXTERNALSNAT, false),
    // "" and unknown values log an error and use the default, prng
    randomizeSnat: r === 'hashrandom' || r === 'none' ? r : 'prng',
    excludeSnatCidrs: parseCidrs(env.AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS),
    nodePortSupport: parseBool(env.AWS_VPC_CNI_NODE_PORT_SUPPORT, true),
    vethPrefix: env.AWS_VPC_K8S_CNI_VETHPREFIX ?? 'eni',
  }
}

/** The EKS add-on's defaults (the rules of vpcCniRules). */
export const DEFAULT_SNAT_CONFIG: VpcCniSnatConfig = snatConfigFromEnv({})

interface CniRule {
  table: 'nat' | 'mangle'
  chain: string
  spec: string[]
  shouldExist: boolean
  /** the CIDR RETURN rules go in at position 1 (ipt.Insert), everything else is appended */
  insert?: boolean
  /** stands for the stale rules of this chain prefix, computed when the list is walked */
  staleOf?: string
}

const SNAT_CHAIN = 'AWS-SNAT-CHAIN-0'
const CONNMARK_CHAIN = 'AWS-CONNMARK-CHAIN-0'
const MARK = '0x80'

/**
 * buildIptablesSNATRules then buildIptablesConnmarkRules (aws/amazon-vpc-cni-k8s v1.19
 * pkg/networkutils/network.go), as the list updateIptablesRules walks: each rule with shouldExist.
 * EXTERNALSNAT=true turns every SNAT/connmark rule to shouldExist=false, but both chains are still
 * created (ipt.NewChain) and so stay, empty; the mangle "AWS, primary ENI" rules depend on
 * NODE_PORT_SUPPORT (and, for the eni+ restore, on !EXTERNALSNAT as well) and so stay on EKS.
 */
function cniRuleList(
  vpcCidrs: readonly string[],
  primaryIp: string,
  c: VpcCniSnatConfig,
): CniRule[] {
  const snat = !c.externalSnat
  const comment = (s: string) => ['-m', 'comment', '--comment', s]
  const all = [
    ...vpcCidrs.map((cidr) => ({ cidr, exclusion: false })),
    ...c.excludeSnatCidrs.map((cidr) => ({ cidr, exclusion: true })),
  ]
  const random =
    c.randomizeSnat === 'prng'
      ? ['--random-fully']
      : c.randomizeSnat === 'hashrandom'
        ? ['--random']
        : []
  const restoreMark = ['-j', 'CONNMARK', '--restore-mark', '--mask', MARK]
  return [
    {
      table: 'nat',
      chain: 'POSTROUTING',
      spec: [...comment('AWS SNAT CHAIN'), '-j', SNAT_CHAIN],
      shouldExist: snat,
    },
    ...all.map((x): CniRule => ({
      table: 'nat',
      chain: SNAT_CHAIN,
      spec: [
        '-d',
        x.cidr,
        ...comment(x.exclusion ? 'AWS SNAT CHAIN EXCLUSION' : 'AWS SNAT CHAIN'),
        '-j',
        'RETURN',
      ],
      shouldExist: snat,
      insert: true,
    })),
    { table: 'nat', chain: SNAT_CHAIN, spec: [], shouldExist: false, staleOf: 'AWS-SNAT-CHAIN' },
    {
      table: 'nat',
      chain: SNAT_CHAIN,
      spec: [
        '!',
        '-o',
        'vlan+',
        ...comment('AWS, SNAT'),
        '-m',
        'addrtype',
        '!',
        '--dst-type',
        'LOCAL',
        '-j',
        'SNAT',
        '--to-source',
        primaryIp,
        ...random,
      ],
      shouldExist: snat,
    },
    {
      table: 'mangle',
      chain: 'PREROUTING',
      spec: [
        ...comment('AWS, primary ENI'),
        '-i',
        PRIMARY_INTERFACE,
        '-m',
        'addrtype',
        '--dst-type',
        'LOCAL',
        '--limit-iface-in',
        '-j',
        'CONNMARK',
        '--set-mark',
        `${MARK}/${MARK}`,
      ],
      shouldExist: c.nodePortSupport,
    },
    {
      table: 'mangle',
      chain: 'PREROUTING',
      spec: [...comment('AWS, primary ENI'), '-i', `${c.vethPrefix}+`, ...restoreMark],
      shouldExist: c.nodePortSupport || snat,
    },
    {
      table: 'mangle',
      chain: 'PREROUTING',
      spec: [...comment('AWS, primary ENI'), '-i', 'vlan+', ...restoreMark],
      shouldExist: c.nodePortSupport,
    },
    // connmark: the legacy `-m state --state NEW` jump is always deleted
    {
      table: 'nat',
      chain: 'PREROUTING',
      spec: [
        '-i',
        `${c.vethPrefix}+`,
        ...comment('AWS, outbound connections'),
        '-m',
        'state',
        '--state',
        'NEW',
        '-j',
        CONNMARK_CHAIN,
      ],
      shouldExist: false,
    },
    {
      table: 'nat',
      chain: 'PREROUTING',
      spec: [
        '-i',
        `${c.vethPrefix}+`,
        ...comment('AWS, outbound connections'),
        '-j',
        CONNMARK_CHAIN,
      ],
      shouldExist: snat,
    },
    ...all.map((x): CniRule => ({
      table: 'nat',
      chain: CONNMARK_CHAIN,
      spec: [
        '-d',
        x.cidr,
        ...comment(
          x.exclusion ? 'AWS CONNMARK CHAIN, EXCLUDED CIDR' : 'AWS CONNMARK CHAIN, VPC CIDR',
        ),
        '-j',
        'RETURN',
      ],
      shouldExist: snat,
      insert: true,
    })),
    // "Force delete existing restore mark rule so that the subsequent rule gets added to the end"
    {
      table: 'nat',
      chain: 'PREROUTING',
      spec: [...comment('AWS, CONNMARK'), ...restoreMark],
      shouldExist: false,
    },
    {
      table: 'nat',
      chain: 'PREROUTING',
      spec: [...comment('AWS, CONNMARK'), ...restoreMark],
      shouldExist: snat,
    },
    {
      table: 'nat',
      chain: CONNMARK_CHAIN,
      spec: [],
      shouldExist: false,
      staleOf: 'AWS-CONNMARK-CHAIN',
    },
    {
      table: 'nat',
      chain: CONNMARK_CHAIN,
      spec: [...comment('AWS, CONNMARK'), '-j', 'CONNMARK', '--set-xmark', `${MARK}/${MARK}`],
      shouldExist: snat,
    },
  ]
}

/** A token as iptables-restore reads it back (quotes around anything with a space). */
const restoreToken = (t: string) => (/[\s"]/.test(t) ? `"${t.replaceAll('"', '\\"')}"` : t)

/**
 * What a (re)starting aws-node does to the host's iptables (updateHostIptablesRules): `iptables -N`
 * for its two nat chains, then for each rule of cniRuleList an `-C` check and an Insert/Append when it
 * is missing and should exist, or a Delete when it exists and should not; rules found in its chains
 * that it no longer wants (computeStaleIptablesRules, which also catches the old SNAT rule so that it
 * is appended again last) are deleted. The single calls are written as one iptables-restore --noflush
 * text per table, in the order the program makes them; '' when nothing changes.
 */
export function vpcCniHostRulesUpdate(
  nf: NetfilterState | undefined,
  vpcCidrs: readonly string[],
  primaryIp: string,
  cfg: VpcCniSnatConfig,
): string {
  const scratch: NetfilterState = nf ? deepClone(nf) : emptyNetfilter()
  const out: Record<'nat' | 'mangle', string[]> = { nat: [], mangle: [] }
  const run = (table: 'nat' | 'mangle', argv: string[]) => {
    const r = iptablesCommand(scratch, ['-t', table, ...argv])
    return r.exitCode === 0
  }
  const write = (table: 'nat' | 'mangle', argv: string[]) => {
    if (run(table, argv)) out[table].push(argv.map(restoreToken).join(' '))
  }
  for (const chain of [SNAT_CHAIN, CONNMARK_CHAIN])
    if (!scratch.tables.nat.chains[chain]) {
      run('nat', ['-N', chain])
      out.nat.push(`:${chain} - [0:0]`)
    }
  const rules = cniRuleList(vpcCidrs, primaryIp, cfg)
  const canonical = (r: CniRule) => canonicalSpec(r.table, r.chain, r.spec)
  for (const r of rules) {
    if (r.staleOf) {
      const wanted = new Set(
        rules
          .slice(0, rules.indexOf(r))
          .filter((x) => x.chain.startsWith(r.staleOf!))
          .map(canonical),
      )
      for (const [name, chain] of Object.entries(scratch.tables[r.table].chains)) {
        if (!name.startsWith(r.staleOf)) continue
        for (const rule of [...chain.rules]) {
          const spec = ruleSpec(rule)
          if (!wanted.has(`${name} ${spec}`)) write(r.table, ['-D', name, ...restoreTokens(spec)])
        }
      }
      continue
    }
    const exists = run(r.table, ['-C', r.chain, ...r.spec])
    if (!exists && r.shouldExist)
      write(r.table, r.insert ? ['-I', r.chain, '1', ...r.spec] : ['-A', r.chain, ...r.spec])
    else if (exists && !r.shouldExist) write(r.table, ['-D', r.chain, ...r.spec])
  }
  const text: string[] = []
  for (const t of ['nat', 'mangle'] as const)
    if (out[t].length) text.push(`*${t}`, ...out[t], 'COMMIT')
  return text.length ? text.join('\n') + '\n' : ''
}

/** `<chain> <spec>` as iptables -S spells the rule (for the stale-rule comparison). */
function canonicalSpec(table: 'nat' | 'mangle', chain: string, spec: string[]): string {
  const nf = emptyNetfilter()
  for (const c of [SNAT_CHAIN, CONNMARK_CHAIN]) iptablesCommand(nf, ['-t', table, '-N', c])
  iptablesCommand(nf, ['-t', table, '-A', chain, ...spec])
  const r = nf.tables[table].chains[chain]?.rules[0]
  return r ? `${chain} ${ruleSpec(r)}` : ''
}
