import type { Page } from '@playwright/test'
import { test, expect } from './fixtures.ts'

// XSS payloads in every URL parameter and path segment the new routes read, and in postMessage:
// nothing executes, no element is injected, and the built page carries its Content-Security-Policy.

const PAYLOADS = [
  `"><img src=x onerror="window.__xss=1"><script>window.__xss=1</script>'-alert(1)-'`,
  'javascript:window.__xss=1',
]

const enc = encodeURIComponent

function urls(p: string): string[] {
  const q = enc(p)
  return [
    `/embed/tour?step=${q}&theme=${q}&speed=${q}&controls=${q}&autoplay=${q}&origin=${q}&storage=${q}&${q}=${q}`,
    `/embed/tour?autoplay=1&origin=${q}`,
    `/embed/${q}`,
    `/present/${q}`,
    `/present/tour/${q}?theme=${q}`,
    `/notes/${q}`,
    `/print/tour?notes=${q}`,
    `/print/${q}`,
    `/learn/tour/${q}`,
    `/sandbox?seed=${q}&t=${q}&log=${q}`,
  ]
}

async function armed(page: Page) {
  const dialogs: string[] = []
  page.on('dialog', async (d) => {
    dialogs.push(d.message())
    await d.dismiss()
  })
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const w = window as unknown as { __csp?: string[] }
      ;(w.__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI}`)
    })
  })
  return dialogs
}

async function expectClean(page: Page, dialogs: string[]) {
  const state = await page.evaluate(() => {
    const w = window as unknown as { __xss?: unknown; __csp?: string[] }
    return {
      xss: w.__xss ?? null,
      csp: w.__csp ?? [],
      injected: document.querySelectorAll('img[src="x"], [onerror], body script:not([src])').length,
    }
  })
  expect(state).toEqual({ xss: null, csp: [], injected: 0 })
  expect(dialogs).toEqual([])
}

test('the built site sends a Content-Security-Policy that allows no inline script', async ({
  page,
}) => {
  await page.goto('/')
  const csp = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content')
  expect(csp).toContain("script-src 'self'")
  expect(csp).not.toContain("unsafe-inline'; object")
  expect(csp).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/)
  expect(csp).toContain("object-src 'none'")
})

test('XSS payloads in every parameter execute nothing', async ({ page }) => {
  test.setTimeout(60_000)
  const dialogs = await armed(page)
  for (const p of PAYLOADS)
    for (const url of urls(p)) {
      await page.goto(url)
      await expect(page.locator('main').first()).toBeVisible()
      await expectClean(page, dialogs)
    }
})

test('XSS payloads in postMessage execute nothing', async ({ page }) => {
  const dialogs = await armed(page)
  await page.goto('/present/tour')
  // an embed inside a page of the same site, so the test can be its parent
  await page.evaluate(() => {
    const f = document.createElement('iframe')
    f.id = 'e'
    f.title = 'embed'
    f.src = `${location.origin}/embed/tour?autoplay=1`
    document.body.append(f)
  })
  const frame = page.frameLocator('#e')
  await expect(frame.getByTestId('stage.count')).toHaveText('Step 1 of 12')
  await page.evaluate((payloads) => {
    const w = (document.getElementById('e') as HTMLIFrameElement).contentWindow!
    for (const p of payloads) {
      for (const type of ['goToStep', 'setSpeed', 'play', p])
        w.postMessage(
          { cutaway: 'cutaway-embed', version: 1, type, step: p, speed: p, html: p },
          '*',
        )
      w.postMessage(p, '*')
      w.postMessage({ cutaway: p, version: p, type: p }, '*')
    }
    // and on the presenter/notes channel
    const ch = new BroadcastChannel('cutaway-present:tour')
    for (const p of payloads) {
      ch.postMessage({
        v: 1,
        kind: 'state',
        index: 0,
        answered: false,
        playing: false,
        speed: 1,
        now: 0,
        blank: false,
        transcript: [{ prompt: p, input: p, lines: [{ text: p, tone: p }] }],
      })
      ch.postMessage({ v: 1, kind: p })
      ch.postMessage({ v: 1, kind: 'goTo', index: p })
    }
    ch.close()
  }, PAYLOADS)
  await page.waitForTimeout(300)
  await expect(frame.getByTestId('stage.count')).toHaveText('Step 1 of 12')
  await expect(page.getByTestId('stage.count')).toHaveText('Step 1 of 12')
  await expectClean(page, dialogs)
})
