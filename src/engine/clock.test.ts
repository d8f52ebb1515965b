import { describe, expect, it } from 'vitest'
import { Agenda } from './clock.ts'

const work = (key: string) => ({
  kind: 'reconcile' as const,
  controller: 'deployment' as const,
  key,
})

describe('Agenda', () => {
  it('runs work in (time, insertion) order, ties broken by the insertion counter', () => {
    const a = new Agenda()
    a.schedule(0, 10, work('b'))
    a.schedule(0, 5, work('a'))
    a.schedule(0, 10, work('c'))
    a.schedule(0, 5, work('a2'))
    const order: string[] = []
    let item
    while ((item = a.takeDue(100))) order.push((item.work as { key: string }).key)
    expect(order).toEqual(['a', 'a2', 'b', 'c'])
  })

  it('does not run work before it is due', () => {
    const a = new Agenda()
    a.schedule(0, 50, work('x'))
    expect(a.takeDue(49)).toBeUndefined()
    expect(a.takeDue(50)?.at).toBe(50)
  })

  it('dedups a request already queued no later, but never lets a later timer hide an earlier request', () => {
    const a = new Agenda()
    a.schedule(0, 600_000, work('d'), true, 'deployment|d') // a deadline timer
    a.schedule(0, 5, work('d'), false, 'deployment|d') // a watch event: must still run soon
    a.schedule(0, 7, work('d'), false, 'deployment|d') // deduped against the 5ms one
    expect(a.size).toBe(2)
    expect(a.takeDue(10)?.at).toBe(5)
    expect(a.nextForegroundAt()).toBeUndefined()
  })

  it('clones independently (transactions restore the agenda on failure)', () => {
    const a = new Agenda()
    a.schedule(0, 1, work('x'))
    const b = a.clone()
    a.takeDue(10)
    expect(a.size).toBe(0)
    expect(b.size).toBe(1)
  })
})
