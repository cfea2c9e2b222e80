import { defineConfig } from '@playwright/test';

const chromium = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const port = Number(process.env.E2E_PORT ?? 4173);
// E2E_DIST serves another build folder, so parallel runs do not share dist/.
const dist = process.env.E2E_DIST ?? 'dist';
// The sync tests' signaling relay; SIGNAL_PORT keeps parallel runs apart.
const signalPort = Number(process.env.SIGNAL_PORT ?? 4444);

export default defineConfig({
  testDir: 'test/e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}/`,
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
      ],
    },
  },
  webServer: [
    {
      command: `node scripts/serve.js --port ${port} --no-build --dir ${dist}`,
      url: `http://127.0.0.1:${port}/`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      command: `node scripts/signal.js --port ${signalPort}`,
      url: `http://127.0.0.1:${signalPort}/`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
  ],
});
