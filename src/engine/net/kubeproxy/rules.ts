import type { EndpointSlice, Service } from '../../model/k8s.ts'
import { cidrContains } from '../ip.ts'
import {
  endpointChainName,
  endpointString,
  externalChainName,
  firewallChainName,
  isServiceChainName,
  localChainName,
  serviceChainName,
  servicePortName,
} from './hash.ts'

// The iptables-restore input kube-proxy (iptables mode) writes on one node, line for line as
// kubernetes/kubernetes pkg/proxy/iptables/proxier.go syncProxyRules builds it (v1.31/1.32 layout),
// including the restore-form spellings (`--or-mark`, `--xor-mark`, `%0.10f` probabilities, bare
// addresses, comments quoted only where kube-proxy quotes them). FIDELITY.md §3.3-§3.7.
//
// What kube-proxy sees is derived from the Services and EndpointSlices in etcd, as its informers
// and ServiceChangeTracker/EndpointSliceCache would (pkg/proxy/servicechangetracker.go,
// endpointslicecache.go, topology.go CategorizeEndpoints).
//
// Simplifications, said where they matter:
// - Go iterates kube-proxy's service map in random order, so a real node writes services in a
//   different order on every full sync; we write them sorted by service port name (the order
//   kube-proxy's own tests sort into before comparing).
// - Topology-aware routing hints and IPv6 are not modelled.

export interface ProxierConfig {
  /** the node kube-proxy runs on (endpoints with this nodeName are local) */
  nodeName: string
  nodeIP: string
  /** `masqueradeBit` of kube-proxy-config: the mark is 1 << bit (EKS: 14 -> 0x4000) */
  masqueradeBit: number
  /** the local traffic detector's CIDR; EKS's kube-proxy-config has `clusterCIDR: ""` (none) */
  clusterCIDR: string
  masqueradeAll: boolean
  /** iptables.localhostNodePorts (default true): NodePorts answer on 127.0.0.1 too */
  localhostNodePorts: boolean
  /** iptables >= 1.6.2 supports MASQUERADE --random-fully (AL2023 ships 1.8) */
  randomFully: boolean
  /** sysctl net.netfilter.nf_conntrack_tcp_be_liberal=1 drops the INVALID rule */
  conntrackTCPLiberal: boolean
  /**
   * nfacct counters (`-m nfacct --nfacct-name …`, kube-proxy >= 1.29 when the kernel has
   * nfnetlink_acct). Off here: the simulated netfilter has no nfacct match, so we write the rules
   * kube-proxy writes on a node without nfacct support. On for reproducing upstream test output.
   */
  nfacct: boolean
}

/** kube-proxy as the EKS add-on configures it (kube-proxy-config ConfigMap, FIDELITY §7). */
export function eksProxierConfig(nodeName: string, nodeIP: string): ProxierConfig {
  return {
    nodeName,
    nodeIP,
    masqueradeBit: 14,
    clusterCIDR: '',
    masqueradeAll: false,
    localhostNodePorts: true,
    randomFully: true,
    conntrackTCPLiberal: false,
    nfacct: false,
  }
}

/** One service port as kube-proxy's servicePortInfo holds it. */
export interface ServicePortInfo {
  /** `namespace/name` of the Service: the unit partial sync tracks changes by */
  service: string
  /** ServicePortName.String(): `ns/svc:port` or `ns/svc` */
  name: string
  protocol: 'TCP' | 'UDP' | 'SCTP'
  clusterIP: string
  port: number
  /** 0 when none */
  nodePort: number
  externalIPs: string[]
  loadBalancerVIPs: string[]
  loadBalancerSourceRanges: string[]
  /** 0 when none */
  healthCheckNodePort: number
  /** sessionAffinity ClientIP: the timeout in seconds, else 0 */
  stickyMaxAgeSeconds: number
  internalPolicyLocal: boolean
  externalPolicyLocal: boolean
}

export interface EndpointInfo {
  ip: string
  port: number
  ready: boolean
  serving: boolean
  terminating: boolean
  isLocal: boolean
}

export interface ServicePortEntry {
  info: ServicePortInfo
  /** sorted by `ip:port`, as EndpointSliceCache returns them */
  endpoints: EndpointInfo[]
}

