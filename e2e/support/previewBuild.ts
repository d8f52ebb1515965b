import { spawn, type ChildProcess } from 'node:child_process'

// A separate production build served by `vite preview` on its own port, for tests that need a
// build the main web server does not give (a sub-path base, a redeploy).

function run(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('node_modules/.bin/vite', args, {
      env: { ...process.env, ...env },
      stdio: 'ignore',
    })
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite exited ${code}`))))
  })
}

export interface PreviewBuild {
  origin: string
  outDir: string
  stop(): void
}

export async function previewBuild(
  outDir: string,
  port: number,
  env: NodeJS.ProcessEnv = {},
): Promise<PreviewBuild> {
  await run(['build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], env)
  const server: ChildProcess = spawn(
    'node_modules/.bin/vite',
    ['preview', '--outDir', outDir, '--port', String(port), '--strictPort'],
    { env: { ...process.env, ...env }, stdio: 'ignore' },
  )
  const origin = `http://127.0.0.1:${port}`
  const base = env.CUTAWAY_BASE ?? '/'
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`${origin}${base}`)
      .then((r) => r.ok)
      .catch(() => false)
    if (ok) return { origin, outDir, stop: () => server.kill() }
    await new Promise((r) => setTimeout(r, 200))
  }
  server.kill()
  throw new Error(`vite preview on ${port} did not start`)
}
