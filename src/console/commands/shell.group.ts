import type { CommandSpec } from '../types.ts'
import { SSH_COMMANDS } from './shell-ssh.ts'
import { kubectlExec } from './shell-exec.ts'
import { COREUTILS_COMMANDS } from './shell-coreutils.ts'
import { SHELL_LOGS_COMMANDS, tailFollow } from './shell-logs.ts'
import { SHELL_NET_COMMANDS } from './shell-net.ts'
import { IPTABLES_COMMANDS } from './shell-iptables.ts'
import { mount } from './shell-mount.ts'
import { ip } from './shell-ip.ts'
import { traceroute } from './shell-traceroute.ts'

// Command specs of this group, in the order help lists them: getting into a node or a container,
// then the tools available there.
// (tailFollow wraps coreutils' tail and must come before it: the first spec with a path wins)
export const SHELL_COMMANDS: CommandSpec[] = [
  ...SSH_COMMANDS,
  kubectlExec,
  tailFollow,
  ...COREUTILS_COMMANDS,
  ...SHELL_LOGS_COMMANDS,
  ...SHELL_NET_COMMANDS,
  ...IPTABLES_COMMANDS,
  mount,
  ip,
  traceroute,
]
