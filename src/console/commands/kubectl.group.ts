import type { CommandSpec } from '../types.ts'
import { kubectlGet } from './kubectl-get.ts'
import { kubectlApply } from './kubectl-apply.ts'
import { kubectlReplace } from './kubectl-replace.ts'
import { CREATE_COMMANDS } from './kubectl-create.ts'
import { CREATE_SECRET_COMMANDS } from './kubectl-create-secret.ts'
import { kubectlDelete } from './kubectl-delete.ts'
import { kubectlScale } from './kubectl-scale.ts'
import { kubectlSetEnv } from './kubectl-set-env.ts'
import { kubectlRolloutRestart, kubectlRolloutStatus } from './kubectl-rollout.ts'
import { kubectlWait } from './kubectl-wait.ts'
import { kubectlLogs } from './kubectl-logs.ts'
import { MISC_COMMANDS, kubectlRoot } from './kubectl-misc.ts'
import { AUTH_COMMANDS } from './kubectl-auth.ts'
import { CREATE_RBAC_COMMANDS } from './kubectl-create-rbac.ts'

// kubectl subcommands (describe lives in describe.group.ts, exec in shell.group.ts).
export const KUBECTL_COMMANDS: CommandSpec[] = [
  kubectlRoot,
  kubectlGet,
  kubectlApply,
  kubectlReplace,
  ...CREATE_COMMANDS,
  ...CREATE_SECRET_COMMANDS,
  kubectlDelete,
  kubectlScale,
  kubectlSetEnv,
  kubectlRolloutStatus,
  kubectlRolloutRestart,
  kubectlWait,
  kubectlLogs,
  ...MISC_COMMANDS.filter((c) => c !== kubectlRoot),
  ...CREATE_RBAC_COMMANDS,
  ...AUTH_COMMANDS,
]
