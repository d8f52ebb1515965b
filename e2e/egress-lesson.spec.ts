import { test, expect, type Page } from '@playwright/test'
import { playLesson, transcript } from './pages/Lesson.ts'
import { egress as data } from '../src/scenarios/egress.ts'
import type { Scenario } from '../src/scenarios/types.ts'
import { expectNoSeriousAxe } from './support/axe.ts'

const egress: Scenario = data

// A learner plays "What happens when a pod calls the internet?" in Chromium and checks, in the
// Packet path view, what the lesson promises: the source of the example.com request becomes the
// node's IP at POSTROUTING and its public IP at the internet gateway; from the private node group
// the NAT gateway's Elastic IP; inside the VPC the pod IP end to end (Compare with…). The
// addresses are those of the seed-1 cluster (src/scenarios/__tests__/egress.test.ts). Screenshots at
// 1280x720; no serious or critical axe violations in the packet view.

const CLIENT_IP = '192.168.95.197'
const NODE_IP = '192.168.83.74'
const NODE_PUBLIC = '35.34.195.98'
const NAT_EIP = '34.104.138.73'

async function pickFlow(page: Page, select: 'packets.flow' | 'packets.compare', text: string) {
  const sel = page.getByTestId(select)
  const option = sel.locator('option', { hasText: text }).first()
  await sel.selectOption((await option.getAttribute('value'))!)
}

test('a learner plays the egress lesson and reads the translations in the packet path', async ({
  page,
}) => {
  test.setTimeout(240_000)
  await page.setViewportSize({ width: 1280, height: 720 })
  const view = page.getByTestId('packets')
  const toTab = (id: 'map' | 'packets') => page.getByTestId(`main.tab.${id}`).click()
  await playLesson(page, egress, {
    wrongAt: 'without-snat',
    onStep: async (id) => {
      const t = () => transcript(page)
      if (id === 'checkip') {
        expect(await t()).toMatch(new RegExp(`^${NODE_PUBLIC}$`, 'm'))
        expect(await t()).toContain(`${NODE_IP}\t${NODE_PUBLIC}`)
      }
      if (id === 'trace') {
        expect(await t()).toContain(`port 443) from ${CLIENT_IP} port`)
        await toTab('packets')
        await pickFlow(page, 'packets.flow', 'HTTP GET / → 104.20.23.154:443')
        await expect(view.getByTestId('packets.translations')).toContainText(
          `${CLIENT_IP} → ${NODE_IP}`,
        )
        await expect(view.getByTestId('packets.translations')).toContainText(
          `${NODE_IP} → ${NODE_PUBLIC} at the internet gateway`,
        )
        await page.screenshot({ path: 'screenshots/egress-igw-1280x720.png' })
        await expectNoSeriousAxe(page, '[data-testid="packets"]')
        await toTab('map')
      }
      if (id === 'snat') {
        expect(await t()).toContain(`-j SNAT --to-source ${NODE_IP} --random-fully`)
        expect(await t()).toMatch(
          new RegExp(`src=${CLIENT_IP} dst=104\\.20\\.23\\.154 .* dst=${NODE_IP} .*mark=128`),
        )
      }
      if (id === 'private-checkip') {
        expect((await t()).trimEnd().split('\n').at(-1)).toBe(NAT_EIP)
        await toTab('packets')
        await pickFlow(page, 'packets.flow', 'default/private-client: HTTP GET /')
        await expect(view.getByTestId('packets.translations')).toContainText(
          `→ ${NAT_EIP} at the NAT gateway`,
        )
        await page.screenshot({ path: 'screenshots/egress-natgw-1280x720.png' })
        await toTab('map')
      }
      if (id === 'pod-to-pod') {
        expect(await t()).toMatch(new RegExp(`^${CLIENT_IP} - - \\[`, 'm'))
        await toTab('packets')
        await pickFlow(page, 'packets.flow', 'default/client: HTTP GET / → 10.100.')
        await expect(view.getByTestId('packets.translations')).toContainText(
          `No source translation: the receiver sees ${CLIENT_IP}`,
        )
        await pickFlow(page, 'packets.compare', 'default/private-client: HTTP GET /')
        await expect(view.getByTestId('packets.compared.translations')).toContainText(NAT_EIP)
        await page.screenshot({ path: 'screenshots/egress-compare-1280x720.png' })
        await toTab('map')
      }
    },
  })
})
