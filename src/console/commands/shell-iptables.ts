import type { CommandEnv, CommandResult, CommandSpec, OutputLine } from '../types.ts'
import { err, textLines } from '../types.ts'
import { deepClone } from '../../engine/clone.ts'
import {
  emptyNetfilter,
  type NetfilterState,
  type TableName,
} from '../../engine/net/netfilter/model.ts'
import { iptablesCommand } from '../../engine/net/netfilter/command.ts'
import { iptablesRestore } from '../../engine/net/netfilter/restore.ts'
import { iptablesSave } from '../../engine/net/netfilter/save.ts'
import { EKS_IPTABLES_VERSION } from '../../engine/net/netfilter/names.ts'
import { TABLE_ORDER } from '../../engine/net/netfilter/model.ts'
import { absPath, shellCtx, type ShellCtx } from './shell-context.ts'

// iptables, iptables-save and iptables-restore on a node: iptables-nft 1.8.8 of AL2023, working on
// the node's netfilter model (net/netfilter). Inside a container they exist only if the image has
// them; there they see the node's tables only from a root, hostNetwork container (kube-proxy's
// case), otherwise the kernel refuses as it does for a process without CAP_NET_ADMIN.

const V = EKS_IPTABLES_VERSION

type Prog = 'iptables' | 'iptables-save' | 'iptables-restore'

/** Runs `fn` on a copy of the node's tables; commits the copy in a transaction if it changed. */
function withNetfilter(
  env: CommandEnv,
  prog: Prog,
  fn: (nf: NetfilterState, ctx: ShellCtx) => { result: CommandResult; changed: boolean },
): CommandResult {
  const ctx = shellCtx(env)
  if ('gone' in ctx) {
    if (env.mode.kind !== 'local') env.setMode({ kind: 'local' })
    return { lines: ctx.gone, exitCode: 137 }
  }
  let nodeName = ctx.node?.name
  if (ctx.view) {
    if (!ctx.view.hasExecutable(prog)) {
      const text =
        ctx.shellName === 'bash' ? `bash: ${prog}: command not found` : `sh: ${prog}: not found`
      return { lines: [err(text)], exitCode: 127 }
    }
    // a pod in its own network namespace would see its own (empty) tables; root + hostNetwork see the node's
    if (ctx.uid !== 0)
      return {
        lines: [
          err(
            `${prog} v${V} (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)`,
          ),
        ],
        exitCode: 4,
      }
    nodeName = ctx.view.rt.hostNetwork ? ctx.view.node.name : undefined
  }
  const node = nodeName ? env.sim.state.nodes[nodeName] : undefined
  const copy = nodeName
    ? node?.netfilter
      ? deepClone(node.netfilter)
      : emptyNetfilter()
    : emptyNetfilter()
  const { result, changed } = fn(copy, ctx)
  if (changed && nodeName) {
    const r = env.sim.transact((c) => {
      const n = c.state.nodes[nodeName!]
      if (n) n.netfilter = copy
    })
    if (!r.ok) return { lines: [err(`${prog}: ${String(r.error)}`)], exitCode: 1 }
  }
  return result
}

function outLines(stdout: string, stderr: string): OutputLine[] {
  return [...(stdout ? textLines(stdout) : []), ...(stderr ? textLines(stderr, 'err') : [])]
}

const iptables: CommandSpec = {
  path: ['iptables'],
  modes: ['node', 'container'],
  summary: 'Administer the IPv4 packet filter and NAT rules (iptables-nft 1.8.8)',
  usage:
    'iptables [-t table] -A|-I|-D|-R|-C chain rule | -L [chain] [-n] [-v] [-x] [--line-numbers] | -S [chain] | -F|-Z|-N|-X|-P …',
  mutates: true,
  rawArgs: true,
  run: (inv, env) =>
    withNetfilter(env, 'iptables', (nf) => {
      const r = iptablesCommand(nf, inv.args, { version: V })
      return {
        result: { lines: outLines(r.stdout, r.stderr), exitCode: r.exitCode },
        changed: r.changed,
      }
    }),
}

