import { useEffect, useMemo, useState } from 'react'
import { useLocation, useNavigate } from 'react-router'
import { useSim, useSimStore } from '../hooks/stores.ts'
import { SimulationProvider } from '../hooks/SimulationProvider.tsx'
import { useTitle } from '../hooks/useTitle.ts'
import { Workspace } from '../layout/Workspace.tsx'
import { decodeSandbox, encodeSandbox } from '../../state/sandboxLink.ts'

// /sandbox: free play. The seed, the command log and the clock live in the URL, so a copied link
// reproduces the exact cluster; a broken link says so and opens a fresh sandbox.

export default function SandboxPage() {
  useTitle('Sandbox')
  const location = useLocation()
  // decode once per mount: the URL we write back must not rebuild the store
  const [decoded] = useState(() => decodeSandbox(location.search))
  // a shared link opens paused, exactly as it was shared; a fresh sandbox starts its clock
  const options = useMemo(
    () =>
      decoded.ok
        ? { ...decoded.state, playing: decoded.state.log.length === 0 }
        : { seed: 1, playing: true },
    [decoded],
  )
  return (
    <SimulationProvider options={options}>
      <SandboxBody notice={decoded.ok ? null : decoded.error} />
    </SimulationProvider>
  )
}

function SandboxBody({ notice }: { notice: string | null }) {
  const store = useSimStore()
  const navigate = useNavigate()
  const log = useSim((s) => s.log)
  const seed = useSim((s) => s.seed)
  const [dismissed, setDismissed] = useState(false)

  // a handle for end-to-end tests and curious learners: window.__cutaway.getState().session()…
  useEffect(() => {
    ;(window as unknown as { __cutaway?: unknown }).__cutaway = store
  }, [store])
  const [copied, setCopied] = useState(false)

  // keep the address bar in step with the log (replace, not push: Back leaves the sandbox)
  useEffect(() => {
    const query = encodeSandbox({
      seed,
      log,
      now: store.getState().cluster.now,
      config: store.getState().config,
    })
    navigate({ search: `?${query}` }, { replace: true })
  }, [log, seed, store, navigate])

  async function copyLink() {
    const query = encodeSandbox({
      seed,
      log,
      now: store.getState().cluster.now,
      config: store.getState().config,
    })
    const url = `${window.location.origin}${import.meta.env.BASE_URL}sandbox?${query}`
    navigate({ search: `?${query}` }, { replace: true })
    try {
      await navigator.clipboard.writeText(url)
      setCopied(true)
    } catch {
      setCopied(false)
    }
  }

  return (
    <>
      {notice && !dismissed && (
        <div className="notice" role="alert">
          <p>This sandbox link could not be used: {notice} A fresh sandbox was opened instead.</p>
          <button type="button" onClick={() => setDismissed(true)}>
            Dismiss
          </button>
        </div>
      )}
      <main id="main" className="workspace-main">
        <Workspace
          toolbar={
            <button type="button" onClick={copyLink} data-testid="sandbox.copy-link">
              {copied ? 'Link copied' : 'Copy link'}
            </button>
          }
        />
      </main>
    </>
  )
}
