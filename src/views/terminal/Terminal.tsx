import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import { useSim, useSimStore, useUiStore } from '../hooks/stores.ts'

// The web console: the shared interpreter (console/), with history, Tab completion, heredoc
// continuation lines and tones. The input's accessible name is "Command".

export function Terminal({ autoFocus = false }: { autoFocus?: boolean }) {
  const store = useSimStore()
  const transcript = useSim((s) => s.transcript)
  const prompt = useSim((s) => s.prompt)
  const following = useSim((s) => s.following)
  const [input, setInput] = useState('')
  const [pending, setPending] = useState<string | null>(null)
  const [cursor, setCursor] = useState<number | null>(null)
  const [completions, setCompletions] = useState<string[]>([])
  const endRef = useRef<HTMLDivElement>(null)
  const ui = useUiStore()
  // a lesson's "show solution" hands us text to type: take it, focus, and clear the request
  useEffect(
    () =>
      ui.subscribe((state) => {
        if (state.draft === null) return
        setInput(state.draft)
        setPending(null)
        ui.getState().setDraft(null)
        inputRef.current?.focus()
      }),
    [ui],
  )
  const inputRef = useRef<HTMLInputElement>(null)

  useEffect(() => {
    endRef.current?.scrollIntoView({ block: 'end' })
  }, [transcript, completions])

  function submit() {
    const session = store.getState().session()
    const text = pending === null ? input : `${pending}\n${input}`
    setCompletions([])
    if (session.needsMoreInput(text)) {
      setPending(text)
      setInput('')
      return
    }
    store.getState().run(text, 'terminal')
    setPending(null)
    setInput('')
    setCursor(null)
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    const session = store.getState().session()
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
    } else if (e.key === 'Tab' && input.trim() !== '') {
      e.preventDefault()
      const candidates = session.complete(input)
      if (candidates.length === 1) {
        const words = input.split(/(\s+)/)
        words[words.length - 1] = candidates[0]!
        setInput(words.join('') + ' ')
        setCompletions([])
      } else setCompletions(candidates.slice(0, 60))
    } else if (e.key === 'c' && e.ctrlKey && !window.getSelection()?.toString()) {
      e.preventDefault()
      if (store.getState().following) store.getState().stopFollowing()
      setPending(null)
      setInput('')
    } else if (e.key === 'l' && e.ctrlKey) {
      e.preventDefault()
      store.getState().clearTranscript()
    }
  }

  return (
    <section
      className="terminal"
      aria-label="Terminal"
      onClick={() => !window.getSelection()?.toString() && inputRef.current?.focus()}
    >
      <div
        role="log"
        aria-live="polite"
        aria-label="Terminal output"
        data-testid="terminal.output"
        className="terminal-log"
        tabIndex={0}
      >
        {transcript.length === 0 && pending === null && (
          <p className="line dim terminal-hint">
            You are on your laptop with kubectl and the AWS CLI set up for the cluster. Try{' '}
            <code>kubectl get nodes</code>, or type <code>help</code>.
          </p>
        )}
        {transcript.map((e) => (
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
        {following && (
          <p className="line dim terminal-hint" role="status">
            Following the log as the clock runs. Press Ctrl+C to stop.
          </p>
        )}
        {completions.length > 0 && <pre className="line dim">{completions.join('  ')}</pre>}
        <div ref={endRef} />
      </div>
      <div className="input-row">
        <label htmlFor="command" className="prompt">
          {pending === null ? prompt : '> '}
        </label>
        <input
          id="command"
          ref={inputRef}
          aria-label="Command"
          data-testid="terminal.input"
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          autoFocus={autoFocus}
          value={input}
          onChange={(e) => setInput(e.target.value)}
          onKeyDown={onKeyDown}
        />
      </div>
    </section>
  )
}
