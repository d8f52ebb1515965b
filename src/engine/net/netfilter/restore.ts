// `iptables-restore [--noflush] [--test] [-c]`: the input format kube-proxy and the VPC CNI write.
// Sources: iptables/iptables-restore.c + xshared.c add_param_to_argv (the line tokenizer: double
// quotes, backslash escapes inside them), iptables/nft.c (the nft backend commits each table at
// its COMMIT line: an error in a table leaves that table untouched, tables committed before stay).
//
// Without --noflush a table named in the input is replaced whole (user chains not declared again
// are gone, undeclared built-in chains get back the ACCEPT policy). With --noflush, a declared user
// chain is flushed (or created), a declared built-in chain only gets its policy, and everything
// undeclared is kept: this is what kube-proxy relies on for its partial syncs.
// A jump to a chain that does not exist is refused at COMMIT ("Chain 'X' does not exist"), as a
// real nft restore does; `--test` accepts it, as iptables-nft-restore --test does (toolchain.md).

import type { NetfilterState, Table, TableName } from './model.ts'
import { BUILTIN_CHAINS, emptyCounters, emptyNetfilter, TABLE_ORDER } from './model.ts'
import { EKS_IPTABLES_VERSION } from './names.ts'
import { isIptError, parseCommand, type IptError } from './parse.ts'
import { execOnTable, missingJump } from './command.ts'

export interface RestoreOptions {
  noflush?: boolean
  test?: boolean
  /** -c: take the [packets:bytes] counters from the input */
  counters?: boolean
  version?: string
}

export type RestoreResult = { ok: true } | { ok: false; error: string; exit: number }

/** add_param_to_argv: words split on blanks; "…" groups, with \" and \\ escapes inside. */
export function restoreTokens(line: string): string[] {
  const out: string[] = []
  let cur = ''
  let has = false
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (quoted) {
      if (c === '\\' && i + 1 < line.length) {
        cur += line[++i]
      } else if (c === '"') quoted = false
      else cur += c
      continue
    }
    if (c === '"') {
      quoted = true
      has = true
      continue
    }
    if (c === ' ' || c === '\t') {
      if (has) out.push(cur)
      cur = ''
      has = false
      continue
    }
    cur += c
    has = true
  }
  if (has) out.push(cur)
  return out
}

function cloneTable(t: Table): Table {
  return JSON.parse(JSON.stringify(t)) as Table
}

/**
 * The working copy of a table for --noflush: chains are copied when first written, so a partial
 * kube-proxy sync of a 1,000-Service node does not copy every chain (rules are never mutated in
 * place, except by -Z and -E, which take a full copy).
 */
class Working {
  table: Table
  private copied = new Set<string>()
  private full = false
  constructor(original: Table | undefined) {
    this.table = original ? { ...original, chains: { ...original.chains } } : ({} as Table)
  }
  static fresh(t: Table): Working {
    const w = new Working(undefined)
    w.table = t
    w.full = true
    return w
  }
  touch(name: string | undefined): void {
    if (this.full || name === undefined || this.copied.has(name)) return
    const c = this.table.chains[name]
    if (c) this.table.chains[name] = { ...c, counters: { ...c.counters }, rules: [...c.rules] }
    this.copied.add(name)
  }
  touchAll(): void {
    if (this.full) return
    this.table = { ...cloneTable(this.table), present: true }
    this.full = true
  }
}

