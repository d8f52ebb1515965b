import { deepClone } from '../clone.ts'
import type { Ctx } from '../context.ts'
import { emit } from '../context.ts'
import type { KEvent, KObject } from '../model/k8s.ts'
import { resourceForKind, apiVersionOf } from '../model/resources.ts'
import { EPOCH_MS, rfc3339 } from '../time.ts'
import { getObject, putObject } from './store.ts'
import { uuid } from '../random.ts'

// client-go's event recorder: an Event object named `<object>.<unix nanos in hex>` in the object's
// namespace; a repeat of the same reason and message on the same object bumps `count` instead
// (the EventCorrelator's aggregation).

export interface EventSource {
  component: string
  host?: string
}

export function recordEvent(
  ctx: Ctx,
  involved: KObject,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
  source: EventSource,
  fieldPath?: string,
): void {
  const { state } = ctx
  const namespace = involved.metadata.namespace ?? 'default'
  const now = rfc3339(state.now)
  const aggKey = `${involved.metadata.uid}|${source.component}|${reason}|${message}`
  const existingName = state.eventIndex[aggKey]
  const existing = existingName ? getObject(state, 'Event', namespace, existingName) : undefined
  if (existing) {
    const copy = deepClone(existing)
    copy.count += 1
    copy.lastTimestamp = now
    putObject(ctx, copy)
  } else {
    const nanos =
      (BigInt(EPOCH_MS) + BigInt(Math.floor(state.now))) * 1_000_000n +
      BigInt(ctx.agenda.seq % 1_000_000)
    const r = resourceForKind(involved.kind)
    const ev: KEvent = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${involved.metadata.name}.${nanos.toString(16)}`,
        namespace,
        uid: uuid(state.rng),
        resourceVersion: '0',
        creationTimestamp: now,
      },
      involvedObject: {
        kind: involved.kind,
        namespace: involved.metadata.namespace,
        name: involved.metadata.name,
        uid: involved.metadata.uid,
        apiVersion: apiVersionOf(r),
        resourceVersion: involved.metadata.resourceVersion,
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      source,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent:
        source.component === 'default-scheduler' ? 'default-scheduler' : source.component,
      reportingInstance: source.host ?? '',
    }
    ctx.agenda.seq++
    state.eventIndex[aggKey] = ev.metadata.name
    putObject(ctx, ev)
  }
  emit(ctx, {
    type: 'k8s.event',
    namespace,
    object: `${involved.kind.toLowerCase()}/${involved.metadata.name}`,
    reason,
    message,
    eventType: type,
  })
}
