import type { SimEvent } from '../../events.ts'
import type { NodeRuntime } from '../../model/node.ts'
import type { ClusterState } from '../../model/state.ts'
import { EPOCH_MS } from '../../time.ts'
import { eniDevice, eniRouteTable, instanceTypeOf, poolStats } from './ipamd.ts'

// The VPC CNI's own log files on the node, /var/log/aws-routed-eni/ (docs/troubleshooting.md of
// aws/amazon-vpc-cni-k8s: "debugging logs are stored in /var/log/aws-routed-eni"): ipamd.log, written
// by aws-node's ipamd (aws-k8s-agent), and plugin.log, written by the aws-cni binary that containerd
// runs for each CNI ADD/DEL (the conflist's "pluginLogFile"). Both are zap JSON lines:
// {"level":"info","ts":"2026-03-02T08:41:07.123Z","caller":"…go:NNN","msg":"…"}; the default level
// is DEBUG (AWS_VPC_K8S_CNI_LOGLEVEL, "pluginLogLevel":"DEBUG"), so debug lines are there too.
//
// They are written from the engine's events as they happen (recordCniLogs runs at the end of every
// transaction), so a deleted pod's DEL stays in the file. Message texts are ipamd v1.19's
// (pkg/ipamd/rpc_handler.go: "Received AddNetwork for NS %s, Sandbox %s, ifname %s", "Send
// AddNetworkReply: IPv4Addr: %s, IPv6Addr: %s, DeviceNumber: %d, err: %v", "Received DelNetwork
// for Sandbox %s", "Send DelNetworkReply: …"; pkg/ipamd/datastore/data_store.go: "AssignPodIPv4Address:
// Assign IP %v to sandbox %s", "UnassignPodIPAddress: sandbox %s's ipAddr %s, DeviceNumber %d";
// pkg/awsutils/awsutils.go: "Successfully created and attached a new ENI %s to instance";
// cmd/routed-eni-cni-plugin/cni.go: "Received CNI add request: …", "Received add network response
// from ipamd for container %s interface %s: %+v", "Received CNI del request: …"). The `caller`
// line numbers are representative: they move from release to release. Simplification: the files
// never rotate (the real logger rotates at 100 MB); each keeps its last MAX_LINES lines.

const MAX_LINES = 4000

/** the aws-cni plugin's stdin (the conflist entry containerd passes), as plugin.log prints it */
const STDIN_DATA =
  '{"capabilities":{"io.kubernetes.cri.pod-annotations":true},"cniVersion":"0.4.0","mtu":"9001","name":"aws-cni","pluginLogFile":"/var/log/aws-routed-eni/plugin.log","pluginLogLevel":"DEBUG","podSGEnforcingMode":"strict","type":"aws-cni","vethPrefix":"eni"}'

function zapTs(simMs: number): string {
  return new Date(EPOCH_MS + Math.floor(simMs)).toISOString()
}

type Level = 'debug' | 'info' | 'warn' | 'error'

const TS = /"ts":"([^"]+)"/

/** when the file's last line was written, in simulated ms (-Infinity when empty) */
function lastTs(lines: readonly string[]): number {
  const m = lines.length ? TS.exec(lines[lines.length - 1]!) : null
  return m ? Date.parse(m[1]!) - EPOCH_MS : -Infinity
}

function writer(node: NodeRuntime, file: 'ipamd' | 'plugin') {
  return (at: number, level: Level, caller: string, msg: string) => {
    node.cniLogs ??= { ipamd: [], plugin: [] }
    const lines = node.cniLogs[file]
    // a file is appended in time order: lines the engine stamps out of order (one event's
    // +N ms offsets overlapping the next event's) take the last line's time
    const ts = Math.max(at, lastTs(lines))
    lines.push(JSON.stringify({ level, ts: zapTs(ts), caller, msg }))
    if (lines.length > MAX_LINES) lines.splice(0, lines.length - MAX_LINES)
  }
}

