// The CLI's output stage: the file on disk must be the bytes written, byte for byte (it
// is not searched a second time, so this comparison is what proves it was leak-checked),
// and the manifest's SHA-256 is that of the file on disk.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { listFiles, nodeStage, nodeWriteFs, type WriteFs } from '../../../src/cli/deid-fs';

const dirs: string[] = [];
const folder = () => {
  const d = mkdtempSync(join(tmpdir(), 'tb-stage-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const parts = [Uint8Array.from([1, 2, 3]), new Uint8Array(5000).fill(7), Uint8Array.of(9)];
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('nodeStage', () => {
  test('writes the parts in order and gives the SHA-256 of the file on disk', async () => {
    const out = folder();
    const r = await nodeStage(out).put({ path: 'a/b/x.dcm', parts, ids: [] });
    expect(r).toEqual({ kind: 'ok', sha256: sha(Buffer.concat(parts)) });
    expect(listFiles(out)).toEqual(['a/b/x.dcm']);
  });

  test.each([
    ['one byte changed', (b: Uint8Array) => b.map((x, i) => (i === 2000 ? x ^ 1 : x))],
    ['one byte short', (b: Uint8Array) => b.subarray(0, b.length - 1)],
    ['one byte more', (b: Uint8Array) => Uint8Array.from([...b, 0])],
  ])('holds and removes a file read back with %s', async (_what, change) => {
    const out = folder();
    const fs: WriteFs = {
      ...nodeWriteFs,
      readFile: async (p) => change(await nodeWriteFs.readFile(p)),
    };
    const r = await nodeStage(out, fs).put({ path: 'x.dcm', parts, ids: [] });
    expect(r.kind).toBe('held');
    if (r.kind === 'held') {
      expect(r.category).toBe('unsafe');
      expect(r.reasons[0]).toMatch(/^read-back: .*differs/);
    }
    expect(existsSync(join(out, 'x.dcm'))).toBe(false);
  });
});
