import type { Locator, Page } from '@playwright/test'

/** The console as a learner uses it: type into "Command", press Enter, read the output log. */
export class Terminal {
  readonly input: Locator
  readonly output: Locator

  constructor(private readonly page: Page) {
    this.input = page.getByRole('textbox', { name: 'Command' })
    this.output = page.getByTestId('terminal.output')
  }

  /** Opens a sandbox with the clock paused, so outputs are reproducible. */
  async goto(seed = 1) {
    await this.page.goto(`/sandbox?seed=${seed}`)
    await this.input.waitFor()
    await this.page.getByTestId('playback.play').filter({ hasText: 'Pause' }).click()
  }

  async run(command: string) {
    const before = await this.output.locator('.entry').count()
    for (const line of command.split('\n')) {
      await this.input.fill(line)
      await this.input.press('Enter')
    }
    await this.output.locator('.entry').nth(before).waitFor()
  }

  /** Output lines of the last command, as text. */
  async lastOutput(): Promise<string[]> {
    return this.output.locator('.entry').last().locator('pre.line').allInnerTexts()
  }
}
