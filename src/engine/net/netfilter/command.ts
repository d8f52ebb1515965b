// `iptables [-t table] -A|-I|-D|-R|-C|-F|-Z|-N|-X|-P|-E|-L|-S …` against the model, with the exit
// codes and messages of iptables 1.8 (nf_tables): iptables/xshared.c, iptables/nft.c and the nft
// backend's errno texts (nft_strerror). A command that fails changes nothing.

import type { Chain, NetfilterState, Rule, Table, TableName } from './model.ts'
import { BUILTIN_CHAINS, emptyCounters, TABLE_ORDER } from './model.ts'
import { EKS_IPTABLES_VERSION } from './names.ts'
import {
  checkChainName,
  checkIfaceForChain,
  isIptError,
  paramError,
  parseCommand,
  plainError,
  renderError,
  targetAllowed,
  type IptError,
  type ParsedCommand,
} from './parse.ts'
import { iptablesList, referenceCounts } from './list.ts'
import { iptablesHelp } from './help.ts'
import { iptablesRules, ruleSpec } from './save.ts'

export interface IptablesEnv {
  /** the iptables version the node runs (default: EKS AL2023's 1.8.8) */
  version?: string
}

export interface CommandOutput {
  stdout: string
  stderr: string
  exitCode: number
  changed: boolean
}

const NO_CHAIN = 'No chain/target/match by that name.'

const isBuiltin = (table: TableName, name: string) =>
  (BUILTIN_CHAINS[table] as readonly string[]).includes(name)

function sameRule(a: Rule, b: Rule): boolean {
  return ruleSpec(a) === ruleSpec(b)
}

function referencedBy(table: Table, chain: string): boolean {
  return Object.values(table.chains).some((c) =>
    c.rules.some(
      (r) => (r.target?.kind === 'jump' || r.target?.kind === 'goto') && r.target.chain === chain,
    ),
  )
}

/** The chain a rule jumps to must exist in the same table (nft: "Chain 'X' does not exist"). */
export function missingJump(table: Table, rule: Rule): IptError | undefined {
  const t = rule.target
  if ((t?.kind === 'jump' || t?.kind === 'goto') && !table.chains[t.chain])
    return paramError(`Chain '${t.chain}' does not exist`)
  return undefined
}

/** The built-in chains from which `chain` is reached through jumps and gotos (itself if built-in). */
export function hooksReaching(table: Table, chain: string): string[] {
  const out: string[] = []
  for (const b of BUILTIN_CHAINS[table.name]) {
    const seen = new Set<string>()
    const walk = (c: string): boolean => {
      if (c === chain) return true
      if (seen.has(c)) return false
      seen.add(c)
      return (table.chains[c]?.rules ?? []).some(
        (r) => (r.target?.kind === 'jump' || r.target?.kind === 'goto') && walk(r.target.chain),
      )
    }
    if (walk(b)) out.push(b)
  }
  return out
}

/** Every rule of `chain` and of the chains it jumps to, recursively. */
function rulesBelow(table: Table, chain: string): Rule[] {
  const out: Rule[] = []
  const seen = new Set<string>()
  const walk = (c: string) => {
    if (seen.has(c)) return
    seen.add(c)
    for (const r of table.chains[c]?.rules ?? []) {
      out.push(r)
      if (r.target?.kind === 'jump' || r.target?.kind === 'goto') walk(r.target.chain)
    }
  }
  walk(chain)
  return out
}

export interface ExecOptions {
  version: string
  /** iptables-restore checks jumps at COMMIT, not per line */
  deferJumpCheck?: boolean
}

/**
 * Runs one parsed command on one table, mutating it only when the whole command succeeds.
 * Returns the lines to print (for -L/-S) or the error.
 */