const iptablesSaveCmd: CommandSpec = {
  path: ['iptables-save'],
  modes: ['node', 'container'],
  summary: 'Print the iptables rules in iptables-restore format',
  usage: 'iptables-save [-t table] [-c]',
  rawArgs: true,
  run: (inv, env) =>
    withNetfilter(env, 'iptables-save', (nf) => {
      let table: TableName | undefined
      let counters = false
      const a = inv.args
      for (let i = 0; i < a.length; i++) {
        const x = a[i]!
        if (x === '-c' || x === '--counters') counters = true
        else if (x === '-t' || x === '--table' || x.startsWith('--table=')) {
          const t = x.startsWith('--table=') ? x.slice(8) : a[++i]
          if (!t || !(TABLE_ORDER as readonly string[]).includes(t))
            return {
              result: { lines: [err(`Table \`${t ?? ''}' does not exist`)], exitCode: 1 },
              changed: false,
            }
          table = t as TableName
        } else if (x === '-V' || x === '--version')
          return {
            result: { lines: textLines(`iptables-save v${V} (nf_tables)`), exitCode: 0 },
            changed: false,
          }
        else
          return {
            result: {
              lines: [
                err(`iptables-save: unrecognized option '${x}'`),
                err("Look at manual page `iptables-save.8' for more information."),
              ],
              exitCode: 1,
            },
            changed: false,
          }
      }
      const text = iptablesSave(nf, { table, counters, now: env.sim.state.now, version: V })
      return { result: { lines: text ? textLines(text) : [], exitCode: 0 }, changed: false }
    }),
}

const iptablesRestoreCmd: CommandSpec = {
  path: ['iptables-restore'],
  modes: ['node', 'container'],
  summary: 'Restore iptables rules from stdin (or a file)',
  usage: 'iptables-restore [--noflush] [--test] [-c] [file] < rules',
  mutates: true,
  rawArgs: true,
  run: (inv, env) =>
    withNetfilter(env, 'iptables-restore', (nf, ctx) => {
      let noflush = false
      let test = false
      let counters = false
      let file: string | undefined
      const bad = (lines: OutputLine[], exitCode = 1) => ({
        result: { lines, exitCode },
        changed: false,
      })
      for (const x of inv.args) {
        if (x === '-n' || x === '--noflush') noflush = true
        else if (x === '-t' || x === '--test') test = true
        else if (x === '-c' || x === '--counters') counters = true
        else if (x === '-v' || x === '--verbose' || x === '-w' || x === '--wait') continue
        else if (x === '-V' || x === '--version')
          return bad(textLines(`iptables-restore v${V} (nf_tables)`), 0)
        else if (x.startsWith('-'))
          return bad([
            err(`iptables-restore: unrecognized option '${x}'`),
            err("Try `iptables-restore -h' for more information."),
          ])
        else file = x
      }
      let text = inv.stdin ?? ''
      if (file !== undefined) {
        const t = ctx.fs.readFile(absPath(ctx, file))
        if (typeof t !== 'string')
          return bad([err(`Can't open ${file}: No such file or directory`)])
        text = t
      }
      const r = iptablesRestore(nf, text, { noflush, test, counters, version: V })
      if (!r.ok) return bad(textLines(r.error, 'err'), r.exit)
      return { result: { lines: [], exitCode: 0 }, changed: !test }
    }),
}

// AL2023's iptables-nft package installs the same tools under their -nft names (alternatives)
const nftAlias = (spec: CommandSpec, name: string): CommandSpec => ({
  ...spec,
  path: [name],
  summary: `${spec.summary} (same as ${spec.path[0]})`,
})

export const IPTABLES_COMMANDS: CommandSpec[] = [
  iptables,
  iptablesSaveCmd,
  iptablesRestoreCmd,
  nftAlias(iptables, 'iptables-nft'),
  nftAlias(iptablesSaveCmd, 'iptables-nft-save'),
  nftAlias(iptablesRestoreCmd, 'iptables-nft-restore'),
]