function deviceNumber(node: NodeRuntime, eniId: string | undefined): number {
  const i = eniId && node.ipamd ? eniDevice(node.ipamd, eniId) : -1
  return i < 0 ? 0 : i
}

/** how long ipamd takes from its container's start to serving gRPC (the last line of ipamdStart) */
const IPAMD_START_MS = 1200

/** ipamd's start: what aws-k8s-agent logs until its gRPC server listens (aws-node container start). */
function ipamdStart(state: ClusterState, node: NodeRuntime, at: number): void {
  const log = writer(node, 'ipamd')
  log(at + 40, 'info', 'logger/logger.go:52', 'Constructed new logger instance')
  log(at + 45, 'info', 'aws-k8s-agent/main.go:30', 'Starting L-IPAMD   ...')
  log(at + 46, 'info', 'aws-k8s-agent/main.go:42', 'Testing communication with server')
  log(at + 120, 'info', 'ipamd/ipamd.go:421', 'Setting up host network... ')
  const ipamd = node.ipamd
  const ips = ipamd ? Object.entries(ipamd.ips) : []
  log(
    at + 380,
    'info',
    'ipamd/ipamd.go:532',
    `Found ENIs having ${ips.length} secondary IPs and 0 Prefixes`,
  )
  for (const eniId of ipamd?.enis ?? [])
    for (const [ip, a] of ips)
      if (a.eniId === eniId)
        log(
          at + 390,
          'info',
          'ipamd/ipamd.go:1017',
          `Added ENI(${eniId})'s IP/Prefix ${ip}/32 to datastore`,
        )
  const assigned = ips.filter(([, a]) => a.pod).length
  log(
    at + 900,
    'debug',
    'ipamd/ipamd.go:689',
    `IP pool stats: Total IPs/Prefixes = ${ips.length}/0, AssignedIPs/CooldownIPs: ${assigned}/0, c.maxIPsPerENI = ${instanceTypeOf(state, node).ipv4PerEni - 1}`,
  )
  log(
    at + IPAMD_START_MS,
    'info',
    'aws-k8s-agent/main.go:74',
    'Serving RPC Handler version v1.19.2 on 127.0.0.1:50051',
  )
}

function poolGrew(node: NodeRuntime, when: number, eniId: string, ips: string[], created: boolean) {
  const log = writer(node, 'ipamd')
  // after the lines of a CNI ADD at the same instant (cniEvent uses +0…+4 ms)
  const at = when + 5
  if (created)
    log(
      at,
      'info',
      'awsutils/awsutils.go:911',
      `Successfully created and attached a new ENI ${eniId} to instance`,
    )
  log(
    at + 1,
    'info',
    'ipamd/ipamd.go:1139',
    `Trying to allocate ${ips.length} IP addresses on ENI ${eniId}`,
  )
  log(at + 2, 'info', 'awsutils/awsutils.go:1868', `Allocated ${ips.length} private IP addresses`)
  for (const ip of ips)
    log(
      at + 3,
      'info',
      'ipamd/ipamd.go:1017',
      `Added ENI(${eniId})'s IP/Prefix ${ip}/32 to datastore`,
    )
}

