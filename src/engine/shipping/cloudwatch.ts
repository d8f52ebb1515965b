import type { ClusterState } from '../model/state.ts'

// Amazon CloudWatch Logs as the simulation needs it: log groups, log streams in them, and the
// events in each stream. It is part of the AWS side of the state, so it outlives every node: the
// point of the logs lesson. Times are simulated ms (the console converts them to epoch ms).
// Simplifications: no retention policy, no KMS, no metric filters; each stream keeps its newest
// MAX_EVENTS_PER_STREAM events (real CloudWatch keeps everything until the retention expires).
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html

export const MAX_EVENTS_PER_STREAM = 5000
/** the 26 bytes CloudWatch adds to every event when it counts storedBytes */
const EVENT_OVERHEAD_BYTES = 26

export interface LogEvent {
  /** when the event happened (simulated ms) */
  timestamp: number
  /** when CloudWatch received it (simulated ms) */
  ingestionTime: number
  message: string
  /** CloudWatch's 56-digit event id */
  eventId: string
}

export interface LogStream {
  logStreamName: string
  creationTime: number
  firstEventTimestamp?: number
  lastEventTimestamp?: number
  lastIngestionTime?: number
  storedBytes: number
  events: LogEvent[]
}

export interface LogGroup {
  logGroupName: string
  region: string
  creationTime: number
  storedBytes: number
  streams: Record<string, LogStream>
}

export interface CloudWatchLogsState {
  groups: Record<string, LogGroup>
  /** next event number, for event ids */
  seq: number
}

function logsOf(state: ClusterState): CloudWatchLogsState {
  state.aws.logs ??= { groups: {}, seq: 0 }
  return state.aws.logs
}

/** CreateLogGroup (Fluent Bit's `auto_create_group true`): a no-op when it exists. */
export function ensureLogGroup(state: ClusterState, name: string, region: string): LogGroup {
  const logs = logsOf(state)
  const key = groupKey(region, name)
  logs.groups[key] ??= {
    logGroupName: name,
    region,
    creationTime: state.now,
    storedBytes: 0,
    streams: {},
  }
  return logs.groups[key]
}

const groupKey = (region: string, name: string) => `${region}|${name}`

/** CreateLogStream + PutLogEvents. Events are kept in timestamp order (a batch may not be). */
export function putLogEvents(
  state: ClusterState,
  group: LogGroup,
  streamName: string,
  events: { timestamp: number; message: string }[],
): void {
  if (events.length === 0) return
  const logs = logsOf(state)
  const stream = (group.streams[streamName] ??= {
    logStreamName: streamName,
    creationTime: state.now,
    storedBytes: 0,
    events: [],
  })
  for (const e of events) {
    const n = logs.seq++
    const bytes = utf8Length(e.message) + EVENT_OVERHEAD_BYTES
    stream.events.push({
      timestamp: e.timestamp,
      ingestionTime: state.now,
      message: e.message,
      eventId: eventId(n, e.timestamp),
    })
    stream.storedBytes += bytes
    group.storedBytes += bytes
    if (stream.firstEventTimestamp === undefined || e.timestamp < stream.firstEventTimestamp)
      stream.firstEventTimestamp = e.timestamp
    if (stream.lastEventTimestamp === undefined || e.timestamp > stream.lastEventTimestamp)
      stream.lastEventTimestamp = e.timestamp
  }
  stream.lastIngestionTime = state.now
  stream.events.sort((a, b) => a.timestamp - b.timestamp)
  if (stream.events.length > MAX_EVENTS_PER_STREAM)
    stream.events.splice(0, stream.events.length - MAX_EVENTS_PER_STREAM)
}

function eventId(n: number, timestamp: number): string {
  // real ids are 56 decimal digits; ours are unique and stable
  return (
    String(Math.max(0, Math.floor(timestamp))).padStart(20, '0') + String(n).padStart(36, '0')
  ).slice(0, 56)
}

function utf8Length(s: string): number {
  let n = 0
  for (const ch of s) {
    const c = ch.codePointAt(0)!
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4
  }
  return n
}

// ---------------------------------------------------------------------------------------------
// reads (the console's `aws logs …`)

export function logGroupsIn(state: ClusterState, region: string): LogGroup[] {
  return Object.values(state.aws.logs?.groups ?? {})
    .filter((g) => g.region === region)
    .sort((a, b) =>
      a.logGroupName < b.logGroupName ? -1 : a.logGroupName > b.logGroupName ? 1 : 0,
    )
}

export function findLogGroup(
  state: ClusterState,
  region: string,
  name: string,
): LogGroup | undefined {
  return state.aws.logs?.groups[groupKey(region, name)]
}

export interface FilteredEvent extends LogEvent {
  logStreamName: string
}

/** FilterLogEvents with interleaved results: every stream's events merged in timestamp order. */
export function filterLogEvents(
  group: LogGroup,
  opts: { startTime?: number; endTime?: number; streamNames?: string[]; streamPrefix?: string },
): FilteredEvent[] {
  const out: FilteredEvent[] = []
  const names = Object.keys(group.streams).sort()
  for (const name of names) {
    if (opts.streamNames && !opts.streamNames.includes(name)) continue
    if (opts.streamPrefix !== undefined && !name.startsWith(opts.streamPrefix)) continue
    for (const e of group.streams[name]!.events) {
      if (opts.startTime !== undefined && e.timestamp < opts.startTime) continue
      if (opts.endTime !== undefined && e.timestamp > opts.endTime) continue
      out.push({ ...e, logStreamName: name })
    }
  }
  // stable: equal timestamps keep stream-name order, then arrival order
  return out
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.timestamp - b.e.timestamp || a.i - b.i)
    .map((x) => x.e)
}
