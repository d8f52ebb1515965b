import type { ClusterState, NodeGroup, Simulation } from '../../engine/index.ts'
import {
  INSTANCE_TYPES,
  createManagedNodeGroup,
  deleteNodeGroup,
  drainNodes,
  listObjects,
  nodeGroupNodes,
  newNodeGroupName,
  rfc3339,
  scaleNodeGroup,
} from '../../engine/index.ts'
import type { CommandResult, CommandSpec, FlagSpec, OutputLine } from '../types.ts'
import { dim, err, ok, out } from '../types.ts'
import { bool, int, str } from '../flags.ts'
import { asgName, eksNodegroup } from '../aws/resources.ts'
import { uuidFrom } from '../aws/derive.ts'
import { toYaml } from '../format/yaml.ts'

// eksctl (0.19x) for managed node groups, as a local command like `aws`: create, scale, delete and
// get nodegroup. Log lines are eksctl's own (logger.Info/Success/Warning: `<time> [ℹ]  …`), read from
// eksctl-io/eksctl pkg/actions/nodegroup (create.go, scale.go, drain) and pkg/cfn/manager, and checked
// against real runs quoted in public docs (e.g. `eksctl create nodegroup` logs with the "2 sequential
// tasks" line split over two lines, as eksctl prints it). Timestamps are the simulated clock (UTC).
// create waits for the CloudFormation stack, i.e. until the group is ACTIVE (its nodes Ready), moving
// simulated time; scale returns at once; delete drains (unless --drain=false), then deletes.
// Simplified: no config files (-f), no self-managed groups, no --region other than the cluster's.

const INFO = 'ℹ'
const OKAY = '✔'
const WARN = '!'
const FAIL = '✖'

function stamp(state: ClusterState): string {
  return rfc3339(state.now).replace('T', ' ').replace('Z', '')
}

class Log {
  readonly lines: OutputLine[] = []
  constructor(private sim: Simulation) {}
  private put(mark: string, text: string) {
    const [first, ...more] = text.split('\n')
    this.lines.push({ text: `${stamp(this.sim.state)} [${mark}]  ${first}`, stderr: true })
    for (const m of more) this.lines.push({ text: m, stderr: true })
  }
  info(t: string) {
    this.put(INFO, t)
  }
  success(t: string) {
    this.put(OKAY, t)
  }
  warning(t: string) {
    this.put(WARN, t)
  }
  critical(t: string) {
    this.put(FAIL, t)
  }
}

const errorResult = (lines: OutputLine[], message: string): CommandResult => ({
  lines: [...lines, err(`Error: ${message}`)],
  exitCode: 1,
})

const COMMON: FlagSpec[] = [
  { name: 'cluster', short: 'c', type: 'string', description: 'EKS cluster name' },
  { name: 'region', short: 'r', type: 'string', description: 'AWS region' },
  { name: 'profile', short: 'p', type: 'string', description: 'AWS credentials profile to use' },
  { name: 'help', short: 'h', type: 'bool', description: 'help for this command' },
  {
    name: 'verbose',
    short: 'v',
    type: 'int',
    default: 3,
    description:
      'set log level, use 0 to silence, 4 for debugging and 5 for debugging with AWS debug logging',
  },
  {
    name: 'timeout',
    type: 'string',
    description: 'maximum waiting time for any long-running operation',
  },
]

/** Checks shared by every subcommand: --cluster set and known, --region the cluster's. */
function clusterCheck(sim: Simulation, flags: Record<string, unknown>): string | undefined {
  const cluster = str(flags as never, 'cluster')
  if (!cluster) return '--cluster must be set'
  const aws = sim.state.aws
  const region = str(flags as never, 'region')
  if (cluster !== aws.cluster.name || (region && region !== aws.region))
    return `unable to describe cluster control plane: operation error EKS: DescribeCluster, https response error StatusCode: 404, RequestID: ${uuidFrom(`eksctl/describe-cluster/${cluster}/${sim.state.now}`)}, ResourceNotFoundException: No cluster found for name: ${cluster}.`
  return undefined
}

function nodegroupNotFound(sim: Simulation, name: string): string {
  return `operation error EKS: DescribeNodegroup, https response error StatusCode: 404, RequestID: ${uuidFrom(`eksctl/describe-nodegroup/${name}/${sim.state.now}`)}, ResourceNotFoundException: No node group found for name: ${name}.`
}

