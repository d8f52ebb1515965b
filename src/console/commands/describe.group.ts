import type { CommandSpec } from '../types.ts'
import { kubectlDescribe } from './kubectl-describe.ts'

// Command specs of this group, in the order help lists them.
export const DESCRIBE_COMMANDS: CommandSpec[] = [kubectlDescribe]
