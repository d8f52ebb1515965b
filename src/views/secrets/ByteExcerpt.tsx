import { Fragment } from 'react'
import { ROW, asciiChar, type Excerpt, type Mark } from './bytes.ts'

// A few rows of `hexdump -C`, the secret value's bytes marked: red where it is in clear, amber where
// it is base64. The marks are <mark> elements with a text prefix for screen readers.

function cls(m: Mark): string | undefined {
  return m === 'clear' ? 'byte-clear' : m === 'base64' ? 'byte-b64' : undefined
}

function Cells({ values, marks, sep }: { values: string[]; marks: Mark[]; sep: string }) {
  return (
    <>
      {values.map((v, i) => {
        const m = marks[i] ?? null
        const text = v + (i < values.length - 1 ? sep : '')
        return m ? (
          <mark key={i} className={cls(m)}>
            {text}
          </mark>
        ) : (
          <Fragment key={i}>{text}</Fragment>
        )
      })}
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
        const pad = ROW - r.bytes.length
        return (
          <Fragment key={r.offset}>
            <span className="dim">{r.offset.toString(16).padStart(8, '0')}</span>
            {'  '}
            <Cells values={hex.slice(0, 8)} marks={r.marks.slice(0, 8)} sep=" " />
            {'  '}
            <Cells values={hex.slice(8)} marks={r.marks.slice(8)} sep=" " />
            {' '.repeat(pad * 3 + (r.bytes.length <= 8 ? 1 : 0))}
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
