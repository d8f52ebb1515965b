import { test, expect, type Page } from '@playwright/test'
import { ClusterMap } from './pages/ClusterMap.ts'
import { ScenarioPanel } from './pages/ScenarioPanel.ts'
import { secrets as secretsData } from '../src/scenarios/secrets.ts'
import type { Scenario } from '../src/scenarios/types.ts'
import { expectNoSeriousAxe } from './support/axe.ts'

const secrets: Scenario = secretsData

// A learner plays "Where are Secrets stored?" in Chromium: types every command, answers the
// predict questions with the keyboard, opens the journey of the Secret from the control plane's
// Journey tab and steps through it (bytes at every stop), once after the encryption and once with
// the pod running. The journey has no serious or critical axe violations. Screenshots at 1280x720.

async function lastOutput(page: Page): Promise<string[]> {
  return page
    .getByTestId('terminal.output')
    .locator('.entry')
    .last()
    .locator('pre.line')
    .allInnerTexts()
}

/** The node that runs pod `app` in this browser's cluster. */
async function appNode(page: Page, lesson: ScenarioPanel): Promise<string> {
  await expect
    .poll(
      async () => {
        await lesson.type('kubectl get pod app -o wide')
        return (await lastOutput(page)).find((l) => l.startsWith('app '))?.split(/\s+/)[6] ?? ''
      },
      { timeout: 20_000 },
    )
    .toMatch(/^ip-/)
  return (await lastOutput(page)).find((l) => l.startsWith('app '))!.split(/\s+/)[6]!
}

async function openJourney(page: Page, map: ClusterMap) {
  await page.getByTestId('map.control-plane').click({ position: { x: 12, y: 8 } })
  await expect(map.details).toContainText('EKS control plane')
  await map.details.getByRole('tab', { name: 'Journey' }).click()
  await expect(page.getByTestId('details.journey')).toContainText('Play the journey of db')
  await page.getByTestId('journey.open').click()
  const journey = page.getByRole('dialog', { name: /The journey of one Secret/ })
  await expect(journey).toBeVisible()
  return journey
}

test('a learner plays the Secrets lesson and follows the journey of db', async ({ page }) => {
  test.setTimeout(240_000)
  await page.setViewportSize({ width: 1280, height: 720 })
  const lesson = new ScenarioPanel(page)
  const map = new ClusterMap(page)
  const n = secrets.steps.length

  await page.goto('/')
  await page.getByRole('link', { name: `Start: ${secrets.title}` }).click()
  await expect(page).toHaveURL(/\/learn\/secrets\/1$/)
  await expect(lesson.progress).toHaveText(`Step 1 of ${n}`)

  for (const [i, step] of secrets.steps.entries()) {
    await expect(lesson.title).toHaveText(step.title)
    if ('command' in step.complete) {
      let commands = [...(step.solution as { commands: string[] }).commands]
      if (step.id === 'on-the-node') {
        // the pod's node in this browser's cluster, found as the narration says
        for (const c of commands.slice(0, 2)) await lesson.type(c)
        const node = await appNode(page, lesson)
        commands = commands.slice(2).map((c) => c.replace(/^ssh \S+/, `ssh ${node}`))
      }
      for (const c of commands) await lesson.type(c)
      // `mount | grep secret` before the kubelet mounted the volume finds nothing: try again
      const stillHere = async () =>
        (await lesson.title.count()) > 0 && (await lesson.title.textContent()) === step.title
      for (let tries = 0; tries < 10 && (await stillHere()); tries++) {
        await page.waitForTimeout(1000)
        if (await stillHere()) await lesson.type(commands.at(-1)!)
      }
    } else if ('predict' in step.complete) {
      const right = (step.solution as { answer: number }).answer
      const choice = step.id === 'etcd-bytes' ? 2 : right // one wrong answer (base64 in etcd)
      await lesson.answer(choice)
      await expect(lesson.verdict).toHaveText(choice === right ? /^Right/ : /^Not quite/)
      for (let c = 0; c < step.complete.predict.choices.length; c++)
        await expect(page.getByTestId(`lesson.explanation.${c}`)).toBeVisible()
      await lesson.pressNext()
    } else await lesson.pressNext()

    if (step.id === 'hexdump-plain') {
      await expect(page.getByTestId('terminal.output')).toContainText('|assword..s3cr3t.|')
      await expect(page.getByTestId('terminal.output')).toContainText('x-ray')
    }
    if (step.id === 'hexdump-encrypted') {
      await expect(page.getByTestId('terminal.output')).toContainText('|k8s:enc:kms:v2:a|')
      await page.screenshot({ path: 'screenshots/secrets-hexdump-encrypted.png' })
      await journeyAfterEncryption(page, map)
    }
    if (i < n - 1)
      await expect(lesson.title).toHaveText(secrets.steps[i + 1]!.title, { timeout: 30_000 })
  }
  await expect(lesson.recap).toBeVisible()
  await expect(page).toHaveURL(/\/learn\/secrets\/done$/)
  await page.screenshot({ path: 'screenshots/secrets-recap.png' })
  await journeyOnTheNode(page, map)
})

