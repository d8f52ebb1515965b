import { expect, type Locator, type Page } from '@playwright/test'

/** The lesson panel, driven from the keyboard only: Tab to a control, then Enter/Space/arrows. */
export class ScenarioPanel {
  readonly panel: Locator
  readonly title: Locator
  readonly progress: Locator
  readonly next: Locator
  readonly back: Locator
  readonly check: Locator
  readonly verdict: Locator
  readonly openSandbox: Locator
  readonly recap: Locator
  readonly terminalInput: Locator

  constructor(private readonly page: Page) {
    this.panel = page.getByTestId('lesson.panel')
    this.title = page.getByTestId('lesson.step-title')
    this.progress = page.getByTestId('lesson.progress')
    this.next = page.getByTestId('lesson.next')
    this.back = page.getByTestId('lesson.back')
    this.check = page.getByTestId('lesson.check')
    this.verdict = page.getByTestId('lesson.verdict')
    this.openSandbox = page.getByTestId('lesson.open-sandbox')
    this.recap = page.getByTestId('lesson.recap')
    this.terminalInput = page.getByRole('textbox', { name: 'Command' })
  }

  /** Presses Tab until `target` has focus (no mouse). */
  async tabTo(target: Locator, max = 120) {
    for (let i = 0; i < max; i++) {
      if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return
      await this.page.keyboard.press('Tab')
    }
    throw new Error(`could not reach ${target.toString()} with Tab`)
  }

  /** Types a command into the console and runs it. */
  async type(command: string) {
    await this.tabTo(this.terminalInput)
    await this.page.keyboard.type(command)
    await this.page.keyboard.press('Enter')
  }

  /** Picks choice `n` (0-based) of the predict question with the arrow keys and checks it. */
  async answer(n: number) {
    const radios = this.panel.getByRole('radio')
    await this.tabTo(radios.first())
    if (n === 0) await this.page.keyboard.press('Space')
    for (let i = 0; i < n; i++) await this.page.keyboard.press('ArrowDown')
    await expect(radios.nth(n)).toBeChecked()
    await this.tabTo(this.check)
    await this.page.keyboard.press('Enter')
    await expect(this.verdict).toBeVisible()
  }

  async pressNext() {
    await this.tabTo(this.next)
    await this.page.keyboard.press('Enter')
  }
}
