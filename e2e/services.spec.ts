import { test, expect } from '@playwright/test'
import { playLesson, transcript } from './pages/Lesson.ts'
import { services as data, WEB_SVC_CHAIN } from '../src/scenarios/services.ts'
import type { Scenario } from '../src/scenarios/types.ts'

const services: Scenario = data

// A learner plays "How does a Service route traffic to pods?" in Chromium: types every command,
// answers the predict questions (one wrongly), and sees what the lesson promises at each step:
// kube-proxy's chains, three HTTP answers from the ClusterIP, a lost ping, the probabilities of
// KUBE-SVC change from 1/3, 1/2 to 1/4, 1/3, 1/2, and three endpoints again after scaling down.

test('a learner plays the Services lesson', async ({ page }) => {
  test.setTimeout(60_000)
  await page.setViewportSize({ width: 1280, height: 720 })
  await playLesson(page, services, {
    wrongAt: 'round-robin',
    onStep: async (id) => {
      const text = () => transcript(page)
      if (id === 'deploy')
        await expect(page.locator('[data-testid^="pod.web-"]')).toHaveCount(3, { timeout: 10_000 })
      if (id === 'slice') expect(await text()).toContain('kubernetes.io/service-name: web')
      if (id === 'rules') expect(await text()).toContain(`-j ${WEB_SVC_CHAIN}`)
      if (id === 'curl') expect((await text()).match(/^10\.100\.\d+\.\d+ 200$/gm)).toHaveLength(3)
      if (id === 'ping') expect(await text()).toContain('100% packet loss')
      if (id === 'scale') {
        const t = await text()
        const last = t.slice(t.lastIndexOf(`Chain ${WEB_SVC_CHAIN}`))
        expect([...last.matchAll(/probability (\d\.\d{11})/g)].map((m) => m[1])).toEqual([
          '0.25000000000',
          '0.33333333349',
          '0.50000000000',
        ])
        await page.screenshot({ path: 'screenshots/services-probabilities.png' })
      }
    },
  })
  const t = await transcript(page)
  expect(t.slice(t.lastIndexOf('ADDRESSTYPE'))).toMatch(/web-\w{5} +IPv4 +80 +\S+,\S+,\S+ +/)
  await page.screenshot({ path: 'screenshots/services-recap.png' })
})
