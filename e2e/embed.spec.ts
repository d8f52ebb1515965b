import type { Server } from 'node:http'
import type { Page } from '@playwright/test'
import { test, expect } from './fixtures.ts'
import { hostPage, serveHost } from './support/hostServer.ts'

// A docs page on another origin embeds a scenario and drives it through the postMessage API; a
// page on a third origin, not named by the `origin` parameter, is ignored. Plus the poster, the
// URL parameters' fallbacks and the Share / Embed dialog.

const HOST = 4181
const OTHER = 4182
const HOST_ORIGIN = `http://127.0.0.1:${HOST}`
let app = ''
let servers: Server[] = []

test.beforeAll(async () => {
  app = String(test.info().project.use.baseURL)
  servers = [
    await serveHost(HOST, () => hostPage(app, `origin=${encodeURIComponent(HOST_ORIGIN)}`)),
    // a page on another origin embedding the same lesson, still restricted to HOST_ORIGIN
    await serveHost(OTHER, () => hostPage(app, `origin=${encodeURIComponent(HOST_ORIGIN)}`)),
  ]
})
test.afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
})

type Received = { origin: string; data: Record<string, unknown> }
const received = (page: Page) =>
  page.evaluate(() => (window as unknown as { received: Received[] }).received)

async function waitFor(page: Page, type: string, where: Record<string, unknown> = {}) {
  await expect
    .poll(async () =>
      (await received(page)).some(
        (m) => m.data.type === type && Object.entries(where).every(([k, v]) => m.data[k] === v),
      ),
    )
    .toBe(true)
}

const v1 = (cmd: Record<string, unknown>) => ({ cutaway: 'cutaway-embed', version: 1, ...cmd })

test('a host page drives an embed through the API and gets stepChanged and resize', async ({
  page,
}) => {
  await page.goto(`${HOST_ORIGIN}/`)
  const frame = page.frameLocator('#cutaway')
  await expect(frame.getByTestId('embed.poster')).toBeVisible()
  await waitFor(page, 'ready', { scenario: 'tour', steps: 12, step: 1 })
  const all = await received(page)
  expect(all.every((m) => m.origin === app)).toBe(true)

  // malformed, unknown and wrong-version messages are ignored: the poster stays
  await page.evaluate(
    ([a, b, c, d]) => {
      const w = window as unknown as { send: (m: unknown) => void }
      w.send(a)
      w.send(b)
      w.send(c)
      w.send(d)
    },
    [
      v1({ type: 'goToStep', step: '3' }),
      v1({ type: 'explode' }),
      { cutaway: 'cutaway-embed', version: 2, type: 'play' },
      v1({ type: 'play', extra: true }),
    ],
  )
  await page.waitForTimeout(300)
  await expect(frame.getByTestId('embed.poster')).toBeVisible()

  // a command loads the lesson, then runs
  await page.evaluate(
    (m) => (window as unknown as { send: (m: unknown) => void }).send(m),
    v1({ type: 'goToStep', step: 3 }),
  )
  await expect(frame.getByTestId('stage.count')).toHaveText('Step 3 of 12')
  await waitFor(page, 'stepChanged', { step: 3, stepId: 'where-is-etcd' })

  // embed-host.js sizes the iframe to the content height from the resize events
  await waitFor(page, 'resize')
  const last = (await received(page)).filter((m) => m.data.type === 'resize').at(-1)!
  const height = last.data.height as number
  expect(height).toBeGreaterThan(400)
  await expect
    .poll(() => page.locator('#cutaway').evaluate((f) => f.getBoundingClientRect().height))
    .toBe(height)

  await page.evaluate(
    (m) => (window as unknown as { send: (m: unknown) => void }).send(m),
    v1({ type: 'setSpeed', speed: 2 }),
  )
  await expect(frame.getByRole('combobox', { name: 'Speed' })).toHaveValue('2')
  await page.evaluate(
    (m) => (window as unknown as { send: (m: unknown) => void }).send(m),
    v1({ type: 'play' }),
  )
  await expect(frame.getByRole('button', { name: 'Pause' })).toBeVisible()
  await page.evaluate(
    (m) => (window as unknown as { send: (m: unknown) => void }).send(m),
    v1({ type: 'goToStep', step: 13 }),
  )
  await waitFor(page, 'scenarioCompleted', { scenario: 'tour' })
})

