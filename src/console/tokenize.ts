import { parse } from 'shell-quote'

// Shell-like parsing of what the learner typed: words and quotes (shell-quote does those), pipes
// `|`, sequences `;` and `&&`, and heredocs (`<<EOF … EOF`), which shell-quote leaves to us.

export interface SimpleCommand {
  argv: string[]
  /** the heredoc body, if the command had `<<DELIM` */
  heredoc?: string
}

/** Commands joined by `|`; pipelines are joined by `;` or `&&` (the flag says which). */
export interface Pipeline {
  commands: SimpleCommand[]
  /** run only if the previous pipeline succeeded */
  andThen: boolean
}

export type ParseResult = { ok: true; pipelines: Pipeline[] } | { ok: false; error: string }

const HEREDOC = /<<-?\s*(['"]?)([A-Za-z_][\w-]*)\1/

/**
 * True while the input still needs lines: an open heredoc, an unterminated quote, or a trailing
 * backslash. The web terminal shows a `> ` continuation prompt; the CLI keeps reading stdin.
 */
export function needsMoreInput(text: string): boolean {
  const lines = text.split('\n')
  const first = lines[0] ?? ''
  const m = HEREDOC.exec(first)
  if (m) {
    const delim = m[2]!
    return !lines.slice(1).some((l) => l.trim() === delim)
  }
  if (/\\$/.test(text)) return true
  let quote: string | null = null
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quote) {
      if (c === quote) quote = null
      else if (c === '\\' && quote === '"') i++
    } else if (c === "'" || c === '"') quote = c
    else if (c === '\\') i++
  }
  return quote !== null
}

/**
 * Stands for `$?` in parsed words until the command runs: the status it expands to is known only
 * then (`ls /nope; echo $?`). A private-use character, so no typed text can contain it.
 */
export const EXIT_STATUS = '\uE000'

/**
 * Parses a command line. `vars` are the shell's variables, expanded where bash expands them
 * (unquoted and in double quotes, not in single quotes); `$?` becomes EXIT_STATUS; other names
 * are left as written (the simulated shells expand the few they know later, or not at all).
 */
export function parseCommandLine(input: string, vars: Record<string, string> = {}): ParseResult {
  const lines = input.replace(/\r\n/g, '\n').split('\n')
  let first = lines[0] ?? ''
  let heredoc: string | undefined
  const m = HEREDOC.exec(first)
  if (m) {
    const delim = m[2]!
    const end = lines.findIndex((l, i) => i > 0 && l.trim() === delim)
    if (end < 0)
      return {
        ok: false,
        error: `bash: warning: here-document delimited by end-of-file (wanted \`${delim}')`,
      }
    heredoc = lines.slice(1, end).join('\n') + '\n'
    first = first.replace(HEREDOC, ' ')
  } else {
    first = lines.join('\n').replace(/\\\n/g, '')
  }
  let tokens: ReturnType<typeof parse>
  try {
    tokens = parse(first, (key) =>
      key === '?' ? EXIT_STATUS : Object.hasOwn(vars, key) ? vars[key]! : `$${key}`,
    )
  } catch {
    return { ok: false, error: 'bash: syntax error: unterminated quoted string' }
  }
  const pipelines: Pipeline[] = []
  let cur: SimpleCommand[] = []
  let words: string[] = []
  let andThen = false
  const endCommand = () => {
    if (words.length) cur.push({ argv: words })
    words = []
  }
  const endPipeline = (nextAndThen: boolean) => {
    endCommand()
    if (cur.length) pipelines.push({ commands: cur, andThen })
    cur = []
    andThen = nextAndThen
  }
  for (const t of tokens) {
    if (typeof t === 'string') words.push(t)
    else if ('op' in t) {
      if (t.op === 'glob') words.push((t as { pattern: string }).pattern)
      else if (t.op === '|') {
        if (!words.length)
          return { ok: false, error: "bash: syntax error near unexpected token `|'" }
        endCommand()
      } else if (t.op === ';') endPipeline(false)
      else if (t.op === '&&') endPipeline(true)
      else if (t.op === '<<') continue
      else return { ok: false, error: `bash: '${t.op}' is not supported in this simulated shell` }
    } else if ('comment' in t) break
  }
  endPipeline(false)
  // the heredoc feeds the first command of the first pipeline (`cmd <<EOF` or `cat <<EOF | cmd`)
  if (heredoc !== undefined && pipelines[0]?.commands[0]) pipelines[0].commands[0].heredoc = heredoc
  return { ok: true, pipelines }
}