function cniEvent(
  state: ClusterState,
  node: NodeRuntime,
  e: Extract<SimEvent, { type: 'cni.add' | 'cni.del' }>,
): void {
  const ipamd = writer(node, 'ipamd')
  const plugin = writer(node, 'plugin')
  const at = e.at
  const uid = Object.values(node.pods).find(
    (p) => p.namespace === e.namespace && p.name === e.pod,
  )?.uid
  const args = `K8S_POD_INFRA_CONTAINER_ID=${e.sandboxId};K8S_POD_UID=${uid ?? ''};IgnoreUnknown=1;K8S_POD_NAMESPACE=${e.namespace};K8S_POD_NAME=${e.pod}`
  const request = `ContainerID(${e.sandboxId}) Netns(${e.netns}) IfName(eth0) Args(${args}) Path(/opt/cni/bin) argsStdinData(${STDIN_DATA})`
  const device = deviceNumber(node, e.networkInterfaceId)
  const key = `aws-cni/${e.sandboxId}/eth0`
  if (e.type === 'cni.add') {
    plugin(at, 'info', 'routed-eni-cni-plugin/cni.go:128', `Received CNI add request: ${request}`)
    ipamd(
      at + 1,
      'info',
      'rpc/rpc.pb.go:881',
      `Received AddNetwork for NS ${e.netns}, Sandbox ${e.sandboxId}, ifname eth0`,
    )
    ipamd(
      at + 1,
      'debug',
      'rpc/rpc.pb.go:881',
      `AddNetworkRequest: ClientVersion:"v1.19.2" K8S_POD_NAME:"${e.pod}" K8S_POD_NAMESPACE:"${e.namespace}" K8S_POD_INFRA_CONTAINER_ID:"${e.sandboxId}" ContainerID:"${e.sandboxId}" IfName:"eth0" NetworkName:"aws-cni" Netns:"${e.netns}"`,
    )
    if (!e.ip) {
      ipamd(
        at + 2,
        'info',
        'rpc/rpc.pb.go:881',
        `Send AddNetworkReply: IPv4Addr: , IPv6Addr: , DeviceNumber: -1, err: assignPodIPv4AddressUnsafe: no available IP/Prefix addresses`,
      )
      plugin(
        at + 3,
        'error',
        'routed-eni-cni-plugin/cni.go:128',
        `Failed to assign an IP address to container ${e.sandboxId}`,
      )
      return
    }
    ipamd(
      at + 2,
      'info',
      'datastore/data_store.go:991',
      `AssignPodIPv4Address: Assign IP ${e.ip} to sandbox ${key}`,
    )
    ipamd(
      at + 2,
      'info',
      'rpc/rpc.pb.go:881',
      `Send AddNetworkReply: IPv4Addr: ${e.ip}, IPv6Addr: , DeviceNumber: ${device}, err: <nil>`,
    )
    plugin(
      at + 3,
      'info',
      'routed-eni-cni-plugin/cni.go:128',
      `Received add network response from ipamd for container ${e.sandboxId} interface eth0: Success:true IPv4Addr:"${e.ip}"${device ? ` DeviceNumber:${device}` : ''} VPCv4CIDRs:"${state.aws.vpc.cidrBlock}" NetworkPolicyMode:"standard"`,
    )
    plugin(
      at + 4,
      'debug',
      'driver/driver.go:280',
      `SetupPodNetwork: hostVethName=${e.hostVeth}, contVethName=eth0, netnsPath=${e.netns}, ipAddr=${e.ip}/32, routeTableNumber=${eniRouteTable(device)}, mtu=9001`,
    )
    return
  }
  plugin(at, 'info', 'routed-eni-cni-plugin/cni.go:269', `Received CNI del request: ${request}`)
  ipamd(at + 1, 'info', 'rpc/rpc.pb.go:903', `Received DelNetwork for Sandbox ${e.sandboxId}`)
  ipamd(
    at + 2,
    'info',
    'datastore/data_store.go:1276',
    `UnassignPodIPAddress: sandbox ${key}'s ipAddr ${e.ip ?? ''}, DeviceNumber ${device}`,
  )
  ipamd(
    at + 2,
    'info',
    'rpc/rpc.pb.go:903',
    `Send DelNetworkReply: IPv4Addr: ${e.ip ?? ''}, IPv6Addr: , DeviceNumber: ${device}, err: <nil>`,
  )
  plugin(
    at + 3,
    'info',
    'routed-eni-cni-plugin/cni.go:269',
    `Received del network response from ipamd for pod ${e.pod} namespace ${e.namespace} sandbox ${e.sandboxId}: Success:true IPv4Addr:"${e.ip ?? ''}"${device ? ` DeviceNumber:${device}` : ''}`,
  )
  plugin(
    at + 4,
    'debug',
    'driver/driver.go:412',
    `TeardownPodNetwork: containerAddr=${e.ip ?? ''}/32, routeTable=${eniRouteTable(device)}`,
  )
}

