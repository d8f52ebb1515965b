import type { Locator, Page } from '@playwright/test'

/** The console as a learner uses it: type into "Command", press Enter, read the output log. */
export class Terminal {
  readonly input: Locator
  readonly output: Locator

  constructor(private readonly page: Page) {
    this.input = page.getByRole('textbox', { name: 'Command' })
    this.output = page.getByTestId('terminal.output')
  }

  async goto(seed = 1) {
    await this.page.goto(`/?seed=${seed}`)
    await this.input.waitFor()
  }

  async run(command: string) {
    const before = await this.output.locator('.entry').count()
    const lines = command.split('\n')
    for (const line of lines) {
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
