// Find a Chromium for the browser tests; install Debian's when we can and none is present.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

export function findChromium({ install = false } = {}) {
  const candidates = [process.env.CHROMIUM_BIN, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((p) => p && existsSync(p));
  if (found) return found;
  const canApt = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (install && canApt) {
    console.log('No Chromium found; installing Debian chromium (apt-get)...');
    execSync(
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium',
      {
        stdio: 'inherit',
      },
    );
    if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  }
  return null;
}

export const CHROMIUM_HINT =
  'No Chromium found: install one (Debian: sudo apt-get install chromium) or set CHROMIUM_BIN=/path/to/chromium.';