/** The control-plane stops: base64 in the manifest, clear in the protobuf, ciphertext in etcd. */
async function journeyAfterEncryption(page: Page, map: ClusterMap) {
  const journey = await openJourney(page, map)
  // the heading takes focus so a keyboard user lands in the panel
  await expect(journey.getByRole('heading', { level: 2 })).toBeFocused()
  const detail = page.getByTestId('journey.detail')
  await expect(detail).toContainText('kubectl sends the manifest')
  await expect(detail.locator('mark.byte-b64')).toContainText('czNjcjN0')
  await page.screenshot({ path: 'screenshots/secrets-journey-kubectl.png' })

  await page.getByTestId('journey.step').click()
  await page.getByTestId('journey.step').click()
  await expect(detail).toContainText('It serializes the object')
  await expect(detail.locator('mark.byte-clear').first()).toBeVisible()
  await page.screenshot({ path: 'screenshots/secrets-journey-protobuf.png' })

  await page.getByTestId('journey.step').click()
  await expect(detail).toContainText('k8s:enc:kms:v2:')
  await expect(detail).toContainText('s3cr3t appears nowhere')
  await expect(detail.locator('mark')).toHaveCount(0)

  await page.getByTestId('journey.stop.leader').click()
  await expect(detail).toContainText('x-ray: on EKS nobody can read etcd; AWS runs it for you')
  await expect(detail).toContainText('Raft term')
  await expect(detail).toContainText('/registry/secrets/default/db')
  await page.screenshot({ path: 'screenshots/secrets-journey-etcd.png' })
  await expectNoSeriousAxe(page, '[data-testid="journey"]')

  // Play runs to the end by itself: the node stops say nobody has it yet
  await page.getByTestId('journey.stop.kubectl').click()
  await page.getByTestId('journey.play').click()
  await expect(page.locator('.journey-stop.current')).toContainText('The container reads it', {
    timeout: 30_000,
  })
  await expect(detail).toContainText('No container has it')
  await page.keyboard.press('Escape')
  await expect(journey).toBeHidden()
  await expect(page.getByTestId('journey.open')).toBeFocused()
}

/** The node stops once `app` runs: the kubelet on its node, the tmpfs path, the container's file. */
async function journeyOnTheNode(page: Page, map: ClusterMap) {
  const journey = await openJourney(page, map)
  const detail = page.getByTestId('journey.detail')
  await page.getByTestId('journey.stop.tmpfs').click()
  await expect(detail).toContainText(
    /\/var\/lib\/kubelet\/pods\/[0-9a-f-]{36}\/volumes\/kubernetes\.io~secret\/creds\//,
  )
  await expect(detail).toContainText('tmpfs (memory)')
  await expect(detail.locator('mark.byte-clear').last()).toHaveText('s3cr3t')
  await page.screenshot({ path: 'screenshots/secrets-journey-tmpfs.png' })
  await page.getByTestId('journey.step').click()
  await expect(detail).toContainText('/etc/creds/password')
  await expectNoSeriousAxe(page)
  await page.getByTestId('journey.close').click()
  await expect(journey).toBeHidden()
}

test('the journey follows a Secret as it is written; reduced motion steps without a dot', async ({
  page,
}) => {
  await page.emulateMedia({ reducedMotion: 'reduce' })
  await page.setViewportSize({ width: 1280, height: 720 })
  const map = new ClusterMap(page)
  await page.goto('/sandbox?seed=1')
  // open the journey first: the write below starts it by itself (etcd.replicate)
  await page.getByTestId('map.control-plane').click({ position: { x: 12, y: 8 } })
  await map.details.getByRole('tab', { name: 'Journey' }).click()
  await page.getByTestId('journey.open').click()
  const journey = page.getByRole('dialog', { name: /The journey of one Secret/ })
  await expect(journey).toBeVisible()
  await expect(journey.locator('.journey-dot')).toBeHidden()
  const input = page.getByRole('textbox', { name: 'Command' })
  await input.focus()
  await page.keyboard.type('kubectl create secret generic db --from-literal=password=s3cr3t')
  await page.keyboard.press('Enter')
  await expect(journey.getByRole('heading', { level: 2 })).toContainText('default/db')
  // the run covers the control plane and etcd, then stops: no pod uses db
  await expect(page.locator('.journey-stop.current')).toContainText('The followers copy it', {
    timeout: 30_000,
  })
  await expect(page.getByTestId('journey.play')).toHaveText(/Play/)
  await expect(page.getByTestId('journey.detail')).toContainText('Committed at')
  await page.screenshot({ path: 'screenshots/secrets-journey-sandbox.png' })
  // the text equivalent: every stop in words, in order
  await page.getByTestId('journey.close').click()
  await expect(page.getByTestId('details.journey').locator('ol > li')).toHaveCount(9)
})
