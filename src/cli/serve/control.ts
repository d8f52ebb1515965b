import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Simulation } from '../../engine/index.ts'
import { startKubeApi, type KubeApiServer } from './server.ts'
import { kubeconfigYaml, usageLines } from './kubeconfig.ts'

// `serve [--port N] [--kubeconfig PATH]`, `serve stop`: the Node console's own command (the browser
// console cannot listen on a socket), also behind `npm run console -- --serve`.

export interface ServeControl {
  sim: Simulation
  server?: KubeApiServer
}

export const DEFAULT_KUBECONFIG = 'cutaway.kubeconfig'

export async function serveCommand(ctl: ServeControl, argv: string[]): Promise<string[]> {
  if (argv[0] === 'stop') {
    if (!ctl.server) return ['serve: not serving']
    const url = ctl.server.url
    await ctl.server.close()
    ctl.server = undefined
    return [`Stopped serving ${url}`]
  }
  if (argv[0] === 'status' || (ctl.server && argv.length === 0))
    return [ctl.server ? `Serving ${ctl.server.url}` : 'serve: not serving']
  let port = 6443
  let kubeconfig = DEFAULT_KUBECONFIG
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--port' && argv[i + 1] !== undefined) port = Number(argv[++i])
    else if (a === '--kubeconfig' && argv[i + 1]) kubeconfig = argv[++i]!
    else
      return [
        `serve: unknown argument: ${a}`,
        'Usage: serve [--port 6443] [--kubeconfig PATH] | serve stop',
      ]
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    return ['serve: --port needs a port number']
  if (ctl.server) return [`serve: already serving ${ctl.server.url} (serve stop first)`]
  try {
    ctl.server = await startKubeApi(ctl.sim, { port })
  } catch (e) {
    return [`serve: cannot listen on 127.0.0.1:${port}: ${(e as Error).message}`]
  }
  const path = resolve(kubeconfig)
  writeFileSync(path, kubeconfigYaml(ctl.sim.state, ctl.server.url))
  return usageLines(ctl.server.url, path)
}
