import { spawn, type ChildProcess } from 'node:child_process'
import { test, expect } from './fixtures.ts'

// A build for a sub-path (CUTAWAY_BASE=/cutaway/, as on GitHub Pages) keeps every route, asset
// and the service worker under that path. Builds into its own folder and serves it on port 4183.

const PORT = 4183
const BASE = '/cutaway/'
// inside Playwright's output folder: ignored by git and lint, cleaned on each run
const OUT = 'test-results/cutaway-base'
let server: ChildProcess | null = null

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: 'ignore' })
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}`))))
  })
}

test.beforeAll(async () => {
  test.setTimeout(90_000)
  await run(
    'node_modules/.bin/vite',
    ['build', '--outDir', OUT, '--emptyOutDir', '--logLevel', 'error'],
    {
      CUTAWAY_BASE: BASE,
    },
  )
  server = spawn(
    'node_modules/.bin/vite',
    ['preview', '--outDir', OUT, '--port', String(PORT), '--strictPort'],
    { env: { ...process.env, CUTAWAY_BASE: BASE }, stdio: 'ignore' },
  )
  await expect
    .poll(async () => (await fetch(`http://127.0.0.1:${PORT}${BASE}`).catch(() => null))?.status, {
      timeout: 20_000,
    })
    .toBe(200)
})
test.afterAll(() => {
  server?.kill()
})

test('a build under a sub-path keeps its routes, assets and service worker there', async ({
  page,
}) => {
  const origin = `http://127.0.0.1:${PORT}`
  await page.goto(`${origin}${BASE}`)
  await page.getByRole('link', { name: 'Sandbox' }).click()
  await expect(page).toHaveURL(`${origin}${BASE}sandbox`)
  await page.goto(`${origin}${BASE}present/tour/2`)
  await expect(page.getByTestId('stage.count')).toHaveText('Step 2 of 12')
  await expect(page).toHaveURL(`${origin}${BASE}present/tour/2`)
  const sw = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope)
  expect(sw).toBe(`${origin}${BASE}`)
  const assets = await page.evaluate(() =>
    [...document.querySelectorAll('script[src], link[href]')].map(
      (e) => new URL(e.getAttribute('src') ?? e.getAttribute('href')!, location.href).pathname,
    ),
  )
  expect(assets.length).toBeGreaterThan(2)
  for (const a of assets) expect(a.startsWith(BASE)).toBe(true)
})
