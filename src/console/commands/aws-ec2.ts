import type { ClusterState } from '../../engine/index.ts'
import { terminateInstances } from '../../engine/index.ts'
import type { AwsOperation, AwsParam, Filter, OpContext, OpResult } from '../aws/cli.ts'
import { awsCommand } from '../aws/cli.ts'
import type { Json } from '../aws/jmespath.ts'
import {
  ec2InternetGateways,
  ec2NatGateways,
  ec2NetworkInterfaces,
  ec2Reservation,
  ec2RouteTables,
  ec2Subnet,
  ec2Vpcs,
} from '../aws/resources.ts'

// aws ec2 describe-*: the VPC eksctl built and the worker instances, read from ClusterState.aws.
// Filters: the common names per resource plus tag:<key> and tag-key, values with * and ? wildcards,
// as EC2 matches them. Other filter names get EC2's InvalidParameterValue error.

type Obj = { [k: string]: Json }

const glob = (pattern: string, s: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
  ).test(s)
const str = (v: Json | undefined): string[] =>
  v === undefined || v === null ? [] : Array.isArray(v) ? v.flatMap(str) : [String(v)]
const get = (o: Json | undefined, path: string): Json | undefined =>
  path
    .split('.')
    .reduce<Json | undefined>(
      (a, k) =>
        a && typeof a === 'object' && !Array.isArray(a)
          ? a[k]
          : Array.isArray(a)
            ? a.flatMap((e) => str(get(e, k)))
            : undefined,
      o,
    )

function tagsOf(o: Obj): { Key: string; Value: string }[] {
  const t = (o.Tags ?? o.TagSet ?? []) as Json[]
  return t as unknown as { Key: string; Value: string }[]
}

function matches(o: Obj, filters: Filter[], fields: Record<string, string>): boolean | string {
  for (const f of filters) {
    let values: string[]
    if (f.name.startsWith('tag:'))
      values = tagsOf(o)
        .filter((t) => t.Key === f.name.slice(4))
        .map((t) => t.Value)
    else if (f.name === 'tag-key') values = tagsOf(o).map((t) => t.Key)
    else if (f.name === 'tag-value') values = tagsOf(o).map((t) => t.Value)
    else if (fields[f.name]) values = str(get(o, fields[f.name]!))
    else return f.name
    if (!f.values.some((p) => values.some((v) => glob(p, v)))) return false
  }
  return true
}

interface Describe {
  command: string
  operation: string
  summary: string
  resultKey: string
  idParam: string
  idField: string
  /** id prefix EC2 validates before looking ids up */
  idPrefix: string
  notFound: (ids: string[]) => { code: string; message: string }
  fields: Record<string, string>
  items(state: ClusterState): Obj[]
  /** DescribeInstances nests instances in reservations */
  wrap?: (state: ClusterState, items: Obj[]) => Json[]
}

function describeOp(d: Describe): AwsOperation {
  const params: AwsParam[] = [
    {
      name: d.idParam,
      type: 'list',
      description: `The IDs (${d.idPrefix}-…), space- or comma-separated.`,
    },
    { name: 'filters', type: 'filters', description: 'Filters: Name=<filter>,Values=<v1>,<v2> …' },
    { name: 'max-items', type: 'integer', description: 'The total number of items to return.' },
  ]
  return {
    service: 'ec2',
    command: d.command,
    operation: d.operation,
    summary: d.summary,
    params,
    endpoint: (region) => `https://ec2.${region}.amazonaws.com/`,
    run(ctx: OpContext): OpResult {
      const all = ctx.region === ctx.state.aws.region ? d.items(ctx.state) : []
      const ids = (ctx.args[d.idParam] as string[] | undefined) ?? []
      const malformed = ids.find(
        (id) => !new RegExp(`^${d.idPrefix}-[0-9a-f]{8}([0-9a-f]{9})?$`).test(id),
      )
      if (malformed !== undefined)
        return {
          ok: false,
          code: `Invalid${d
            .notFound([])
            .code.replace(/^Invalid/, '')
            .replace(/\.NotFound$/, '')}.Malformed`,
          message: `Invalid id: "${malformed}"`,
        }
      let items = all
      if (ids.length) {
        const missing = ids.filter((id) => !all.some((o) => o[d.idField] === id))
        if (missing.length) return { ok: false, ...d.notFound(missing) }
        items = all.filter((o) => ids.includes(String(o[d.idField])))
      }
      const filters = (ctx.args.filters as Filter[] | undefined) ?? []
      const kept: Obj[] = []
      for (const o of items) {
        const m = matches(o, filters, d.fields)
        if (typeof m === 'string')
          return {
            ok: false,
            code: 'InvalidParameterValue',
            message: `The filter '${m}' is invalid`,
          }
        if (m) kept.push(o)
      }
      const max = ctx.args['max-items'] as number | undefined
      const limited = max !== undefined ? kept.slice(0, max) : kept
      return { ok: true, data: { [d.resultKey]: d.wrap ? d.wrap(ctx.state, limited) : limited } }
    },
  }
}