const stackName = (state: ClusterState, ng: string) =>
  `eksctl-${state.aws.cluster.name}-nodegroup-${ng}`

// ---------------------------------------------------------------- create nodegroup

const CREATE_FLAGS: FlagSpec[] = [
  ...COMMON,
  {
    name: 'name',
    short: 'n',
    type: 'string',
    description: 'name of the new nodegroup (generated if unspecified, e.g. "ng-a345f4e1")',
  },
  {
    name: 'node-type',
    short: 't',
    type: 'string',
    default: 'm5.large',
    description: 'node instance type',
    values: Object.keys(INSTANCE_TYPES),
  },
  {
    name: 'nodes',
    short: 'N',
    type: 'int',
    default: 2,
    description: 'total number of nodes (for a static ASG)',
  },
  { name: 'nodes-min', short: 'm', type: 'int', default: -1, description: 'minimum nodes in ASG' },
  { name: 'nodes-max', short: 'M', type: 'int', default: -1, description: 'maximum nodes in ASG' },
  { name: 'node-volume-size', type: 'int', default: 80, description: 'node volume size in GB' },
  {
    name: 'node-private-networking',
    short: 'P',
    type: 'bool',
    default: false,
    description: 'whether to make nodegroup networking private',
  },
  { name: 'managed', type: 'bool', default: true, description: 'Create EKS-managed nodegroup' },
  {
    name: 'node-ami-family',
    type: 'string',
    default: 'AmazonLinux2023',
    description: "'AmazonLinux2023' for the Amazon EKS optimized AMI",
  },
]
const CREATE_USAGE = 'eksctl create nodegroup [flags]'

