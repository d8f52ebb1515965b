import { AWS_USAGE, usageError } from '../aws/cli.ts'
import type { ClusterState, NodeRuntime } from '../../engine/index.ts'
import { hashHex } from '../../engine/node/util.ts'
import type { CommandEnv, CommandSpec, OutputLine } from '../types.ts'
import { out, err, dim, ok } from '../types.ts'
import { runLine } from './shell-context.ts'

// Getting onto a node: `ssh <node>` (as ec2-user, the AL2023 login) and
// `aws ssm start-session --target <instance-id>` (Session Manager), and `exit`/`logout` back.
// Cutaway hands the learner a root shell straight away, as if they had run `sudo -i`.

/** The IAM user the learner's AWS CLI is configured as (it names SSM sessions). */
export const IAM_USER = 'learner' // the same user `aws sts get-caller-identity` reports

const AL2023_BANNER = [
  '   ,     #_',
  '   ~\\_  ####_        Amazon Linux 2023',
  '  ~~  \\_#####\\',
  '  ~~     \\###|',
  '  ~~       \\#/ ___   https://aws.amazon.com/linux/amazon-linux-2023',
  "   ~~       V~' '->",
  '    ~~~         /',
  '      ~~._.   _/',
  '         _/ _/',
  "       _/m/'",
]

const ROOT_NOTE = dim('(Cutaway gives you a root shell here, as after `sudo -i`.)')

/** A node by its name, short name (ip-192-168-1-2), private IP, public IP or public DNS name. */
export function findNode(state: ClusterState, host: string): NodeRuntime | undefined {
  for (const n of Object.values(state.nodes)) {
    const inst = state.aws.instances[n.instanceId]
    if (
      n.name === host ||
      n.name.split('.')[0] === host ||
      n.ip === host ||
      inst?.publicIpAddress === host ||
      inst?.publicDnsName === host ||
      inst?.privateDnsName === host
    )
      return n
  }
  return undefined
}

const SSH_WITH_ARG = new Set([
  '-i',
  '-o',
  '-p',
  '-l',
  '-F',
  '-J',
  '-L',
  '-R',
  '-D',
  '-E',
  '-b',
  '-c',
  '-m',
  '-S',
  '-W',
  '-w',
  '-O',
  '-Q',
  '-B',
  '-e',
])

const ssh: CommandSpec = {
  path: ['ssh'],
  modes: ['local'],
  summary: 'Log in to a worker node (ssh <node-name|ip>), or run one command there',
  usage: 'ssh [-i key.pem] [ec2-user@]<node> [command …]',
  args: ['node'],
  rawArgs: true,
  run(inv, env) {
    const args = inv.args
    let user = 'ec2-user'
    let i = 0
    for (; i < args.length; i++) {
      const a = args[i]!
      if (a === '-l') user = args[i + 1] ?? user
      if (SSH_WITH_ARG.has(a)) {
        i++
        continue
      }
      if (a.startsWith('-')) continue
      break
    }
    const dest = args[i]
    if (!dest)
      return {
        lines: [
          err('usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface] [-b bind_address]'),
          err('           [-c cipher_spec] [-D [bind_address:]port] [-E log_file]'),
          err('           [-e escape_char] [-F configfile] [-I pkcs11] [-i identity_file]'),
          err('           [-J destination] [-L address] [-l login_name] [-m mac_spec]'),
          err('           [-O ctl_cmd] [-o option] [-P tag] [-p port] [-R address]'),
          err('           [-S ctl_path] [-W host:port] [-w local_tun[:remote_tun]]'),
          err('           destination [command [argument ...]]'),
        ],
        exitCode: 255,
      }
    const at = dest.lastIndexOf('@')
    const host = at >= 0 ? dest.slice(at + 1) : dest
    if (at >= 0) user = dest.slice(0, at)
    const command = args.slice(i + 1)
    const state = env.sim.state
    const node = findNode(state, host)
    if (!node) {
      if (/^\d+\.\d+\.\d+\.\d+$/.test(host))
        return {
          lines: [err(`ssh: connect to host ${host} port 22: Connection timed out`)],
          exitCode: 255,
        }
      return {
        lines: [err(`ssh: Could not resolve hostname ${host}: Name or service not known`)],
        exitCode: 255,
      }
    }
    if (!node.ready || state.aws.instances[node.instanceId]?.state !== 'running')
      return {
        lines: [err(`ssh: connect to host ${host} port 22: Connection timed out`)],
        exitCode: 255,
      }
    // AL2023 allows key logins only for ec2-user (the key pair's user); root logins are refused
    if (user !== 'ec2-user')
      return {
        lines: [
          err(`${user}@${host}: Permission denied (publickey,gssapi-keyex,gssapi-with-mic).`),
        ],
        exitCode: 255,
      }
    const mode = { kind: 'node' as const, node: node.name, via: 'ssh' as const, cwd: '/root' }
    const first = !env.history.slice(0, -1).some((h) => h.startsWith('ssh ') && h.includes(host))
    const warn: OutputLine[] = first
      ? [
          {
            text: `Warning: Permanently added '${host}' (ED25519) to the list of known hosts.`,
            tone: 'warn',
          },
        ]
      : []
    if (command.length) {
      const r = runLine(command.length === 1 ? command[0]! : command, mode, env)
      return { lines: [...warn, ...r.lines], exitCode: r.exitCode }
    }
    env.setMode(mode)
    return ok([...warn, ...AL2023_BANNER.map(out), ROOT_NOTE])
  },
}

