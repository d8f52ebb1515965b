import { useEffect, useState } from 'react'
import { useStore } from 'zustand'
import type { Scenario } from '../../scenarios/index.ts'
import type { EmbedEvent, HostCommand } from '../../state/embedApi.ts'
import type { EmbedParams } from '../../state/embedParams.ts'
import { createPresentation, type Presentation } from '../../state/presentation.ts'
import { PLAYBACK_SPEEDS } from '../../state/speeds.ts'
import { SimulationProvider } from '../hooks/SimulationProvider.tsx'
import { Stage } from '../present/Stage.tsx'

// The interactive embed: the presenter's stage in a frame, driven by the reader (the controls) or
// the host page (the API). It writes no storage: a presentation keeps no progress.

export interface EmbedControls {
  run(command: HostCommand): void
}

export default function EmbedPlayer({
  scenario,
  params,
  post,
  onReady,
}: {
  scenario: Scenario
  params: EmbedParams
  post: (e: EmbedEvent) => void
  onReady: (c: EmbedControls | null) => void
}) {
  const [presentation] = useState(() =>
    createPresentation(scenario, {
      startStep: params.step,
      playing: params.autoplay,
      speed: params.speed,
    }),
  )
  const { player, sim } = presentation

  useEffect(() => {
    const s = () => sim.getState()
    onReady({
      run(c) {
        switch (c.type) {
          case 'play':
            return s().play()
          case 'pause':
            return s().pause()
          case 'setSpeed':
            return s().setSpeed(c.speed)
          case 'goToStep':
            return presentation.goTo(Math.min(c.step, scenario.steps.length + 1) - 1)
        }
      },
    })
    return () => {
      onReady(null)
      presentation.dispose()
    }
    // onReady is the page's; the presentation lives as long as this component
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [presentation])

  const index = useStore(player, (p) => p.index)
  useEffect(() => {
    const step = scenario.steps[index]
    if (step)
      post({
        type: 'stepChanged',
        scenario: scenario.id,
        step: index + 1,
        stepId: step.id,
        title: step.title,
      })
    else post({ type: 'scenarioCompleted', scenario: scenario.id })
    // post is stable in effect (it reads a ref); only the step matters
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [index, scenario])

  return (
    <SimulationProvider store={sim}>
      <Stage presentation={presentation} />
      {params.controls && <EmbedBar presentation={presentation} />}
    </SimulationProvider>
  )
}

function EmbedBar({ presentation }: { presentation: Presentation }) {
  const { scenario, player, sim } = presentation
  const index = useStore(player, (p) => p.index)
  const playing = useStore(sim, (s) => s.playing)
  const speed = useStore(sim, (s) => s.speed)
  const total = scenario.steps.length
  const learnUrl = `${import.meta.env.BASE_URL}learn/${encodeURIComponent(scenario.id)}/${
    index >= total ? 'done' : index + 1
  }`
  return (
    <div className="embed-bar" role="toolbar" aria-label="Lesson controls">
      <button
        type="button"
        onClick={() => presentation.back()}
        disabled={index === 0}
        data-testid="embed.back"
      >
        Back
      </button>
      <button
        type="button"
        onClick={() => presentation.next()}
        disabled={index >= total}
        data-testid="embed.next"
      >
        Next
      </button>
      <button
        type="button"
        onClick={() => (playing ? sim.getState().pause() : sim.getState().play())}
        aria-pressed={playing}
      >
        {playing ? 'Pause' : 'Play'}
      </button>
      <label>
        Speed{' '}
        <select value={speed} onChange={(e) => sim.getState().setSpeed(Number(e.target.value))}>
          {PLAYBACK_SPEEDS.map((x) => (
            <option key={x} value={x}>
              {x}x
            </option>
          ))}
        </select>
      </label>
      <a href={learnUrl} target="_blank" rel="noopener">
        Open in Cutaway
      </a>
    </div>
  )
}