export const eksctlCreateNodegroup: CommandSpec = {
  path: ['eksctl', 'create', 'nodegroup'],
  modes: ['local'],
  summary: 'Create a nodegroup',
  usage: CREATE_USAGE,
  mutates: true,
  args: ['none'],
  flags: CREATE_FLAGS,
  run(inv, env) {
    const sim = env.sim
    const bad = clusterCheck(sim, inv.flags)
    if (bad) return errorResult([], bad)
    if (!bool(inv.flags, 'managed'))
      return errorResult([], 'Cutaway simulates managed nodegroups only (omit --managed=false)')
    const family = str(inv.flags, 'node-ami-family') ?? 'AmazonLinux2023'
    if (family !== 'AmazonLinux2023')
      return errorResult([], `Cutaway simulates --node-ami-family AmazonLinux2023 only`)
    const nodes = int(inv.flags, 'nodes') ?? 2
    const minF = int(inv.flags, 'nodes-min') ?? -1
    const maxF = int(inv.flags, 'nodes-max') ?? -1
    const min = minF < 0 ? nodes : minF
    const max = maxF < 0 ? nodes : maxF
    const path = 'managedNodeGroups[0]'
    if (nodes < 0) return errorResult([], 'number of nodes must be 0 or greater')
    // pkg/apis/eksctl.io/v1alpha5 validation.go validateNodeGroupBase / scaling
    if (min > max)
      return errorResult([], `${path}.minSize must be less than or equal to ${path}.maxSize`)
    if (nodes < min)
      return errorResult(
        [],
        `${path}.desiredCapacity must be greater than or equal to ${path}.minSize`,
      )
    if (nodes > max)
      return errorResult(
        [],
        `${path}.desiredCapacity must be less than or equal to ${path}.maxSize`,
      )
    const type = str(inv.flags, 'node-type') ?? 'm5.large'
    const given = str(inv.flags, 'name')
    if (given !== undefined && !/^[a-zA-Z][-a-zA-Z0-9]*$/.test(given))
      return errorResult(
        [],
        `validation for ${given} failed, name must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
      )
    const aws = sim.state.aws
    const version = aws.cluster.version
    const log = new Log(sim)
    // the generated name: "ng-" and 8 hex characters (eksctl's NodeGroupName default)
    let name = given
    if (!name) {
      const r = sim.transact((ctx) => newNodeGroupName(ctx))
      name = r.ok ? r.value : 'ng-00000000'
    }
    log.info(`will use version ${version} for new nodegroup(s) based on control plane version`)
    log.info(`nodegroup "${name}" will use "" [AmazonLinux2023/${version}]`)
    const existing = Object.keys(aws.nodeGroups).sort()
    if (existing.length)
      log.info(`${existing.length} existing nodegroup(s) (${existing.join(',')}) will be excluded`)
    if (aws.nodeGroups[name]) {
      // the exclude filter drops a nodegroup that already exists: nothing to do, and no error
      log.info(`1 nodegroup (${name}) was excluded (based on the include/exclude rules)`)
      log.info('no tasks')
      log.success(`created 0 nodegroup(s) in cluster "${aws.cluster.name}"`)
      log.success(`created 0 managed nodegroup(s) in cluster "${aws.cluster.name}"`)
      log.info('checking security group configuration for all nodegroups')
      log.info('all nodegroups have up-to-date cloudformation templates')
      return { lines: log.lines, exitCode: 0 }
    }
    log.info(`1 nodegroup (${name}) was included (based on the include/exclude rules)`)
    log.info(
      `will create a CloudFormation stack for each of 1 managed nodegroups in cluster "${aws.cluster.name}"`,
    )
    log.info(
      `\n2 sequential tasks: { fix cluster compatibility, 1 task: { 1 task: { create managed nodegroup "${name}" } } \n}`,
    )
    log.info('checking cluster stack for missing resources')
    log.info('cluster stack has all required resources')
    const stack = stackName(sim.state, name)
    log.info(`building managed nodegroup stack "${stack}"`)
    log.info(`deploying stack "${stack}"`)
    sim.advance(1000)
    log.info(`waiting for CloudFormation stack "${stack}"`)
    if (!INSTANCE_TYPES[type]) {
      // EKS CreateNodegroup refuses the type; CloudFormation rolls the stack back
      sim.advance(31_000)
      log.info(`waiting for CloudFormation stack "${stack}"`)
      log.critical(
        `unexpected status "ROLLBACK_IN_PROGRESS" while waiting for CloudFormation stack "${stack}"`,
      )
      log.info('fetching stack events in attempt to troubleshoot the root cause of the failure')
      log.critical(
        `AWS::EKS::Nodegroup/ManagedNodeGroup: CREATE_FAILED – "Resource handler returned message: \\"The following supplied instance types do not exist: [${type}] (Service: Eks, Status Code: 400, Request ID: ${uuidFrom(`eksctl/create/${name}/${type}`)})\\" (RequestToken: ${uuidFrom(`eksctl/token/${name}`)}, HandlerErrorCode: InvalidRequest)"`,
      )
      log.info(
        `1 error(s) occurred and nodegroups haven't been created properly, you may wish to check CloudFormation console`,
      )
      log.info(
        `to cleanup resources, run 'eksctl delete nodegroup --region=${aws.region} --cluster=${aws.cluster.name} --name=<name>' for each of the failed nodegroup`,
      )
      log.critical('waiter state transitioned to Failure')
      return {
        lines: [
          ...log.lines,
          err(`Error: failed to create nodegroups for cluster "${aws.cluster.name}"`),
          dim(
            `(Cutaway simulates these instance types: ${Object.keys(INSTANCE_TYPES).join(', ')}.)`,
          ),
        ],
        exitCode: 1,
      }
    }
    const r = sim.transact((ctx) =>
      createManagedNodeGroup(ctx, {
        name: name!,
        instanceType: type,
        desired: nodes,
        min,
        max,
        privateNetworking: bool(inv.flags, 'node-private-networking'),
      }),
    )
    if (!r.ok) return errorResult(log.lines, String(r.error))
    // the CloudFormation waiter polls with a growing delay until the stack is CREATE_COMPLETE
    const active = () => sim.state.aws.nodeGroups[name!]?.status === 'ACTIVE'
    for (let i = 0; i < 40 && !active(); i++) {
      sim.advance(i === 0 ? 30_000 : 45_000)
      if (!active()) log.info(`waiting for CloudFormation stack "${stack}"`)
    }
    if (!active())
      return errorResult(
        log.lines,
        `waiting for CloudFormation stack "${stack}": exceeded max wait time for StackCreateComplete waiter`,
      )
    log.info('no tasks')
    log.success(`created 0 nodegroup(s) in cluster "${aws.cluster.name}"`)
    log.success(`created 1 managed nodegroup(s) in cluster "${aws.cluster.name}"`)
    log.info('checking security group configuration for all nodegroups')
    log.info('all nodegroups have up-to-date cloudformation templates')
    return { lines: log.lines, exitCode: 0 }
  },
}

