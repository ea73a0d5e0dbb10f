import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS } from './scripts/chromium.mjs';

// Run through `node e2e/run.mjs` (make test), which starts the shop and sets BASE_URL and MAIL_DIR.
export default defineConfig({
  testDir: './e2e',
  fullyParallel: true,
  workers: process.env.E2E_WORKERS ? Number(process.env.E2E_WORKERS) : 2,
  forbidOnly: Boolean(process.env.CI),
  // One retry: a scenario that passes only then is reported FLAKY at the end of the run
  // (e2e/support/failure-summary.ts) and gets fixed; one that fails twice fails the run.
  retries: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['./e2e/support/failure-summary.ts']],
  outputDir: './test-results',
  use: {
    baseURL: process.env.BASE_URL,
    locale: 'en-US',
    timezoneId: 'Europe/Berlin',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: process.env.CHROME_PATH, args: CHROMIUM_ARGS },
  },
});
