import type { AwsOperation } from '../aws/cli.ts'
import { awsCommand } from '../aws/cli.ts'
import { callerIdentity } from '../aws/resources.ts'

// aws sts get-caller-identity: who the CLI is signed in as (the IAM user that created the cluster).

export const getCallerIdentity: AwsOperation = {
  service: 'sts',
  command: 'get-caller-identity',
  operation: 'GetCallerIdentity',
  summary: 'Show the IAM identity the AWS CLI uses (account, user ARN)',
  params: [],
  endpoint: (region) => `https://sts.${region}.amazonaws.com/`,
  run: (ctx) => ({ ok: true, data: callerIdentity(ctx.state.aws) }),
}

export const STS_COMMANDS = [awsCommand(getCallerIdentity)]
