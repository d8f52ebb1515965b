import type { CommandSpec } from '../types.ts'
import { kubectlGet } from './kubectl-get.ts'

// kubectl subcommands (describe lives in describe.group.ts, exec in shell.group.ts).
export const KUBECTL_COMMANDS: CommandSpec[] = [kubectlGet]