/**
 * ipamd shrinking its pool (ipamd.go tryFreeENI / decreaseDatastorePool, datastore
 * getDeletableENI / RemoveUnusedENIFromStore / DelIPv4CidrFromStore, awsutils freeENI /
 * deleteENI / DeallocIPAddresses, v1.19 texts; the sequence matches a real ipamd.log freeing an
 * ENI: "Trying to free ENI", "Successfully detached ENI", "Successfully deleted ENI",
 * "Successfully freed ENI"). The pool stats are the ones after the change.
 */
function poolShrank(
  state: ClusterState,
  node: NodeRuntime,
  e: Extract<SimEvent, { type: 'ec2.detachEni' | 'ec2.unassignPrivateIps' }>,
): void {
  const log = writer(node, 'ipamd')
  const { total, assigned, cooling } = poolStats(node, e.at)
  const at = e.at + 5
  const eni = e.networkInterfaceId
  if (e.type === 'ec2.unassignPrivateIps') {
    log(at, 'debug', 'ipamd/ipamd.go:786', 'Starting to decrease pool size for network card 0')
    for (const ip of e.ips)
      log(
        at + 1,
        'info',
        'datastore/data_store.go:623',
        `Deleted ENI(${eni})'s IP/Prefix ${ip}/32 from datastore`,
      )
    log(
      at + 2,
      'info',
      'awsutils/awsutils.go:1695',
      `Trying to unassign the following IPs [${e.ips.join(' ')}] from ENI ${eni}`,
    )
    log(at + 60, 'debug', 'ipamd/ipamd.go:792', 'Successfully decreased IP pool')
    return
  }
  const perEni = instanceTypeOf(state, node).ipv4PerEni - 1
  log(at, 'debug', 'datastore/data_store.go:1084', `getDeletableENI: found a deletable ENI ${eni}`)
  log(
    at,
    'info',
    'datastore/data_store.go:1130',
    `RemoveUnusedENIFromStore ${eni}: IP/Prefix address pool stats: free ${e.ips.length} addresses, total: ${total}, assigned: ${assigned}, total prefixes: 0`,
  )
  log(at + 1, 'debug', 'ipamd/ipamd.go:812', `Start freeing ENI ${eni} from network card 0`)
  log(at + 1, 'info', 'awsutils/awsutils.go:1218', `Trying to free ENI: ${eni}`)
  log(
    at + 110,
    'debug',
    'awsutils/awsutils.go:1233',
    `Found ENI ${eni} attachment id: ${e.attachmentId} `,
  )
  log(at + 580, 'info', 'awsutils/awsutils.go:1252', `Successfully detached ENI: ${eni}`)
  log(at + 2580, 'debug', 'awsutils/awsutils.go:1292', `Trying to delete ENI: ${eni}`)
  log(at + 2740, 'info', 'awsutils/awsutils.go:1312', `Successfully deleted ENI: ${eni}`)
  log(at + 2740, 'info', 'awsutils/awsutils.go:1265', `Successfully freed ENI: ${eni}`)
  log(
    at + 2741,
    'debug',
    'ipamd/ipamd.go:689',
    `IP pool stats: Total IPs/Prefixes = ${total}/0, AssignedIPs/CooldownIPs: ${assigned}/${cooling}, c.maxIPsPerENI = ${perEni}`,
  )
}

/**
 * Where ipamd's start block goes on nodes whose ipamd.log is still empty: at aws-node's start, or,
 * when the engine ran a CNI ADD first (at boot it places CoreDNS before aws-node's container
 * starts, which a real node cannot: the ADD waits for ipamd's gRPC server), just before that ADD.
 * Returns the start time per node, and which aws-node starts that block stands for.
 */
