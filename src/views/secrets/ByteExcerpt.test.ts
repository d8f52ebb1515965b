import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { ByteExcerpt } from './ByteExcerpt.tsx'
import { excerpt } from './bytes.ts'

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
    expect(text).toContain('00000010  6f 6b')
  })
})
