import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { z } from 'zod'
import {
  EMBED_TAG,
  embedMessage,
  hostMessage,
  originAllowed,
  parseHostMessage,
  type HostCommand,
} from './embedApi.ts'
import { PLAYBACK_SPEEDS } from './speeds.ts'

// The schema of the v1 host commands, in zod: the hand-written validator the browser runs must
// accept exactly what this accepts.
const envelope = { cutaway: z.literal(EMBED_TAG), version: z.literal(1) }
const HostCommandSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...envelope, type: z.literal('play') }),
  z.strictObject({ ...envelope, type: z.literal('pause') }),
  z.strictObject({
    ...envelope,
    type: z.literal('goToStep'),
    step: z.number().int().min(1).max(10_000),
  }),
  z.strictObject({
    ...envelope,
    type: z.literal('setSpeed'),
    speed: z.union(PLAYBACK_SPEEDS.map((s) => z.literal(s))),
  }),
])

const anyValue = fc.oneof(
  fc.constantFrom('play', 'pause', 'goToStep', 'setSpeed', 'resize', EMBED_TAG, 1, 2, 0, 3, 2.5),
  fc.integer({ min: -5, max: 20_000 }),
  fc.double(),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
)
const messages = fc.oneof(
  fc.record(
    {
      cutaway: fc.oneof(fc.constant(EMBED_TAG), anyValue),
      version: fc.oneof(fc.constant(1), anyValue),
      type: fc.oneof(fc.constantFrom('play', 'pause', 'goToStep', 'setSpeed'), anyValue),
      step: anyValue,
      speed: fc.oneof(fc.constantFrom(...PLAYBACK_SPEEDS), anyValue),
      extra: anyValue,
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
)

describe('parseHostMessage', () => {
  it('accepts the v1 commands', () => {
    const cmds: HostCommand[] = [
      { type: 'play' },
      { type: 'pause' },
      { type: 'goToStep', step: 3 },
      { type: 'setSpeed', speed: 0.25 },
    ]
    for (const c of cmds) expect(parseHostMessage(hostMessage(c))).toEqual(c)
  })

  it('ignores other versions, tags, types, extra fields and bad values', () => {
    for (const m of [
      { cutaway: EMBED_TAG, version: 2, type: 'play' },
      { cutaway: 'other', version: 1, type: 'play' },
      { cutaway: EMBED_TAG, version: 1, type: 'explode' },
      { cutaway: EMBED_TAG, version: 1, type: 'play', html: '<img>' },
      { cutaway: EMBED_TAG, version: 1, type: 'goToStep', step: '3' },
      { cutaway: EMBED_TAG, version: 1, type: 'goToStep', step: 0 },
      { cutaway: EMBED_TAG, version: 1, type: 'goToStep', step: 1.5 },
      { cutaway: EMBED_TAG, version: 1, type: 'setSpeed', speed: 3 },
      embedMessage({ type: 'resize', height: 3 }),
      '{"cutaway":"cutaway-embed","version":1,"type":"play"}',
      null,
      [EMBED_TAG],
    ])
      expect(parseHostMessage(m)).toBeNull()
  })

  it('agrees with the zod schema on any message', () => {
    fc.assert(
      fc.property(messages, (m) => {
        const ours = parseHostMessage(m)
        const theirs = HostCommandSchema.safeParse(m)
        expect(ours !== null).toBe(theirs.success)
        if (theirs.success) {
          const { cutaway: _c, version: _v, ...command } = theirs.data
          expect(ours).toEqual(command)
        }
      }),
      { numRuns: 2000 },
    )
  })
})

it('originAllowed: any page without the parameter, exactly that origin with it', () => {
  expect(originAllowed(null, 'https://a.example')).toBe(true)
  expect(originAllowed('https://a.example', 'https://a.example')).toBe(true)
  expect(originAllowed('https://a.example', 'https://a.example.evil.com')).toBe(false)
  expect(originAllowed('https://a.example', 'null')).toBe(false)
})
