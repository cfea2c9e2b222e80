// The production build ships neither the test hooks (the page's and the de-identification
// pool's injected failures) nor the benchmark page; the test build
// (TRIALBENCH_TEST_BUILD=1, used by Playwright and `npm run bench`) has both.
import { describe, expect, it } from 'vitest';
import { build } from 'vite';
import { mkdtempSync, readdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

function shipped(dir: string): string {
  const assets = join(dir, 'assets');
  return readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(assets, f), 'utf8'))
    .join('\n');
}

async function buildInto(testBuild: boolean): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'trialbench-build-'));
  const before = process.env.TRIALBENCH_TEST_BUILD;
  process.env.TRIALBENCH_TEST_BUILD = testBuild ? '1' : '0';
  try {
    await build({
      logLevel: 'silent',
      build: { outDir: out, emptyOutDir: true, sourcemap: false },
    });
  } finally {
    if (before === undefined) delete process.env.TRIALBENCH_TEST_BUILD;
    else process.env.TRIALBENCH_TEST_BUILD = before;
  }
  return out;
}

describe('production build', () => {
  it('has no test hook and no benchmark page; the test build has both', async () => {
    const prod = await buildInto(false);
    const test = await buildInto(true);
    try {
      expect(existsSync(join(prod, 'index.html'))).toBe(true);
      expect(existsSync(join(prod, 'bench.html'))).toBe(false);
      expect(shipped(prod)).not.toContain('__trialbenchTest');
      expect(shipped(prod)).not.toContain('trialbench.testHooks');
      // The de-identification pool's injected crash and hang (deid-file.worker.ts).
      expect(shipped(prod)).not.toContain('trialbench-test-crash');
      expect(shipped(prod)).not.toContain('trialbench-test-hang');
      expect(existsSync(join(test, 'bench.html'))).toBe(true);
      expect(shipped(test)).toContain('__trialbenchTest');
      expect(shipped(test)).toContain('trialbench-test-crash');
    } finally {
      rmSync(prod, { recursive: true, force: true });
      rmSync(test, { recursive: true, force: true });
    }
  });
});
