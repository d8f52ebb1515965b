import type { CommandSpec } from '../types.ts'

// Command specs of this group, in the order help lists them.
export const AWS_COMMANDS: CommandSpec[] = []
