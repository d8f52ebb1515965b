import { expect, it } from 'vitest'
import { embedSnippet, siteUrl } from './snippet.ts'

it('the iframe snippet is one line with a title, lazy loading, a sandbox and escaped attributes', () => {
  const s = embedSnippet('https://x.example/embed/tour?step=2&theme=light', 'A "quoted" <title>')
  expect(s.split('\n')).toHaveLength(1)
  expect(s).toContain('src="https://x.example/embed/tour?step=2&amp;theme=light"')
  expect(s).toContain('title="Cutaway: A &quot;quoted&quot; &lt;title> (interactive lesson)"')
  expect(s).toContain('loading="lazy"')
  expect(s).toMatch(/sandbox="allow-scripts allow-same-origin allow-popups[^"]*"/)
  expect(s).not.toContain('allow-top-navigation')
})

it('siteUrl puts paths under the deploy base', () => {
  expect(siteUrl('learn/tour/2', 'https://x.example')).toBe(
    `https://x.example${import.meta.env.BASE_URL}learn/tour/2`,
  )
})
