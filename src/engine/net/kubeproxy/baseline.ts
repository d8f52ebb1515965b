import type { NetfilterState, TableName } from '../netfilter/model.ts'

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
 * Simplification: ipamd installs them when aws-node starts, seconds after boot; here they are in
 * place when the node boots.
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
