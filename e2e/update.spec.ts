import { appendFileSync } from 'node:fs'
import { test, expect } from './fixtures.ts'
import { previewBuild, type PreviewBuild } from './support/previewBuild.ts'

// A redeploy: the browser finds a new service worker, the page says a new version is available,
// and Reload switches to it. Its own build and port, since it changes the files it serves.

let site: PreviewBuild

test.beforeAll(async () => {
  test.setTimeout(90_000)
  site = await previewBuild('test-results/cutaway-update', 4184)
})
test.afterAll(() => site?.stop())

test('a new version is announced and taken on Reload, never by itself', async ({ page }) => {
  await page.goto(`${site.origin}/learn/tour/2`)
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
  })
  await page.reload()
  await expect(page.getByTestId('lesson.step-title')).toBeVisible()
  expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true)
  await expect(page.getByTestId('update.notice')).toHaveCount(0)

  // "deploy" a new version: any byte of sw.js changing is what the browser looks for
  appendFileSync(`${site.outDir}/sw.js`, '\n// v2\n')
  await page.evaluate(async () => {
    await (await navigator.serviceWorker.getRegistration())?.update()
  })
  const notice = page.getByTestId('update.notice')
  await expect(notice).toContainText('A new version of Cutaway is available')
  const reloaded = page.waitForEvent('framenavigated')
  await notice.getByRole('button', { name: 'Reload' }).click()
  await reloaded
  await expect(page.getByTestId('lesson.step-title')).toBeVisible()
  await expect(page).toHaveURL(`${site.origin}/learn/tour/2`)
  await expect(page.getByTestId('update.notice')).toHaveCount(0)
})
