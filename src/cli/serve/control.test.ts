import { describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSimulation } from '../../engine/index.ts'
import { serveCommand, type ServeControl } from './control.ts'

describe('serve / serve stop (the Node console)', () => {
  it('serves, writes a kubeconfig named after the cluster ARN, refuses a second server, stops', async () => {
    const ctl: ServeControl = { sim: createSimulation({ seed: 2 }) }
    const path = join(mkdtempSync(join(tmpdir(), 'cutaway-serve-')), 'kc')
    const lines = await serveCommand(ctl, ['--port', '0', '--kubeconfig', path])
    const url = ctl.server!.url
    expect(lines).toEqual([
      `Serving the Kubernetes API of the simulated cluster at ${url} (127.0.0.1 only, no authentication).`,
      `Wrote ${path}. In another terminal:`,
      `  export KUBECONFIG=${path}`,
      '  kubectl get nodes',
    ])
    const arn = ctl.sim.state.aws.cluster.arn
    expect(arn).toMatch(/^arn:aws:eks:[a-z0-9-]+:\d{12}:cluster\/.+$/)
    const kc = readFileSync(path, 'utf8')
    expect(kc).toContain(`current-context: ${arn}\n`)
    expect(kc).toContain(`    server: ${url}\n`)
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const version = (await (await fetch(`${url}/version`)).json()) as { gitVersion: string }
    expect(version.gitVersion).toMatch(/^v1\.\d+\.\d+-eks-[0-9a-f]{7}$/)
    expect(await serveCommand(ctl, ['--port', '0'])).toEqual([
      `serve: already serving ${url} (serve stop first)`,
    ])
    expect(await serveCommand(ctl, ['stop'])).toEqual([`Stopped serving ${url}`])
    expect(await serveCommand(ctl, ['stop'])).toEqual(['serve: not serving'])
    expect(await serveCommand(ctl, ['--bogus'])).toEqual([
      'serve: unknown argument: --bogus',
      'Usage: serve [--port 6443] [--kubeconfig PATH] | serve stop',
    ])
  })
})
