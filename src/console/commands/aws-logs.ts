import type { ClusterState, FilteredEvent, LogGroup } from '../../engine/index.ts'
import { EPOCH_MS, filterLogEvents, findLogGroup, logGroupsIn } from '../../engine/index.ts'
import type { AwsOperation, OpContext, OpResult } from '../aws/cli.ts'
import { awsCommand, usageError } from '../aws/cli.ts'
import { hashHex } from '../aws/derive.ts'
import { helpFor } from '../help.ts'
import type { CommandResult, CommandSpec } from '../types.ts'
import { err, out } from '../types.ts'

// aws logs …: CloudWatch Logs, read from ClusterState.aws.logs (what Fluent Bit shipped). It lives in
// AWS, so it still answers after the node that wrote the lines is gone.
// describe-log-groups / describe-log-streams / get-log-events follow the service's JSON; `tail` is the
// CLI v2 customization (awscli/customizations/logs/tail.py): FilterLogEvents interleaved, printed as
// `<timestamp> <stream> <message>` (detailed), `<timestamp> <message>` (short) or pretty JSON.
// Simplification: `--follow` prints what has arrived and returns (the simulated terminal cannot block).

const endpoint = (region: string) => `https://logs.${region}.amazonaws.com/`
const epoch = (simMs: number) => Math.floor(EPOCH_MS + simMs)
const digits = (key: string, n: number) =>
  Array.from(hashHex(key, n), (h) => String(parseInt(h, 16) % 10)).join('')

const groupMissing = (): OpResult => ({
  ok: false,
  code: 'ResourceNotFoundException',
  message: 'The specified log group does not exist.',
})

function groupArn(state: ClusterState, g: LogGroup): string {
  return `arn:aws:logs:${g.region}:${state.aws.accountId}:log-group:${g.logGroupName}`
}

export const describeLogGroups: AwsOperation = {
  service: 'logs',
  command: 'describe-log-groups',
  operation: 'DescribeLogGroups',
  summary: 'List CloudWatch Logs log groups',
  params: [
    {
      name: 'log-group-name-prefix',
      type: 'string',
      description: 'Only groups starting with this.',
    },
    { name: 'log-group-name-pattern', type: 'string', description: 'Only groups containing this.' },
    { name: 'max-items', type: 'integer', description: 'The total number of items to return.' },
  ],
  endpoint,
  run(ctx: OpContext): OpResult {
    const prefix = ctx.args['log-group-name-prefix'] as string | undefined
    const pattern = ctx.args['log-group-name-pattern'] as string | undefined
    if (prefix !== undefined && pattern !== undefined)
      return {
        ok: false,
        code: 'InvalidParameterException',
        message:
          'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.',
      }
    let groups = logGroupsIn(ctx.state, ctx.region)
    if (prefix !== undefined) groups = groups.filter((g) => g.logGroupName.startsWith(prefix))
    if (pattern !== undefined)
      groups = groups.filter((g) => g.logGroupName.toLowerCase().includes(pattern.toLowerCase()))
    const max = ctx.args['max-items'] as number | undefined
    if (max !== undefined) groups = groups.slice(0, max)
    return {
      ok: true,
      data: {
        logGroups: groups.map((g) => ({
          logGroupName: g.logGroupName,
          creationTime: epoch(g.creationTime),
          metricFilterCount: 0,
          arn: `${groupArn(ctx.state, g)}:*`,
          storedBytes: g.storedBytes,
          logGroupClass: 'STANDARD',
          logGroupArn: groupArn(ctx.state, g),
        })),
      },
    }
  },
}

