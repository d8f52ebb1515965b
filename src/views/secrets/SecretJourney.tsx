import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react'
import { createPortal } from 'react-dom'
import './secrets.css'
import { createAnimationLoop } from '../animation/animationLoop.ts'
import { cancelFrame, requestFrame } from '../animation/frame.ts'
import { useSimStore } from '../hooks/stores.ts'
import { useReducedMotion } from '../hooks/useReducedMotion.ts'
import { InlineMarkdown } from '../scenario/Markdown.tsx'
import { ByteExcerpt } from './ByteExcerpt.tsx'
import { XRAY_LABEL, ZONE_LABEL, type SecretRef, type Stop } from './journey.ts'
import { useJourney } from './useJourney.ts'
import { initialPlayer, playerReducer, runFor, type PlayerAction } from './player.ts'

// "The journey of one Secret": a panel over the map that follows one value of one Secret from
// kubectl to the container's file, stop by stop, with the bytes as they are at each stop. It plays
// by itself when the engine reports a write of a Secret to etcd (the control-plane stops) or a
// kubelet fetching it (the node stops), one stop per beat; play/pause/step/back drive it by hand.
// Under reduced motion the lit stop changes without the travelling dot. The ordered list of stops
// is the text equivalent: every stop is described in words.

const STOPS = 9
/** ms per stop at 1x: long enough to read the title and see the bytes change */
const BEAT_MS = 1800

export function SecretJourney({
  secret,
  onClose,
}: {
  secret: SecretRef | null
  onClose: () => void
}) {
  const store = useSimStore()
  const reduced = useReducedMotion()
  const [followed, setFollowed] = useState<SecretRef | null>(secret)
  const [player, setPlayer] = useState(() => initialPlayer(STOPS))
  const dispatch = (a: PlayerAction) => setPlayer((s) => playerReducer(s, a, STOPS))
  const id = useId()
  const headingRef = useRef<HTMLHeadingElement>(null)
  const dotRef = useRef<HTMLSpanElement>(null)
  const itemsRef = useRef<(HTMLLIElement | null)[]>([])

  const { journey } = useJourney(followed)

  useEffect(() => headingRef.current?.focus(), [])

  // engine events start a run: a write plays kubectl → followers, a fetch plays kubelet → container
  useEffect(() => {
    let lastId = store.getState().events.at(-1)?.id ?? 0
    return store.subscribe((s, prev) => {
      if (s.events === prev.events) return
      const newest = s.events.at(-1)?.id ?? 0
      const fresh = s.events.filter((e) => e.id > lastId).map((e) => e.event)
      lastId = newest
      const run = runFor(fresh, STOPS)
      if (!run) return
      setFollowed(run.secret)
      setPlayer((p) => playerReducer(p, { type: 'run', from: run.from, to: run.to }, STOPS))
    })
  }, [store])

  // one beat per stop on the app's animation loop; the dot travels in the beat's last third
  useEffect(() => {
    if (!player.playing) return
    const loop = createAnimationLoop({ requestFrame, cancelFrame })
    const from = itemsRef.current[player.at]
    const to = itemsRef.current[player.at + 1]
    loop.start('journey-beat', {
      duration: BEAT_MS / store.getState().speed,
      update(t) {
        const dot = dotRef.current
        if (dot && from && to && !reduced) {
          const k = Math.max(0, (t - 0.66) / 0.34)
          const y = from.offsetTop + (to.offsetTop - from.offsetTop) * k
          dot.style.transform = `translateY(${y}px)`
        }
        if (t >= 1) setPlayer((s) => playerReducer(s, { type: 'tick' }, STOPS))
      },
    })
    return () => loop.destroy()
  }, [player.playing, player.at, reduced, store])

  // at rest (or under reduced motion) the dot sits on the lit stop
  useEffect(() => {
    const li = itemsRef.current[player.at]
    if (dotRef.current && li) dotRef.current.style.transform = `translateY(${li.offsetTop}px)`
  }, [player.at, journey])

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.stopPropagation()
      onClose()
    }
  }

  const stop = journey?.stops[player.at]
  return createPortal(
    <section
      className="journey"
      role="dialog"
      aria-modal="false"
      aria-labelledby={`${id}-title`}
      onKeyDown={onKeyDown}
      data-testid="journey"
    >
      <header className="journey-head">
        <h2 id={`${id}-title`} ref={headingRef} tabIndex={-1}>
          The journey of one Secret
          {journey && (
            <span className="dim">
              {' '}
              {journey.secret.namespace}/{journey.secret.name}, key <code>{journey.key}</code>
            </span>
          )}
        </h2>
        <div className="journey-controls" role="group" aria-label="Journey playback">
          <button type="button" onClick={() => dispatch({ type: 'back' })} disabled={!journey}>
            ◀ Back
          </button>
          <button
            type="button"
            onClick={() => dispatch({ type: player.playing ? 'pause' : 'play' })}
            disabled={!journey}
            data-testid="journey.play"
          >
            {player.playing ? '❚❚ Pause' : '▶ Play'}
          </button>
          <button
            type="button"
            onClick={() => dispatch({ type: 'step' })}
            disabled={!journey}
            data-testid="journey.step"
          >
            Step ▶
          </button>
          <button type="button" onClick={onClose} data-testid="journey.close">
            Close
          </button>
        </div>
      </header>
      {!journey ? (
        <p className="dim">
          No Secret with data yet. Create one, for example{' '}
          <code>kubectl create secret generic db --from-literal=password=s3cr3t</code>, and its
          journey plays here.
        </p>
      ) : (
        <div className="journey-body">
          <div className="journey-rail">
            <span ref={dotRef} className="journey-dot" aria-hidden="true" hidden={reduced} />
            <ol className="journey-stops" aria-label="Stops, in order">
              {journey.stops.map((s, i) => (
                <li
                  key={s.id}
                  ref={(el) => {
                    itemsRef.current[i] = el
                  }}
                  className={`journey-stop zone-${s.zone}${i === player.at ? ' current' : ''}${s.pending ? ' pending' : ''}`}
                  aria-current={i === player.at ? 'step' : undefined}
                >
                  <button
                    type="button"
                    className="journey-stop-button"
                    onClick={() => dispatch({ type: 'goto', at: i })}
                    data-testid={`journey.stop.${s.id}`}
                  >
                    <span className="journey-zone">{ZONE_LABEL[s.zone]}</span>
                    <span className="journey-stop-title">{s.title}</span>
                    <Readable stop={s} value={journey.value} />
                  </button>
                </li>
              ))}
            </ol>
          </div>
          {stop && <StopDetail stop={stop} value={journey.value} index={player.at} />}
        </div>
      )}
    </section>,
    document.body,
  )
}

