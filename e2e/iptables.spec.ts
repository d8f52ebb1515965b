import { test, expect } from '@playwright/test'
import { playLesson, transcript } from './pages/Lesson.ts'
import { iptables as data } from '../src/scenarios/iptables.ts'
import type { Scenario } from '../src/scenarios/types.ts'

const iptables: Scenario = data

// A learner plays "What are iptables?" in Chromium: lists the tables, sees the web rule count one
// packet for a whole connection, adds a DROP (curl times out with exit code 28), swaps it for a
// REJECT (curl is refused at once, exit code 7), and deletes it (curl works again).

test('a learner plays the iptables lesson', async ({ page }) => {
  test.setTimeout(60_000)
  await page.setViewportSize({ width: 1280, height: 720 })
  await playLesson(page, iptables, {
    wrongAt: 'first-packet',
    onStep: async (id) => {
      const text = () => transcript(page)
      if (id === 'filter-table') expect(await text()).toMatch(/Chain FORWARD \(policy ACCEPT/)
      if (id === 'counters') expect(await text()).toMatch(/ +1 +60 KUBE-SVC-LOLE4ISW44XBNF3G/)
      if (id === 'drop') {
        expect(await text()).toContain('curl: (28) Connection timed out after 3003 milliseconds')
        // the event log tells the same story: the flow was dropped, by a rule in FORWARD
        const events = page.getByTestId('events.list')
        await expect(events).toContainText(/\(HTTP GET \/\): dropped/)
        await expect(events).toContainText(/request FORWARD .*\) DROP/)
        await page.screenshot({ path: 'screenshots/iptables-drop.png' })
      }
      if (id === 'reject') {
        const t = await text()
        expect(t).toMatch(/1 +1 +60 DROP +tcp/)
        expect(t).toMatch(/curl: \(7\) Failed to connect to web port 80 after \d+ ms/)
        await expect(page.getByTestId('events.list')).toContainText(/\(HTTP GET \/\): rejected/)
      }
    },
  })
  const t = await transcript(page)
  expect(t.slice(t.lastIndexOf('iptables -D FORWARD 1'))).not.toContain('curl:')
  await page.screenshot({ path: 'screenshots/iptables-recap.png' })
})