/** Session ids look like `<iam-user>-<17 hex>`; ours is derived from the instance and the moment. */
function sessionId(instanceId: string, historyIndex: number): string {
  return `${IAM_USER}-0${hashHex(`ssm|${instanceId}|${historyIndex}`, 16)}`
}

const ssmStart: CommandSpec = {
  path: ['aws', 'ssm', 'start-session'],
  modes: ['local'],
  summary: 'Open a shell on a node through AWS Systems Manager (--target <instance-id>)',
  usage: 'aws ssm start-session --target <instance-id>',
  args: ['instance'],
  rawArgs: true,
  run(inv, env) {
    let target: string | undefined
    for (let i = 0; i < inv.args.length; i++) {
      const a = inv.args[i]!
      if (a === '--target') target = inv.args[++i]
      else if (a.startsWith('--target=')) target = a.slice('--target='.length)
      else if (
        a === '--region' ||
        a === '--profile' ||
        a === '--document-name' ||
        a === '--parameters' ||
        a === '--reason' ||
        a === '--output'
      )
        i++
      else if (a.startsWith('--')) continue
      else
        return {
          lines: usageError(`unrecognized arguments: ${a}`).lines,
          exitCode: 252,
        }
    }
    if (!target)
      return {
        lines: [
          ...AWS_USAGE.map(err),
          err('aws: error: the following arguments are required: --target'),
        ],
        exitCode: 252,
      }
    const state = env.sim.state
    const node = Object.values(state.nodes).find((n) => n.instanceId === target)
    const inst = state.aws.instances[target]
    if (!node || !inst || inst.state !== 'running' || !node.ready) {
      return {
        lines: [
          err(''),
          err(
            `An error occurred (TargetNotConnected) when calling the StartSession operation: ${target} is not connected.`,
          ),
        ],
        exitCode: 254,
      }
    }
    env.setMode({ kind: 'node', node: node.name, via: 'ssm', cwd: '/usr/bin' })
    return ok([
      '',
      `Starting session with SessionId: ${sessionId(target, env.history.length - 1)}`,
      ROOT_NOTE,
    ])
  },
}

function leave(env: CommandEnv, word: 'exit' | 'logout') {
  const mode = env.mode
  if (mode.kind === 'node') {
    env.setMode({ kind: 'local' })
    if (mode.via === 'ssh')
      return ok([word === 'exit' ? 'logout' : 'logout', `Connection to ${mode.node} closed.`])
    const node = env.sim.state.nodes[mode.node]
    const idx =
      env.history
        .map((h, i) => [h, i] as const)
        .filter(([h]) => h.startsWith('aws ssm start-session'))
        .pop()?.[1] ?? 0
    return ok([
      '',
      '',
      `Exiting session with sessionId: ${sessionId(node?.instanceId ?? '', idx)}.`,
      '',
    ])
  }
  if (mode.kind === 'container') {
    if (word === 'logout') {
      return {
        lines: [
          err(
            mode.shell === 'bash'
              ? "bash: logout: not login shell: use `exit'"
              : 'sh: logout: not found',
          ),
        ],
        exitCode: 1,
      }
    }
    env.setMode({ kind: 'local' })
    return ok()
  }
  return ok()
}

const exit: CommandSpec = {
  path: ['exit'],
  modes: ['node', 'container'],
  summary: 'Leave the node or container shell',
  usage: 'exit',
  rawArgs: true,
  run: (_inv, env) => leave(env, 'exit'),
}

const logout: CommandSpec = {
  path: ['logout'],
  modes: ['node', 'container'],
  summary: 'Leave the node shell',
  usage: 'logout',
  rawArgs: true,
  run: (_inv, env) => leave(env, 'logout'),
}

export const SSH_COMMANDS: CommandSpec[] = [ssh, ssmStart, exit, logout]
