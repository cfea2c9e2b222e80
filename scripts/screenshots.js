// `npm run screenshots`: saves each main view at 1280x800 into docs/ (docs/view-*.png), as
// the shell's browser test walks them (test/e2e/shell.spec.ts, SCREENSHOTS=1).
import { spawnSync } from 'node:child_process';
import { findChromium, CHROMIUM_HINT } from './chromium.js';

const chromium = findChromium({ install: false });
if (!chromium) {
  console.error(CHROMIUM_HINT);
  process.exit(1);
}
const r = spawnSync('npx', ['playwright', 'test', 'test/e2e/shell.spec.ts', '-g', 'three roles'], {
  stdio: 'inherit',
  env: { ...process.env, CHROMIUM_BIN: chromium, SCREENSHOTS: '1' },
});
process.exit(r.status ?? 1);
