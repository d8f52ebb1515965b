import type { AwsOperation, OpContext } from '../aws/cli.ts'
import { awsCommand } from '../aws/cli.ts'
import { eksCluster, eksNodegroup } from '../aws/resources.ts'
import { associateEncryption } from './aws-eks-encryption.ts'

// aws eks …: the EKS API against the simulated account. There is one cluster, in the region the
// simulation was created in; asking another region finds nothing, as it would.

const homeCluster = (ctx: OpContext, name: string) =>
  ctx.region === ctx.state.aws.region && name === ctx.state.aws.cluster.name
    ? ctx.state.aws.cluster
    : undefined
const noCluster = (name: string) => ({
  ok: false as const,
  code: 'ResourceNotFoundException',
  message: `No cluster found for name: ${name}.`,
})
const eksUrl = (region: string, path: string) => `https://eks.${region}.amazonaws.com${path}`

export const listClusters: AwsOperation = {
  service: 'eks',
  command: 'list-clusters',
  operation: 'ListClusters',
  summary: 'List the EKS clusters in the region',
  params: [
    {
      name: 'max-results',
      type: 'integer',
      description: 'The maximum number of clusters to return.',
    },
  ],
  endpoint: (region) => eksUrl(region, '/clusters'),
  run: (ctx) => ({
    ok: true,
    data: { clusters: ctx.region === ctx.state.aws.region ? [ctx.state.aws.cluster.name] : [] },
  }),
}

export const describeCluster: AwsOperation = {
  service: 'eks',
  command: 'describe-cluster',
  operation: 'DescribeCluster',
  summary: 'Describe an EKS cluster: endpoint, VPC config, OIDC issuer, certificate authority',
  params: [
    { name: 'name', type: 'string', required: true, description: 'The name of your cluster.' },
  ],
  endpoint: (region, args) => eksUrl(region, `/clusters/${String(args.name)}`),
  run(ctx) {
    const name = String(ctx.args.name)
    if (!homeCluster(ctx, name)) return noCluster(name)
    return { ok: true, data: { cluster: eksCluster(ctx.state.aws) } }
  },
}

export const listNodegroups: AwsOperation = {
  service: 'eks',
  command: 'list-nodegroups',
  operation: 'ListNodegroups',
  summary: 'List the managed node groups of a cluster',
  params: [
    {
      name: 'cluster-name',
      type: 'string',
      required: true,
      description: 'The name of your cluster.',
    },
    {
      name: 'max-results',
      type: 'integer',
      description: 'The maximum number of node groups to return.',
    },
  ],
  endpoint: (region, args) =>
    eksUrl(region, `/clusters/${String(args['cluster-name'])}/node-groups`),
  run(ctx) {
    const name = String(ctx.args['cluster-name'])
    if (!homeCluster(ctx, name)) return noCluster(name)
    return { ok: true, data: { nodegroups: Object.keys(ctx.state.aws.nodeGroups).sort() } }
  },
}

export const describeNodegroup: AwsOperation = {
  service: 'eks',
  command: 'describe-nodegroup',
  operation: 'DescribeNodegroup',
  summary: 'Describe a managed node group: scaling, subnets, AMI type, Auto Scaling group',
  params: [
    {
      name: 'cluster-name',
      type: 'string',
      required: true,
      description: 'The name of your cluster.',
    },
    {
      name: 'nodegroup-name',
      type: 'string',
      required: true,
      description: 'The name of the node group to describe.',
    },
  ],
  endpoint: (region, args) =>
    eksUrl(
      region,
      `/clusters/${String(args['cluster-name'])}/node-groups/${String(args['nodegroup-name'])}`,
    ),
  run(ctx) {
    const name = String(ctx.args['cluster-name'])
    if (!homeCluster(ctx, name)) return noCluster(name)
    const ngName = String(ctx.args['nodegroup-name'])
    const ng = ctx.state.aws.nodeGroups[ngName]
    // [unconfirmed wording] of EKS's message for an unknown node group
    if (!ng)
      return {
        ok: false,
        code: 'ResourceNotFoundException',
        message: `No node group found for name: ${ngName}.`,
      }
    return { ok: true, data: { nodegroup: eksNodegroup(ctx.state.aws, ng) } }
  },
}

