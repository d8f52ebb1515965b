import type { ClusterState, Simulation } from '../../engine/index.ts'
import type { CommandEnv, CommandResult, CommandSpec, FlagSpec, OutputLine } from '../types.ts'
import { err, out } from '../types.ts'
import type { Json } from './jmespath.ts'
import { compile, JmesPathError } from './jmespath.ts'
import { helpFor } from '../help.ts'
import { formatJson, formatTable, formatText, formatYaml } from './format.ts'

// The AWS CLI v2 front end: argparse-style parameters, the global options (--output, --query,
// --region …), the error wording and exit codes of awscli/clidriver.py, and output formatting.
// Exit codes (AWS CLI v2): 252 bad command line, 254 service error, 255 other failures.
// https://docs.aws.amazon.com/cli/latest/userguide/cli-chap-troubleshooting.html#cli-troubleshooting-return-codes

export type ParamType = 'string' | 'integer' | 'list' | 'boolean' | 'filters'

export interface AwsParam {
  name: string
  type: ParamType
  required?: boolean
  description: string
}

export type Filter = { name: string; values: string[] }

export interface AwsArgs {
  [name: string]: string | number | boolean | string[] | Filter[] | undefined
}

export interface OpContext {
  state: ClusterState
  region: string
  args: AwsArgs
  /** commands run before this one in the session (update-kubeconfig: added vs updated) */
  history: readonly string[]
  /** the simulation, for operations that change AWS state (TerminateInstances) */
  sim?: Simulation
}

export type OpResult =
  | { ok: true; data: Json }
  /** a customization that prints its own lines (update-kubeconfig) */
  | { ok: true; lines: string[] }
  | { ok: false; code: string; message: string }

export interface AwsOperation {
  service: string
  command: string
  /** API operation name, used in error messages and as the table title */
  operation: string
  summary: string
  params: AwsParam[]
  /** the URL the request would go to, for "Could not connect to the endpoint URL" */
  endpoint(region: string, args: AwsArgs): string
  run(ctx: OpContext): OpResult
  /** changes AWS state (recorded in the replayable command log) */
  mutates?: boolean
}

const GLOBAL_FLAGS: FlagSpec[] = [
  {
    name: 'output',
    type: 'string',
    description: 'The formatting style for command output.',
    values: ['json', 'text', 'table', 'yaml', 'yaml-stream'],
  },
  {
    name: 'query',
    type: 'string',
    description: 'A JMESPath query to use in filtering the response data.',
  },
  {
    name: 'region',
    type: 'string',
    description: 'The region to use. Overrides config/env settings.',
  },
  {
    name: 'profile',
    type: 'string',
    description: 'Use a specific profile from your credential file.',
  },
  { name: 'no-cli-pager', type: 'bool', description: 'Disable cli pager for output.' },
  { name: 'no-paginate', type: 'bool', description: 'Disable automatic pagination.' },
  {
    name: 'color',
    type: 'string',
    description: 'Turn on/off color output.',
    values: ['on', 'off', 'auto'],
  },
  { name: 'debug', type: 'bool', description: 'Turn on debug logging.' },
]
const GLOBAL_VALUE = new Set([
  'output',
  'query',
  'region',
  'profile',
  'color',
  'endpoint-url',
  'cli-read-timeout',
  'cli-connect-timeout',
  'ca-bundle',
  'cli-binary-format',
])
const GLOBAL_BOOL = new Set([
  'no-cli-pager',
  'no-paginate',
  'debug',
  'no-verify-ssl',
  'no-sign-request',
  'cli-auto-prompt',
  'no-cli-auto-prompt',
])
const OUTPUTS = ['json', 'text', 'table', 'yaml', 'yaml-stream']

/** Regions the CLI can reach; any other name fails to resolve, as a typo does in real life. */
const REGIONS = new Set([
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'af-south-1',
  'ap-east-1',
  'ap-south-1',
  'ap-south-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'sa-east-1',
])

/** The AWS CLI's argparse usage block (awscli/argparser.py USAGE + HELP_BLURB). */
export const AWS_USAGE = [
  'usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]',
  'To see help text, you can run:',
  '',
  '  aws help',
  '  aws <command> help',
  '  aws <command> <subcommand> help',
]