// ---------------------------------------------------------------- scale nodegroup

const SCALE_FLAGS: FlagSpec[] = [
  ...COMMON,
  { name: 'name', short: 'n', type: 'string', description: 'Name of the nodegroup to scale' },
  {
    name: 'nodes',
    short: 'N',
    type: 'int',
    default: -1,
    description: 'desired number of nodes (required)',
  },
  {
    name: 'nodes-min',
    short: 'm',
    type: 'int',
    default: -1,
    description: 'minimum number of nodes',
  },
  {
    name: 'nodes-max',
    short: 'M',
    type: 'int',
    default: -1,
    description: 'maximum number of nodes',
  },
  {
    name: 'wait',
    short: 'w',
    type: 'bool',
    default: false,
    description: 'wait for scaling operation to complete',
  },
]
const SCALE_USAGE = 'eksctl scale nodegroup [flags]'

export const eksctlScaleNodegroup: CommandSpec = {
  path: ['eksctl', 'scale', 'nodegroup'],
  modes: ['local'],
  summary: 'Scale a nodegroup',
  usage: SCALE_USAGE,
  mutates: true,
  args: ['none'],
  flags: SCALE_FLAGS,
  run(inv, env) {
    const sim = env.sim
    const name = str(inv.flags, 'name') ?? inv.args[0]
    const bad = clusterCheck(sim, inv.flags)
    if (bad) return errorResult([], bad)
    if (!name) return errorResult([], '--name must be set')
    const desired = int(inv.flags, 'nodes') ?? -1
    const minF = int(inv.flags, 'nodes-min') ?? -1
    const maxF = int(inv.flags, 'nodes-max') ?? -1
    if (desired < 0 && minF < 0 && maxF < 0)
      return errorResult([], 'at least one of minimum, maximum and desired nodes must be set')
    const ng = sim.state.aws.nodeGroups[name]
    if (!ng) return errorResult([], nodegroupNotFound(sim, name))
    const want = desired < 0 ? ng.desiredSize : desired
    const min = minF < 0 ? ng.minSize : minF
    const max = maxF < 0 ? ng.maxSize : maxF
    // pkg/actions/nodegroup/scale.go validateNodeGroupScaling: against the new or current bounds
    if (want > max)
      return errorResult(
        [],
        `the desired nodes ${want} is greater than current nodes-max/maxSize ${max}`,
      )
    if (want < min)
      return errorResult(
        [],
        `the desired nodes ${want} is less than current nodes-min/minSize ${min}`,
      )
    const log = new Log(sim)
    log.info(`scaling nodegroup "${name}" in cluster ${sim.state.aws.cluster.name}`)
    const r = sim.transact((ctx) => scaleNodeGroup(ctx, name, want, { min, max }))
    if (!r.ok) return errorResult(log.lines, String(r.error))
    log.info('initiated scaling of nodegroup')
    if (bool(inv.flags, 'wait')) {
      // runUntil hands the predicate the state being built
      // (nodes of instances already shutting down do not count)
      const running = (st: ClusterState, node: string) =>
        Object.values(st.aws.instances).some(
          (i) => i.privateDnsName === node && i.state === 'running',
        )
      const ready = (st: ClusterState) =>
        nodeGroupNodes(st, name).filter(
          (n) =>
            running(st, n.metadata.name) &&
            n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
        ).length >= want
      sim.runUntil(ready, 20 * 60_000)
      log.info('nodegroup successfully scaled')
    } else
      log.info(
        `to see the status of the scaling run \`eksctl get nodegroup --cluster ${sim.state.aws.cluster.name} --region ${sim.state.aws.region} --name ${name}\``,
      )
    return { lines: log.lines, exitCode: 0 }
  },
}

// ---------------------------------------------------------------- delete nodegroup

const DELETE_FLAGS: FlagSpec[] = [
  ...COMMON,
  { name: 'name', short: 'n', type: 'string', description: 'Name of the nodegroup to delete' },
  {
    name: 'drain',
    type: 'bool',
    default: true,
    description: 'Drain and cordon all nodes in the nodegroup before deletion',
  },
  {
    name: 'wait',
    short: 'w',
    type: 'bool',
    default: false,
    description: 'wait for deletion of all resources before exiting',
  },
  { name: 'approve', type: 'bool', default: false, description: 'Apply the changes' },
]
const DELETE_USAGE = 'eksctl delete nodegroup [flags]'

