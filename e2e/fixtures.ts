import { test as base } from '@playwright/test'
import { Terminal } from './pages/Terminal.ts'

export const test = base.extend<{ terminal: Terminal }>({
  terminal: async ({ page }, use) => {
    await use(new Terminal(page))
  },
})
export { expect } from '@playwright/test'
