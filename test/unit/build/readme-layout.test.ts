// The README's layout block is what a newcomer holds against the folder tree: each folder it
// names exists and is named once, and what it says about the CLI bundle is what the build does
// (scripts/build-cli.js at `prepare`, not on first use).
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The fenced block under "## Architecture". */
function layoutBlock(): string {
  const at = readme.indexOf('## Architecture');
  const open = readme.indexOf('```', at);
  const close = readme.indexOf('```', open + 3);
  expect(at >= 0 && open > at && close > open).toBe(true);
  return readme.slice(open + 3, close);
}

describe('README layout', () => {
  it('names each top folder once, and each exists', () => {
    const tops = layoutBlock()
      .split('\n')
      .map((l) => /^(\S+\/)\s/.exec(l)?.[1])
      .filter((p): p is string => p !== undefined);
    expect(tops.length).toBeGreaterThan(5);
    expect(tops.filter((p, i) => tops.indexOf(p) !== i)).toEqual([]);
    expect(tops.filter((p) => !existsSync(join(root, p)))).toEqual([]);
  });

  it('says the CLI is bundled by scripts/build-cli.js, not on first use', () => {
    const block = layoutBlock();
    expect(block).toMatch(/scripts\/build-cli\.js/);
    expect(block).not.toMatch(/on first use/);
    expect(readFileSync(join(root, 'package.json'), 'utf8')).toMatch(
      /"prepare": "node scripts\/build-cli\.js"/,
    );
  });
});
