import AxeBuilder from '@axe-core/playwright'
import { test, expect } from './fixtures.ts'

// Every route: no serious or critical axe violations, a title, and screenshots at a laptop and a
// projector size (look at them: screenshots/).

const ROUTES = [
  { path: '/', name: 'home', title: /Cutaway/ },
  { path: '/sandbox?seed=7', name: 'sandbox', title: 'Sandbox · Cutaway' },
  { path: '/learn/tour', name: 'learn', title: /Tour of the cluster/ },
  { path: '/no/such/page', name: 'not-found', title: 'Page not found · Cutaway' },
  { path: '/present/tour/3', name: 'present', title: /Presenting: Tour of the cluster/ },
  { path: '/present/tour/2?theme=light', name: 'present-light', title: /Presenting/ },
  { path: '/notes/tour', name: 'notes', title: 'Speaker notes: Tour of the cluster · Cutaway' },
  { path: '/embed/tour', name: 'embed-poster', title: /Tour of the cluster \(embedded\)/ },
  { path: '/embed/tour?autoplay=1&theme=projector', name: 'embed', title: /embedded/ },
  { path: '/docs/embed', name: 'embed-docs', title: 'Embedding a lesson · Cutaway' },
  { path: '/print/tour?notes=1', name: 'print', title: /Storyboard: Tour of the cluster/ },
]

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
]

for (const route of ROUTES) {
  test(`${route.name}: accessible, titled, and laid out at laptop and projector sizes`, async ({
    page,
  }) => {
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    for (const size of SIZES) {
      await page.setViewportSize(size)
      await page.goto(route.path)
      await expect(page).toHaveTitle(route.title)
      await expect(page.locator('main, .workspace').first()).toBeVisible()
      await page.screenshot({ path: `screenshots/${route.name}-${size.width}x${size.height}.png` })
    }
    const results = await new AxeBuilder({ page }).analyze()
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    expect(
      bad.map(
        (v) => `${v.id}: ${v.help} (${v.nodes.length} nodes, e.g. ${v.nodes[0]?.target.join(' ')})`,
      ),
    ).toEqual([])
    expect(errors).toEqual([])
  })
}

test('a broken sandbox link shows a notice and a fresh sandbox, not a blank page', async ({
  page,
}) => {
  await page.goto('/sandbox?seed=3&log=not-base64!!')
  await expect(page.getByRole('alert')).toContainText('could not be used')
  await expect(page.getByRole('textbox', { name: 'Command' })).toBeVisible()
})

test('the 404 page offers a way back', async ({ page }) => {
  await page.goto('/nowhere')
  await page.getByRole('link', { name: 'Back to the lessons' }).click()
  await expect(page).toHaveURL('/')
})
