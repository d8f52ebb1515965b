import type { AwsOperation, OpContext, OpResult } from '../aws/cli.ts'
import { awsCommand } from '../aws/cli.ts'
import { eksNodegroup } from '../aws/resources.ts'
import { awsTime, uuidFrom } from '../aws/derive.ts'
import { accessEntries } from '../../engine/index.ts'

// aws eks list-access-entries / describe-access-entry / list-associated-access-policies: the other
// half of "who can read a Secret?" on EKS. The cluster creator's admin rights are an access entry
// with AmazonEKSClusterAdminPolicy, which EKS's authorizer applies and no ClusterRoleBinding shows
// (https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html). Managed node groups get an
// EC2_LINUX entry for their node role (username system:node:{{EC2PrivateDNSName}}, group system:nodes).

interface Entry {
  principalArn: string
  type: 'STANDARD' | 'EC2_LINUX'
  username: string
  kubernetesGroups: string[]
  policies: string[]
}

function entries(ctx: OpContext): Entry[] {
  const aws = ctx.state.aws
  const out: Entry[] = accessEntries(ctx.state).map((e) => ({
    principalArn: e.principalArn,
    type: 'STANDARD',
    username: e.principalArn,
    kubernetesGroups: [],
    policies: e.policies,
  }))
  for (const ng of Object.values(aws.nodeGroups))
    out.push({
      principalArn: String(eksNodegroup(aws, ng).nodeRole),
      type: 'EC2_LINUX',
      username: 'system:node:{{EC2PrivateDNSName}}',
      kubernetesGroups: ['system:nodes'],
      policies: [],
    })
  return out.sort((a, b) => (a.principalArn < b.principalArn ? -1 : 1))
}

const eksUrl = (region: string, path: string) => `https://eks.${region}.amazonaws.com${path}`
const CLUSTER_PARAM = {
  name: 'cluster-name',
  type: 'string' as const,
  required: true,
  description: 'The name of your cluster.',
}
const PRINCIPAL_PARAM = {
  name: 'principal-arn',
  type: 'string' as const,
  required: true,
  description: 'The ARN of the IAM principal for the AccessEntry.',
}

/** The cluster, or the error EKS gives for any other name or region. */
function checkCluster(ctx: OpContext): OpResult | undefined {
  const name = String(ctx.args['cluster-name'])
  if (ctx.region === ctx.state.aws.region && name === ctx.state.aws.cluster.name) return undefined
  return {
    ok: false,
    code: 'ResourceNotFoundException',
    message: `No cluster found for name: ${name}.`,
  }
}

function findEntry(ctx: OpContext): Entry | OpResult {
  const arn = String(ctx.args['principal-arn'])
  const e = entries(ctx).find((x) => x.principalArn === arn)
  return (
    e ?? {
      ok: false,
      code: 'ResourceNotFoundException',
      message: `The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.`,
    }
  )
}

const isEntry = (x: Entry | OpResult): x is Entry => 'principalArn' in x

export const listAccessEntries: AwsOperation = {
  service: 'eks',
  command: 'list-access-entries',
  operation: 'ListAccessEntries',
  summary: 'List the IAM principals that have access entries to the cluster',
  params: [
    CLUSTER_PARAM,
    {
      name: 'associated-policy-arn',
      type: 'string',
      description: 'The ARN of an AccessPolicy. Only access entries with this policy are listed.',
    },
    { name: 'max-results', type: 'integer', description: 'The maximum number of results.' },
  ],
  endpoint: (region, args) =>
    eksUrl(region, `/clusters/${String(args['cluster-name'])}/access-entries`),
  run(ctx) {
    const bad = checkCluster(ctx)
    if (bad) return bad
    const policy = ctx.args['associated-policy-arn']
    const list = entries(ctx).filter(
      (e) => policy === undefined || e.policies.includes(String(policy)),
    )
    return { ok: true, data: { accessEntries: list.map((e) => e.principalArn) } }
  },
}

export const describeAccessEntry: AwsOperation = {
  service: 'eks',
  command: 'describe-access-entry',
  operation: 'DescribeAccessEntry',
  summary: 'Describe an access entry: its Kubernetes username, groups and type',
  params: [CLUSTER_PARAM, PRINCIPAL_PARAM],
  endpoint: (region, args) =>
    eksUrl(
      region,
      `/clusters/${String(args['cluster-name'])}/access-entries/${String(args['principal-arn'])}`,
    ),
  run(ctx) {
    const bad = checkCluster(ctx)
    if (bad) return bad
    const e = findEntry(ctx)
    if (!isEntry(e)) return e
    const aws = ctx.state.aws
    const c = aws.cluster
    // access-entry/<cluster>/<user|role>/<account>/<name>/<id>
    const [, kind, name] = /:(user|role)\/(.+)$/.exec(e.principalArn) ?? []
    const arn = `arn:aws:eks:${aws.region}:${aws.accountId}:access-entry/${c.name}/${kind}/${aws.accountId}/${name}/${uuidFrom(e.principalArn)}`
    return {
      ok: true,
      data: {
        accessEntry: {
          clusterName: c.name,
          principalArn: e.principalArn,
          kubernetesGroups: e.kubernetesGroups,
          accessEntryArn: arn,
          createdAt: awsTime(c.createdAt, arn),
          modifiedAt: awsTime(c.createdAt, arn),
          tags: {},
          username: e.username,
          type: e.type,
        },
      },
    }
  },
}

export const listAssociatedAccessPolicies: AwsOperation = {
  service: 'eks',
  command: 'list-associated-access-policies',
  operation: 'ListAssociatedAccessPolicies',
  summary: 'List the EKS access policies (e.g. AmazonEKSClusterAdminPolicy) of an access entry',
  params: [CLUSTER_PARAM, PRINCIPAL_PARAM],
  endpoint: (region, args) =>
    eksUrl(
      region,
      `/clusters/${String(args['cluster-name'])}/access-entries/${String(args['principal-arn'])}/access-policies`,
    ),
  run(ctx) {
    const bad = checkCluster(ctx)
    if (bad) return bad
    const e = findEntry(ctx)
    if (!isEntry(e)) return e
    const c = ctx.state.aws.cluster
    return {
      ok: true,
      data: {
        clusterName: c.name,
        principalArn: e.principalArn,
        associatedAccessPolicies: e.policies.map((policyArn) => ({
          policyArn,
          accessScope: { type: 'cluster', namespaces: [] },
          associatedAt: awsTime(c.createdAt, `${e.principalArn}/${policyArn}`),
          modifiedAt: awsTime(c.createdAt, `${e.principalArn}/${policyArn}`),
        })),
      },
    }
  },
}

export const EKS_ACCESS_COMMANDS = [
  awsCommand(listAccessEntries),
  awsCommand(describeAccessEntry),
  awsCommand(listAssociatedAccessPolicies),
]
