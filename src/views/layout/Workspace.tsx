import type { ReactNode } from 'react'
import { useSimStore } from '../hooks/stores.ts'
import { useClock } from '../animation/useClock.ts'
import { PlaybackBar } from '../playback/PlaybackBar.tsx'
import { Terminal } from '../terminal/Terminal.tsx'
import { EventLog } from '../events/EventLog.tsx'
import { MainView } from '../net/MainView.tsx'
import { DetailsPanel } from '../cluster/DetailsPanel.tsx'

// The working area shared by the sandbox and the guided lessons: playback on top, the cluster map
// with details and events beside it, the console below. `aside` is the lesson panel, if any.

export function Workspace({ aside, toolbar }: { aside?: ReactNode; toolbar?: ReactNode }) {
  const store = useSimStore()
  useClock(store)
  return (
    <div className={`workspace${aside ? ' with-aside' : ''}`}>
      <div className="workspace-toolbar">
        <PlaybackBar />
        {toolbar}
      </div>
      {aside && <aside className="workspace-aside">{aside}</aside>}
      <div className="workspace-map">
        <MainView />
      </div>
      <div className="workspace-side">
        <DetailsPanel />
        <EventLog />
      </div>
      <div className="workspace-terminal">
        <Terminal />
      </div>
    </div>
  )
}
