import type { AwsOperation, OpContext, OpResult } from '../aws/cli.ts'
import type { Json } from '../aws/jmespath.ts'
import { associateEncryptionConfig, rfc3339 } from '../../engine/index.ts'
import { awsTime, uuidFrom } from '../aws/derive.ts'

// aws eks associate-encryption-config: turn on envelope encryption of Secrets with a customer
// managed KMS key on an existing cluster (https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html).
// The response is the EKS Update object; `aws eks describe-cluster` then shows `encryptionConfig`.
// Existing Secrets stay unencrypted in etcd until they are written again.

type EncryptionConfig = { resources: string[]; provider: { keyArn: string } }[]

const KEY_ARN = /^arn:aws:kms:[a-z0-9-]+:\d{12}:(key\/[0-9a-f-]{36}|alias\/[\w/-]+)$/

function parseConfig(text: string): EncryptionConfig | string {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    return "Error parsing parameter '--encryption-config': Invalid JSON"
  }
  const ok =
    Array.isArray(v) &&
    v.length === 1 &&
    v.every(
      (c) =>
        c &&
        Array.isArray(c.resources) &&
        c.resources.every((r: unknown) => typeof r === 'string') &&
        typeof c.provider?.keyArn === 'string',
    )
  return ok ? (v as EncryptionConfig) : 'bad'
}

export const associateEncryption: AwsOperation = {
  service: 'eks',
  command: 'associate-encryption-config',
  operation: 'AssociateEncryptionConfig',
  summary: 'Encrypt Secrets with your KMS key from now on (existing ones when next written)',
  params: [
    {
      name: 'cluster-name',
      type: 'string',
      required: true,
      description: 'The name of your cluster.',
    },
    {
      name: 'encryption-config',
      type: 'string',
      required: true,
      description: 'The configuration you are using for encryption (JSON).',
    },
  ],
  mutates: true,
  endpoint: (region, args) =>
    `https://eks.${region}.amazonaws.com/clusters/${String(args['cluster-name'])}/encryption-config/associate`,
  run(ctx: OpContext): OpResult {
    const name = String(ctx.args['cluster-name'])
    const c = ctx.state.aws.cluster
    if (ctx.region !== ctx.state.aws.region || name !== c.name)
      return {
        ok: false,
        code: 'ResourceNotFoundException',
        message: `No cluster found for name: ${name}.`,
      }
    const config = parseConfig(String(ctx.args['encryption-config']))
    if (typeof config === 'string' && config !== 'bad')
      return { ok: false, code: 'ParamValidation', message: config }
    // [unconfirmed] wording of the three InvalidParameter/InvalidRequest messages below
    if (config === 'bad' || config[0]!.resources.join() !== 'secrets')
      return {
        ok: false,
        code: 'InvalidParameterException',
        message:
          'Encryption config must contain exactly one entry with resources ["secrets"] and a provider keyArn.',
      }
    const keyArn = config[0]!.provider.keyArn
    if (!KEY_ARN.test(keyArn))
      return {
        ok: false,
        code: 'InvalidParameterException',
        message: `Invalid KMS key ARN: ${keyArn}`,
      }
    if (c.encryptionConfig)
      return {
        ok: false,
        code: 'InvalidRequestException',
        message: 'Encryption is already enabled on the cluster; it cannot be changed or disabled.',
      }
    if (!ctx.sim) return { ok: false, code: 'InternalError', message: 'no simulation' }
    const r = ctx.sim.transact((cx) => associateEncryptionConfig(cx, config))
    if (!r.ok) return { ok: false, code: 'InternalError', message: String(r.error) }
    const now = rfc3339(ctx.state.now)
    const update: Json = {
      id: uuidFrom(`update/${c.arn}/${ctx.state.now}`),
      // SIMPLIFICATION: EKS reports InProgress and rolls the API servers for minutes; ours are done already
      status: 'InProgress',
      type: 'AssociateEncryptionConfig',
      params: [{ type: 'EncryptionConfig', value: JSON.stringify(config) }],
      createdAt: awsTime(now, `update/${c.arn}`),
      errors: [],
    }
    return { ok: true, data: { update } }
  },
}
