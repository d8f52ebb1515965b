import { test, expect } from './fixtures.ts'

// prefers-reduced-motion: no pod fades, scales or colour tweens on the map; the state still changes
// (discretely) and the event log tells the same story in text.

async function watchInlineMotion(page: import('@playwright/test').Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __motion: string[] }
    w.__motion = []
    new MutationObserver((records) => {
      for (const r of records) {
        const el = r.target as Element
        if (r.attributeName === 'style' && el.closest('[data-testid^="pod."]'))
          w.__motion.push((el as HTMLElement).style.cssText)
        if (r.attributeName === 'transform' && el.matches('[data-testid^="pod."] > *'))
          w.__motion.push(el.getAttribute('transform') ?? '')
      }
    }).observe(document.body, {
      subtree: true,
      attributes: true,
      attributeFilter: ['style', 'transform'],
    })
  })
  return () =>
    page.evaluate(() => (window as unknown as { __motion: string[] }).__motion.filter(Boolean))
}

for (const reduced of [true, false]) {
  test(`pods appear on the map ${reduced ? 'without' : 'with'} motion when reduced motion is ${reduced ? 'on' : 'off'}`, async ({
    page,
    terminal,
  }) => {
    await page.emulateMedia({ reducedMotion: reduced ? 'reduce' : 'no-preference' })
    await terminal.goto(6)
    const motion = await watchInlineMotion(page)
    await terminal.run('kubectl create deployment web --image=nginx --replicas=3')
    await page.getByTestId('playback.play').click()
    await expect(page.locator('[data-testid^="pod.web-"].cat-running')).toHaveCount(3, {
      timeout: 15_000,
    })
    await page.getByTestId('playback.play').click()
    const seen = await motion()
    if (reduced) expect(seen).toEqual([])
    else expect(seen.length).toBeGreaterThan(0) // the same check can see motion when it happens
    await expect(page.getByTestId('events.list')).toContainText('scheduler bound default/web-')
  })
}