const HOME = '/home/learner'

/**
 * update-kubeconfig writes ~/.kube/config on the learner's machine, not cluster state. We treat the
 * session's first run as writing a fresh entry ("Added new context … to …") and later runs as
 * rewriting it ("Updated context … in …"), the CLI's two messages.
 */
export const updateKubeconfig: AwsOperation = {
  service: 'eks',
  command: 'update-kubeconfig',
  operation: 'DescribeCluster',
  summary: 'Write the cluster into ~/.kube/config (context, CA, exec: aws eks get-token)',
  params: [
    {
      name: 'name',
      type: 'string',
      required: true,
      description: 'The name of the cluster for which to create a kubeconfig entry.',
    },
    {
      name: 'alias',
      type: 'string',
      description: 'Alias for the cluster context name. Defaults to match cluster ARN.',
    },
    {
      name: 'kubeconfig',
      type: 'string',
      description: 'Optionally specify a kubeconfig file to append with your configuration.',
    },
    {
      name: 'role-arn',
      type: 'string',
      description:
        'To assume a role for cluster authentication, specify an IAM role ARN with this option.',
    },
    {
      name: 'user-alias',
      type: 'string',
      description: 'Alias for the generated user name. Defaults to match cluster ARN.',
    },
    {
      name: 'dry-run',
      type: 'boolean',
      description:
        'Print the merged kubeconfig to stdout instead of writing it to the specified file.',
    },
    {
      name: 'verbose',
      type: 'boolean',
      description:
        'Print more detailed output when writing the kubeconfig file, including the appended entries.',
    },
  ],
  endpoint: (region, args) => eksUrl(region, `/clusters/${String(args.name)}`),
  run(ctx) {
    const name = String(ctx.args.name)
    const c = homeCluster(ctx, name)
    if (!c) return noCluster(name)
    const context = typeof ctx.args.alias === 'string' ? ctx.args.alias : c.arn
    const user = typeof ctx.args['user-alias'] === 'string' ? ctx.args['user-alias'] : c.arn
    const file =
      typeof ctx.args.kubeconfig === 'string'
        ? ctx.args.kubeconfig.replace(/^~/, HOME)
        : `${HOME}/.kube/config`
    if (ctx.args['dry-run']) {
      const roleArgs =
        typeof ctx.args['role-arn'] === 'string'
          ? ['      - --role', `      - ${ctx.args['role-arn']}`]
          : []
      return {
        ok: true,
        lines: [
          'apiVersion: v1',
          'clusters:',
          '- cluster:',
          `    certificate-authority-data: ${c.certificateAuthority}`,
          `    server: ${c.endpoint}`,
          `  name: ${c.arn}`,
          'contexts:',
          '- context:',
          `    cluster: ${c.arn}`,
          `    user: ${user}`,
          `  name: ${context}`,
          `current-context: ${context}`,
          'kind: Config',
          'preferences: {}',
          'users:',
          `- name: ${user}`,
          '  user:',
          '    exec:',
          '      apiVersion: client.authentication.k8s.io/v1beta1',
          '      args:',
          '      - --region',
          `      - ${ctx.region}`,
          '      - eks',
          '      - get-token',
          '      - --cluster-name',
          `      - ${c.name}`,
          '      - --output',
          '      - json',
          ...roleArgs,
          '      command: aws',
        ],
      }
    }
    const before = ctx.history.some((h) => /\baws\s+eks\s+update-kubeconfig\b/.test(h))
    return {
      ok: true,
      lines: [
        before
          ? `Updated context ${context} in ${file}`
          : `Added new context ${context} to ${file}`,
      ],
    }
  },
}

export const EKS_OPERATIONS = [
  listClusters,
  describeCluster,
  listNodegroups,
  describeNodegroup,
  updateKubeconfig,
  associateEncryption,
]
export const EKS_COMMANDS = EKS_OPERATIONS.map(awsCommand)
