import type { Scenario } from '../../scenarios/types.ts'
import { createPresentation } from '../../state/presentation.ts'
import type { TranscriptEntry } from '../../state/simulationStore.ts'

// The storyboard behind /print/:scenario: the scenario played headless, step by step, as the
// presenter would ("next" does each step's solution). Each frame is what the console shows
// once the step is done: the commands its solution typed and their output.

export interface Frame {
  index: number
  /** console entries the step added */
  entries: Pick<TranscriptEntry, 'prompt' | 'input' | 'lines'>[]
}

const MAX_LINES = 14

export function buildStoryboard(scenario: Scenario): Frame[] {
  const p = createPresentation(scenario)
  const frames: Frame[] = []
  try {
    for (let i = 0; i < scenario.steps.length; i++) {
      const before = p.sim.getState().transcript.length
      // "next" twice on an open predict question: reveal, then move on
      while (p.player.getState().index === i) {
        const was = p.player.getState().answers[i]
        p.next()
        if (p.player.getState().index === i && p.player.getState().answers[i] === was) break
      }
      frames.push({
        index: i,
        entries: p.sim
          .getState()
          .transcript.slice(before)
          .map((e) => ({
            prompt: e.prompt,
            input: e.input,
            lines:
              e.lines.length > MAX_LINES
                ? [
                    ...e.lines.slice(0, MAX_LINES),
                    { text: `… ${e.lines.length - MAX_LINES} more lines`, tone: 'dim' },
                  ]
                : e.lines,
          })),
      })
    }
  } finally {
    p.dispose()
  }
  return frames
}
