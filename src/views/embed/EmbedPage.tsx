import { lazy, Suspense, useEffect, useLayoutEffect, useRef, useState } from 'react'
import { useLocation, useParams } from 'react-router'
import { getScenario, type Scenario } from '../../scenarios/index.ts'
import type { HostCommand } from '../../state/embedApi.ts'
import { parseEmbedParams } from '../../state/embedParams.ts'
import { useTitle } from '../hooks/useTitle.ts'
import { createHostBridge, type HostBridge } from './hostBridge.ts'
import { Poster } from './Poster.tsx'
import type { EmbedControls } from './EmbedPlayer.tsx'
import '../present/present.css'

// /embed/:scenario — a scenario inside someone else's page. Until the reader clicks (or the host
// sends a command, or ?autoplay=1) it is a light poster: this chunk loads no engine. The host API
// (hostBridge.ts) is live from the start; commands sent before the player loads wait for it.

const EmbedPlayer = lazy(() => import('./EmbedPlayer.tsx'))

export default function EmbedPage() {
  const { scenario: id = '' } = useParams()
  const scenario = getScenario(id)
  if (!scenario) return <UnknownEmbed id={id} />
  return <Embed key={scenario.id} scenario={scenario} />
}

function UnknownEmbed({ id }: { id: string }) {
  useTitle('Lesson not found')
  useEffect(() => console.warn(`[cutaway embed] unknown scenario ${JSON.stringify(id)}`), [id])
  return (
    <main id="main" className="embed theme-dark embed-missing">
      <h1>Lesson not found</h1>
      <p>
        This embed asks for a lesson called <code>{id}</code>, which Cutaway does not have.
      </p>
    </main>
  )
}

function Embed({ scenario }: { scenario: Scenario }) {
  const { search } = useLocation()
  const [{ params, warnings }] = useState(() => parseEmbedParams(search, scenario.steps.length))
  const [loaded, setLoaded] = useState(params.autoplay)
  const rootRef = useRef<HTMLElement>(null)
  const bridgeRef = useRef<HostBridge | null>(null)
  const controlsRef = useRef<EmbedControls | null>(null)
  const queueRef = useRef<HostCommand[]>([])
  useTitle(`${scenario.title} (embedded)`)

  useEffect(() => {
    for (const w of warnings) console.warn(`[cutaway embed] ${w}`)
  }, [warnings])

  useEffect(() => {
    const bridge = createHostBridge(params.origin, (command) => {
      const controls = controlsRef.current
      if (controls) controls.run(command)
      else {
        queueRef.current.push(command)
        setLoaded(true)
      }
    })
    bridgeRef.current = bridge
    bridge.post({
      type: 'ready',
      scenario: scenario.id,
      steps: scenario.steps.length,
      step: params.step + 1,
    })
    return () => {
      bridge.dispose()
      bridgeRef.current = null
    }
  }, [params, scenario])

  // the content height, for hosts that size the iframe to fit (public/embed-host.js)
  useLayoutEffect(() => {
    const el = rootRef.current
    if (!el || typeof ResizeObserver === 'undefined') return
    let last = -1
    const ro = new ResizeObserver(() => {
      const height = Math.ceil(el.getBoundingClientRect().height)
      if (height !== last) {
        last = height
        bridgeRef.current?.post({ type: 'resize', height })
      }
    })
    ro.observe(el)
    return () => ro.disconnect()
  }, [])

  function onPlayerReady(controls: EmbedControls | null) {
    controlsRef.current = controls
    if (!controls) return
    const queued = queueRef.current
    queueRef.current = []
    for (const c of queued) controls.run(c)
  }

  return (
    <main
      id="main"
      ref={rootRef}
      className={`embed theme-${params.theme}${loaded ? ' embed-loaded' : ''}`}
      data-testid="embed"
    >
      {loaded ? (
        <Suspense fallback={<p className="loading">Loading the lesson…</p>}>
          <EmbedPlayer
            scenario={scenario}
            params={params}
            post={(e) => bridgeRef.current?.post(e)}
            onReady={onPlayerReady}
          />
        </Suspense>
      ) : (
        <Poster scenario={scenario} step={params.step} onLoad={() => setLoaded(true)} />
      )}
    </main>
  )
}
