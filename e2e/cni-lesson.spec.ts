import { test, expect } from '@playwright/test'
import { ScenarioPanel } from './pages/ScenarioPanel.ts'
import { transcript } from './pages/Lesson.ts'
import { cni as data, EIGHTEENTH } from '../src/scenarios/cni.ts'
import type { Scenario } from '../src/scenarios/types.ts'
import { expectNoSeriousAxe } from './support/axe.ts'

const cni: Scenario = data
const NODE = 'ip-192-168-20-109.us-west-2.compute.internal'

// A learner plays "What does CNI do when a pod starts?" in Chromium, from the home page: types
// every command, answers the predict questions (one wrongly), and sees what the lesson promises:
// bb's CNI ADD and its address on both ends of the veth, 10 warm addresses on 2 ENIs, `pods: 17`,
// the 18th pod Pending with `Too many pods`, then failing to get an address until bb's has cooled
// down, then getting exactly that address. The 18th pod's name is read from the console, as the
// narration asks. No serious or critical axe violations; screenshots at 1280x720.

test('a learner plays the CNI lesson: the 18th pod on a t3.medium', async ({ page }) => {
  test.setTimeout(180_000)
  await page.setViewportSize({ width: 1280, height: 720 })
  const lesson = new ScenarioPanel(page)
  const events = page.getByTestId('events.list')
  const n = cni.steps.length
  const run = async (c: string) => {
    await lesson.terminalInput.fill(c)
    await lesson.terminalInput.press('Enter')
  }
  /** the Pending pod of `web`, as `kubectl get pods --field-selector=status.phase=Pending` lists it */
  let eighteenth = ''

  await page.goto('/')
  await expect(page.getByTestId('home.scenario.cni')).toContainText(cni.title)
  await page.getByRole('link', { name: `Start: ${cni.title}` }).click()
  await expect(page).toHaveURL(/\/learn\/cni\/1$/)
  await expect(lesson.progress).toHaveText(`Step 1 of ${n}`)

  for (const [i, step] of cni.steps.entries()) {
    await expect(lesson.title).toHaveText(step.title)
    if ('command' in step.complete) {
      // the 18th pod's name in this browser's cluster, found as the narration says
      const named = (c: string) => (eighteenth ? c.replace(EIGHTEENTH, eighteenth) : c)
      const commands = (step.solution as { commands: string[] }).commands
      for (const c of commands) {
        await run(named(c))
        if (c.includes('status.phase=Pending')) {
          await expect(page.getByTestId('terminal.output')).toContainText(/web-\S+ +0\/1 +Pending/)
          eighteenth = (await transcript(page)).match(/(web-\S+) +0\/1 +Pending/)![1]!
        }
      }
      const stillHere = async () =>
        (await lesson.title.count()) > 0 && (await lesson.title.textContent()) === step.title
      for (let tries = 0; tries < 10 && (await stillHere()); tries++) {
        await page.waitForTimeout(1000)
        if (await stillHere()) await run(named(commands.at(-1)!))
      }
    } else if ('predict' in step.complete) {
      if (step.id === 'max-pods')
        // the node's label says "n/17 pods": hidden while the question is open
        await expect(page.locator(`[data-key="Node/${NODE}"]`)).toHaveClass(/is-concealed/)
      const right = (step.solution as { answer: number }).answer
      const choice = step.id === 'max-pods' ? 0 : right // one wrong answer: 110
      await lesson.answer(choice)
      await expect(lesson.verdict).toHaveText(choice === right ? /^Right/ : /^Not quite/)
      for (let c = 0; c < step.complete.predict.choices.length; c++)
        await expect(page.getByTestId(`lesson.explanation.${c}`)).toBeVisible()
      if (step.id === 'eighteenth') await expectNoSeriousAxe(page)
      await lesson.pressNext()
    } else if ('event' in step.complete) {
      // 30 s of simulated cooldown: let the clock run faster, as the hint suggests
      await page.getByTestId('playback.speed').selectOption('4')
    } else await lesson.pressNext()

    const t = () => transcript(page)
    if (step.id === 'run') {
      await expect(events).toContainText(
        `${NODE}: CNI ADD default/bb 192.168.21.196/32 on eni521b6c62951`,
      )
      expect(await t()).toMatch(/default +bb +1\/1 +Running .* 192\.168\.21\.196 /)
      expect(await t()).toMatch(/kube-proxy-\S+ .* 192\.168\.20\.109 /)
    }
    if (step.id === 'node-side') {
      expect(await t()).toContain('SetupPodNetwork: hostVethName=eni521b6c62951')
      expect(await t()).toContain('192.168.21.196 dev eni521b6c62951 scope link')
      await page.screenshot({ path: 'screenshots/cni-node-side.png' })
    }
    if (step.id === 'pod-side') {
      expect(await t()).toContain('inet 192.168.21.196/32 scope global eth0')
      expect(await t()).toContain('default via 169.254.1.1 dev eth0')
      expect(await t()).toMatch(/169\.254\.1\.1 dev eth0 lladdr \S+ .*PERMANENT/)
    }
    if (step.id === 'enis') {
      const out = await t()
      expect(out).toContain('eni-048fc4d3adbf0f5fd')
      expect(out).toContain('eni-07c37d2874a908f18')
      expect(out).toMatch(/192\.168\.20\.109\s.*192\.168\.21\.196/)
    }
    if (step.id === 'fill') {
      expect(await t()).toMatch(/pods: +17/)
      // as the narration says: only the AWS layer, to find the ENI among hundreds of events
      const layer = (name: string) => page.getByRole('checkbox', { name, exact: true })
      for (const l of ['Kubernetes', 'Node']) await layer(l).uncheck()
      await expect(events).toContainText(/ipamd attached eni-\w+ as ens7 \(device 2/)
      for (const l of ['Kubernetes', 'Node']) await layer(l).check()
    }
    if (step.id === 'pending') {
      expect(await t()).toContain(
        '0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
      )
      await page.screenshot({ path: 'screenshots/cni-too-many-pods.png' })
    }
    if (step.id === 'free-a-slot') {
      await expect(events).toContainText(`${NODE}: CNI DEL default/bb 192.168.21.196/32`)
      expect(await t()).toContain('add cmd: failed to assign an IP address to container')
    }
    if (step.id === 'cooldown') {
      await expect(lesson.recap).toBeVisible({ timeout: 60_000 })
      await expect(events).toContainText(
        new RegExp(`CNI ADD default/${eighteenth} 192\\.168\\.21\\.196/32 on eni`),
      )
    }
    if (i < n - 1)
      await expect(lesson.title).toHaveText(cni.steps[i + 1]!.title, { timeout: 60_000 })
  }
  await expect(lesson.recap).toBeVisible({ timeout: 60_000 })
  await expect(page).toHaveURL(/\/learn\/cni\/done$/)
  await expectNoSeriousAxe(page)
  await page.screenshot({ path: 'screenshots/cni-recap.png' })
})

test('the CNI lesson in presenter mode, as an embed and as a storyboard', async ({ page }) => {
  test.setTimeout(60_000)
  await page.setViewportSize({ width: 1280, height: 720 })
  const eighteenth = cni.steps.findIndex((s) => s.id === 'eighteenth')
  await page.goto(`/present/cni/${eighteenth + 1}`)
  await expect(page.getByTestId('stage.title')).toHaveText(cni.steps[eighteenth]!.title)
  // the earlier solutions were replayed for the audience: the node is full
  await expect(page.getByTestId('terminal.output')).toContainText(/pods: +17/)

  await page.goto('/embed/cni?step=3')
  await expect(page.getByTestId('embed.poster')).toContainText(`Step 3: ${cni.steps[2]!.title}`)

  await page.goto('/print/cni')
  await expect(page.locator('.frame[data-testid^="print.frame."]')).toHaveCount(cni.steps.length)
})
