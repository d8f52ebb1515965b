import type { CommandSpec, OutputLine, ShellMode } from '../types.ts'
import { err, dim } from '../types.ts'
import { BUILTIN_COMMANDS } from './builtins.ts'
import { KUBECTL_COMMANDS } from './kubectl.group.ts'
import { DESCRIBE_COMMANDS } from './describe.group.ts'
import { SHELL_COMMANDS } from './shell.group.ts'
import { AWS_COMMANDS } from './aws.group.ts'
import { TEXT_COMMANDS } from './textutils.ts'
import { ETCD_COMMANDS } from './etcd.group.ts'
import { EKSCTL_COMMANDS, eksctlAlias, eksctlUnknownCommand, eksctlVerbHelp } from './eksctl.ts'
import { choicesMessage, usageError } from '../aws/cli.ts'
import { withAccessCheck } from '../kubectl/access.ts'

// The one table of commands. Help, tab completion and scenario checks all read it.
// Order matters only for help listings; resolution picks the longest matching path.
// Every kubectl command is wrapped by the API server's authentication/authorization (--as, RBAC).
export const COMMANDS: readonly CommandSpec[] = [
  ...KUBECTL_COMMANDS,
  ...DESCRIBE_COMMANDS,
  ...AWS_COMMANDS,
  ...EKSCTL_COMMANDS,
  ...SHELL_COMMANDS,
  ...BUILTIN_COMMANDS,
  ...TEXT_COMMANDS,
  ...ETCD_COMMANDS,
].map(withAccessCheck)

export function commandsForMode(mode: ShellMode): CommandSpec[] {
  return COMMANDS.filter((c) => c.modes.includes(mode.kind))
}

export type Resolved =
  | { ok: true; spec: CommandSpec; rest: string[] }
  | { ok: false; lines: OutputLine[]; exitCode: number }

/** Levenshtein distance, for "Did you mean this?" */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      )
  return d[a.length]![b.length]!
}

function notFound(word: string, mode: ShellMode): OutputLine[] {
  const hint = dim(`(Cutaway simulates a subset of commands here; type \`help\` to list them.)`)
  switch (mode.kind) {
    case 'local':
      return [err(`bash: ${word}: command not found`), hint]
    case 'node':
      return [
        err(
          mode.via === 'ssm'
            ? `sh: ${word}: command not found`
            : `-bash: ${word}: command not found`,
        ),
        hint,
      ]
    case 'container':
      return [
        err(mode.shell === 'bash' ? `bash: ${word}: command not found` : `sh: ${word}: not found`),
        hint,
      ]
  }
}

const VALUE_FLAGS = ['-n', '--namespace', '--context', '--kubeconfig', '--as', '--as-group']

// The subcommands of kubectl's command groups in 1.32 (`kubectl set`, `kubectl rollout`,
// `kubectl config` with no subcommand print them): a real one Cutaway lacks gets a note rather
// than "unknown command".
const KUBECTL_GROUPS: Record<string, Record<string, string>> = {
  set: {
    env: 'Update environment variables on a pod template',
    image: 'Update the image of a pod template',
    resources: 'Update resource requests/limits on objects with pod templates',
    selector: 'Set the selector on a resource',
    serviceaccount: 'Update the service account of a resource',
    subject: 'Update the user, group, or service account in a role binding or cluster role binding',
  },
  rollout: {
    history: 'View rollout history',
    pause: 'Mark the provided resource as paused',
    restart: 'Restart a resource',
    resume: 'Resume a paused resource',
    status: 'Show the status of the rollout',
    undo: 'Undo a previous rollout',
  },
  config: {
    'current-context': 'Display the current-context',
    'delete-cluster': 'Delete the specified cluster from the kubeconfig',
    'delete-context': 'Delete the specified context from the kubeconfig',
    'delete-user': 'Delete the specified user from the kubeconfig',
    'get-clusters': 'Display clusters defined in the kubeconfig',
    'get-contexts': 'Describe one or many contexts',
    'get-users': 'Display users defined in the kubeconfig',
    'rename-context': 'Rename a context from the kubeconfig file',
    set: 'Set an individual value in a kubeconfig file',
    'set-cluster': 'Set a cluster entry in kubeconfig',
    'set-context': 'Set a context entry in kubeconfig',
    'set-credentials': 'Set a user entry in kubeconfig',
    unset: 'Unset an individual value in a kubeconfig file',
    'use-context': 'Set the current-context in a kubeconfig file',
    view: 'Display merged kubeconfig settings or a specified kubeconfig file',
  },
}

/**
 * `kubectl set bogus`: cobra fails client-side with the unknown word and the group's help
 * (kubectl 1.32, checked with the real binary); a real subcommand Cutaway lacks says so instead.
 */
