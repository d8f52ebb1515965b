/// <reference types="vite-plugin-pwa/vanillajs" />
import { useEffect, useState } from 'react'
import { useLocation } from 'react-router'
import './pwa.css'

// Offline support: registers the service worker (vite-plugin-pwa, workbox) that precaches the whole
// site, every scenario chunk included, and says when a new version is waiting. The new version
// takes over only when the reader presses Reload, never in the middle of a lesson or a talk.
// An embed registers nothing (the service worker and its cache are storage) unless the host
// passed storage=1.

let registered = false

function mayRegister(pathname: string, search: string): boolean {
  if (!pathname.startsWith('/embed/')) return true
  return new URLSearchParams(search).get('storage') === '1'
}

export function UpdateNotice() {
  const { pathname, search } = useLocation()
  const [update, setUpdate] = useState<null | (() => void)>(null)
  const allowed = mayRegister(pathname, search)

  useEffect(() => {
    if (!allowed || registered || !('serviceWorker' in navigator)) return
    registered = true
    import('virtual:pwa-register')
      .then(({ registerSW }) => {
        const updateSW = registerSW({
          onNeedRefresh: () => setUpdate(() => () => void updateSW(true)),
        })
      })
      .catch(() => {
        registered = false
      })
  }, [allowed])

  if (!update) return null
  return (
    <div className="update-notice" role="status" data-testid="update.notice">
      <p>A new version of Cutaway is available.</p>
      <button type="button" onClick={update}>
        Reload
      </button>
      <button type="button" onClick={() => setUpdate(null)}>
        Later
      </button>
    </div>
  )
}
