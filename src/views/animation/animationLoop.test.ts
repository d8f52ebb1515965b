import { describe, expect, it } from 'vitest'
import { createAnimationLoop } from './animationLoop.ts'

function fakeFrames() {
  let t = 0
  let queued: ((t: number) => void) | null = null
  let requests = 0
  return {
    now: () => t,
    requestFrame: (cb: (t: number) => void) => {
      queued = cb
      requests++
      return requests
    },
    cancelFrame: () => {
      queued = null
    },
    /** advance the clock and run the pending frame */
    frame(ms: number) {
      t += ms
      const cb = queued
      queued = null
      cb?.(t)
    },
    get pending() {
      return queued !== null
    },
  }
}

describe('createAnimationLoop', () => {
  it('runs keyed animations from one frame request and sleeps when idle', () => {
    const f = fakeFrames()
    const loop = createAnimationLoop(f)
    const seen: number[] = []
    let ended = 0
    loop.start('a', { duration: 100, update: (t) => void seen.push(t), end: () => ended++ })
    loop.start('b', { duration: 50, update: () => {} })
    expect(loop.size).toBe(2)
    f.frame(16)
    f.frame(50)
    f.frame(50)
    expect(seen[0]).toBe(0)
    expect(seen.at(-1)).toBe(1)
    expect(ended).toBe(1)
    expect(loop.size).toBe(0)
    expect(f.pending).toBe(false)
  })

  it('restarting a key ends the old animation first; waiting targets do not advance', () => {
    const f = fakeFrames()
    const loop = createAnimationLoop(f)
    const ends: string[] = []
    loop.start('k', { duration: 100, update: () => {}, end: () => ends.push('first') })
    loop.start('k', { duration: 100, update: () => {}, end: () => ends.push('second') })
    expect(ends).toEqual(['first'])
    let present = false
    const ts: number[] = []
    loop.start('w', {
      duration: 100,
      waitMs: 1000,
      update: (t) => (present ? void ts.push(t) : false),
    })
    f.frame(200)
    present = true
    f.frame(10)
    f.frame(50)
    expect(ts[0]).toBe(0)
    expect(ts[1]).toBeCloseTo(0.5)
    loop.destroy()
    expect(loop.size).toBe(0)
  })
})