export const eksctlDeleteNodegroup: CommandSpec = {
  path: ['eksctl', 'delete', 'nodegroup'],
  modes: ['local'],
  summary: 'Delete a nodegroup',
  usage: DELETE_USAGE,
  mutates: true,
  args: ['none'],
  flags: DELETE_FLAGS,
  run(inv, env) {
    const sim = env.sim
    const name = str(inv.flags, 'name') ?? inv.args[0]
    const bad = clusterCheck(sim, inv.flags)
    if (bad) return errorResult([], bad)
    if (!name) return errorResult([], '--name must be set')
    if (!sim.state.aws.nodeGroups[name]) return errorResult([], nodegroupNotFound(sim, name))
    const cluster = sim.state.aws.cluster.name
    const log = new Log(sim)
    log.info(`1 nodegroup (${name}) was included (based on the include/exclude rules)`)
    if (bool(inv.flags, 'drain')) {
      log.info(`will drain 1 nodegroup(s) in cluster "${cluster}"`)
      log.info('starting parallel draining, max in-flight of 1')
      const nodes = nodeGroupNodes(sim.state, name).map((n) => n.metadata.name)
      if (nodes.length === 0)
        log.warning(
          `no nodes found in nodegroup "${name}" (label selector: "alpha.eksctl.io/nodegroup-name=${name}")`,
        )
      else {
        for (const n of nodes) log.info(`cordon node "${n}"`)
        const r = sim.transact((ctx) => drainNodes(ctx, nodes))
        if (!r.ok) return errorResult(log.lines, String(r.error))
        // the drainer polls until the evicted pods are gone (they have 30 s to terminate)
        const left = (st: ClusterState) =>
          listObjects(st, 'Pod').some(
            (p) =>
              nodes.includes(p.spec.nodeName ?? '') &&
              !(p.metadata.ownerReferences ?? []).some((o) => o.kind === 'DaemonSet'),
          )
        sim.runUntil((st) => !left(st), 5 * 60_000)
        log.success(`drained all nodes: [${nodes.join(' ')}]`)
      }
    }
    log.info(`will delete 1 nodegroups from cluster "${cluster}"`)
    log.info(`1 task: { 1 task: { delete nodegroup "${name}" [async] } }`)
    log.info(`will delete stack "${stackName(sim.state, name)}"`)
    const r = sim.transact((ctx) => deleteNodeGroup(ctx, name))
    if (!r.ok) return errorResult(log.lines, String(r.error))
    if (bool(inv.flags, 'wait')) {
      log.info(`waiting for stack "${stackName(sim.state, name)}" to get deleted`)
      sim.runUntil((s) => !s.aws.nodeGroups[name], 20 * 60_000)
    }
    log.success(`deleted 1 nodegroup(s) from cluster "${cluster}"`)
    return { lines: log.lines, exitCode: 0 }
  },
}

// ---------------------------------------------------------------- get nodegroup

const GET_FLAGS: FlagSpec[] = [
  ...COMMON,
  { name: 'name', short: 'n', type: 'string', description: 'Name of the nodegroup' },
  {
    name: 'output',
    short: 'o',
    type: 'string',
    default: 'table',
    description: 'specifies the output format (valid option: table, json, yaml)',
    values: ['table', 'json', 'yaml'],
  },
]
const GET_USAGE = 'eksctl get nodegroup [flags]'

/** pkg/cfn/manager NodeGroupSummary, as eksctl get nodegroup -o json prints it. */
function summary(state: ClusterState, ng: NodeGroup) {
  const aws = state.aws
  const described = eksNodegroup(aws, ng) as { nodeRole: string }
  return {
    StackName: stackName(state, ng.name),
    Cluster: aws.cluster.name,
    Name: ng.name,
    Status: ng.status ?? 'ACTIVE',
    MaxSize: ng.maxSize,
    MinSize: ng.minSize,
    DesiredCapacity: ng.desiredSize,
    InstanceType: ng.instanceType,
    ImageID: ng.amiType,
    CreationTime: ng.createdAt,
    NodeInstanceRoleARN: described.nodeRole,
    AutoScalingGroupName: asgName(aws, ng),
    Version: aws.cluster.version,
    Type: 'managed',
  }
}