export function execOnTable(
  table: Table,
  pc: ParsedCommand,
  o: ExecOptions,
): { lines: string[]; error?: IptError; changed: boolean } {
  const fail = (error: IptError) => ({ lines: [], error, changed: false })
  const done = (changed = true) => {
    if (changed) table.present = true
    return { lines: [], changed }
  }
  const cmd = pc.commands[0]
  if (!cmd) return fail(paramError('no command specified'))
  const name = pc.chain
  const chain: Chain | undefined = name !== undefined ? table.chains[name] : undefined
  const needRule = (): IptError | undefined => {
    if (!o.deferJumpCheck) {
      const j = missingJump(table, pc.rule)
      if (j) return j
    }
    return undefined
  }
  // The kernel validates the rule at every hook that can reach its chain, and a jump's target
  // chains (recursively) at the hooks that reach the jump (nft: a MASQUERADE in a user chain is
  // fine until PREROUTING jumps to it).
  const kernelRefuses = (op: string): IptError | undefined => {
    // (iptables-restore: only the chain's own hook; a whole-table walk per line would be quadratic)
    const hooks = o.deferJumpCheck
      ? (BUILTIN_CHAINS[table.name] as readonly string[]).filter((b) => b === name)
      : hooksReaching(table, name!)
    const at = hooks.length ? hooks : [undefined]
    let ok = at.every((h) => targetAllowed(table.name, h, pc.rule))
    const t = pc.rule.target
    if (ok && (t?.kind === 'jump' || t?.kind === 'goto') && hooks.length)
      ok = rulesBelow(table, t.chain).every((r) =>
        hooks.every((h) => targetAllowed(table.name, h, r)),
      )
    if (ok) return undefined
    return {
      style: 'prefixed',
      message: ` ${op} failed (Invalid argument): rule in chain ${name}`,
      exit: 4,
    }
  }
  const rule = (): Rule => ({ ...pc.rule, counters: { ...pc.rule.counters } })

  switch (cmd) {
    case 'A':
    case 'I':
    case 'R':
    case 'C':
    case 'D': {
      if (!chain) return fail(plainError(NO_CHAIN))
      if (cmd === 'D' && pc.ruleNum !== undefined && !pc.hasRuleSpec) {
        if (pc.ruleNum > chain.rules.length) return fail(plainError('Index of deletion too big.'))
        chain.rules.splice(pc.ruleNum - 1, 1)
        return done()
      }
      if (cmd === 'D' || cmd === 'C') {
        const ie = checkIfaceForChain(name, pc.rule)
        if (ie) return fail(ie)
        const j = needRule()
        if (j) return fail(j)
        const i = chain.rules.findIndex((r) => sameRule(r, pc.rule))
        if (i < 0) return fail(plainError('Bad rule (does a matching rule exist in that chain?).'))
        if (cmd === 'C') return done(false)
        chain.rules.splice(i, 1)
        return done()
      }
      const j = needRule()
      if (j) return fail(j)
      const ie = checkIfaceForChain(name, pc.rule)
      if (ie) return fail(ie)
      const op = { A: 'RULE_APPEND', I: 'RULE_INSERT', R: 'RULE_REPLACE' }[cmd]
      const k = kernelRefuses(op)
      if (k) return fail(k)
      if (cmd === 'A') chain.rules.push(rule())
      else if (cmd === 'I') {
        const n = pc.ruleNum ?? 1
        if (n > chain.rules.length + 1) return fail(plainError('Index of insertion too big.'))
        chain.rules.splice(n - 1, 0, rule())
      } else {
        const n = pc.ruleNum!
        if (n > chain.rules.length) return fail(plainError('Index of replacement too big.'))
        chain.rules[n - 1] = rule()
      }
      return done()
    }
    case 'F':
    case 'Z': {
      if (name !== undefined && !chain) return fail(plainError(NO_CHAIN))
      const targets = chain ? [chain] : Object.values(table.chains)
      let listing: string[] = []
      if (pc.commands.includes('L')) listing = listOf(table, pc, o)
      for (const c of targets) {
        if (cmd === 'F') c.rules = []
        else {
          c.counters = emptyCounters()
          c.rules.forEach((r, i) => {
            if (pc.ruleNum === undefined || pc.ruleNum === i + 1) r.counters = emptyCounters()
          })
        }
      }
      table.present = true
      return { lines: listing, changed: true }
    }
    case 'N': {
      const e = checkChainName(name!)
      if (e) return fail(e)
      if (chain) return fail(plainError('Chain already exists.'))
      table.chains[name!] = { name: name!, counters: emptyCounters(), rules: [] }
      return done()
    }
    case 'X': {
      const busy = (c: string): IptError => ({
        style: 'prefixed',
        message: ` CHAIN_DEL failed (Device or resource busy): chain ${c}`,
        exit: 4,
      })
      if (name !== undefined) {
        if (!chain) return fail(plainError(NO_CHAIN))
        if (isBuiltin(table.name, name) || chain.rules.length > 0 || referencedBy(table, name))
          return fail(busy(name))
        delete table.chains[name]
        return done()
      }
      const users = Object.keys(table.chains)
        .filter((c) => !isBuiltin(table.name, c))
        .sort()
      const refs = referenceCounts(table)
      const blocked = users.find((c) => table.chains[c]!.rules.length > 0 || refs.has(c))
      if (blocked) return fail(busy(blocked))
      for (const c of users) delete table.chains[c]
      return done()
    }
    case 'P': {
      if (!chain || !isBuiltin(table.name, name!))
        return fail(plainError('Bad built-in chain name.'))
      if (pc.arg2 !== 'ACCEPT' && pc.arg2 !== 'DROP')
        return fail(plainError("Bad policy name. Run `dmesg' for more information."))
      chain.policy = pc.arg2
      return done()
    }
    case 'E': {
      const to = pc.arg2!
      if (!chain || isBuiltin(table.name, name!)) return fail(plainError(NO_CHAIN))
      const e = checkChainName(to)
      if (e) return fail(e)
      if (table.chains[to]) return fail(plainError('File exists.'))
      delete table.chains[name!]
      table.chains[to] = { ...chain, name: to }
      for (const c of Object.values(table.chains))
        for (const r of c.rules)
          if ((r.target?.kind === 'jump' || r.target?.kind === 'goto') && r.target.chain === name)
            r.target.chain = to
      return done()
    }
    case 'L':
    case 'S': {
      if (name !== undefined && !chain)
        return fail(
          o.version === '1.8.9'
            ? plainError(
                `chain \`${name}' in table \`${table.name}' is incompatible, use 'nft' tool.`,
              )
            : plainError(NO_CHAIN),
        )
      if (cmd === 'S')
        return {
          lines: iptablesRules(table, { chain: name, ruleNum: pc.ruleNum, verbose: pc.verbose }),
          changed: false,
        }
      const lines = listOf(table, pc, o)
      if (pc.commands.includes('Z')) {
        for (const c of name ? [chain!] : Object.values(table.chains)) {
          c.counters = emptyCounters()
          for (const r of c.rules) r.counters = emptyCounters()
        }
        return { lines, changed: true }
      }
      return { lines, changed: false }
    }
  }
}

