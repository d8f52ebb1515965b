import { useMemo, useRef, useState, useEffect, type KeyboardEvent } from 'react'
import { createSimulation } from '../engine/index.ts'
import { Console } from '../console/session.ts'
import type { OutputLine } from '../console/types.ts'

// Foundation 1/2 page: the shared console in the browser, running the same engine as `npm run console`.
// The cluster map, playback and scenarios come with "Foundation 2/2".

interface Entry {
  id: number
  prompt: string
  input: string
  lines: OutputLine[]
}

function seedFromUrl(): number {
  const s = new URLSearchParams(window.location.search).get('seed')
  const n = s === null ? 1 : Number(s)
  return Number.isInteger(n) && n >= 0 ? n : 1
}

export function App() {
  const seed = useMemo(() => seedFromUrl(), [])
  const session = useMemo(
    () => new Console(createSimulation({ seed }), { settleAfterCommands: true }),
    [seed],
  )
  const [entries, setEntries] = useState<Entry[]>([])
  const [input, setInput] = useState('')
  const [cursor, setCursor] = useState<number | null>(null)
  const [pending, setPending] = useState<string | null>(null)
  const endRef = useRef<HTMLDivElement>(null)
  const idRef = useRef(0)

  useEffect(() => {
    endRef.current?.scrollIntoView({ block: 'end' })
  }, [entries])

  // Test bridge for end-to-end tests (STYLE.md 19): reach a state fast, then assert what the learner sees.
  useEffect(() => {
    ;(window as unknown as { __sim?: unknown }).__sim = {
      session,
      run: (cmd: string) => session.run(cmd, 'terminal'),
      now: () => session.sim.state.now,
    }
  }, [session])

  function submit() {
    const text = pending === null ? input : `${pending}\n${input}`
    if (session.needsMoreInput(text)) {
      setPending(text)
      setInput('')
      return
    }
    const prompt = session.prompt()
    const result = session.run(text, 'terminal')
    const entry: Entry = { id: idRef.current++, prompt, input: text, lines: result.lines }
    setEntries((prev) => (result.cleared ? [] : [...prev, entry]))
    setPending(null)
    setInput('')
    setCursor(null)
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'Enter') {
      e.preventDefault()
      submit()
    } else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      const h = session.history
      if (h.length === 0) return
      e.preventDefault()
      const next =
        e.key === 'ArrowUp'
          ? cursor === null
            ? h.length - 1
            : Math.max(0, cursor - 1)
          : cursor === null
            ? null
            : cursor + 1 >= h.length
              ? null
              : cursor + 1
      setCursor(next)
      setInput(next === null ? '' : h[next]!)
    } else if (e.key === 'Tab') {
      e.preventDefault()
      const candidates = session.complete(input)
      if (candidates.length === 1) {
        const words = input.split(/(\s+)/)
        words[words.length - 1] = candidates[0]!
        setInput(words.join('') + ' ')
      } else if (candidates.length > 1) {
        setEntries((prev) => [
          ...prev,
          {
            id: idRef.current++,
            prompt: session.prompt(),
            input,
            lines: [{ text: candidates.join('  '), tone: 'dim' }],
          },
        ])
      }
    } else if (e.key === 'c' && e.ctrlKey) {
      setPending(null)
      setInput('')
    } else if (e.key === 'l' && e.ctrlKey) {
      e.preventDefault()
      setEntries([])
    }
  }

  return (
    <div className="app">
      <header className="app-header">
        <h1>Cutaway</h1>
        <p>
          A see-through Amazon EKS cluster, simulated in your browser. Cluster{' '}
          <code>{session.sim.state.aws.cluster.name}</code> in{' '}
          <code>{session.sim.state.aws.region}</code>, seed {seed}. Type <code>help</code> to start.
        </p>
      </header>
      <main
        className="terminal"
        aria-label="Terminal"
        onClick={() => document.getElementById('command')?.focus()}
      >
        <div
          role="log"
          aria-live="polite"
          aria-label="Terminal output"
          data-testid="terminal.output"
        >
          {entries.map((e) => (
            <div key={e.id} className="entry">
              <pre className="cmd">
                <span className="prompt">{e.prompt}</span>
                {e.input}
              </pre>
              {e.lines.map((l, i) => (
                <pre key={i} className={`line ${l.tone ?? 'out'}`}>
                  {l.text || ' '}
                </pre>
              ))}
            </div>
          ))}
          {pending !== null && <pre className="cmd pending">{pending}</pre>}
        </div>
        <div className="input-row">
          <label htmlFor="command" className="prompt">
            {pending === null ? session.prompt() : '> '}
          </label>
          <input
            id="command"
            aria-label="Command"
            data-testid="terminal.input"
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            autoFocus
            value={input}
            onChange={(e) => setInput(e.target.value)}
            onKeyDown={onKeyDown}
          />
        </div>
        <div ref={endRef} />
      </main>
    </div>
  )
}
