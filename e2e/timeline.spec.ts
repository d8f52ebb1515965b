import { test, expect } from './fixtures.ts'

// Time travel as a learner uses it: step back and forward on the map, and a copied sandbox link.

async function podsOnMap(page: import('@playwright/test').Page): Promise<string[]> {
  const ids = await page
    .locator('[data-testid^="pod."]')
    .evaluateAll((els) =>
      els.map((e) => `${e.getAttribute('data-testid')} ${e.getAttribute('data-parent')}`),
    )
  return ids.sort()
}

test('step back then step forward gives the same map', async ({ page, terminal }) => {
  await terminal.goto(5)
  await terminal.run('kubectl create deployment web --image=nginx --replicas=3')
  const step = page.getByTestId('playback.forward')
  for (let i = 0; i < 40 && (await page.locator('[data-testid^="pod.web-"]').count()) < 3; i++)
    await step.click()
  await expect(page.locator('[data-testid^="pod.web-"]')).toHaveCount(3)
  for (let i = 0; i < 4; i++) await step.click()
  const before = await podsOnMap(page)
  const back = page.getByTestId('playback.back')
  for (let i = 0; i < 3; i++) await back.click()
  const redo = page.getByTestId('playback.redo')
  for (let i = 0; i < 3; i++) await redo.click()
  expect(await podsOnMap(page)).toEqual(before)
  // all the way back: no web pods, and the command is undone
  while (await back.isEnabled()) await back.click()
  await expect(page.locator('[data-testid^="pod.web-"]')).toHaveCount(0)
})

test('a copied sandbox link reproduces the same pods', async ({ page, terminal, browser }) => {
  await terminal.goto(8)
  await terminal.run('kubectl create deployment api --image=nginx --replicas=4')
  for (
    let i = 0;
    i < 40 && (await page.locator('[data-testid^="pod.api-"].cat-running').count()) < 4;
    i++
  )
    await page.getByTestId('playback.forward').click()
  await terminal.run('kubectl get pods -o wide')
  const table = await terminal.lastOutput()
  const url = page.url()
  expect(url).toContain('/sandbox?seed=8&')
  const other = await browser.newPage()
  await other.goto(url)
  // a shared link opens paused, exactly as it was
  await expect(other.getByTestId('playback.play')).toHaveText('Play')
  const input = other.getByRole('textbox', { name: 'Command' })
  await input.fill('kubectl get pods -o wide')
  await input.press('Enter')
  const again = await other
    .getByTestId('terminal.output')
    .locator('.entry')
    .last()
    .locator('pre.line')
    .allInnerTexts()
  // same names, nodes and IPs (AGE may differ by the seconds between the two loads)
  const strip = (rows: string[]) => rows.map((r) => r.replace(/\s+\d+s\s+/, ' AGE '))
  expect(strip(again)).toEqual(strip(table))
  expect(await podsOnMap(other)).toEqual(await podsOnMap(page))
})