const idsMsg = (kind: string, ids: string[]) =>
  ids.length === 1
    ? `The ${kind} ID '${ids[0]}' does not exist`
    : `The ${kind} IDs '${ids.join(', ')}' do not exist`

export const describeInstances = describeOp({
  command: 'describe-instances',
  operation: 'DescribeInstances',
  summary: 'Describe the EC2 worker instances (Reservations[].Instances[])',
  resultKey: 'Reservations',
  idParam: 'instance-ids',
  idField: 'InstanceId',
  idPrefix: 'i',
  notFound: (ids) => ({ code: 'InvalidInstanceID.NotFound', message: idsMsg('instance', ids) }),
  fields: {
    'instance-id': 'InstanceId',
    'instance-type': 'InstanceType',
    'instance-state-name': 'State.Name',
    'availability-zone': 'Placement.AvailabilityZone',
    'subnet-id': 'SubnetId',
    'vpc-id': 'VpcId',
    'private-ip-address': 'PrivateIpAddress',
    'ip-address': 'PublicIpAddress',
    'private-dns-name': 'PrivateDnsName',
    'image-id': 'ImageId',
    'network-interface.network-interface-id': 'NetworkInterfaces.NetworkInterfaceId',
    'network-interface.addresses.private-ip-address':
      'NetworkInterfaces.PrivateIpAddresses.PrivateIpAddress',
  },
  // instances are kept in their Instance form for filtering, then wrapped in their reservations
  items: (state) =>
    Object.values(state.aws.instances).map(
      (i) => (ec2Reservation(state.aws, i).Instances as Obj[])[0]!,
    ),
  wrap: (state, items) =>
    items.map((o) => ec2Reservation(state.aws, state.aws.instances[String(o.InstanceId)]!)),
})

export const describeSubnets = describeOp({
  command: 'describe-subnets',
  operation: 'DescribeSubnets',
  summary: "Describe the VPC's subnets (public and private per AZ)",
  resultKey: 'Subnets',
  idParam: 'subnet-ids',
  idField: 'SubnetId',
  idPrefix: 'subnet',
  notFound: (ids) => ({ code: 'InvalidSubnetID.NotFound', message: idsMsg('subnet', ids) }),
  fields: {
    'subnet-id': 'SubnetId',
    'vpc-id': 'VpcId',
    'availability-zone': 'AvailabilityZone',
    'availability-zone-id': 'AvailabilityZoneId',
    'cidr-block': 'CidrBlock',
    'map-public-ip-on-launch': 'MapPublicIpOnLaunch',
    state: 'State',
  },
  items: (state) => state.aws.subnets.map((s) => ec2Subnet(state, s)),
})

export const describeRouteTables = describeOp({
  command: 'describe-route-tables',
  operation: 'DescribeRouteTables',
  summary:
    'Describe the route tables: local, 0.0.0.0/0 via the internet gateway or the NAT gateway',
  resultKey: 'RouteTables',
  idParam: 'route-table-ids',
  idField: 'RouteTableId',
  idPrefix: 'rtb',
  notFound: (ids) => ({ code: 'InvalidRouteTableID.NotFound', message: idsMsg('routeTable', ids) }),
  fields: {
    'route-table-id': 'RouteTableId',
    'vpc-id': 'VpcId',
    'association.subnet-id': 'Associations.SubnetId',
    'association.main': 'Associations.Main',
    'route.gateway-id': 'Routes.GatewayId',
    'route.nat-gateway-id': 'Routes.NatGatewayId',
    'route.destination-cidr-block': 'Routes.DestinationCidrBlock',
  },
  items: (state) => ec2RouteTables(state.aws),
})

export const describeNatGateways: AwsOperation = {
  ...describeOp({
    command: 'describe-nat-gateways',
    operation: 'DescribeNatGateways',
    summary: 'Describe the NAT gateway private subnets route through',
    resultKey: 'NatGateways',
    idParam: 'nat-gateway-ids',
    idField: 'NatGatewayId',
    idPrefix: 'nat',
    // [unconfirmed wording]
    notFound: (ids) => ({
      code: 'NatGatewayNotFound',
      message: `NAT gateway ${ids[0]} was not found`,
    }),
    fields: {
      'nat-gateway-id': 'NatGatewayId',
      'subnet-id': 'SubnetId',
      'vpc-id': 'VpcId',
      state: 'State',
    },
    items: (state) => ec2NatGateways(state.aws),
  }),
}
// DescribeNatGateways calls its filter parameter --filter (singular) in the EC2 API
describeNatGateways.params = describeNatGateways.params.map((p) =>
  p.name === 'filters' ? { ...p, name: 'filter' } : p,
)
{
  const run = describeNatGateways.run
  describeNatGateways.run = (ctx) =>
    run({ ...ctx, args: { ...ctx.args, filters: ctx.args.filter } })
}