/** The Services and EndpointSlices of the API, as one node's kube-proxy sees them. */
export function servicePortsFor(
  services: readonly Service[],
  slices: readonly EndpointSlice[],
  nodeName: string,
): ServicePortEntry[] {
  const slicesBySvc = new Map<string, EndpointSlice[]>()
  for (const s of slices) {
    const svc = s.metadata.labels?.['kubernetes.io/service-name']
    if (!svc || s.addressType !== 'IPv4') continue
    const key = `${s.metadata.namespace}/${svc}`
    const list = slicesBySvc.get(key) ?? []
    list.push(s)
    slicesBySvc.set(key, list)
  }
  const out: ServicePortEntry[] = []
  for (const svc of services) {
    const spec = svc.spec
    // headless and ExternalName Services get no rules (ServiceChangeTracker skips them)
    if (spec.type === 'ExternalName' || !spec.clusterIP || spec.clusterIP === 'None') continue
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`
    const lbIngress =
      (svc.status?.loadBalancer as { ingress?: { ip?: string }[] } | undefined)?.ingress ?? []
    const externallyAccessible = (p: Service['spec']['ports'][number]) =>
      !!p.nodePort || (spec.externalIPs?.length ?? 0) > 0 || lbIngress.some((i) => i.ip)
    for (const p of spec.ports) {
      const name = servicePortName(svc.metadata.namespace!, svc.metadata.name, p.name ?? '')
      const isNodePortType = spec.type === 'NodePort' || spec.type === 'LoadBalancer'
      const info: ServicePortInfo = {
        service: key,
        name,
        protocol: p.protocol,
        clusterIP: spec.clusterIP,
        port: p.port,
        nodePort: isNodePortType ? (p.nodePort ?? 0) : 0,
        externalIPs: spec.externalIPs ?? [],
        loadBalancerVIPs: lbIngress.flatMap((i) => (i.ip ? [i.ip] : [])),
        loadBalancerSourceRanges: (spec.loadBalancerSourceRanges ?? []).map((r) => r.trim()),
        // only LoadBalancer Services with externalTrafficPolicy Local need one (NeedsHealthCheck)
        healthCheckNodePort:
          spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local'
            ? (spec.healthCheckNodePort ?? 0)
            : 0,
        stickyMaxAgeSeconds:
          spec.sessionAffinity === 'ClientIP'
            ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800)
            : 0,
        internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
        // apiservice.ExternalPolicyLocal: only for Services that accept external traffic at all
        externalPolicyLocal:
          (isNodePortType || (spec.externalIPs?.length ?? 0) > 0) &&
          spec.externalTrafficPolicy === 'Local',
      }
      if (!externallyAccessible(p)) info.externalPolicyLocal = false
      // endpoints: the slice ports with this port's name and protocol; one per unique ip:port
      const byString = new Map<string, EndpointInfo>()
      for (const slice of slicesBySvc.get(key) ?? []) {
        for (const sp of slice.ports) {
          if ((sp.name ?? '') !== (p.name ?? '') || sp.protocol !== p.protocol || !sp.port) continue
          for (const ep of slice.endpoints) {
            const ip = ep.addresses[0]
            if (!ip) continue
            const isLocal = ep.nodeName === nodeName
            const s = endpointString(ip, sp.port)
            if (byString.has(s) && !isLocal) continue
            byString.set(s, {
              ip,
              port: sp.port,
              ready: ep.conditions.ready ?? true,
              serving: ep.conditions.serving ?? true,
              terminating: ep.conditions.terminating ?? false,
              isLocal,
            })
          }
        }
      }
      const endpoints = [...byString.entries()]
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .map(([, e]) => e)
      out.push({ info, endpoints })
    }
  }
  return out.sort((a, b) =>
    a.info.name < b.info.name
      ? -1
      : a.info.name > b.info.name
        ? 1
        : a.info.protocol.localeCompare(b.info.protocol),
  )
}

const externallyAccessible = (s: ServicePortInfo) =>
  s.nodePort !== 0 || s.externalIPs.length > 0 || s.loadBalancerVIPs.length > 0
// BaseServicePortInfo.UsesClusterEndpoints/UsesLocalEndpoints (pkg/proxy/serviceport.go)
const usesClusterEndpoints = (s: ServicePortInfo) =>
  !s.internalPolicyLocal || externallyAccessible(s)
const usesLocalEndpoints = (s: ServicePortInfo) =>
  s.internalPolicyLocal || (s.externalPolicyLocal && externallyAccessible(s))

/** pkg/proxy/topology.go CategorizeEndpoints, without topology hints. */
export function categorizeEndpoints(
  endpoints: EndpointInfo[],
  svc: ServicePortInfo,
): {
  clusterEndpoints: EndpointInfo[]
  localEndpoints: EndpointInfo[]
  allReachable: EndpointInfo[]
  hasAnyEndpoints: boolean
} {
  let clusterEndpoints: EndpointInfo[] = []
  let localEndpoints: EndpointInfo[] = []
  let hasAnyEndpoints = false
  if (usesClusterEndpoints(svc)) {
    clusterEndpoints = endpoints.filter((e) => e.ready)
    // no ready endpoint anywhere: fall back to serving-and-terminating ones (KEP-1669)
    if (clusterEndpoints.length === 0)
      clusterEndpoints = endpoints.filter((e) => e.serving && e.terminating)
    hasAnyEndpoints = clusterEndpoints.length > 0
  }
  if (!usesLocalEndpoints(svc))
    return { clusterEndpoints, localEndpoints, allReachable: clusterEndpoints, hasAnyEndpoints }
  let localReady = false
  let localServingTerminating = false
  for (const e of endpoints) {
    if (e.ready) {
      hasAnyEndpoints = true
      if (e.isLocal) localReady = true
    } else if (e.serving && e.terminating) {
      hasAnyEndpoints = true
      if (e.isLocal) localServingTerminating = true
    }
  }
  if (localReady) localEndpoints = endpoints.filter((e) => e.isLocal && e.ready)
  else if (localServingTerminating)
    localEndpoints = endpoints.filter((e) => e.isLocal && e.serving && e.terminating)
  if (!usesClusterEndpoints(svc))
    return { clusterEndpoints, localEndpoints, allReachable: localEndpoints, hasAnyEndpoints }
  // upstream merges the two lists through a Go map (random order); we keep ip:port order
  const merged = new Map<string, EndpointInfo>()
  for (const e of [...clusterEndpoints, ...localEndpoints])
    merged.set(endpointString(e.ip, e.port), e)
  const allReachable = [...merged.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, e]) => e)
  return { clusterEndpoints, localEndpoints, allReachable, hasAnyEndpoints }
}

/**
 * Go's fmt.Sprintf("%0.10f", 1/n). JS toFixed rounds exact ties up where Go rounds them to even;
 * 1/n is an exact tie at 10 decimals only for powers of two from 2048 on.
 */
export function probability(n: number): string {
  const x = 1 / n
  const s = x.toFixed(10)
  const scaled = x * 1e10
  if ((n & (n - 1)) === 0 && !Number.isInteger(scaled) && Number.isInteger(scaled * 2)) {
    const down = Math.floor(scaled)
    const even = down % 2 === 0 ? down : down + 1
    return `0.${String(even).padStart(10, '0')}`
  }
  return s
}

/** kube-proxy switches to "large cluster mode" above this many endpoints (proxier.go). */
export const LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000
/** iptables.syncPeriod (30s): how often large cluster mode looks for stale chains */
export const CLEANUP_PERIOD_MS = 30_000

export interface SyncInput {
  entries: readonly ServicePortEntry[]
  config: ProxierConfig
  /** a full sync rewrites every chain; a partial one only the chains of `updatedServices` */
  fullSync: boolean
  /** `namespace/name` of Services whose Service or EndpointSlices changed since the last sync */
  updatedServices?: ReadonlySet<string>
  /** the nat table's chains now (kube-proxy reads them with iptables-save) */
  existingNatChains: Iterable<string>
  /**
   * ms since kube-proxy last deleted stale chains. In large cluster mode it skips the (slow)
   * iptables-save and the cleanup unless a syncPeriod has passed; absent = never cleaned up.
   */
  msSinceCleanup?: number
}

export interface SyncOutput {
  /** the iptables-restore input (applied with --noflush) */
  text: string
  /** every per-service nat chain that should exist after this sync */
  activeNatChains: string[]
  /** per-service nat chains declared (written) by this text */
  writtenChains: string[]
  /** stale per-service nat chains this text deletes with -X */
  deletedChains: string[]
  /** whether this sync looked for stale chains (not every sync does in large cluster mode) */
  cleanedUp: boolean
  /** stale per-service chains left in place because the cleanup was skipped */
  staleChains: string[]
  numServices: number
  numEndpoints: number
  numFilterChains: number
  numFilterRules: number
  numNATChains: number
  numNATRules: number
  largeClusterMode: boolean
}

const chainLine = (c: string) => `:${c} - [0:0]`
const q = (s: string) => `"${s}"`

/** syncProxyRules: the restore text for one sync. Pure. */
export function buildRestore(input: SyncInput): SyncOutput {
  const { entries, config: cfg, fullSync } = input
  const mark = `0x${(1 << cfg.masqueradeBit).toString(16)}`
  const filterChains: string[] = []
  const filterRules: string[] = []
  const natChains: string[] = []
  const natRules: string[] = []
  const skipped: string[] = [] // partial sync: unchanged services' chains, computed and dropped
  const written: string[] = []
  const w = (buf: string[], ...parts: string[]) => buf.push(parts.join(' '))

  for (const c of [
    'KUBE-SERVICES',
    'KUBE-EXTERNAL-SERVICES',
    'KUBE-FORWARD',
    'KUBE-NODEPORTS',
    'KUBE-PROXY-FIREWALL',
  ])
    filterChains.push(chainLine(c))
  for (const c of ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'])
    natChains.push(chainLine(c))

  w(natRules, '-A KUBE-POSTROUTING -m mark ! --mark', `${mark}/${mark}`, '-j RETURN')
  // clear the mark so a packet that re-traverses the stack is not masqueraded twice
  w(natRules, '-A KUBE-POSTROUTING -j MARK --xor-mark', mark)
  w(
    natRules,
    '-A KUBE-POSTROUTING -m comment --comment',
    q('kubernetes service traffic requiring SNAT'),
    '-j MASQUERADE',
    ...(cfg.randomFully ? ['--random-fully'] : []),
  )
  w(natRules, '-A KUBE-MARK-MASQ -j MARK --or-mark', mark)

  if (cfg.localhostNodePorts) {
    // a copy of the kubelet's rule against martian localhost packets (https://issue.k8s.io/90259)
    filterChains.push(chainLine('KUBE-FIREWALL'))
    w(
      filterRules,
      '-A KUBE-FIREWALL -m comment --comment',
      q('block incoming localnet connections'),
      '-d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
    )
  }

  const active = new Set<string>()
  const totalEndpoints = entries.reduce((n, e) => n + e.endpoints.length, 0)
  const largeClusterMode = totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD
  // per-endpoint comments are dropped in large cluster mode (appendServiceCommentLocked)
  const svcComment = (c: string) => (largeClusterMode ? [] : ['-m comment --comment', c])
  const detectLocal = cfg.clusterCIDR !== ''

  for (const { info: svc, endpoints } of entries) {
    const protocol = svc.protocol.toLowerCase()
    const name = svc.name
    const { clusterEndpoints, localEndpoints, allReachable, hasAnyEndpoints } = categorizeEndpoints(
      endpoints,
      svc,
    )
    const clusterPolicyChain = serviceChainName(name, protocol)
    const usesClusterPolicyChain = clusterEndpoints.length > 0 && usesClusterEndpoints(svc)
    const localPolicyChain = localChainName(name, protocol)
    const usesLocalPolicyChain = localEndpoints.length > 0 && usesLocalEndpoints(svc)

    let internalTrafficChain = clusterPolicyChain
    let hasInternalEndpoints = hasAnyEndpoints
    if (svc.internalPolicyLocal) {
      internalTrafficChain = localPolicyChain
      if (localEndpoints.length === 0) hasInternalEndpoints = false
    }
    let externalPolicyChain = clusterPolicyChain
    let hasExternalEndpoints = hasAnyEndpoints
    if (svc.externalPolicyLocal) {
      externalPolicyChain = localPolicyChain
      if (localEndpoints.length === 0) hasExternalEndpoints = false
    }
    const externalTrafficChain = externalChainName(name, protocol)
    const usesExternalTrafficChain = hasAnyEndpoints && externallyAccessible(svc)
    const fwChain = firewallChainName(name, protocol)
    const usesFWChain =
      hasAnyEndpoints && svc.loadBalancerVIPs.length > 0 && svc.loadBalancerSourceRanges.length > 0
    const loadBalancerTrafficChain = usesFWChain ? fwChain : externalTrafficChain

    let internalFilterTarget = ''
    let internalFilterComment = ''
    let externalFilterTarget = ''
    let externalFilterComment = ''
    if (!hasAnyEndpoints) {
      internalFilterTarget = externalFilterTarget = 'REJECT'
      internalFilterComment = externalFilterComment = q(`${name} has no endpoints`)
    } else {
      if (!hasInternalEndpoints) {
        internalFilterTarget = 'DROP'
        internalFilterComment = q(`${name} has no local endpoints`)
      }
      if (!hasExternalEndpoints) {
        externalFilterTarget = 'DROP'
        externalFilterComment = q(`${name} has no local endpoints`)
      }
    }
    const proto = `-m ${protocol} -p ${protocol}`
    const dport = `--dport ${svc.port}`

    // capture the cluster IP
    if (hasInternalEndpoints)
      w(
        natRules,
        '-A KUBE-SERVICES -m comment --comment',
        q(`${name} cluster IP`),
        proto,
        '-d',
        svc.clusterIP,
        dport,
        '-j',
        internalTrafficChain,
      )
    else
      w(
        filterRules,
        '-A KUBE-SERVICES -m comment --comment',
        internalFilterComment,
        proto,
        '-d',
        svc.clusterIP,
        dport,
        '-j',
        internalFilterTarget,
      )

    for (const ip of svc.externalIPs) {
      if (hasAnyEndpoints)
        w(
          natRules,
          '-A KUBE-SERVICES -m comment --comment',
          q(`${name} external IP`),
          proto,
          '-d',
          ip,
          dport,
          '-j',
          externalTrafficChain,
        )
      if (!hasExternalEndpoints)
        w(
          filterRules,
          '-A KUBE-EXTERNAL-SERVICES -m comment --comment',
          externalFilterComment,
          proto,
          '-d',
          ip,
          dport,
          '-j',
          externalFilterTarget,
        )
    }

    for (const ip of svc.loadBalancerVIPs) {
      if (hasAnyEndpoints)
        w(
          natRules,
          '-A KUBE-SERVICES -m comment --comment',
          q(`${name} loadbalancer IP`),
          proto,
          '-d',
          ip,
          dport,
          '-j',
          loadBalancerTrafficChain,
        )
      if (usesFWChain)
        w(
          filterRules,
          '-A KUBE-PROXY-FIREWALL -m comment --comment',
          q(`${name} traffic not accepted by ${fwChain}`),
          proto,
          '-d',
          ip,
          dport,
          '-j DROP',
        )
    }
    if (!hasExternalEndpoints)
      for (const ip of svc.loadBalancerVIPs)
        w(
          filterRules,
          '-A KUBE-EXTERNAL-SERVICES -m comment --comment',
          externalFilterComment,
          proto,
          '-d',
          ip,
          dport,
          '-j',
          externalFilterTarget,
        )

    if (svc.nodePort !== 0) {
      if (hasAnyEndpoints) {
        if (cfg.localhostNodePorts && cfg.nfacct)
          w(
            natRules,
            '-A KUBE-NODEPORTS -m comment --comment',
            name,
            proto,
            '-d 127.0.0.0/8',
            `--dport ${svc.nodePort}`,
            '-m nfacct --nfacct-name localhost_nps_accepted_pkts',
            '-j',
            externalTrafficChain,
          )
        w(
          natRules,
          '-A KUBE-NODEPORTS -m comment --comment',
          name,
          proto,
          `--dport ${svc.nodePort}`,
          '-j',
          externalTrafficChain,
        )
      }
      if (!hasExternalEndpoints)
        w(
          filterRules,
          '-A KUBE-EXTERNAL-SERVICES -m comment --comment',
          externalFilterComment,
          '-m addrtype --dst-type LOCAL',
          proto,
          `--dport ${svc.nodePort}`,
          '-j',
          externalFilterTarget,
        )
    }

    if (svc.healthCheckNodePort !== 0)
      w(
        filterRules,
        '-A KUBE-NODEPORTS -m comment --comment',
        q(`${name} health check node port`),
        '-m tcp -p tcp',
        `--dport ${svc.healthCheckNodePort}`,
        '-j ACCEPT',
      )

    // unchanged services keep their SVC/SVL/EXT/FW/SEP chains as they are (partial sync, 1.28+)
    const skip = !fullSync && !input.updatedServices?.has(svc.service)
    const chains = skip ? skipped : natChains
    const rules = skip ? skipped : natRules
    const declare = (c: string) => {
      chains.push(chainLine(c))
      active.add(c)
      if (!skip) written.push(c)
    }

    if (hasInternalEndpoints) {
      const args = [
        '-m comment --comment',
        q(`${name} cluster IP`),
        proto,
        '-d',
        svc.clusterIP,
        dport,
      ]
      if (cfg.masqueradeAll) w(rules, '-A', internalTrafficChain, ...args, '-j KUBE-MARK-MASQ')
      else if (detectLocal)
        // masquerade off-cluster traffic to the cluster IP (absent on EKS: no clusterCIDR)
        w(rules, '-A', internalTrafficChain, ...args, '! -s', cfg.clusterCIDR, '-j KUBE-MARK-MASQ')
    }

    if (usesExternalTrafficChain) {
      declare(externalTrafficChain)
      if (!svc.externalPolicyLocal)
        w(
          rules,
          '-A',
          externalTrafficChain,
          '-m comment --comment',
          q(`masquerade traffic for ${name} external destinations`),
          '-j KUBE-MARK-MASQ',
        )
      else {
        if (detectLocal)
          w(
            rules,
            '-A',
            externalTrafficChain,
            '-m comment --comment',
            q(`pod traffic for ${name} external destinations`),
            '-s',
            cfg.clusterCIDR,
            '-j',
            clusterPolicyChain,
          )
        w(
          rules,
          '-A',
          externalTrafficChain,
          '-m comment --comment',
          q(`masquerade LOCAL traffic for ${name} external destinations`),
          '-m addrtype --src-type LOCAL -j KUBE-MARK-MASQ',
        )
        w(
          rules,
          '-A',
          externalTrafficChain,
          '-m comment --comment',
          q(`route LOCAL traffic for ${name} external destinations`),
          '-m addrtype --src-type LOCAL -j',
          clusterPolicyChain,
        )
      }
      if (hasExternalEndpoints) w(rules, '-A', externalTrafficChain, '-j', externalPolicyChain)
    }

    if (usesFWChain) {
      declare(fwChain)
      const args = ['-A', fwChain, '-m comment --comment', q(`${name} loadbalancer IP`)]
      let allowFromNode = false
      for (const cidr of svc.loadBalancerSourceRanges) {
        w(rules, ...args, '-s', cidr, '-j', externalTrafficChain)
        if (cidr.includes('/') && cidrContains(cidr, cfg.nodeIP)) allowFromNode = true
      }
      // a VIP-like LB's address is local to the node: requests from the node loop back from the VIP
      if (allowFromNode)
        for (const ip of svc.loadBalancerVIPs)
          w(rules, ...args, '-s', ip, '-j', externalTrafficChain)
      w(
        rules,
        '-A',
        fwChain,
        '-m comment --comment',
        q(`other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL`),
      )
    }

    if (usesClusterPolicyChain) {
      declare(clusterPolicyChain)
      writeServiceToEndpointRules(rules, svc, clusterPolicyChain, clusterEndpoints, svcComment)
    }
    if (usesLocalPolicyChain) {
      declare(localPolicyChain)
      writeServiceToEndpointRules(rules, svc, localPolicyChain, localEndpoints, svcComment)
    }

    for (const ep of allReachable) {
      const epString = endpointString(ep.ip, ep.port)
      const sep = endpointChainName(name, protocol, epString)
      declare(sep)
      const args = ['-A', sep, ...svcComment(name)]
      // hairpin: an endpoint reaching itself through the Service is masqueraded
      w(rules, ...args, '-s', ep.ip, '-j KUBE-MARK-MASQ')
      const affinity = svc.stickyMaxAgeSeconds ? ['-m recent --name', sep, '--set'] : []
      w(rules, ...args, ...affinity, proto, '-j DNAT --to-destination', epString)
    }
  }

  // stale chains: ours (by prefix) that exist but are no longer active; a chain line flushes, -X deletes
  const deleted: string[] = []
  const stale: string[] = []
  const cleanedUp = !largeClusterMode || (input.msSinceCleanup ?? Infinity) > CLEANUP_PERIOD_MS
  for (const c of [...new Set(input.existingNatChains)].sort()) {
    if (active.has(c) || !isServiceChainName(c)) continue
    if (!cleanedUp) {
      stale.push(c)
      continue
    }
    natChains.push(chainLine(c))
    natRules.push(`-X ${c}`)
    deleted.push(c)
  }

  // nodePortAddresses unset (EKS): every local address; localhost too when localhostNodePorts
  w(
    natRules,
    '-A KUBE-SERVICES -m comment --comment',
    q('kubernetes service nodeports; NOTE: this must be the last rule in this chain'),
    '-m addrtype --dst-type LOCAL',
    ...(cfg.localhostNodePorts ? [] : ['! -d 127.0.0.0/8']),
    '-j KUBE-NODEPORTS',
  )

  if (!cfg.conntrackTCPLiberal)
    w(
      filterRules,
      '-A KUBE-FORWARD -m conntrack --ctstate INVALID',
      ...(cfg.nfacct ? ['-m nfacct --nfacct-name ct_state_invalid_dropped_pkts'] : []),
      '-j DROP',
    )
  w(
    filterRules,
    '-A KUBE-FORWARD -m comment --comment',
    q('kubernetes forwarding rules'),
    '-m mark --mark',
    `${mark}/${mark}`,
    '-j ACCEPT',
  )
  w(
    filterRules,
    '-A KUBE-FORWARD -m comment --comment',
    q('kubernetes forwarding conntrack rule'),
    '-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  )

  const text = [
    '*filter',
    ...filterChains,
    ...filterRules,
    'COMMIT',
    '*nat',
    ...natChains,
    ...natRules,
    'COMMIT',
    '',
  ].join('\n')
  return {
    text,
    activeNatChains: [...active].sort(),
    writtenChains: written,
    deletedChains: deleted,
    cleanedUp,
    staleChains: stale,
    numServices: entries.length,
    numEndpoints: totalEndpoints,
    numFilterChains: filterChains.length,
    numFilterRules: filterRules.length,
    numNATChains: natChains.length,
    numNATRules: natRules.length,
    largeClusterMode,
  }
}

function writeServiceToEndpointRules(
  rules: string[],
  svc: ServicePortInfo,
  chain: string,
  endpoints: EndpointInfo[],
  svcComment: (c: string) => string[],
): void {
  const protocol = svc.protocol.toLowerCase()
  const sepOf = (e: EndpointInfo) =>
    endpointChainName(svc.name, protocol, endpointString(e.ip, e.port))
  const comment = (e: EndpointInfo) =>
    svcComment(q(`${svc.name} -> ${endpointString(e.ip, e.port)}`))
  // session affinity first: a client seen recently goes back to the same endpoint
  if (svc.stickyMaxAgeSeconds)
    for (const e of endpoints)
      rules.push(
        [
          '-A',
          chain,
          ...comment(e),
          '-m recent --name',
          sepOf(e),
          `--rcheck --seconds ${svc.stickyMaxAgeSeconds} --reap -j`,
          sepOf(e),
        ].join(' '),
      )
  // conditional probabilities 1/n, 1/(n-1), …; the last rule always matches
  const n = endpoints.length
  endpoints.forEach((e, i) => {
    const stat = i < n - 1 ? ['-m statistic --mode random --probability', probability(n - i)] : []
    rules.push(['-A', chain, ...comment(e), ...stat, '-j', sepOf(e)].join(' '))
  })
}
