import { existsSync } from 'node:fs'
import { defineConfig, devices } from '@playwright/test'

// Debian's chromium when present (no browser downloads on these machines); otherwise Playwright's own.
const CHROMIUM = process.env.CHROME_PATH ?? '/usr/bin/chromium'
// PW_PORT lets two checkouts run their browser tests side by side without sharing a server.
const PORT = Number(process.env.PW_PORT ?? 4173)

export default defineConfig({
  testDir: 'e2e',
  workers: 1,
  reporter: 'list',
  forbidOnly: !!process.env.CI,
  use: {
    ...devices['Desktop Chrome'],
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: existsSync(CHROMIUM)
      ? {
          executablePath: CHROMIUM,
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        }
      : {},
  },
  webServer: {
    command: `npx vite build && node_modules/.bin/vite preview --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
})
