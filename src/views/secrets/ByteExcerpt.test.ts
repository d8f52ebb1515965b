import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { ByteExcerpt } from './ByteExcerpt.tsx'
import { excerpt, formatRow } from './bytes.ts'

const bytes = (s: string) => Array.from(s, (c) => c.charCodeAt(0))

describe('ByteExcerpt', () => {
  it('marks the value once per run, in the hex and the ASCII columns, like hexdump -C', () => {
    const x = excerpt(bytes('passwd..s3cr3t..ok'), {
      clear: bytes('s3cr3t'),
      base64: bytes('czNjcjN0'),
    })
    const html = renderToStaticMarkup(createElement(ByteExcerpt, { x, label: 'bytes' }))
    expect(html.match(/<mark class="byte-clear">[^<]*<\/mark>/g)).toEqual([
      '<mark class="byte-clear">73 33 63 72 33 74</mark>',
      '<mark class="byte-clear">s3cr3t</mark>',
    ])
    const text = html.replace(/<[^>]+>/g, '')
    expect(text).toContain(
      '00000000  70 61 73 73 77 64 2e 2e  73 33 63 72 33 74 2e 2e  |passwd..s3cr3t..|',
    )
    // every row reads exactly as hexdump -C (formatRow) prints it, the short last one too
    for (const r of x.rows) expect(text).toContain(formatRow(r))
  })
})
