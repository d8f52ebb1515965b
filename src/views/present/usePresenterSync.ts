import { useEffect } from 'react'
import type { Presentation } from '../../state/presentation.ts'
import {
  openSyncChannel,
  parseNotesRequest,
  syncedTranscript,
  type PresenterState,
} from '../../state/presenterSync.ts'

/**
 * The presenter side of the notes-window sync: broadcasts the state whenever it changes (and the
 * clock twice a second while playing), and carries out the notes window's requests.
 */
export function usePresenterSync(
  presentation: Presentation,
  blank: boolean,
  setBlank: (b: boolean) => void,
): void {
  useEffect(() => {
    const { scenario, sim, player } = presentation
    const channel = openSyncChannel(scenario.id)
    let last = ''
    const state = (): PresenterState => {
      const s = sim.getState()
      const p = player.getState()
      return {
        kind: 'state',
        index: p.index,
        answered: p.answers[p.index] != null,
        playing: s.playing,
        speed: s.speed,
        now: s.cluster.now,
        blank,
        transcript: syncedTranscript(s.transcript),
      }
    }
    const broadcast = (force = false) => {
      const st = state()
      // the clock alone changes every frame: it rides along with other changes or the timer below
      const key = JSON.stringify({ ...st, now: 0 })
      if (!force && key === last) return
      last = key
      channel.post(st)
    }
    const offSim = sim.subscribe((s, prev) => {
      if (s.transcript !== prev.transcript || s.playing !== prev.playing || s.speed !== prev.speed)
        broadcast()
    })
    const offPlayer = player.subscribe(() => broadcast())
    const timer = window.setInterval(() => {
      if (sim.getState().playing) broadcast(true)
    }, 500)
    const offMessages = channel.onMessage((data) => {
      const req = parseNotesRequest(data)
      if (!req) return
      const s = sim.getState()
      switch (req.kind) {
        case 'hello':
          return broadcast(true)
        case 'next':
          return presentation.next()
        case 'back':
          return presentation.back()
        case 'goTo':
          return presentation.goTo(req.index)
        case 'play':
          return s.play()
        case 'pause':
          return s.pause()
        case 'setSpeed':
          return s.setSpeed(req.speed)
        case 'blank':
          return setBlank(req.blank)
        case 'run':
          s.run(req.command, 'terminal')
          return
      }
    })
    broadcast(true)
    return () => {
      offSim()
      offPlayer()
      offMessages()
      window.clearInterval(timer)
      channel.close()
    }
  }, [presentation, blank, setBlank])
}
