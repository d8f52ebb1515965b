import { execFile, execFileSync } from 'node:child_process'
import { accessSync, constants, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { createSimulation, EPOCH_MS } from '../../engine/index.ts'
import { Console } from '../../console/session.ts'
import { isStdout } from '../../console/types.ts'
import { rfc1123zAt } from '../../console/format/describe.ts'
import { startKubeApi, type KubeApiServer } from './server.ts'
import { kubeconfigYaml } from './kubeconfig.ts'
import { shiftTimestamp } from './timeshift.ts'

// Test support: a served simulation for the real kubectl and a twin (same seed, same commands) for
// our console, so both sides see the same cluster.

/**
 * A kubectl our console can be compared with: 1.32 or newer (the console follows kubectl 1.32;
 * Debian bookworm's kubernetes-client is 1.20, whose describe and validation differ). Returns the
 * path, or why there is none.
 */
export function findKubectl(): { path: string } | { missing: string } {
  const path = kubectlOnPath()
  if (!path) return { missing: 'no kubectl on PATH or in /usr/lib/google-cloud-sdk/bin' }
  try {
    const v = JSON.parse(
      execFileSync(path, ['version', '--client', '-o', 'json'], { encoding: 'utf8' }),
    ) as { clientVersion?: { major?: string; minor?: string } }
    const minor = parseInt(v.clientVersion?.minor ?? '0', 10)
    if (v.clientVersion?.major !== '1' || minor < 32)
      return { missing: `${path} is kubectl 1.${minor}; the comparison needs 1.32 or newer` }
  } catch (e) {
    return { missing: `${path} version --client failed: ${(e as Error).message}` }
  }
  return { path }
}

function kubectlOnPath(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean)
  for (const d of [...dirs, '/usr/lib/google-cloud-sdk/bin']) {
    try {
      const p = join(d, 'kubectl')
      accessSync(p, constants.X_OK)
      return p
    } catch {
      // not here
    }
  }
  return undefined
}

export interface Output {
  stdout: string
  stderr: string
  code: number
}

/**
 * Timestamps in responses are moved by this much (see timeshift.ts); the tests move them back. The
 * host clock is pinned to the simulated clock as it stands after bootstrap (a fresh seeded cluster
 * always stands at the same simulated time), so kubectl's own ages start out equal to ours.
 */
let SHIFT_MS = 0

export async function twins(seed: number, kubectl: string) {
  const served = createSimulation({ seed })
  SHIFT_MS = Math.floor((Date.now() - EPOCH_MS - served.state.now) / 1000) * 1000
  const twin = new Console(createSimulation({ seed }), { settleAfterCommands: true })
  const server: KubeApiServer = await startKubeApi(served, {
    port: 0,
    wallClock: () => EPOCH_MS + served.state.now + SHIFT_MS,
  })
  const dir = mkdtempSync(join(tmpdir(), 'cutaway-kubectl-'))
  const kubeconfig = join(dir, 'kubeconfig')
  writeFileSync(kubeconfig, kubeconfigYaml(served.state, server.url))
  const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir, TZ: 'UTC' }
  const files = (name: string, text: string) => {
    const p = join(dir, name)
    writeFileSync(p, text)
    return p
  }
  const real = (args: string[]): Promise<Output> =>
    new Promise((resolve) => {
      execFile(
        kubectl,
        ['--cache-dir', join(dir, 'cache'), ...args],
        { env, timeout: 20_000, maxBuffer: 64 * 1024 * 1024 },
        (e, stdout, stderr) =>
          resolve({ stdout, stderr, code: e ? ((e as { code?: number }).code ?? 1) : 0 }),
      )
    })
  const ours = (line: string): Output => {
    const r = twin.run(line, 'cli')
    const text = (ls: typeof r.lines) => ls.map((l) => l.text + (l.noNewline ? '' : '\n')).join('')
    return {
      stdout: text(r.lines.filter(isStdout)),
      stderr: text(r.lines.filter((l) => !isStdout(l))),
      code: r.exitCode,
    }
  }
  return { served, twin, server, real, ours, files, dir }
}

/** Moves timestamps kubectl printed (RFC 3339 and describe's RFC 1123Z) back to simulated time. */
export function unshift(text: string): string {
  return text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, (s) => shiftTimestamp(s, -SHIFT_MS))
    .replace(
      /\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) (\w{3}) (\d{4}) (\d\d:\d\d:\d\d) \+0000/g,
      (_s, _d, day, mon, year, time) => {
        const t = Date.parse(`${day} ${mon} ${year} ${time} GMT`) - SHIFT_MS
        return rfc1123zAt(t - EPOCH_MS)
      },
    )
}