function Readable({ stop, value }: { stop: Stop; value: string }) {
  if (stop.pending) return <span className="readable readable-pending">not here</span>
  if (stop.readable === 'clear')
    return <span className="readable readable-clear">{value} in clear</span>
  if (stop.readable === 'base64')
    return <span className="readable readable-b64">base64: reversible</span>
  return <span className="readable readable-no">{value} nowhere</span>
}

function StopDetail({ stop, value, index }: { stop: Stop; value: string; index: number }) {
  return (
    <div className="journey-detail" aria-live="polite" data-testid="journey.detail">
      <h3>
        <span className="dim">
          {index + 1}/{STOPS} · {ZONE_LABEL[stop.zone]}
        </span>{' '}
        {stop.title}
      </h3>
      {stop.zone === 'etcd' && (
        <p className="journey-xray" role="note">
          {XRAY_LABEL}
        </p>
      )}
      <p>
        <InlineMarkdown text={stop.text} />
      </p>
      {stop.facts.length > 0 && (
        <dl className="journey-facts">
          {stop.facts.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      )}
      {stop.lines && (
        <pre className="journey-bytes" tabIndex={0} aria-label="The manifest kubectl sends">
          {stop.lines.map((l, i) =>
            l.mark ? (
              <mark key={i} className="byte-b64">
                {l.text + '\n'}
              </mark>
            ) : (
              l.text + '\n'
            ),
          )}
        </pre>
      )}
      {stop.bytes && (
        <ByteExcerpt
          x={stop.bytes}
          label={`Bytes at this stop, hexdump -C excerpt: ${
            stop.bytes.clear
              ? `${value} appears in clear`
              : stop.bytes.base64
                ? `${value} appears as base64`
                : `${value} appears nowhere in the ${stop.bytes.total} bytes`
          }`}
        />
      )}
      {stop.bytes && !stop.bytes.clear && !stop.bytes.base64 && (
        <p className="journey-verdict">
          <code>{value}</code> appears nowhere in these {stop.bytes.total} bytes.
        </p>
      )}
    </div>
  )
}