/** An argparse error: the usage block, then `aws: error: …` (no blank line between), exit 252. */
export function usageError(message: string): CommandResult {
  return { lines: [...AWS_USAGE, ...`aws: error: ${message}`.split('\n')].map(err), exitCode: 252 }
}

export function choicesMessage(choices: string[]): string[] {
  const lines = ['Invalid choice, valid choices are:', '']
  for (let i = 0; i < choices.length; i += 2)
    lines.push(
      choices
        .slice(i, i + 2)
        .map((c) => c.padEnd(40))
        .join(' | '),
    )
  return lines
}

/** The AWS CLI's shorthand for --filters: `Name=tag:k,Values=a,b` (or the JSON form). */
export function parseFilters(words: string[]): Filter[] | string {
  const out: Filter[] = []
  for (const w of words) {
    const t = w.trim()
    if (t.startsWith('[') || t.startsWith('{')) {
      try {
        const j = JSON.parse(t) as unknown
        for (const f of Array.isArray(j) ? j : [j]) {
          const o = f as { Name?: unknown; Values?: unknown }
          out.push({
            name: String(o.Name ?? ''),
            values: Array.isArray(o.Values) ? o.Values.map(String) : [],
          })
        }
        continue
      } catch {
        return `Error parsing parameter '--filters': Invalid JSON:\nJSON received: ${t}`
      }
    }
    const f: Filter = { name: '', values: [] }
    let key = ''
    for (const part of t.split(',')) {
      const eq = part.indexOf('=')
      const k = eq >= 0 ? part.slice(0, eq).trim() : ''
      if (eq >= 0 && (k === 'Name' || k === 'Values')) {
        key = k
        const v = part.slice(eq + 1).trim()
        if (k === 'Name') f.name = v
        else
          f.values.push(
            ...v
              .replace(/^\[|\]$/g, '')
              .split(',')
              .filter(Boolean),
          )
      } else if (key === 'Values') f.values.push(part.trim().replace(/^\[|\]$/g, ''))
      else
        return `Error parsing parameter '--filters': Expected: '=', received: '${part.slice(-1) || ','}' for input:\n${t}`
    }
    out.push(f)
  }
  return out
}

interface Parsed {
  args: AwsArgs
  output: string
  query?: string
  region?: string
}

function parseArgs(op: AwsOperation, argv: string[]): Parsed | CommandResult {
  const args: AwsArgs = {}
  const globals: Record<string, string> = {}
  const unknown: string[] = []
  const byName = new Map(op.params.map((p) => [p.name, p]))
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (!a.startsWith('--')) {
      unknown.push(a)
      continue
    }
    const eq = a.indexOf('=')
    const name = eq >= 0 ? a.slice(2, eq) : a.slice(2)
    const inline = eq >= 0 ? a.slice(eq + 1) : undefined
    const takeOne = (): string | CommandResult => {
      if (inline !== undefined) return inline
      const next = argv[i + 1]
      if (next === undefined || next.startsWith('--'))
        return usageError(`argument --${name}: expected one argument`)
      i++
      return next
    }
    if (GLOBAL_BOOL.has(name)) continue
    if (GLOBAL_VALUE.has(name)) {
      const v = takeOne()
      if (typeof v !== 'string') return v
      globals[name] = v
      continue
    }
    const p = byName.get(name)
    if (!p) {
      unknown.push(a)
      continue
    }
    if (p.type === 'boolean') {
      args[p.name] = true
      continue
    }
    if (p.type === 'list' || p.type === 'filters') {
      const vals: string[] = inline !== undefined ? [inline] : []
      while (inline === undefined && i + 1 < argv.length && !argv[i + 1]!.startsWith('--'))
        vals.push(argv[++i]!)
      if (vals.length === 0) return usageError(`argument --${name}: expected at least one argument`)
      if (p.type === 'filters') {
        const f = parseFilters(vals)
        if (typeof f === 'string') return { lines: ['', f].map(err), exitCode: 252 }
        args[p.name] = f
      } else args[p.name] = vals.flatMap((v) => v.split(',')).filter(Boolean)
      continue
    }
    const v = takeOne()
    if (typeof v !== 'string') return v
    if (p.type === 'integer') {
      if (!/^-?\d+$/.test(v))
        return {
          lines: ['', `Invalid value for parameter --${name}: ${v}, expected an integer`].map(err),
          exitCode: 252,
        }
      args[p.name] = Number(v)
    } else args[p.name] = v
  }
  const output = globals.output ?? 'json'
  if (!OUTPUTS.includes(output))
    return usageError(`argument --output: ${choicesMessage(OUTPUTS).join('\n')}`)
  const missing = op.params
    .filter((p) => p.required && args[p.name] === undefined)
    .map((p) => `--${p.name}`)
  if (missing.length)
    return usageError(`the following arguments are required: ${missing.join(', ')}`)
  if (unknown.length)
    return {
      lines: [...AWS_USAGE, '', `Unknown options: ${unknown.join(', ')}`].map(err),
      exitCode: 252,
    }
  return {
    args,
    output,
    ...(globals.query !== undefined ? { query: globals.query } : {}),
    ...(globals.region !== undefined ? { region: globals.region } : {}),
  }
}

