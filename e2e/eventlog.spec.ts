import { test, expect } from './fixtures.ts'

// The event log holds hundreds of rows; it must be one tab stop (a roving tabindex) so that the
// console stays a few Tabs away, and the arrow keys move within it.
test('the event log is one tab stop; arrow keys move within it and Enter selects', async ({
  terminal,
  page,
}) => {
  await terminal.goto(7)
  await terminal.run('kubectl create deployment web --image=nginx --replicas=3')
  await terminal.run('kubectl rollout status deployment/web')
  const list = page.getByTestId('events.list')
  await expect.poll(() => list.getByRole('button').count()).toBeGreaterThan(20)
  await expect(list.locator('button[tabindex="0"]')).toHaveCount(1)

  await list.locator('button[tabindex="0"]').focus()
  const first = await page.evaluate(() => document.activeElement?.textContent)
  await page.keyboard.press('ArrowDown')
  const second = await page.evaluate(() => document.activeElement?.textContent)
  expect(second).not.toBe(first)
  await expect(list.locator('button[tabindex="0"]')).toHaveCount(1)
  await expect(list.locator('button[tabindex="0"]')).toBeFocused()
  await page.keyboard.press('End')
  await page.keyboard.press('Home')
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(first)

  // one Tab leaves the list entirely
  await page.keyboard.press('Tab')
  expect(
    await page.evaluate(() => !!document.activeElement?.closest('[data-testid="events.list"]')),
  ).toBe(false)
})
