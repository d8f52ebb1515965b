import { humanDuration, rfc3339 } from '../../engine/index.ts'
import { SPEEDS } from '../../state/simulationStore.ts'
import { useSim, useSimStore } from '../hooks/stores.ts'

// Play/pause, step, step back, speed and reset, all as real buttons with keyboard access.

export function PlaybackBar() {
  const store = useSimStore()
  const playing = useSim((s) => s.playing)
  const speed = useSim((s) => s.speed)
  const now = useSim((s) => s.cluster.now)
  const canStepBack = useSim((s) => s.canStepBack)
  const canRedo = useSim((s) => s.canStepForward)
  const s = store.getState()
  return (
    <div className="playback" role="toolbar" aria-label="Playback">
      <button
        type="button"
        onClick={() => (playing ? s.pause() : s.play())}
        aria-pressed={playing}
        data-testid="playback.play"
      >
        {playing ? 'Pause' : 'Play'}
      </button>
      <button
        type="button"
        onClick={() => s.stepBack()}
        disabled={!canStepBack}
        data-testid="playback.back"
        title="Step back (undo)"
      >
        Step back
      </button>
      <button
        type="button"
        onClick={() => s.stepForward()}
        data-testid="playback.forward"
        title="Advance to the next thing that happens"
      >
        Step
      </button>
      <button
        type="button"
        onClick={() => s.redo()}
        disabled={!canRedo}
        data-testid="playback.redo"
      >
        Redo
      </button>
      <label className="speed">
        Speed
        <select
          value={speed}
          onChange={(e) => s.setSpeed(Number(e.target.value))}
          data-testid="playback.speed"
        >
          {SPEEDS.map((x) => (
            <option key={x} value={x}>
              {x}x
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={() => s.reset()} data-testid="playback.reset">
        Reset
      </button>
      <span className="clock" aria-live="off" title={rfc3339(now)}>
        <span className="sr-only">Simulated time </span>
        {rfc3339(now).slice(11, 19)} UTC <span className="dim">(+{humanDuration(now)})</span>
      </span>
    </div>
  )
}
