import type { SimEventType, SimulationConfig } from '../engine/index.ts'

// The shape of a guided scenario. Scenarios are plain data (STYLE.md 9): narration, what completes
// each step, what to highlight, hints, speaker notes, and the solution that a test replays headless.
// Only `import type` from the engine here: nothing in src/scenarios reaches state or views at runtime.

/** Which topic on the home page a scenario belongs to (DESIGN.md "The questions it answers"). */
export type TopicId = 'start' | 'logs' | 'secrets' | 'services' | 'iptables' | 'cni' | 'egress'

/** Where the learner's shell must be for a command pattern (defaults to the first mode it resolves in). */
export type ShellModeKind = 'local' | 'node' | 'container'

/**
 * Something on the cluster map. `kind` is what the map uses (`Node`, `Pod`, `Deployment`, or an AWS /
 * node part such as `vpc`, `subnet`); `name` matches exactly, `namePrefix` any name starting with it.
 */
export interface TargetRef {
  kind: string
  name?: string
  namePrefix?: string
  namespace?: string
}

/** A value an event field must have: equal, or (for strings) starting with `prefix`. */
export type FieldMatch = string | number | boolean | { prefix: string }

export interface EventMatch {
  type: SimEventType
  /** fields of the event that must match, e.g. `{ phase: 'Running', pod: { prefix: 'web-' } }` */
  where?: Record<string, FieldMatch>
  /** how many matching events (default 1) */
  count?: number
  /** count events with different values of this field only once (e.g. `pod`) */
  distinct?: string
}

export interface PredictChoice {
  /** markdown */
  text: string
  correct: boolean
  /** why this choice is right, or which misconception it is and why it is wrong (markdown) */
  explanation: string
}

export interface Predict {
  question: string
  choices: PredictChoice[]
}

export interface SpeakerNotes {
  /** what to say (markdown) */
  say: string
  /** the question a class usually asks here, and a short answer */
  question?: string
  /** how long the step takes in class */
  minutes: number
}

interface StepBase {
  /** stable id (kebab-case): progress is saved by it */
  id: string
  title: string
  /** narration, markdown: two to four short sentences, second person, present tense */
  say: string
  /** map objects to highlight while the step is shown */
  highlight?: TargetRef[]
  /** map object kinds to conceal while this step's predict question is unanswered (they would give the answer away) */
  conceal?: string[]
  /** shown one at a time, on request */
  hints: string[]
  notes: SpeakerNotes
}

/** The learner types a command; it matches when the resolved CommandSpec and the pattern's args/flags match. */
export interface CommandStep extends StepBase {
  complete: {
    /**
     * A command line as the learner would type it. Arguments written `{like-this}` match any one
     * argument; flags in the pattern must be given with the same value (spelling may differ:
     * `-n x` = `--namespace=x`); extra args and flags are allowed.
     */
    command: string
    /** the shell the command must be typed in (default: the first mode where the pattern resolves) */
    mode?: ShellModeKind
    /**
     * the exit code that completes the step (default 0: a failed command does not count). Set it
     * when the failure is the lesson: `28` for a curl that times out, `7` for one refused.
     */
    exitCode?: number
  }
  /** commands to type, in order; the last one completes the step */
  solution: { commands: string[] }
}

export interface ClickStep extends StepBase {
  complete: { click: TargetRef }
  solution: { click: { kind: string; name: string; namespace?: string } }
}

export interface EventStep extends StepBase {
  complete: { event: EventMatch }
  /** what happens while the learner waits; the replay advances the simulated clock */
  solution: { wait: string }
}

export interface PredictStep extends StepBase {
  complete: { predict: Predict }
  /** index of the correct choice */
  solution: { answer: number }
}

export interface ReadStep extends StepBase {
  complete: { next: true }
  solution?: undefined
}

export type Step = CommandStep | ClickStep | EventStep | PredictStep | ReadStep

export type StepKind = 'command' | 'click' | 'event' | 'predict' | 'next'

export function stepKind(step: Step): StepKind {
  const c = step.complete
  if ('command' in c) return 'command'
  if ('click' in c) return 'click'
  if ('event' in c) return 'event'
  if ('predict' in c) return 'predict'
  return 'next'
}

export interface TryIt {
  /** the task, markdown */
  task: string
  /** commands that start it off in the sandbox (shown, not run) */
  commands?: string[]
}

export interface Scenario {
  /** URL slug: /learn/<id>/<step> */
  id: string
  title: string
  /** one sentence for the home page */
  summary: string
  topic: TopicId
  /** expected time for a learner */
  minutes: number
  seed: number
  /** the cluster shape this lesson needs (Kubernetes version, encryption, node count…); default: the sandbox's */
  config?: Partial<SimulationConfig>
  /** commands run before the learner starts; the cluster then settles */
  setup: string[]
  steps: Step[]
  /** three bullets, markdown */
  recap: string[]
  tryIt: TryIt
}