function freshStarts(state: ClusterState, sorted: readonly SimEvent[]) {
  const starts = new Map<string, number>()
  const covered = new Set<SimEvent>()
  const coveredNodes = new Set<string>()
  for (const e of sorted) {
    const name = 'node' in e ? e.node : undefined
    if (!name || state.nodes[name]?.cniLogs?.ipamd.length) continue
    if (
      e.type === 'container.start' &&
      e.namespace === 'kube-system' &&
      e.container === 'aws-node'
    ) {
      // the first aws-node start on the node is the one the block stands for, early or not
      if (!coveredNodes.has(name)) covered.add(e)
      coveredNodes.add(name)
      if (!starts.has(name)) starts.set(name, e.at)
    } else if ((e.type === 'cni.add' || e.type === 'cni.del') && !starts.has(name))
      starts.set(name, Math.max(0, e.at - IPAMD_START_MS - 1))
  }
  return { starts, covered }
}

/**
 * Appends the log lines for the transaction's events (called by the simulation, on the draft).
 * A node's first lines are always ipamd's start block. Simplified: on such a node the pool
 * growth of this transaction is not logged line by line; the start block (read from the state at
 * the end of the transaction) already lists every ENI and IP as "Added ENI…"; and a CNI ADD in an
 * earlier transaction than aws-node's start would log a second start block.
 */
export function recordCniLogs(state: ClusterState, events: readonly SimEvent[]): void {
  // a CNI ADD that takes a pool's last address makes ipamd grow the pool: the engine does it
  // inside the ADD, ipamd does it afterwards (its pool monitor), so the ADD is logged first
  const order = (e: SimEvent) => (e.type.startsWith('ec2.') ? 1 : 0)
  const relevant = events.filter(
    (e) => e.type === 'container.start' || e.type.startsWith('ec2.') || e.type.startsWith('cni.'),
  )
  if (relevant.length === 0) return
  const sorted = relevant.sort((a, b) => a.at - b.at || order(a) - order(b))
  const { starts, covered } = freshStarts(state, sorted)
  for (const [name, at] of starts) ipamdStart(state, state.nodes[name]!, at)
  for (const e of sorted) {
    switch (e.type) {
      case 'container.start': {
        const node = state.nodes[e.node]
        if (node && e.namespace === 'kube-system' && e.container === 'aws-node' && !covered.has(e))
          ipamdStart(state, node, e.at)
        break
      }
      case 'ec2.attachEni':
      case 'ec2.assignPrivateIps': {
        const node = state.nodes[e.node]
        // before aws-node runs, the pool is what its start reports (ipamd fills it as the node
        // boots: a simplification of net/ipam/ipamd.ts)
        if (node?.cniLogs?.ipamd.length && !starts.has(e.node))
          poolGrew(node, e.at, e.networkInterfaceId, e.ips, e.type === 'ec2.attachEni')
        break
      }
      case 'ec2.detachEni':
      case 'ec2.unassignPrivateIps': {
        const node = state.nodes[e.node]
        if (node?.cniLogs?.ipamd.length) poolShrank(state, node, e)
        break
      }
      case 'cni.add':
      case 'cni.del': {
        const node = state.nodes[e.node]
        if (node) cniEvent(state, node, e)
        break
      }
      default:
        break
    }
  }
}

/** A log file's text. */
export function cniLogText(node: NodeRuntime, file: 'ipamd' | 'plugin'): string {
  return (node.cniLogs?.[file] ?? []).map((l) => l + '\n').join('')
}

/** When a log file was last written (its last line's ts), in simulated ms; undefined when empty. */
export function cniLogMtime(node: NodeRuntime, file: 'ipamd' | 'plugin'): number | undefined {
  const last = node.cniLogs?.[file].at(-1)
  if (!last) return undefined
  return Date.parse((JSON.parse(last) as { ts: string }).ts) - EPOCH_MS
}
