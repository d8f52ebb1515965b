import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = fileURLToPath(new URL('../..', import.meta.url))

function runCli(input: string, args: string[] = []) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
    timeout: 60_000,
  })
}

describe('npm run console (piped)', () => {
  it('runs the acceptance script, echoes prompts and exits 0 at end of input', () => {
    const r = runCli(
      'kubectl create deployment web --image=nginx --replicas=3\nkubectl rollout status deployment/web\nkubectl get pods -o wide\n',
      ['--seed', '7'],
    )
    expect(r.status).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toBe('$ kubectl create deployment web --image=nginx --replicas=3')
    expect(lines[1]).toBe('deployment.apps/web created')
    expect(lines[3]).toBe('deployment "web" successfully rolled out')
    expect(lines.filter((l) => /^web-\S+ +1\/1 +Running/.test(l))).toHaveLength(3)
    expect(r.stdout.includes(String.fromCharCode(27))).toBe(false) // no colour codes when piped
  })

  it('reads heredocs across lines and rejects bad options with a usage message', () => {
    const r = runCli(
      'kubectl apply -f - <<EOF\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\nEOF\nkubectl get ns shop -o name\n',
    )
    expect(r.status).toBe(0)
    expect(r.stdout).toContain(
      'namespace/shop created\n$ kubectl get ns shop -o name\nnamespace/shop\n',
    )
    const bad = runCli('', ['--seed', 'x'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('--seed needs a non-negative integer')
  })
  it('serve and serve stop, in order with the lines around them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutaway-cli-serve-'))
    const kc = join(dir, 'kubeconfig')
    const r = runCli(`serve --port 0 --kubeconfig ${kc}\nkubectl get ns -o name\nserve stop\n`)
    expect(r.status).toBe(0)
    const url = /at (http:\/\/127\.0\.0\.1:\d+) /.exec(r.stdout)?.[1]
    expect(url).toBeDefined()
    expect(r.stdout).toContain(`  kubectl get nodes\n$ kubectl get ns -o name\nnamespace/default\n`)
    expect(r.stdout).toContain(`$ serve stop\nStopped serving ${url}\n`)
    expect(readFileSync(kc, 'utf8')).toContain(`server: ${url}`)
  })
})