export const describeLogStreams: AwsOperation = {
  service: 'logs',
  command: 'describe-log-streams',
  operation: 'DescribeLogStreams',
  summary: 'List the log streams of a log group (Fluent Bit makes one per container log file)',
  params: [
    { name: 'log-group-name', type: 'string', required: true, description: 'The log group.' },
    {
      name: 'log-stream-name-prefix',
      type: 'string',
      description: 'Only streams starting with this.',
    },
    {
      name: 'order-by',
      type: 'string',
      description: 'LogStreamName (default) or LastEventTime.',
    },
    { name: 'descending', type: 'boolean', description: 'Newest / last name first.' },
    { name: 'max-items', type: 'integer', description: 'The total number of items to return.' },
  ],
  endpoint,
  run(ctx: OpContext): OpResult {
    const g = findLogGroup(ctx.state, ctx.region, String(ctx.args['log-group-name']))
    if (!g) return groupMissing()
    const orderBy = (ctx.args['order-by'] as string | undefined) ?? 'LogStreamName'
    if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime')
      return {
        ok: false,
        code: 'InvalidParameterException',
        message: `1 validation error detected: Value '${orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]`,
      }
    const prefix = ctx.args['log-stream-name-prefix'] as string | undefined
    let streams = Object.values(g.streams).filter(
      (s) => prefix === undefined || s.logStreamName.startsWith(prefix),
    )
    streams.sort((a, b) =>
      orderBy === 'LastEventTime'
        ? (a.lastEventTimestamp ?? 0) - (b.lastEventTimestamp ?? 0)
        : a.logStreamName < b.logStreamName
          ? -1
          : 1,
    )
    if (ctx.args.descending) streams.reverse()
    const max = ctx.args['max-items'] as number | undefined
    if (max !== undefined) streams = streams.slice(0, max)
    return {
      ok: true,
      data: {
        logStreams: streams.map((s) => ({
          logStreamName: s.logStreamName,
          creationTime: epoch(s.creationTime),
          ...(s.firstEventTimestamp !== undefined
            ? { firstEventTimestamp: epoch(s.firstEventTimestamp) }
            : {}),
          ...(s.lastEventTimestamp !== undefined
            ? { lastEventTimestamp: epoch(s.lastEventTimestamp) }
            : {}),
          ...(s.lastIngestionTime !== undefined
            ? { lastIngestionTime: epoch(s.lastIngestionTime) }
            : {}),
          uploadSequenceToken: digits(`${g.logGroupName}/${s.logStreamName}`, 56),
          arn: `${groupArn(ctx.state, g)}:log-stream:${s.logStreamName}`,
          storedBytes: 0,
        })),
      },
    }
  },
}

export const getLogEvents: AwsOperation = {
  service: 'logs',
  command: 'get-log-events',
  operation: 'GetLogEvents',
  summary: 'Read the events of one log stream',
  params: [
    { name: 'log-group-name', type: 'string', required: true, description: 'The log group.' },
    { name: 'log-stream-name', type: 'string', required: true, description: 'The log stream.' },
    { name: 'start-from-head', type: 'boolean', description: 'Oldest events first.' },
    { name: 'limit', type: 'integer', description: 'At most this many events (default 10000).' },
  ],
  endpoint,
  run(ctx: OpContext): OpResult {
    const g = findLogGroup(ctx.state, ctx.region, String(ctx.args['log-group-name']))
    if (!g) return groupMissing()
    const name = String(ctx.args['log-stream-name'])
    const s = g.streams[name]
    if (!s)
      return {
        ok: false,
        code: 'ResourceNotFoundException',
        message: 'The specified log stream does not exist.',
      }
    const limit = (ctx.args.limit as number | undefined) ?? 10000
    // without --start-from-head the service returns the newest page
    const events = ctx.args['start-from-head'] ? s.events.slice(0, limit) : s.events.slice(-limit)
    const token = digits(`${g.logGroupName}/${name}/${s.events.length}`, 56)
    return {
      ok: true,
      data: {
        events: events.map((e) => ({
          timestamp: epoch(e.timestamp),
          message: e.message,
          ingestionTime: epoch(e.ingestionTime),
        })),
        nextForwardToken: `f/${token}/s`,
        nextBackwardToken: `b/${token}/s`,
      },
    }
  },
}

