import { test, expect } from './fixtures.ts'
import { previewBuild, type PreviewBuild } from './support/previewBuild.ts'

// A build for a sub-path (CUTAWAY_BASE=/cutaway/, as on GitHub Pages) keeps every route, asset
// and the service worker under that path.

const BASE = '/cutaway/'
let site: PreviewBuild

test.beforeAll(async () => {
  test.setTimeout(90_000)
  // inside Playwright's output folder: ignored by git and lint, cleaned on each run
  site = await previewBuild('test-results/cutaway-base', 4183, { CUTAWAY_BASE: BASE })
})
test.afterAll(() => site?.stop())

test('a build under a sub-path keeps its routes, assets and service worker there', async ({
  page,
}) => {
  const root = `${site.origin}${BASE}`
  await page.goto(root)
  await page.getByRole('link', { name: 'Sandbox' }).click()
  await expect(page).toHaveURL(new RegExp(`^${root}sandbox(\\?|$)`))
  await page.goto(`${root}present/tour/2`)
  await expect(page.getByTestId('stage.count')).toHaveText('Step 2 of 12')
  await expect(page).toHaveURL(`${root}present/tour/2`)
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope)
  expect(scope).toBe(root)
  const assets = await page.evaluate(() =>
    [...document.querySelectorAll('script[src], link[href]')].map(
      (e) => new URL(e.getAttribute('src') ?? e.getAttribute('href')!, location.href).pathname,
    ),
  )
  expect(assets.length).toBeGreaterThan(2)
  for (const a of assets) expect(a.startsWith(BASE)).toBe(true)
})
