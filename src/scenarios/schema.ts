import { z } from 'zod'
import type { SimEventType } from '../engine/index.ts'
import { compilePattern, matchCommand, shellModeOf } from '../state/scenarioPlayer.ts'

// The scenario schema: for tests and tools ONLY (zod is a devDependency and must stay out of the
// browser bundle, so no runtime file imports this). It checks the shape, then cross-checks what a
// type cannot: command patterns resolve to real CommandSpecs and their solutions match them,
// predict questions have one correct choice that the solution names, narration stays short.
// Errors name the scenario file and the field path: `src/scenarios/tour.ts: steps[2].complete…: …`.

const EVENT_TYPES = [
  'etcd.put',
  'etcd.delete',
  'watch.notify',
  'pod.scheduled',
  'pod.unschedulable',
  'pod.phase',
  'pod.ip',
  'container.pull',
  'container.start',
  'container.exit',
  'log.append',
  'log.rotate',
  'logs.request',
  'kubeproxy.sync',
  'netfilter.baseline',
  'kubelet.fetch',
  'kubelet.volume',
  'ec2.launch',
  'k8s.event',
  'etcd.replicate',
  'kms.encrypt',
  'packet.flow',
  'packet.hop',
  'ec2.attachEni',
  'ec2.assignPrivateIps',
  'ec2.detachEni',
  'ec2.unassignPrivateIps',
  'cni.add',
  'cni.del',
] as const satisfies readonly SimEventType[]
// a compile error here means the engine gained an event type this list lacks
const _allEventTypes: Exclude<SimEventType, (typeof EVENT_TYPES)[number]> extends never
  ? true
  : false = true
void _allEventTypes

const text = z.string().trim().min(1, 'must not be empty')
const kebab = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be kebab-case (a-z, 0-9, -)')

const Target = z.strictObject({
  kind: text,
  name: text.optional(),
  namePrefix: text.optional(),
  namespace: text.optional(),
})

const ClickRef = z.strictObject({ kind: text, name: text, namespace: text.optional() })

const FieldMatch = z.union([z.string(), z.number(), z.boolean(), z.strictObject({ prefix: text })])

const EventMatch = z.strictObject({
  type: z.enum(EVENT_TYPES),
  where: z.record(z.string(), FieldMatch).optional(),
  count: z.int().min(1).optional(),
  distinct: text.optional(),
})

const Choice = z.strictObject({ text, correct: z.boolean(), explanation: text })

const Predict = z.strictObject({
  question: text,
  choices: z.array(Choice).min(3, 'needs 3 or 4 choices').max(4, 'needs 3 or 4 choices'),
})

const COMPLETE = {
  command: z.strictObject({
    command: text,
    mode: z.enum(['local', 'node', 'container']).optional(),
    exitCode: z.int().min(0).max(255).optional(),
  }),
  click: z.strictObject({ click: Target }),
  event: z.strictObject({ event: EventMatch }),
  predict: z.strictObject({ predict: Predict }),
  next: z.strictObject({ next: z.literal(true) }),
} as const

const SOLUTION = {
  command: z.strictObject({ commands: z.array(text).min(1, 'needs at least one command') }),
  click: z.strictObject({ click: ClickRef }),
  event: z.strictObject({ wait: text }),
  predict: z.strictObject({ answer: z.int().min(0) }),
  next: z.undefined({ error: 'a read-only step has no solution' }),
} as const

type Kind = keyof typeof COMPLETE