// ---------------------------------------------------------------------------------------------
// aws logs tail (a CLI customization with a positional argument, so it parses its own words)

const TAIL_FORMATS = ['detailed', 'short', 'json', 'none']
const p2 = (n: number, w = 2) => String(n).padStart(w, '0')

/** Python's datetime.isoformat() for a UTC datetime built from epoch ms. */
function isoformat(epochMs: number, micro: 'auto' | 'always'): string {
  const d = new Date(epochMs)
  const base = `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`
  const ms = d.getUTCMilliseconds()
  const frac = micro === 'always' || ms !== 0 ? `.${p2(ms, 3)}000` : ''
  return `${base}${frac}+00:00`
}

function shortTime(epochMs: number): string {
  return isoformat(epochMs, 'auto').slice(0, 19)
}

/** `5m`, `2h` … relative to now, or an ISO 8601 timestamp; undefined when unparseable. */
function sinceMs(state: ClusterState, since: string): number | undefined {
  const m = /^(\d+)(s|m|h|d|w)$/.exec(since)
  if (m) {
    const unit = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2] as 's']
    return state.now - Number(m[1]) * unit * 1000
  }
  const t = Date.parse(since)
  return Number.isNaN(t) ? undefined : t - EPOCH_MS
}

function pyJson(v: unknown, indent = ''): string {
  // json.dumps(indent=4): the CLI's pretty format for messages that are entirely JSON
  const next = indent + '    '
  if (Array.isArray(v))
    return v.length === 0
      ? '[]'
      : `[\n${v.map((x) => next + pyJson(x, next)).join(',\n')}\n${indent}]`
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
    return entries.length === 0
      ? '{}'
      : `{\n${entries.map(([k, x]) => `${next}${JSON.stringify(k)}: ${pyJson(x, next)}`).join(',\n')}\n${indent}}`
  }
  return JSON.stringify(v)
}

function renderEvent(e: FilteredEvent, format: string): string[] {
  const ts = epoch(e.timestamp)
  const msg = e.message.replace(/\s+$/, '')
  switch (format) {
    case 'short':
      return `${shortTime(ts)} ${msg}`.split('\n')
    case 'json': {
      let body = msg
      try {
        body = '\n' + pyJson(JSON.parse(msg))
      } catch {
        // not JSON: printed as is
      }
      return `${isoformat(ts, 'auto')} ${e.logStreamName} ${body}`.split('\n')
    }
    case 'none':
      return [
        `{"logStreamName": ${JSON.stringify(e.logStreamName)}, "timestamp": ${JSON.stringify(shortTime(ts))}, "message": ${JSON.stringify(e.message)}, "ingestionTime": ${JSON.stringify(shortTime(epoch(e.ingestionTime)))}, "eventId": ${JSON.stringify(e.eventId)}}`,
      ]
    default:
      return `${isoformat(ts, 'always')} ${e.logStreamName} ${msg}`.split('\n')
  }
}

