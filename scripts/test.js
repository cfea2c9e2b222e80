// `npm test`: the check gate, the unit suites, then the browser suites against a built app.
// Prints one closing line, "test: N passed, N failed, N skipped", summed over both runners.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { findChromium, CHROMIUM_HINT } from './chromium.js';

const chromium = findChromium({ install: true });
if (!chromium) {
  console.error(CHROMIUM_HINT);
  process.exit(1);
}
process.env.CHROMIUM_BIN = chromium;

function run(cmd, args) {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  return r.status ?? 1;
}

mkdirSync('test-results', { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
let failedStep = null;

if (run('npm', ['run', '--silent', 'check']) !== 0) failedStep ??= 'check';

const unitCode = run('npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  '--outputFile.json=test-results/unit.json',
]);
try {
  const unit = JSON.parse(readFileSync('test-results/unit.json', 'utf8'));
  totals.passed += unit.numPassedTests;
  totals.failed += unit.numFailedTests;
  totals.skipped += unit.numPendingTests + unit.numTodoTests;
} catch {
  totals.failed += 1;
}
if (unitCode !== 0) failedStep ??= 'unit tests';

// Playwright's web server makes the test build (see playwright.config.ts); the production
// build is built and inspected by test/unit/build.test.ts.
const e2eCode = run('npx', ['playwright', 'test']);
try {
  const e2e = JSON.parse(readFileSync('test-results/e2e.json', 'utf8'));
  totals.passed += e2e.stats.expected + (e2e.stats.flaky ?? 0);
  totals.failed += e2e.stats.unexpected;
  totals.skipped += e2e.stats.skipped;
} catch {
  totals.failed += 1;
}
if (e2eCode !== 0) failedStep ??= 'browser tests';

if (failedStep) console.error(`\nFAILED at: ${failedStep}`);
console.log(`\ntest: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedStep ? 1 : 0);