/** Sentences in markdown, ignoring dots inside `code` (node names, URLs). */
export function sentenceCount(md: string): number {
  const plain = md.replace(/`[^`]*`/g, 'x')
  return (plain.match(/[.!?](?=\s|$)/g) ?? []).length
}

const Notes = z.strictObject({
  say: text,
  question: text.optional(),
  minutes: z.number().positive().max(30),
})

const Step = z
  .strictObject({
    id: kebab,
    title: text,
    say: text,
    complete: z.record(z.string(), z.unknown()),
    highlight: z.array(Target).optional(),
    conceal: z.array(z.string().min(1)).optional(),
    hints: z.array(text).min(1, 'give at least one hint'),
    notes: Notes,
    solution: z.unknown().optional(),
  })
  .superRefine((step, ctx) => {
    const n = sentenceCount(step.say)
    if (n < 1 || n > 4)
      ctx.addIssue({
        code: 'custom',
        path: ['say'],
        message: `narration should be 2–4 short sentences (found ${n})`,
      })
    const keys = Object.keys(step.complete)
    const kind = (Object.keys(COMPLETE) as Kind[]).find((k) => keys.includes(k))
    if (!kind) {
      ctx.addIssue({
        code: 'custom',
        path: ['complete'],
        message: `must have one of ${Object.keys(COMPLETE).join(', ')} (found ${keys.join(', ') || 'nothing'})`,
      })
      return
    }
    const c = COMPLETE[kind].safeParse(step.complete)
    if (!c.success)
      for (const issue of c.error.issues)
        ctx.addIssue({ code: 'custom', path: ['complete', ...issue.path], message: issue.message })
    const sol = SOLUTION[kind].safeParse(step.solution)
    if (!sol.success)
      for (const issue of sol.error.issues)
        ctx.addIssue({ code: 'custom', path: ['solution', ...issue.path], message: issue.message })
    if (!c.success || !sol.success) return

    if (kind === 'command') {
      const { command, mode } = c.data as z.infer<(typeof COMPLETE)['command']>
      const compiled = compilePattern(command, mode)
      if (!compiled.ok) {
        ctx.addIssue({
          code: 'custom',
          path: ['complete', 'command'],
          message: `does not resolve to a CommandSpec: ${compiled.error}`,
        })
        return
      }
      const cmds = (sol.data as { commands: string[] }).commands
      const last = cmds[cmds.length - 1]!
      if (!matchCommand(compiled.compiled, last, shellModeOf(compiled.compiled.mode)))
        ctx.addIssue({
          code: 'custom',
          path: ['solution', 'commands', cmds.length - 1],
          message: `"${last}" does not match the step's pattern "${command}"`,
        })
    }
    if (kind === 'predict') {
      const { choices } = (c.data as z.infer<(typeof COMPLETE)['predict']>).predict
      const correct = choices.flatMap((ch, i) => (ch.correct ? [i] : []))
      if (correct.length !== 1)
        ctx.addIssue({
          code: 'custom',
          path: ['complete', 'predict', 'choices'],
          message: `exactly one choice must be correct (found ${correct.length})`,
        })
      const answer = (sol.data as { answer: number }).answer
      if (correct.length === 1 && answer !== correct[0])
        ctx.addIssue({
          code: 'custom',
          path: ['solution', 'answer'],
          message: `is ${answer} but the correct choice is ${correct[0]}`,
        })
    }
  })

export const ScenarioSchema = z
  .strictObject({
    id: kebab,
    title: text,
    summary: text,
    topic: z.enum(['start', 'logs', 'secrets', 'services', 'iptables', 'cni', 'egress']),
    minutes: z.number().positive().max(120),
    seed: z.int().min(0).max(0xffffffff),
    // a partial SimulationConfig; the engine's defaults fill the rest
    config: z.record(z.string(), z.unknown()).optional(),
    setup: z.array(text),
    steps: z.array(Step).min(6, 'a scenario has 6–12 steps').max(12, 'a scenario has 6–12 steps'),
    recap: z.array(text).length(3, 'the recap has exactly three bullets'),
    tryIt: z.strictObject({ task: text, commands: z.array(text).optional() }),
  })
  .superRefine((s, ctx) => {
    const seen = new Map<string, number>()
    s.steps.forEach((step, i) => {
      const first = seen.get(step.id)
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'id'],
          message: `"${step.id}" is already the id of steps[${first}]`,
        })
      else seen.set(step.id, i)
    })
    const predicts = s.steps.filter((st) => 'predict' in st.complete).length
    if (predicts < 1)
      ctx.addIssue({
        code: 'custom',
        path: ['steps'],
        message: 'needs at least one predict question',
      })
  })

/** `steps[2].complete.predict.choices` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p)
  return out || '(root)'
}

export type Validation = { ok: true } | { ok: false; errors: string[] }

/** Validates one scenario; every error starts with the file and the field path. */
export function validateScenario(data: unknown, file: string): Validation {
  const r = ScenarioSchema.safeParse(data)
  if (r.success) return { ok: true }
  return {
    ok: false,
    errors: r.error.issues.map((i) => `${file}: ${formatPath(i.path)}: ${i.message}`),
  }
}
