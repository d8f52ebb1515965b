import { test, expect } from './fixtures.ts'
import { SCENARIOS } from '../src/scenarios/index.ts'

// The storyboard handout: one frame per step with its narration, for every scenario.

for (const scenario of SCENARIOS)
  test(`the ${scenario.id} storyboard renders every step`, async ({ page }) => {
    await page.goto(`/print/${scenario.id}`)
    await expect(page).toHaveTitle(`Storyboard: ${scenario.title} · Cutaway`)
    const frames = page.locator('.frame[data-testid^="print.frame."]')
    await expect(frames).toHaveCount(scenario.steps.length)
    for (const [i, step] of scenario.steps.entries())
      await expect(
        page.getByTestId(`print.frame.${i}`).getByRole('heading', { level: 2 }),
      ).toHaveText(`${i + 1}. ${step.title}`)
    await expect(page.getByText('Speaker notes (')).toHaveCount(0)
    await page.getByTestId('print.notes').check()
    await expect(page).toHaveURL(/notes=1/)
    await expect(page.locator('.frame-notes')).toHaveCount(scenario.steps.length)
    if (scenario.id === 'tour') {
      // the frame of a command step shows the console after it
      await expect(page.getByTestId('print.frame.0')).toContainText('ip-192-168-20-109')
      await page.emulateMedia({ media: 'print' })
      await page.setViewportSize({ width: 794, height: 1123 }) // A4 at 96 dpi
      await page.screenshot({ path: 'screenshots/print-a4.png' })
      const pdf = await page.pdf({ format: 'Letter' })
      expect(pdf.byteLength).toBeGreaterThan(10_000)
    }
  })