export function iptablesRestore(
  nf: NetfilterState,
  text: string,
  opts: RestoreOptions = {},
): RestoreResult {
  const version = opts.version ?? EKS_IPTABLES_VERSION
  const prog = 'iptables-restore'
  const tryLine = `Try \`${prog} -h' or '${prog} --help' for more information.`
  const atLine = (e: IptError, n: number): RestoreResult => {
    switch (e.style) {
      case 'param':
        return {
          ok: false,
          error: `${prog} v${version} (nf_tables): ${e.message}\nError occurred at line: ${n}\n${tryLine}`,
          exit: 2,
        }
      case 'badarg':
        return {
          ok: false,
          error: `Bad argument \`${e.message}'\nError occurred at line: ${n}\n${tryLine}`,
          exit: 2,
        }
      case 'prefixed':
        // the kernel refused the batch (CHAIN_DEL, RULE_APPEND …)
        return {
          ok: false,
          error: `${prog} v${version} (nf_tables): \nline ${n}: ${e.message.trim()}`,
          exit: e.exit,
        }
      default:
        return { ok: false, error: `${prog}: line ${n} failed: ${e.message.trim()}`, exit: 1 }
    }
  }

  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  let cur: { name: TableName; table: Table; w: Working } | undefined
  const kernelErrors: string[] = []
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1
    let line = lines[i]!.replace(/\r$/, '').trim()
    if (line === '' || line.startsWith('#')) continue
    if (line.startsWith('*')) {
      const name = line.slice(1).trim()
      if (!(TABLE_ORDER as readonly string[]).includes(name))
        return atLine(
          { style: 'param', message: `${prog}: line ${n} table name '${name}' invalid`, exit: 2 },
          n,
        )
      const w = opts.noflush
        ? new Working(nf.tables[name as TableName])
        : Working.fresh(emptyNetfilter().tables[name as TableName])
      w.table.present = true
      cur = {
        name: name as TableName,
        get table() {
          return w.table
        },
        w,
      }
      kernelErrors.length = 0
      continue
    }
    if (!cur) return { ok: false, error: `${prog}: line ${n} failed`, exit: 1 }
    if (line === 'COMMIT') {
      if (kernelErrors.length)
        return {
          ok: false,
          error: `${prog} v${version} (nf_tables): \n${kernelErrors.join('\n')}`,
          exit: 4,
        }
      if (!opts.test) {
        for (const c of Object.values(cur.table.chains))
          for (const r of c.rules) {
            const e = missingJump(cur.table, r)
            if (e) return atLine(e, n)
          }
        nf.tables[cur.name] = cur.table
      }
      cur = undefined
      continue
    }
    if (line.startsWith(':')) {
      const m = /^:(\S+)\s+(\S+)(?:\s+\[(\d+):(\d+)\])?/.exec(line)
      if (!m) return { ok: false, error: `${prog}: line ${n} failed`, exit: 1 }
      const [, chainName, policy, p, b] = m as unknown as [string, string, string, string?, string?]
      const counters =
        opts.counters && p !== undefined
          ? { packets: Number(p), bytes: Number(b) }
          : emptyCounters()
      const builtin = (BUILTIN_CHAINS[cur.name] as readonly string[]).includes(chainName)
      cur.w.touch(chainName)
      if (builtin) {
        if (policy !== 'ACCEPT' && policy !== 'DROP')
          return { ok: false, error: `${prog}: line ${n} failed: Bad policy name.`, exit: 1 }
        const c = cur.table.chains[chainName]!
        c.policy = policy
        c.counters = counters
      } else {
        const existing = cur.table.chains[chainName]
        if (existing) existing.rules = []
        else cur.table.chains[chainName] = { name: chainName, counters: emptyCounters(), rules: [] }
      }
      continue
    }
    let ruleCounters: { packets: number; bytes: number } | undefined
    const pre = /^\[(\d+):(\d+)\]\s*/.exec(line)
    if (pre) {
      ruleCounters = { packets: Number(pre[1]), bytes: Number(pre[2]) }
      line = line.slice(pre[0].length)
    }
    const pc = parseCommand(restoreTokens(line), { defaultTable: cur.name })
    if (isIptError(pc)) return atLine(pc, n)
    if (pc.commands.length === 0)
      return atLine({ style: 'param', message: 'no command specified', exit: 2 }, n)
    if (ruleCounters && opts.counters) pc.rule.counters = ruleCounters
    const wholeTable =
      pc.commands.some((c) => c === 'Z' || c === 'E') ||
      ((pc.commands[0] === 'F' || pc.commands[0] === 'X') && pc.chain === undefined)
    if (wholeTable) cur.w.touchAll()
    else cur.w.touch(pc.chain)
    const r = execOnTable(cur.table, pc, { version, deferJumpCheck: true })
    // the kernel judges the whole batch at COMMIT and reports every line it refused
    if (r.error?.style === 'prefixed') kernelErrors.push(`line ${n}: ${r.error.message.trim()}`)
    else if (r.error) return atLine(r.error, n)
  }
  if (cur)
    return { ok: false, error: `${prog}: COMMIT expected at line ${lines.length + 1}`, exit: 1 }
  return { ok: true }
}
