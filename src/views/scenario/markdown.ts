// A small, safe markdown subset for lesson text: paragraphs, bullet lists, **bold**, *em*, `code`
// and [links](https://…). It parses to plain data; Markdown.tsx turns that into React elements, so
// no HTML string is ever injected (no dangerouslySetInnerHTML). Anything else stays literal text.

export type Inline =
  | { t: 'text'; text: string }
  | { t: 'code'; text: string }
  | { t: 'strong'; children: Inline[] }
  | { t: 'em'; children: Inline[] }
  | { t: 'link'; href: string; children: Inline[] }

export type Block = { t: 'p'; children: Inline[] } | { t: 'ul'; items: Inline[][] }

/** Only web links and same-site paths; `javascript:`, `data:` and the like are refused. */
export function safeHref(href: string): string | null {
  const h = href.trim()
  if (/^https?:\/\/[^\s]+$/i.test(h)) return h
  if (/^\/(?!\/)[^\s]*$/.test(h)) return h
  return null
}

const TOKEN = /`([^`]+)`|\*\*(.+?)\*\*|\*([^*\s](?:[^*]*[^*\s])?)\*|\[([^\]]+)\]\(([^)\s]+)\)/g

export function parseInline(text: string): Inline[] {
  const out: Inline[] = []
  const push = (s: string) => {
    if (!s) return
    const last = out[out.length - 1]
    if (last?.t === 'text') last.text += s
    else out.push({ t: 'text', text: s })
  }
  let at = 0
  for (const m of text.matchAll(TOKEN)) {
    push(text.slice(at, m.index))
    at = m.index + m[0].length
    if (m[1] !== undefined) out.push({ t: 'code', text: m[1] })
    else if (m[2] !== undefined) out.push({ t: 'strong', children: parseInline(m[2]) })
    else if (m[3] !== undefined) out.push({ t: 'em', children: parseInline(m[3]) })
    else {
      const href = safeHref(m[5]!)
      if (href) out.push({ t: 'link', href, children: parseInline(m[4]!) })
      else push(m[4]!)
    }
  }
  push(text.slice(at))
  return out
}

const BULLET = /^\s*[-*]\s+/

export function parseMarkdown(md: string): Block[] {
  const blocks: Block[] = []
  for (const chunk of md.replace(/\r\n/g, '\n').split(/\n\s*\n/)) {
    const lines = chunk.split('\n').filter((l) => l.trim() !== '')
    if (lines.length === 0) continue
    if (lines.every((l) => BULLET.test(l)))
      blocks.push({ t: 'ul', items: lines.map((l) => parseInline(l.replace(BULLET, '').trim())) })
    else blocks.push({ t: 'p', children: parseInline(lines.map((l) => l.trim()).join(' ')) })
  }
  return blocks
}