test('a page on an origin the embed does not allow can neither command it nor hear it', async ({
  page,
}) => {
  await page.goto(`http://127.0.0.1:${OTHER}/`)
  const frame = page.frameLocator('#cutaway')
  await expect(frame.getByTestId('embed.poster')).toBeVisible()
  await page.evaluate(
    (m) => (window as unknown as { send: (m: unknown) => void }).send(m),
    v1({ type: 'goToStep', step: 3 }),
  )
  await page.waitForTimeout(500)
  await expect(frame.getByTestId('embed.poster')).toBeVisible()
  expect(await received(page)).toEqual([])
})

test('bad URL parameters fall back to defaults with console warnings; the poster loads on click', async ({
  page,
}) => {
  const warnings: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text())
  })
  await page.goto('/embed/tour?step=99&theme=neon&speed=fast&controls=maybe&colour=red')
  await expect(page.getByTestId('embed')).toHaveClass(/theme-dark/)
  await expect(page.getByTestId('embed.poster')).toContainText('Step 1: Meet the worker nodes')
  await expect.poll(() => warnings.length).toBe(5)
  expect(warnings.join('\n')).toMatch(/step="99" is not a step from 1 to 12/)
  // the embed wrote nothing to storage
  // the poster is light: the simulation's code loads on the click
  const jsBytes = () =>
    page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((r) => r.name.endsWith('.js'))
        .reduce((n, r) => n + (r as PerformanceResourceTiming).decodedBodySize, 0),
    )
  const posterBytes = await jsBytes()
  await page.getByRole('button', { name: /Load the interactive lesson/ }).click()
  await expect(page.getByTestId('stage.count')).toHaveText('Step 1 of 12')
  expect((await jsBytes()) - posterBytes).toBeGreaterThan(300_000)
  await page.getByTestId('embed.next').click()
  await expect(page.getByTestId('stage.count')).toHaveText('Step 2 of 12')
  const stored = await page.evaluate(async () => ({
    local: localStorage.length,
    session: sessionStorage.length,
    caches: (await caches.keys()).length,
    sw: (await navigator.serviceWorker.getRegistrations()).length,
    cookies: document.cookie,
  }))
  expect(stored).toEqual({ local: 0, session: 0, caches: 0, sw: 0, cookies: '' })
  await page.setViewportSize({ width: 1280, height: 720 })
  await page.screenshot({ path: 'screenshots/embed-1280x720.png', fullPage: true })
  await page.goto('/embed/tour?theme=light&step=4')
  await expect(page.getByTestId('embed.poster')).toContainText('Step 4')
  await page.screenshot({ path: 'screenshots/embed-poster-light.png' })
})

test('Share / Embed gives a link to the step and a one-line iframe', async ({ page }) => {
  await page.goto('/learn/tour/2')
  await page.getByTestId('share.open').click()
  const dialog = page.getByTestId('share.dialog')
  await expect(dialog).toBeVisible()
  await expect(page.getByTestId('share.link')).toHaveValue(`${app}/learn/tour/2`)
  const snippet = await page.getByTestId('share.snippet').inputValue()
  expect(snippet).toContain(`src="${app}/embed/tour?step=2"`)
  expect(snippet).toMatch(/title="Cutaway: Tour of the cluster \(interactive lesson\)"/)
  expect(snippet).toContain('loading="lazy"')
  expect(snippet).toContain('sandbox="allow-scripts allow-same-origin')
  expect(snippet.split('\n')).toHaveLength(1)
  await dialog.getByRole('checkbox', { name: 'Show controls' }).uncheck()
  await dialog.getByRole('combobox', { name: 'Theme' }).selectOption('projector')
  await expect(page.getByTestId('share.snippet')).toHaveValue(
    /embed\/tour\?step=2&amp;theme=projector&amp;controls=0/,
  )
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('share.open')).toBeFocused()
})
