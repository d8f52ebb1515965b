import type { CommandSpec } from '../types.ts'
import { EKS_COMMANDS } from './aws-eks.ts'
import { EC2_COMMANDS } from './aws-ec2.ts'
import { STS_COMMANDS } from './aws-sts.ts'
import { LOGS_COMMANDS } from './aws-logs.ts'
import { EKS_ACCESS_COMMANDS } from './aws-eks-access.ts'

// Command specs of this group, in the order help lists them.
export const AWS_COMMANDS: CommandSpec[] = [
  ...EKS_COMMANDS,
  ...EKS_ACCESS_COMMANDS,
  ...EC2_COMMANDS,
  ...LOGS_COMMANDS,
  ...STS_COMMANDS,
]
