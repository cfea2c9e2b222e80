// Byte-identical output (DEID-23, DEID-33): `trialbench deid` over a generated corpus with a
// fixed key gives exactly the bytes it gave when this digest was recorded. Speed work on the
// run (parsing, hashing, the leak check, the writes) must not change one output byte; a
// change that is meant to change output updates the digest here, on purpose, in its commit.
// The corpus: the demo archive (planted identifiers, three sites, truncated and non-DICOM
// files), the generated multi-vendor set (trailing data, deflated, RLE, overlays, private
// blocks, UIDs everywhere) and CT files shaped like the bench's.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { run } from '../../../src/cli/deid';
import { listFiles } from '../../../src/cli/deid-fs';
import { Out } from '../../../src/cli/out';
import { syntheticCorpus } from '../../../src/core/demo/archive';
import { vendorSet } from '../../fixtures/vendor';
import { writeCorpus } from './deid-corpus';

const corpus = writeCorpus({ sites: 2, subjectsPerSite: 2, visits: 1, ctSlices: 3, mrSlices: 2 });
const keyFile = join(corpus.root, 'k.key');
writeFileSync(keyFile, new Uint8Array(32).fill(9));
const put = (path: string, bytes: Uint8Array) => {
  mkdirSync(dirname(join(corpus.input, path)), { recursive: true });
  writeFileSync(join(corpus.input, path), bytes);
};
for (const v of vendorSet()) put(`vendor/${v.name}.dcm`, v.bytes);
for (const f of syntheticCorpus({ modality: 'CT', count: 4, rows: 64, columns: 64, seed: 12 }))
  put(`bench/${f.path}`, f.bytes);
// The journal keys each source by its path, size and modification time: fix the times.
for (const p of listFiles(corpus.input)) utimesSync(join(corpus.input, p), 1.7e9, 1.7e9);

async function deid(out: string, ...more: string[]): Promise<number> {
  const o = new Out('trialbench deid', { write: () => true }, { write: () => true });
  const args = [corpus.input, join(corpus.root, out), '--key', keyFile, '--site-rule', '**=101'];
  args.push('--operator', 'golden', '--workers', '0', ...more);
  return run(args, { out: o });
}

/**
 * One SHA-256 over every output file's path and bytes, sorted by path. The documents are
 * left out: they carry the run's time and wording, not de-identified data; the manifest
 * and the journal (every output's hash, in input order) are in.
 */
function digest(out: string): { files: number; sha256: string } {
  const dir = join(corpus.root, out);
  const h = createHash('sha256');
  const paths = listFiles(dir).filter((p) => !p.startsWith('DEIDENTIFICATION'));
  for (const p of paths)
    h.update(`${p}\0`)
      .update(readFileSync(join(dir, p)))
      .update('\0');
  return { files: paths.length, sha256: h.digest('hex') };
}

describe('DEID-23 the same inputs and key give the same bytes as recorded', () => {
  test('passed burned-in risk, waived facial risk', async () => {
    await deid('pass', '--pass-burned-in', 'golden', '--waive-facial-risk', 'golden');
    expect(digest('pass')).toEqual({
      files: 161,
      sha256: 'd6b0163f10c7bba713b8521003c19a2659f3e2e26dc703d691de8649c6ae55af',
    });
  });

  test('masked burned-in risk, Clean Pixel Data, defacing attested', async () => {
    await deid(
      'mask',
      '--mask-burned-in',
      '--clean-pixel-data',
      '--attest-defaced',
      'golden-deface 1.0',
    );
    expect(digest('mask')).toEqual({
      files: 161,
      sha256: 'f9cba8b788fd1ca02e4f6b355081c3b9604b63869bbd2c9cc8119a0fee09ce44',
    });
  });
});