function render(op: AwsOperation, data: Json, output: string): string[] {
  switch (output) {
    case 'text':
      return formatText(data)
    case 'table':
      return formatTable(op.operation, data)
    case 'yaml':
    case 'yaml-stream':
      return data === null ? ['null', '...'] : formatYaml(data)
    default:
      return formatJson(data)
  }
}

export function runOperation(op: AwsOperation, argv: string[], env: CommandEnv): CommandResult {
  const parsed = parseArgs(op, argv)
  if ('exitCode' in parsed) return parsed
  let query
  if (parsed.query !== undefined) {
    try {
      query = compile(parsed.query)
    } catch (e) {
      const msg = e instanceof JmesPathError ? e.message : String(e)
      return {
        lines: [
          '',
          `Bad value for --query ${parsed.query}: Invalid jmespath expression: ${msg}`,
        ].map(err),
        exitCode: 252,
      }
    }
  }
  const state = env.sim.state
  const region = parsed.region ?? state.aws.region
  if (!REGIONS.has(region))
    return {
      lines: [
        '',
        `Could not connect to the endpoint URL: "${op.endpoint(region, parsed.args)}"`,
      ].map(err),
      exitCode: 255,
    }
  const res = op.run({
    state,
    region,
    args: parsed.args,
    history: env.history.slice(0, -1),
    sim: env.sim,
  })
  if (!res.ok)
    return {
      lines: [
        '',
        `An error occurred (${res.code}) when calling the ${op.operation} operation: ${res.message}`,
      ].map(err),
      exitCode: 254,
    }
  if ('lines' in res) return { lines: res.lines.map(out), exitCode: 0 }
  let data = res.data
  if (query) {
    try {
      data = query.search(data)
    } catch (e) {
      return { lines: ['', e instanceof Error ? e.message : String(e)].map(err), exitCode: 255 }
    }
  }
  const lines: OutputLine[] = render(op, data, parsed.output).map(out)
  return { lines, exitCode: 0 }
}

/** A CommandSpec for one AWS CLI operation. Arguments are parsed here (rawArgs), the way the CLI's argparse does. */
export function awsCommand(op: AwsOperation): CommandSpec {
  const flags: FlagSpec[] = [
    ...op.params.map((p): FlagSpec => ({
      name: p.name,
      type: p.type === 'boolean' ? 'bool' : p.type === 'integer' ? 'int' : 'string',
      description: p.description,
    })),
    ...GLOBAL_FLAGS,
  ]
  const required = op.params.filter((p) => p.required).map((p) => `--${p.name} <value>`)
  const spec: CommandSpec = {
    path: ['aws', op.service, op.command],
    modes: ['local'],
    summary: op.summary,
    usage: [
      'aws',
      op.service,
      op.command,
      ...required,
      '[--output json|text|table|yaml] [--query <jmespath>] [--region <region>]',
    ].join(' '),
    flags,
    rawArgs: true,
    ...(op.mutates ? { mutates: true } : {}),
    run(inv, env) {
      // `aws eks describe-cluster help` (the CLI's own help word) or --help
      if (inv.args[0] === 'help' || inv.args.includes('--help'))
        return { lines: helpFor(spec), exitCode: 0 }
      return runOperation(op, inv.args, env)
    },
  }
  return spec
}
