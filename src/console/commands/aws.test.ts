import { describe, expect, it } from 'vitest'
import { createSimulation } from '../../engine/index.ts'
import { Console } from '../session.ts'

// The AWS CLI commands against a seed-7 cluster: golden output, determinism, errors, --query/--output.

function boot(): Console {
  return new Console(createSimulation({ seed: 7 }), { settleAfterCommands: true })
}
const text = (c: Console, cmd: string) =>
  c
    .run(cmd)
    .lines.map((l) => l.text)
    .join('\n') + '\n'

describe('aws eks', () => {
  it('list-clusters and describe-cluster print the service JSON', async () => {
    const c = boot()
    expect(text(c, 'aws eks list-clusters')).toBe(
      '{\n    "clusters": [\n        "demo"\n    ]\n}\n',
    )
    const out = text(c, 'aws eks describe-cluster --name demo')
    await expect(out).toMatchFileSnapshot('./__golden__/aws-describe-cluster.txt')
    const cluster = (JSON.parse(out) as { cluster: Record<string, unknown> }).cluster
    expect(Object.keys(cluster).slice(0, 6)).toEqual([
      'name',
      'arn',
      'createdAt',
      'version',
      'endpoint',
      'roleArn',
    ])
    expect(cluster.createdAt).toMatch(/^2026-03-02T08:40:00(\.\d{6})?\+00:00$/)
    // the default AWS-owned envelope-encryption key is not reported
    expect(cluster).not.toHaveProperty('encryptionConfig')
  })

  it('is deterministic: same seed, same bytes', () => {
    const cmds = [
      'aws eks describe-cluster --name demo',
      'aws ec2 describe-instances',
      'aws ec2 describe-network-interfaces',
      'aws sts get-caller-identity',
    ]
    const a = boot()
    const b = boot()
    for (const cmd of cmds) expect(text(a, cmd)).toBe(text(b, cmd))
    // and reading does not move the simulation
    const v = a.sim.version
    text(a, 'aws ec2 describe-subnets')
    expect(a.sim.version).toBe(v)
  })

  it('list-nodegroups and describe-nodegroup', async () => {
    const c = boot()
    const ng = text(
      c,
      'aws eks list-nodegroups --cluster-name demo --query nodegroups[0] --output text',
    ).trim()
    expect(ng).toMatch(/^ng-/)
    const out = text(c, `aws eks describe-nodegroup --cluster-name demo --nodegroup-name ${ng}`)
    await expect(out).toMatchFileSnapshot('./__golden__/aws-describe-nodegroup.txt')
    const n = (JSON.parse(out) as { nodegroup: Record<string, unknown> }).nodegroup
    expect(Object.keys(n).slice(0, 10)).toEqual([
      'nodegroupName',
      'nodegroupArn',
      'clusterName',
      'version',
      'releaseVersion',
      'createdAt',
      'modifiedAt',
      'status',
      'capacityType',
      'scalingConfig',
    ])
    expect(n.scalingConfig).toEqual({ minSize: 3, maxSize: 3, desiredSize: 3 })
    expect(
      text(
        c,
        `aws eks describe-nodegroup --cluster-name demo --nodegroup-name ${ng} --query nodegroup.resources.autoScalingGroups[0].name --output text`,
      ),
    ).toMatch(new RegExp(`^eks-${ng}-[0-9a-f-]{36}\n$`))
  })

  it('update-kubeconfig adds, then updates, the context', () => {
    const c = boot()
    const arn = text(
      c,
      'aws eks describe-cluster --name demo --query cluster.arn --output text',
    ).trim()
    expect(text(c, 'aws eks update-kubeconfig --name demo --region us-west-2')).toBe(
      `Added new context ${arn} to /home/learner/.kube/config\n`,
    )
    expect(text(c, 'aws eks update-kubeconfig --name demo')).toBe(
      `Updated context ${arn} in /home/learner/.kube/config\n`,
    )
    expect(text(c, 'aws eks update-kubeconfig --name demo --alias lab --dry-run')).toContain(
      'current-context: lab\n',
    )
  })

  it('reports an unknown cluster as the service does (exit 254)', () => {
    const c = boot()
    const r = c.run('aws eks describe-cluster --name nosuch')
    expect(r.exitCode).toBe(254)
    expect(r.lines.map((l) => l.text)).toEqual([
      '',
      'An error occurred (ResourceNotFoundException) when calling the DescribeCluster operation: No cluster found for name: nosuch.',
    ])
    expect(r.lines.every((l) => l.tone === 'err')).toBe(true)
    expect(c.run('aws eks describe-cluster --name demo --region eu-west-1').exitCode).toBe(254)
    expect(c.run('aws eks list-nodegroups --cluster-name nosuch').exitCode).toBe(254)
  })

  it('reports command-line errors as argparse does (exit 252)', () => {
    const c = boot()
    const usage = [
      'usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]',
      'To see help text, you can run:',
      '',
      '  aws help',
      '  aws <command> help',
      '  aws <command> <subcommand> help',
    ]
    const r = c.run('aws eks describe-cluster')
    expect(r.exitCode).toBe(252)
    expect(r.lines.map((l) => l.text)).toEqual([
      ...usage,
      'aws: error: the following arguments are required: --name',
    ])
    expect(c.run('aws eks describe-nodegroup').lines.at(-1)!.text).toBe(
      'aws: error: the following arguments are required: --cluster-name, --nodegroup-name',
    )
    expect(c.run('aws eks describe-cluster --name').lines.at(-1)!.text).toBe(
      'aws: error: argument --name: expected one argument',
    )
    const u = c.run('aws ec2 describe-vpcs --bogus 1')
    expect(u.exitCode).toBe(252)
    expect(u.lines.slice(-2).map((l) => l.text)).toEqual(['', 'Unknown options: --bogus, 1'])
    expect(c.run('aws eks list-clusters --output xml').lines.map((l) => l.text)).toContain(
      'aws: error: argument --output: Invalid choice, valid choices are:',
    )
    const q = c.run("aws eks list-clusters --query 'clusters['")
    expect(q.exitCode).toBe(252)
    expect(q.lines[1]!.text).toBe(
      'Bad value for --query clusters[: Invalid jmespath expression: Incomplete expression',
    )
    const reg = c.run('aws eks list-clusters --region us-wst-2')
    expect(reg.exitCode).toBe(255)
    expect(reg.lines[1]!.text).toBe(
      'Could not connect to the endpoint URL: "https://eks.us-wst-2.amazonaws.com/clusters"',
    )
  })
})

