import { defineConfig } from '@playwright/test';

const chromium = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const port = Number(process.env.E2E_PORT ?? 4173);
// E2E_DIST serves another build folder, so parallel runs do not share dist/.
const dist = process.env.E2E_DIST ?? 'dist';
// The sync tests' signaling relay; SIGNAL_PORT keeps parallel runs apart.
const signalPort = Number(process.env.SIGNAL_PORT ?? 4444);

export default defineConfig({
  testDir: 'test/e2e',
  // Generous on purpose: these are limits for a hang, not timed assertions; a shared,
  // loaded 2-core machine must never trip them.
  timeout: 900_000,
  expect: { timeout: 120_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}/`,
    // Tests that are not about naming skip the one-time name question (test build only);
    // test/e2e/shell.spec.ts starts without this to answer it.
    storageState: {
      cookies: [],
      origins: [
        {
          origin: `http://127.0.0.1:${port}`,
          localStorage: [{ name: 'trialbench.test.skipNamePrompt', value: '1' }],
        },
      ],
    },
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
      // The test build (test hook and bench page in; see vite.config.ts) into E2E_DIST, then
      // Vite's own static preview server; E2E_BUILD=0 serves an existing build as it is.
      command: [
        ...(process.env.E2E_BUILD === '0'
          ? []
          : [`node node_modules/vite/bin/vite.js build --logLevel warn --outDir ${dist}`]),
        `node node_modules/vite/bin/vite.js preview --outDir ${dist} --port ${port} --strictPort`,
      ].join(' && '),
      env: { TRIALBENCH_TEST_BUILD: '1' },
      url: `http://127.0.0.1:${port}/`,
      reuseExistingServer: false,
      timeout: 900_000,
    },
    {
      command: `node scripts/signal.js --port ${signalPort}`,
      url: `http://127.0.0.1:${signalPort}/`,
      reuseExistingServer: false,
      timeout: 120_000,
    },
  ],
});
