import type { CommandSpec } from '../types.ts'
import { SSH_COMMANDS } from './shell-ssh.ts'
import { kubectlExec } from './shell-exec.ts'
import { COREUTILS_COMMANDS } from './shell-coreutils.ts'

// Command specs of this group, in the order help lists them: getting into a node or a container,
// then the tools available there.
export const SHELL_COMMANDS: CommandSpec[] = [...SSH_COMMANDS, kubectlExec, ...COREUTILS_COMMANDS]