describe('aws ec2', () => {
  it('describe-instances: golden, --instance-ids, nodegroup tag filter', async () => {
    const c = boot()
    const out = text(c, 'aws ec2 describe-instances')
    await expect(out).toMatchFileSnapshot('./__golden__/aws-describe-instances.txt')
    const ids = Object.keys(c.sim.state.aws.instances)
    const one = JSON.parse(text(c, `aws ec2 describe-instances --instance-ids ${ids[1]}`)) as {
      Reservations: { Instances: { InstanceId: string }[] }[]
    }
    expect(one.Reservations.map((r) => r.Instances[0]!.InstanceId)).toEqual([ids[1]])
    const ng = Object.keys(c.sim.state.aws.nodeGroups)[0]!
    expect(
      text(
        c,
        `aws ec2 describe-instances --filters Name=tag:eks:nodegroup-name,Values=${ng} --query Reservations[].Instances[].InstanceId --output text`,
      ),
    ).toBe(`${ids.join('\t')}\n`)
    expect(
      text(c, 'aws ec2 describe-instances --filters Name=tag:eks:nodegroup-name,Values=other'),
    ).toBe('{\n    "Reservations": []\n}\n')
    const nf = c.run('aws ec2 describe-instances --instance-ids i-0123456789abcdef0')
    expect(nf.exitCode).toBe(254)
    expect(nf.lines[1]!.text).toBe(
      "An error occurred (InvalidInstanceID.NotFound) when calling the DescribeInstances operation: The instance ID 'i-0123456789abcdef0' does not exist",
    )
    expect(
      c.run('aws ec2 describe-instances --filters Name=nope,Values=x').lines[1]!.text,
    ).toContain("The filter 'nope' is invalid")
  })

  it('the VPC: subnets, route tables, NAT and internet gateways, ENIs, VPCs', async () => {
    const c = boot()
    for (const [cmd, file] of [
      ['aws ec2 describe-subnets', 'aws-describe-subnets'],
      ['aws ec2 describe-route-tables', 'aws-describe-route-tables'],
      ['aws ec2 describe-nat-gateways', 'aws-describe-nat-gateways'],
      ['aws ec2 describe-internet-gateways', 'aws-describe-internet-gateways'],
      ['aws ec2 describe-network-interfaces', 'aws-describe-network-interfaces'],
      ['aws ec2 describe-vpcs', 'aws-describe-vpcs'],
    ])
      await expect(text(c, cmd!)).toMatchFileSnapshot(`./__golden__/${file}.txt`)
    const aws = c.sim.state.aws
    expect(
      text(
        c,
        "aws ec2 describe-subnets --query 'Subnets[?MapPublicIpOnLaunch].SubnetId' --output text",
      )
        .trim()
        .split('\t'),
    ).toEqual(aws.subnets.filter((s) => s.public).map((s) => s.subnetId))
    // private route tables send 0.0.0.0/0 to the NAT gateway
    const nat = text(
      c,
      "aws ec2 describe-route-tables --query 'RouteTables[].Routes[?DestinationCidrBlock==`0.0.0.0/0`].NatGatewayId[]' --output text",
    ).trim()
    expect(nat.split('\t')).toEqual([
      aws.natGateways[0]!.natGatewayId,
      aws.natGateways[0]!.natGatewayId,
      aws.natGateways[0]!.natGatewayId,
    ])
  })
})

