import { Fragment, type ReactNode } from 'react'
import { parseInline, parseMarkdown, type Inline } from './markdown.ts'

// Lesson markdown as React elements (see markdown.ts): safe by construction, no HTML strings.

function renderInline(nodes: Inline[]): ReactNode {
  return nodes.map((n, i) => {
    switch (n.t) {
      case 'text':
        return <Fragment key={i}>{n.text}</Fragment>
      case 'code':
        return <code key={i}>{n.text}</code>
      case 'strong':
        return <strong key={i}>{renderInline(n.children)}</strong>
      case 'em':
        return <em key={i}>{renderInline(n.children)}</em>
      case 'link':
        return n.href.startsWith('/') ? (
          // site links honour the deploy base (CUTAWAY_BASE)
          <a key={i} href={`${import.meta.env.BASE_URL}${n.href.slice(1)}`}>
            {renderInline(n.children)}
          </a>
        ) : (
          <a key={i} href={n.href} target="_blank" rel="noopener noreferrer">
            {renderInline(n.children)}
          </a>
        )
    }
  })
}

/** Block markdown: paragraphs and bullet lists. */
export function Markdown({ text, className }: { text: string; className?: string }) {
  return (
    <div className={className ? `md ${className}` : 'md'}>
      {parseMarkdown(text).map((b, i) =>
        b.t === 'p' ? (
          <p key={i}>{renderInline(b.children)}</p>
        ) : (
          <ul key={i}>
            {b.items.map((item, j) => (
              <li key={j}>{renderInline(item)}</li>
            ))}
          </ul>
        ),
      )}
    </div>
  )
}

/** One line of markdown without a wrapping paragraph (choice labels, list items). */
export function InlineMarkdown({ text }: { text: string }) {
  return <>{renderInline(parseInline(text))}</>
}
