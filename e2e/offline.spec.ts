import { test, expect } from './fixtures.ts'

// After one visit the service worker has precached the whole site: with the network cut, a
// lesson never opened before loads and plays, presenter mode included.

test('the site loads and plays a scenario offline after a first visit', async ({
  page,
  context,
  terminal,
}) => {
  test.setTimeout(45_000)
  await page.goto('/')
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
  })
  await context.setOffline(true)
  try {
    await page.goto('/learn/logs')
    await expect(page.getByTestId('lesson.step-title')).toBeVisible()
    await terminal.run('kubectl get nodes')
    expect((await terminal.lastOutput())[0]).toMatch(/^NAME\s+STATUS/)
    await page.goto('/present/tour')
    await expect(page.getByTestId('stage.count')).toHaveText('Step 1 of 12')
    await page.keyboard.press('PageDown')
    await expect(page.getByTestId('stage.count')).toHaveText('Step 2 of 12')
    await expect(page.getByTestId('terminal.output')).toContainText('kubectl get nodes -o wide')
    // the manifest and icons make it installable
    const manifest = await page.evaluate(async () => {
      const href = document.querySelector('link[rel="manifest"]')!.getAttribute('href')!
      return (await fetch(href)).json()
    })
    expect(manifest.icons.some((i: { sizes: string }) => i.sizes === '512x512')).toBe(true)
    expect(manifest.display).toBe('standalone')
  } finally {
    await context.setOffline(false)
  }
})
