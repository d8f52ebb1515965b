import { Fragment } from 'react'
import { ROW, asciiChar, type Excerpt, type Mark } from './bytes.ts'

// A few rows of `hexdump -C`, the secret value's bytes marked: red where it is in clear, amber where
// it is base64. The marks are <mark> elements with a text prefix for screen readers.

function cls(m: Mark): string | undefined {
  return m === 'clear' ? 'byte-clear' : m === 'base64' ? 'byte-b64' : undefined
}

/** Runs of equally marked cells become one <mark> (one "s3cr3t", not six), separators outside it. */
function Cells({ values, marks, sep }: { values: string[]; marks: Mark[]; sep: string }) {
  const runs: { mark: Mark; text: string }[] = []
  values.forEach((v, i) => {
    const m = marks[i] ?? null
    const last = runs.at(-1)
    if (last && last.mark === m && m !== null) last.text += sep + v
    else {
      if (last && i > 0) last.text += last.mark === null ? sep : ''
      if (last && last.mark !== null && i > 0) runs.push({ mark: null, text: sep })
      runs.push({ mark: m, text: v })
    }
  })
  return (
    <>
      {runs.map((r, i) =>
        r.mark ? (
          <mark key={i} className={cls(r.mark)}>
            {r.text}
          </mark>
        ) : (
          <Fragment key={i}>{r.text}</Fragment>
        ),
      )}
    </>
  )
}

export function ByteExcerpt({ x, label }: { x: Excerpt; label: string }) {
  const last = x.rows.at(-1)
  const cut = last ? last.offset + last.bytes.length < x.total : false
  return (
    <pre className="journey-bytes" aria-label={label} tabIndex={0}>
      {x.rows[0] && x.rows[0].offset > 0 && <span className="dim">{'*  (earlier bytes)\n'}</span>}
      {x.rows.map((r) => {
        const hex = r.bytes.map((b) => b.toString(16).padStart(2, '0'))
        // a short last row keeps the ASCII column where `hexdump -C` puts it (48 = two groups of 23 and the gap)
        const width = (n: number) => Math.max(0, n * 3 - 1)
        const pad = 3 * ROW - (width(Math.min(8, hex.length)) + 2 + width(hex.length - 8))
        return (
          <Fragment key={r.offset}>
            <span className="dim">{r.offset.toString(16).padStart(8, '0')}</span>
            {'  '}
            <Cells values={hex.slice(0, 8)} marks={r.marks.slice(0, 8)} sep=" " />
            {'  '}
            <Cells values={hex.slice(8)} marks={r.marks.slice(8)} sep=" " />
            {' '.repeat(pad)}
            {'  |'}
            <Cells values={r.bytes.map(asciiChar)} marks={r.marks} sep="" />
            {'|\n'}
          </Fragment>
        )
      })}
      {cut && <span className="dim">{`*  (${x.total} bytes in all)\n`}</span>}
    </pre>
  )
}