function kubectlGroupError(args: readonly string[], subs: CommandSpec[]): OutputLine[] | undefined {
  const words = args.filter((a, i) => !a.startsWith('-') && !VALUE_FLAGS.includes(args[i - 1]!))
  const [group, sub] = words
  if (!group || !subs.some((s) => s.path.length > 2 && s.path[1] === group)) return undefined
  const known = KUBECTL_GROUPS[group] ?? {}
  if (!sub) {
    // cmdutil.DefaultSubCommandRun: the group's help on stderr, exit 1 (abridged to its commands)
    const width = Math.max(...Object.keys(known).map((k) => k.length)) + 3
    return [
      err('Available Commands:'),
      ...Object.entries(known).map(([k, d]) => err(`  ${k.padEnd(width)}${d}`)),
      err(''),
      err('Usage:'),
      err(`  kubectl ${group} SUBCOMMAND [options]`),
    ]
  }
  if (Object.hasOwn(known, sub))
    return [
      dim(
        `(Cutaway does not simulate \`kubectl ${group} ${sub}\`; nothing was changed. Simulated: ${subs
          .filter((s) => s.path[1] === group && s.path.length > 2)
          .map((s) => `kubectl ${s.path.slice(1).join(' ')}`)
          .join(', ')}.)`,
      ),
    ]
  return [
    err(`error: unknown command "${sub}"`),
    err(`See 'kubectl ${group} -h' for help and examples`),
  ]
}

export function resolveCommand(words: readonly string[], mode: ShellMode): Resolved {
  const argv = eksctlAlias(words)
  const available = commandsForMode(mode)
  let best: CommandSpec | undefined
  for (const spec of available) {
    if (spec.path.length > argv.length) continue
    if (spec.path.every((w, i) => argv[i] === w) && (!best || spec.path.length > best.path.length))
      best = spec
  }
  // prefer a deeper command when flags come first (`kubectl -n kube-system get pods`)
  if (best && argv[0] === 'kubectl' && best.path.length === 1) {
    const args = argv.slice(1)
    let i = 0
    while (i < args.length && args[i]!.startsWith('-')) i += VALUE_FLAGS.includes(args[i]!) ? 2 : 1
    const sub = args[i]
    if (sub) {
      // `kubectl --as=x auth can-i …`, `kubectl -n ns create role …`: a third word right after
      const third = available.find(
        (s) =>
          s.path.length === 3 &&
          s.path[0] === 'kubectl' &&
          s.path[1] === sub &&
          s.path[2] === args[i + 1],
      )
      if (third) return { ok: true, spec: third, rest: [...args.slice(0, i), ...args.slice(i + 2)] }
      const deeper = available.find(
        (s) => s.path.length === 2 && s.path[0] === 'kubectl' && s.path[1] === sub,
      )
      if (deeper)
        return { ok: true, spec: deeper, rest: [...args.slice(0, i), ...args.slice(i + 1)] }
    }
  }
  if (
    best &&
    (best.path.length > 1 ||
      !COMMANDS.some((c) => c.path[0] === argv[0] && c.path.length > 1) ||
      argv.length === 1)
  )
    return { ok: true, spec: best, rest: argv.slice(best.path.length) }
  const tool = argv[0]!
  const subs = available.filter((s) => s.path[0] === tool && s.path.length > 1)
  if (subs.length === 0) {
    if (best) return { ok: true, spec: best, rest: argv.slice(best.path.length) }
    return { ok: false, lines: notFound(tool, mode), exitCode: 127 }
  }
  const sub = argv[1] ?? ''
  if (tool === 'eksctl') {
    // cobra: root flags and `version` go to the root command; anything else is unknown
    if (best && (sub.startsWith('-') || sub === 'version'))
      return { ok: true, spec: best, rest: argv.slice(1) }
    const verbHelp = eksctlVerbHelp(sub)
    if (verbHelp) return { ok: false, lines: verbHelp, exitCode: 0 }
    return { ok: false, lines: eksctlUnknownCommand(sub, editDistance), exitCode: 1 }
  }
  if (tool === 'kubectl') {
    const group = kubectlGroupError(argv.slice(1), subs)
    if (group) return { ok: false, lines: group, exitCode: 1 }
    const names = [...new Set(subs.map((s) => s.path[1]!))]
    const close = names.filter(
      (n) => editDistance(n, sub) <= 2 || (sub.length > 2 && n.startsWith(sub)),
    )
    const lines = [err(`error: unknown command "${sub}" for "kubectl"`)]
    if (close.length)
      lines.push(err(''), err('Did you mean this?'), ...close.map((c) => err(`\t${c}`)))
    return { ok: false, lines, exitCode: 1 }
  }
  if (tool === 'aws') {
    // `aws eks bogus`: argparse's invalid choice, listing the operations of that service in two columns
    const service = argv[1]
    const ops = [
      ...new Set(
        subs.filter((s) => s.path[1] === service && s.path.length > 2).map((s) => s.path[2]!),
      ),
    ].sort()
    const services = [...new Set(subs.map((s) => s.path[1]!))].sort()
    const r = ops.length
      ? usageError(`argument operation: ${choicesMessage(ops).join('\n')}`)
      : usageError(`argument command: ${choicesMessage(services).join('\n')}`)
    return { ok: false, lines: r.lines, exitCode: r.exitCode }
  }
  return {
    ok: false,
    lines: [
      err(`${tool}: unknown command "${argv.slice(1).join(' ')}"`),
      dim(`Known: ${subs.map((s) => s.path.join(' ')).join(', ')}`),
    ],
    exitCode: 1,
  }
}