describe('aws sts and output formats', () => {
  it('get-caller-identity in json, text, table and yaml', async () => {
    const c = boot()
    const acct = c.sim.state.aws.accountId
    const j = JSON.parse(text(c, 'aws sts get-caller-identity')) as Record<string, string>
    expect(Object.keys(j)).toEqual(['UserId', 'Account', 'Arn'])
    expect(j.Account).toBe(acct)
    expect(text(c, 'aws sts get-caller-identity --output text')).toBe(
      `${acct}\tarn:aws:iam::${acct}:user/learner\t${j.UserId}\n`,
    )
    expect(text(c, 'aws sts get-caller-identity --query Account --output text')).toBe(`${acct}\n`)
    expect(text(c, 'aws sts get-caller-identity --query Account')).toBe(`"${acct}"\n`)
    await expect(text(c, 'aws sts get-caller-identity --output table')).toMatchFileSnapshot(
      './__golden__/aws-get-caller-identity-table.txt',
    )
    expect(text(c, 'aws sts get-caller-identity --output yaml')).toBe(
      `UserId: ${j.UserId}\nAccount: '${acct}'\nArn: arn:aws:iam::${acct}:user/learner\n`,
    )
  })

  it('--query multiselect list and hash, text and table output', async () => {
    const c = boot()
    const rows = text(
      c,
      "aws ec2 describe-instances --query 'Reservations[].Instances[].[InstanceId,PrivateIpAddress,Placement.AvailabilityZone]' --output text",
    )
      .trim()
      .split('\n')
    expect(rows).toHaveLength(3)
    expect(rows[0]!.split('\t')[2]).toBe('us-west-2a')
    await expect(
      text(
        c,
        "aws ec2 describe-instances --query 'Reservations[*].Instances[*].{ID:InstanceId,AZ:Placement.AvailabilityZone}' --output table",
      ),
    ).toMatchFileSnapshot('./__golden__/aws-describe-instances-query-table.txt')
    await expect(text(c, 'aws ec2 describe-route-tables --output text')).toMatchFileSnapshot(
      './__golden__/aws-describe-route-tables-text.txt',
    )
  })
})