function listOf(table: Table, pc: ParsedCommand, o: ExecOptions): string[] {
  return iptablesList(table, {
    chain: pc.chain,
    ruleNum: pc.ruleNum,
    numeric: pc.numeric,
    verbose: pc.verbose,
    exact: pc.exact,
    lineNumbers: pc.lineNumbers,
    version: o.version,
  })
}

/** `iptables <argv>` on a node's netfilter state. Mutates `nf` only when the command succeeds. */
export function iptablesCommand(
  nf: NetfilterState,
  argv: readonly string[],
  env: IptablesEnv = {},
): CommandOutput {
  const version = env.version ?? EKS_IPTABLES_VERSION
  const failWith = (e: IptError): CommandOutput => ({
    stdout: '',
    stderr: renderError(e, version) + '\n',
    exitCode: e.exit,
    changed: false,
  })
  if (argv.length === 1 && (argv[0] === '-V' || argv[0] === '--version'))
    return { stdout: `iptables v${version} (nf_tables)\n`, stderr: '', exitCode: 0, changed: false }
  if (argv.includes('-h') || argv.includes('--help'))
    return { stdout: iptablesHelp(version), stderr: '', exitCode: 0, changed: false }
  const pc = parseCommand(argv)
  if (isIptError(pc)) return failWith(pc)
  if (!(TABLE_ORDER as readonly string[]).includes(pc.table))
    return failWith({
      style: 'prefixed',
      message: `table '${pc.table}' does not exist\nPerhaps iptables or your kernel needs to be upgraded.`,
      exit: 3,
    })
  if (pc.commands.length === 0) return failWith(paramError('no command specified'))
  const table = nf.tables[pc.table as TableName]
  const r = execOnTable(table, pc, { version })
  if (r.error) return failWith(r.error)
  return {
    stdout: r.lines.length ? r.lines.join('\n') + '\n' : '',
    stderr: '',
    exitCode: 0,
    changed: r.changed,
  }
}