export const describeInternetGateways = describeOp({
  command: 'describe-internet-gateways',
  operation: 'DescribeInternetGateways',
  summary: 'Describe the internet gateway attached to the VPC',
  resultKey: 'InternetGateways',
  idParam: 'internet-gateway-ids',
  idField: 'InternetGatewayId',
  idPrefix: 'igw',
  notFound: (ids) => ({
    code: 'InvalidInternetGatewayID.NotFound',
    message: idsMsg('internetGateway', ids),
  }),
  fields: {
    'internet-gateway-id': 'InternetGatewayId',
    'attachment.vpc-id': 'Attachments.VpcId',
    'attachment.state': 'Attachments.State',
  },
  items: (state) => ec2InternetGateways(state.aws),
})

export const describeNetworkInterfaces = describeOp({
  command: 'describe-network-interfaces',
  operation: 'DescribeNetworkInterfaces',
  summary: 'Describe the ENIs: node ENIs with pod IPs, the NAT gateway, EKS control-plane ENIs',
  resultKey: 'NetworkInterfaces',
  idParam: 'network-interface-ids',
  idField: 'NetworkInterfaceId',
  idPrefix: 'eni',
  notFound: (ids) => ({
    code: 'InvalidNetworkInterfaceID.NotFound',
    message: idsMsg('networkInterface', ids),
  }),
  fields: {
    'network-interface-id': 'NetworkInterfaceId',
    'subnet-id': 'SubnetId',
    'vpc-id': 'VpcId',
    'availability-zone': 'AvailabilityZone',
    description: 'Description',
    'interface-type': 'InterfaceType',
    status: 'Status',
    'attachment.instance-id': 'Attachment.InstanceId',
    'private-ip-address': 'PrivateIpAddresses.PrivateIpAddress',
    'addresses.private-ip-address': 'PrivateIpAddresses.PrivateIpAddress',
    'group-id': 'Groups.GroupId',
  },
  items: (state) => ec2NetworkInterfaces(state.aws),
})

export const describeVpcs = describeOp({
  command: 'describe-vpcs',
  operation: 'DescribeVpcs',
  summary: 'Describe the VPC eksctl created for the cluster',
  resultKey: 'Vpcs',
  idParam: 'vpc-ids',
  idField: 'VpcId',
  idPrefix: 'vpc',
  notFound: (ids) => ({ code: 'InvalidVpcID.NotFound', message: idsMsg('vpc', ids) }),
  fields: {
    'vpc-id': 'VpcId',
    'cidr-block': 'CidrBlock',
    'is-default': 'IsDefault',
    state: 'State',
  },
  items: (state) => ec2Vpcs(state.aws),
})

/** TerminateInstances: the instance goes shutting-down now, terminated within a minute (engine/aws/terminate.ts). */
export const terminateInstancesOp: AwsOperation = {
  service: 'ec2',
  command: 'terminate-instances',
  operation: 'TerminateInstances',
  summary: 'Terminate EC2 instances (a worker node and everything on its disk goes away)',
  params: [
    {
      name: 'instance-ids',
      type: 'list',
      required: true,
      description: 'The IDs of the instances (i-…), space- or comma-separated.',
    },
    { name: 'dry-run', type: 'boolean', description: 'Check permissions without terminating.' },
  ],
  mutates: true,
  endpoint: (region) => `https://ec2.${region}.amazonaws.com/`,
  run(ctx: OpContext): OpResult {
    const ids = (ctx.args['instance-ids'] as string[] | undefined) ?? []
    const malformed = ids.find((id) => !/^i-[0-9a-f]{8}([0-9a-f]{9})?$/.test(id))
    if (malformed !== undefined)
      return {
        ok: false,
        code: 'InvalidInstanceID.Malformed',
        message: `Invalid id: "${malformed}"`,
      }
    const known = ctx.region === ctx.state.aws.region ? ctx.state.aws.instances : {}
    const missing = ids.filter((id) => !known[id])
    if (missing.length)
      return {
        ok: false,
        code: 'InvalidInstanceID.NotFound',
        message: idsMsg('instance', missing),
      }
    if (ctx.args['dry-run'])
      return {
        ok: false,
        code: 'DryRunOperation',
        message: 'Request would have succeeded, but DryRun flag is set.',
      }
    if (!ctx.sim) return { ok: false, code: 'InternalError', message: 'no simulation' }
    const r = ctx.sim.transact((c) => terminateInstances(c, ids))
    if (!r.ok) return { ok: false, code: 'InternalError', message: String(r.error) }
    return { ok: true, data: { TerminatingInstances: r.value as unknown as Json } }
  },
}

export const EC2_OPERATIONS = [
  describeInstances,
  describeSubnets,
  describeRouteTables,
  describeNatGateways,
  describeInternetGateways,
  describeNetworkInterfaces,
  describeVpcs,
]
export const EC2_COMMANDS = [...EC2_OPERATIONS.map(awsCommand), awsCommand(terminateInstancesOp)]
