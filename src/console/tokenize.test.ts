import { describe, expect, it } from 'vitest'
import { needsMoreInput, parseCommandLine } from './tokenize.ts'

describe('parseCommandLine', () => {
  it('keeps a quoted sh -c script as one word after --', () => {
    const r = parseCommandLine(
      "kubectl create deployment t --image=busybox -- sh -c 'while true; do echo tick; sleep 1; done'",
    )
    expect(r.ok && r.pipelines[0]!.commands[0]!.argv).toEqual([
      'kubectl',
      'create',
      'deployment',
      't',
      '--image=busybox',
      '--',
      'sh',
      '-c',
      'while true; do echo tick; sleep 1; done',
    ])
  })

  it('reads a heredoc body and hands it to the first command', () => {
    const r = parseCommandLine('kubectl apply -f - <<EOF\napiVersion: v1\nkind: Namespace\nEOF')
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.pipelines[0]!.commands[0]).toEqual({
      argv: ['kubectl', 'apply', '-f', '-'],
      heredoc: 'apiVersion: v1\nkind: Namespace\n',
    })
  })

  it("supports quoted delimiters and `cat <<'EOF' | cmd`", () => {
    const r = parseCommandLine("cat <<'EOF' | kubectl apply -f -\nx: $HOME\nEOF")
    expect(r.ok && r.pipelines[0]!.commands.map((c) => c.argv[0])).toEqual(['cat', 'kubectl'])
    expect(r.ok && r.pipelines[0]!.commands[0]!.heredoc).toBe('x: $HOME\n')
  })

  it('splits pipes, ; and &&', () => {
    const r = parseCommandLine('echo czNjcjN0 | base64 -d; echo a && echo b')
    expect(
      r.ok && r.pipelines.map((p) => [p.andThen, p.commands.map((c) => c.argv.join(' '))]),
    ).toEqual([
      [false, ['echo czNjcjN0', 'base64 -d']],
      [false, ['echo a']],
      [true, ['echo b']],
    ])
  })

  it('keeps jsonpath templates with braces and stars intact', () => {
    const r = parseCommandLine('kubectl get pods -o jsonpath={.items[*].metadata.name}')
    expect(r.ok && r.pipelines[0]!.commands[0]!.argv[4]).toBe('jsonpath={.items[*].metadata.name}')
  })

  it('rejects an unterminated heredoc and unsupported operators with a message', () => {
    expect(parseCommandLine('cat <<EOF\nabc')).toEqual({
      ok: false,
      error: "bash: warning: here-document delimited by end-of-file (wanted `EOF')",
    })
    const r = parseCommandLine('kubectl get pods > out.txt')
    expect(r.ok).toBe(false)
  })
})

describe('needsMoreInput', () => {
  it('asks for more lines inside a heredoc, an open quote or after a backslash', () => {
    expect(needsMoreInput('kubectl apply -f - <<EOF')).toBe(true)
    expect(needsMoreInput('kubectl apply -f - <<EOF\nkind: Namespace')).toBe(true)
    expect(needsMoreInput('kubectl apply -f - <<EOF\nkind: Namespace\nEOF')).toBe(false)
    expect(needsMoreInput("echo 'abc")).toBe(true)
    expect(needsMoreInput('kubectl get \\')).toBe(true)
    expect(needsMoreInput('kubectl get pods')).toBe(false)
  })
})
