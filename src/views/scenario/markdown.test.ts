import { describe, expect, it } from 'vitest'
import { parseInline, parseMarkdown, safeHref } from './markdown.ts'

describe('markdown', () => {
  it('parses paragraphs and bullet lists', () => {
    expect(parseMarkdown('One line\ncontinues.\n\n- a\n- **b**\n\nLast.')).toEqual([
      { t: 'p', children: [{ t: 'text', text: 'One line continues.' }] },
      {
        t: 'ul',
        items: [
          [{ t: 'text', text: 'a' }],
          [{ t: 'strong', children: [{ t: 'text', text: 'b' }] }],
        ],
      },
      { t: 'p', children: [{ t: 'text', text: 'Last.' }] },
    ])
  })

  it('parses bold, em, code and links', () => {
    expect(
      parseInline('Run `kubectl get *pods*` **now**, *then* [read](https://kubernetes.io/docs/).'),
    ).toEqual([
      { t: 'text', text: 'Run ' },
      { t: 'code', text: 'kubectl get *pods*' },
      { t: 'text', text: ' ' },
      { t: 'strong', children: [{ t: 'text', text: 'now' }] },
      { t: 'text', text: ', ' },
      { t: 'em', children: [{ t: 'text', text: 'then' }] },
      { t: 'text', text: ' ' },
      { t: 'link', href: 'https://kubernetes.io/docs/', children: [{ t: 'text', text: 'read' }] },
      { t: 'text', text: '.' },
    ])
  })

  it('never produces unsafe links or HTML', () => {
    expect(parseInline('[x](javascript:alert(1))')).toEqual([{ t: 'text', text: 'x)' }])
    expect(parseInline('[x](data:text/html,hi)')).toEqual([{ t: 'text', text: 'x' }])
    expect(parseInline('<img src=x onerror=alert(1)>')).toEqual([
      { t: 'text', text: '<img src=x onerror=alert(1)>' },
    ])
    expect(safeHref('//evil.example')).toBeNull()
    expect(safeHref('/sandbox?seed=1')).toBe('/sandbox?seed=1')
  })

  it('leaves unmatched markers as text', () => {
    expect(parseInline('2 * 3 = 6 and a ` alone')).toEqual([
      { t: 'text', text: '2 * 3 = 6 and a ` alone' },
    ])
  })
})