function tail(argv: string[], state: ClusterState, regionDefault: string): CommandResult {
  let group: string | undefined
  let since = '10m'
  let format = 'detailed'
  let region = regionDefault
  let prefix: string | undefined
  let streams: string[] | undefined
  const unknown: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const eq = a.indexOf('=')
    const name = a.startsWith('--') ? (eq >= 0 ? a.slice(2, eq) : a.slice(2)) : undefined
    const value = (): string | undefined => (eq >= 0 ? a.slice(eq + 1) : argv[++i])
    if (name === undefined) {
      if (group === undefined) group = a
      else unknown.push(a)
      continue
    }
    if (['follow', 'no-cli-pager', 'no-paginate', 'debug', 'no-sign-request'].includes(name))
      continue
    const needs = ['since', 'format', 'filter-pattern', 'log-stream-name-prefix', 'region']
    if (
      needs.includes(name) ||
      name === 'log-stream-names' ||
      ['output', 'profile', 'color', 'query'].includes(name)
    ) {
      if (name === 'log-stream-names') {
        streams = []
        while (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) streams.push(argv[++i]!)
        if (streams.length === 0)
          return usageError('argument --log-stream-names: expected at least one argument')
        continue
      }
      const v = value()
      if (v === undefined || v.startsWith('--'))
        return usageError(`argument --${name}: expected one argument`)
      if (name === 'since') since = v
      else if (name === 'format') {
        if (!TAIL_FORMATS.includes(v))
          return usageError(
            `argument --format: Invalid choice, valid choices are:\n\n${TAIL_FORMATS.slice(0, 2)
              .map((c) => c.padEnd(40))
              .join(' | ')}\n${TAIL_FORMATS.slice(2)
              .map((c) => c.padEnd(40))
              .join(' | ')}`,
          )
        format = v
      } else if (name === 'region') region = v
      else if (name === 'log-stream-name-prefix') prefix = v
      continue
    }
    unknown.push(a)
  }
  if (group === undefined) return usageError('the following arguments are required: group_name')
  if (unknown.length)
    return {
      lines: [
        'usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]',
        'To see help text, you can run:',
        '',
        '  aws help',
        '  aws <command> help',
        '  aws <command> <subcommand> help',
        '',
        `Unknown options: ${unknown.join(', ')}`,
      ].map(err),
      exitCode: 252,
    }
  if (streams && prefix !== undefined)
    return {
      lines: [
        '',
        'An error occurred (InvalidParameterException) when calling the FilterLogEvents operation: Cannot specify both logStreamNames and logStreamNamePrefix',
      ].map(err),
      exitCode: 254,
    }
  const start = sinceMs(state, since)
  if (start === undefined)
    return {
      lines: ['', `Unable to parse timestamp '${since}'`].map(err),
      exitCode: 255,
    }
  const g = findLogGroup(state, region, group)
  if (!g)
    return {
      lines: [
        '',
        'An error occurred (ResourceNotFoundException) when calling the FilterLogEvents operation: The specified log group does not exist.',
      ].map(err),
      exitCode: 254,
    }
  const events = filterLogEvents(g, {
    startTime: Math.floor(start),
    ...(streams ? { streamNames: streams } : {}),
    ...(prefix !== undefined ? { streamPrefix: prefix } : {}),
  })
  return { lines: events.flatMap((e) => renderEvent(e, format)).map(out), exitCode: 0 }
}

export const tailCommand: CommandSpec = {
  path: ['aws', 'logs', 'tail'],
  modes: ['local'],
  summary: 'Print the recent events of a CloudWatch Logs group, from all its streams',
  usage:
    'aws logs tail <group_name> [--since 10m] [--follow] [--format detailed|short|json|none] [--log-stream-name-prefix <p>]',
  flags: [
    {
      name: 'since',
      type: 'string',
      description: 'From when: 10m (default), 2h, 1d, or an ISO 8601 time.',
    },
    { name: 'follow', type: 'bool', description: 'Keep polling for new events.' },
    {
      name: 'format',
      type: 'string',
      description: 'detailed (default), short, json, none',
      values: TAIL_FORMATS,
    },
    {
      name: 'log-stream-name-prefix',
      type: 'string',
      description: 'Only streams starting with this.',
    },
    { name: 'log-stream-names', type: 'string', description: 'Only these streams.' },
    { name: 'region', type: 'string', description: 'The region to use.' },
  ],
  rawArgs: true,
  run(inv, env) {
    if (inv.args[0] === 'help' || inv.args.includes('--help'))
      return { lines: helpFor(tailCommand), exitCode: 0 }
    return tail(inv.args, env.sim.state, env.sim.state.aws.region)
  },
}

export const LOGS_OPERATIONS = [describeLogGroups, describeLogStreams, getLogEvents]
export const LOGS_COMMANDS: CommandSpec[] = [...LOGS_OPERATIONS.map(awsCommand), tailCommand]
