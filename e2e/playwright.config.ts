import { defineConfig } from '@playwright/test';

/**
 * One set of specs, two targets. Chromium is Debian's (never downloaded:
 * `npx playwright install` would fetch a browser, which this network forbids);
 * the flags keep it from reaching for the internet (FACTS.md).
 */
export default defineConfig({
  testDir: './specs',
  outputDir: '../test-results/e2e',
  globalSetup: './support/global-setup.ts',
  fullyParallel: false,
  // One worker: PKCS#11 and SOFTHSM2_CONF are per process, and Element's
  // desktop suite does the same for an app that owns hardware.
  workers: 1,
  forbidOnly: !!process.env['CI'],
  retries: process.env['CI'] ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // scripts/test-all.ts reads the counts from the JSON report.
  reporter: [['list'], ['json', { outputFile: '../test-results/e2e.json' }], ['html', { open: 'never', outputFolder: '../playwright-report' }]],
  use: {
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: process.env['KEYRITE_CHROMIUM'] ?? '/usr/bin/chromium',
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
        },
      },
    },
    { name: 'electron' },
  ],
});