/** Go's text/tabwriter with padchar '\t' (minwidth 0, tabwidth 8, padding 1), as eksctl's table printer. */
export function tabwriter(rows: string[][]): string[] {
  const cols = Math.max(...rows.map((r) => r.length))
  const widths: number[] = []
  for (let c = 0; c < cols - 1; c++) {
    const w = Math.max(...rows.map((r) => [...(r[c] ?? '')].length)) + 1
    widths.push(Math.ceil(w / 8) * 8)
  }
  return rows.map((r) =>
    r
      .map((cell, c) =>
        c === r.length - 1
          ? cell
          : cell + '\t'.repeat(Math.ceil((widths[c]! - [...cell].length) / 8)),
      )
      .join(''),
  )
}

export const eksctlGetNodegroup: CommandSpec = {
  path: ['eksctl', 'get', 'nodegroup'],
  modes: ['local'],
  summary: 'Get nodegroup(s)',
  usage: GET_USAGE,
  args: ['none'],
  flags: GET_FLAGS,
  run(inv, env) {
    const sim = env.sim
    const bad = clusterCheck(sim, inv.flags)
    if (bad) return errorResult([], bad)
    const output = str(inv.flags, 'output') ?? 'table'
    if (!['table', 'json', 'yaml'].includes(output))
      return errorResult([], `unknown output printer type: ${output}`)
    const name = str(inv.flags, 'name') ?? inv.args[0]
    const all = Object.values(sim.state.aws.nodeGroups).sort((a, b) => a.name.localeCompare(b.name))
    const groups = name ? all.filter((g) => g.name === name) : all
    if (name && groups.length === 0) return errorResult([], nodegroupNotFound(sim, name))
    const rows = groups.map((g) => summary(sim.state, g))
    if (output === 'json') return ok(JSON.stringify(rows, null, '    ').split('\n'))
    if (output === 'yaml') {
      // sigs.k8s.io/yaml: JSON keys in sorted order
      const sorted = rows.map((r) =>
        Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b))),
      )
      return ok(toYaml(sorted).replace(/\n$/, '').split('\n'))
    }
    // pkg/ctl/get/nodegroup.go: an empty table is an error; json and yaml print the empty list
    if (rows.length === 0) return errorResult([], 'No nodegroups found')
    return ok(
      tabwriter([
        [
          'CLUSTER',
          'NODEGROUP',
          'STATUS',
          'CREATED',
          'MIN SIZE',
          'MAX SIZE',
          'DESIRED CAPACITY',
          'INSTANCE TYPE',
          'IMAGE ID',
          'ASG NAME',
          'TYPE',
        ],
        ...rows.map((r) => [
          r.Cluster,
          r.Name,
          r.Status,
          r.CreationTime,
          String(r.MinSize),
          String(r.MaxSize),
          String(r.DesiredCapacity),
          r.InstanceType,
          r.ImageID,
          r.AutoScalingGroupName,
          r.Type,
        ]),
      ]).map((t) => out(t)),
    )
  },
}

// ---------------------------------------------------------------- verbs and aliases

/**
 * The verbs Cutaway simulates, with their cobra Short text and the nodegroup command's aliases:
 * eksctl-io/eksctl pkg/ctl/{create,scale,delete,get}/nodegroup.go `cmd.SetDescription("nodegroup",
 * …, "ng")`, and "ng", "nodegroups" for get only; the Shorts from each verb's NewVerbCmd
 * (pkg/ctl/scale/scale.go really says "Scale resources(s)").
 */
export const EKSCTL_VERBS: Record<string, { short: string; aliases: readonly string[] }> = {
  create: { short: 'Create resource(s)', aliases: ['ng'] },
  delete: { short: 'Delete resource(s)', aliases: ['ng'] },
  get: { short: 'Get resource(s)', aliases: ['ng', 'nodegroups'] },
  scale: { short: 'Scale resources(s)', aliases: ['ng'] },
}

/** `eksctl get ng …` → `eksctl get nodegroup …`: cobra resolves an alias to its command. */
export function eksctlAlias(argv: readonly string[]): readonly string[] {
  const verb = EKSCTL_VERBS[argv[1] ?? '']
  if (argv[0] !== 'eksctl' || !verb || !verb.aliases.includes(argv[2] ?? '')) return argv
  return [argv[0], argv[1]!, 'nodegroup', ...argv.slice(3)]
}

const COMMON_FLAG_LINES = [
  'Common flags:',
  '  -C, --color string   toggle colorized logs (valid options: true, false, fabulous) (default "true")',
  '  -d, --dumpLogs       dump logs to disk on failure if set to true',
  '  -h, --help           help for this command',
  '  -v, --verbose int    set log level, use 0 to silence, 4 for debugging and 5 for debugging with AWS debug logging (default 3)',
]

/** eksctl's usage template for a command with subcommands: "  eksctl get nodegroup  Get nodegroup(s)". */
function commandList(rows: [string, string][]): string[] {
  const width = Math.max(...rows.map(([p]) => p.length)) + 2
  return rows.map(([p, short]) => `  ${p.padEnd(width)}${short}`)
}

/**
 * A verb alone or with a word it does not know (`eksctl get bogus`): NewVerbCmd's Run prints the
 * verb's help, exit 0 (cobra checks unknown subcommands only at the root).
 */
export function eksctlVerbHelp(verb: string): OutputLine[] | undefined {
  const v = EKSCTL_VERBS[verb]
  const spec = EKSCTL_COMMANDS.find((c) => c.path[1] === verb && c.path.length === 3)
  if (!v || !spec) return undefined
  return [
    ...[
      v.short,
      '',
      `Usage: eksctl ${verb} [flags]`,
      '',
      'Commands:',
      ...commandList([[`eksctl ${verb} nodegroup`, spec.summary]]),
      '',
      ...COMMON_FLAG_LINES,
      '',
      `Use 'eksctl ${verb} [command] --help' for more information about a command.`,
    ].map((t) => out(t)),
    dim(`(Cutaway simulates only the nodegroup resource of eksctl ${verb}.)`),
  ]
}

/** cobra's legacyArgs at the root, with its suggestions (Levenshtein ≤ 2 or a prefix). */
export function eksctlUnknownCommand(word: string, distance: (a: string, b: string) => number) {
  const close = [...Object.keys(EKSCTL_VERBS), 'version']
    .sort()
    .filter((n) => distance(n, word) <= 2 || (word !== '' && n.startsWith(word)))
  return [
    err(`Error: unknown command "${word}" for "eksctl"`),
    ...(close.length
      ? [err(''), err('Did you mean this?'), ...close.map((c) => err(`\t${c}`)), err('')]
      : []),
    err("Run 'eksctl --help' for usage."),
    dim("(Cutaway simulates eksctl's nodegroup commands: create, scale, delete, get.)"),
  ]
}

// ---------------------------------------------------------------- eksctl (root)

export const eksctlRoot: CommandSpec = {
  path: ['eksctl'],
  modes: ['local'],
  summary: 'The official CLI for Amazon EKS',
  usage: 'eksctl [command] [flags]',
  args: ['none'],
  // parses its own words, so that `eksctl --help` prints the command list below
  rawArgs: true,
  run(inv) {
    const words = inv.args
    if (words[0] === 'version') return ok(['0.199.0'])
    if (words.length && !words.every((w) => w === '--help' || w === '-h'))
      return {
        lines: [
          err(`Error: unknown flag: ${words[0]}`),
          dim("(Cutaway simulates eksctl's nodegroup commands; see `eksctl --help`.)"),
        ],
        exitCode: 1,
      }
    return {
      lines: [
        ...[
          'The official CLI for Amazon EKS',
          '',
          'Usage: eksctl [command] [flags]',
          '',
          'Commands:',
          ...commandList([
            ...Object.entries(EKSCTL_VERBS).map(([v, { short }]): [string, string] => [
              `eksctl ${v}`,
              short,
            ]),
            ['eksctl version', 'Output the version of eksctl'],
          ]),
          '',
          ...COMMON_FLAG_LINES,
          '',
          "Use 'eksctl [command] --help' for more information about a command.",
        ].map((t) => out(t)),
        dim(
          "(Cutaway simulates these verbs for node groups only; eksctl's other verbs (anywhere, associate, completion, drain, info, update, upgrade, utils, …) are not simulated.)",
        ),
      ],
      exitCode: 0,
    }
  },
}

export const EKSCTL_COMMANDS: CommandSpec[] = [
  eksctlRoot,
  eksctlCreateNodegroup,
  eksctlScaleNodegroup,
  eksctlDeleteNodegroup,
  eksctlGetNodegroup,
]
