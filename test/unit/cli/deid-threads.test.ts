// DEID-92: `trialbench deid` with its per-file work in 0, 1 and 2 worker threads (the threads
// run the built CLI, this test's run loop the sources) gives the same bytes: every output,
// the manifest, the journal in the same order, and the documents (their times aside). The
// corpus has what depends on other files or on order: a duplicate, two sources with one
// output path and different content, two patients whose keyed pseudonyms collide, and
// unreadable and truncated files.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { run } from '../../../src/cli/deid';
import { JOURNAL, listFiles } from '../../../src/cli/deid-fs';
import { Out } from '../../../src/cli/out';
import { keyedPseudonym } from '../../../src/core/deid/run/pseudonym';
import { layout, makeNative, nativeFile, usHeader } from '../deid/run/fixture';
import { writeCorpus } from './deid-corpus';

const root = join(import.meta.dirname, '..', '..', '..');
const corpus = writeCorpus({
  sites: 1,
  subjectsPerSite: 2,
  visits: 1,
  ctSlices: 4,
  mrSlices: 3,
  petSlices: 0,
  rows: 32,
  columns: 32,
});
const keyFile = join(corpus.root, 'k.key');
// A bundle of its own (other tests build dist-cli at the same time).
const bundle = join(corpus.root, 'cli');
const script = join(bundle, 'main.js');
const KEY = new Uint8Array(32).fill(4);
writeFileSync(keyFile, KEY);
/** Two patient IDs whose keyed pseudonyms at site 101 under KEY are the same (found by search). */
const COLLIDING = ['PAT36712', 'PAT39149'];

const put = (path: string, bytes: Uint8Array) => {
  mkdirSync(dirname(join(corpus.input, path)), { recursive: true });
  writeFileSync(join(corpus.input, path), bytes);
};
const us = (patient: string, n: number, pixel = 0) => {
  const px = makeNative(layout());
  px[100] = pixel;
  return nativeFile(
    usHeader([
      { tag: 0x00100020, vr: 'LO', value: patient },
      { tag: 0x00080018, vr: 'UI', value: `1.2.826.0.1.3680043.9.7777.2.${n}` },
      { tag: 0x0020000e, vr: 'UI', value: `1.2.826.0.1.3680043.9.7777.3.${n}` },
    ]),
    px,
  );
};
put('zz/collide-a.dcm', us(COLLIDING[0]!, 1));
put('zz/collide-b.dcm', us(COLLIDING[1]!, 2));
// Same UIDs and patient, one pixel different: one output path, two contents.
put('zz/clash-a.dcm', us('P-7', 3, 1));
put('zz/clash-b.dcm', us('P-7', 3, 2));
const firstDcm = listFiles(corpus.input).find((p) => p.endsWith('.dcm'))!;
copyFileSync(join(corpus.input, firstDcm), join(corpus.input, 'zz/dup.dcm'));

async function deid(out: string, workers: number, ...more: string[]) {
  const text: string[] = [];
  const o = new Out(
    'trialbench deid',
    { write: (s) => (text.push(s), true) },
    { write: (s) => (text.push(s), true) },
  );
  const args = [corpus.input, join(corpus.root, out), '--key', keyFile, '--site-rule', '**=101'];
  args.push('--pass-burned-in', 'generated', '--waive-facial-risk', 'generated');
  args.push('--operator', 'tester', '--workers', String(workers), ...more);
  const code = await run(args, { out: o, threadScript: script });
  return { code, text: text.join('') };
}

/** Every file of an output; the documents with their run times blanked. */
function files(out: string): Map<string, string> {
  const dir = join(corpus.root, out);
  return new Map(
    listFiles(dir).map((p) => {
      const b = readFileSync(join(dir, p));
      const text = p.startsWith('DEIDENTIFICATION')
        ? b.toString('utf8').replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, 'TIME')
        : b.toString('base64');
      return [p, text];
    }),
  );
}

describe('DEID-92 the per-file work in worker threads', () => {
  beforeAll(() => {
    // The threads run the bundle: build it from these very sources.
    const b = spawnSync(
      'node',
      [
        '--input-type=module',
        '-e',
        `const { buildCli } = await import('./scripts/build-cli.js'); await buildCli(process.cwd(), ${JSON.stringify(bundle)});`,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(b.status, b.stderr).toBe(0);
  }, 120_000);

  test('the fixture: the two patient IDs do collide', () => {
    const [a, b] = COLLIDING.map((p) => keyedPseudonym(KEY, '101', p));
    expect(a).toBe(b);
  });

  test('0, 1 and 2 threads: the same outputs, manifest, journal (in order) and documents', async () => {
    const runs = [];
    for (const w of [0, 1, 2]) runs.push(await deid(`w${w}`, w));
    for (const r of runs) expect(r.code, r.text).toBe(1);
    const [w0, w1, w2] = [files('w0'), files('w1'), files('w2')];
    expect([...w0.keys()].filter((p) => p.endsWith('.dcm')).length).toBeGreaterThan(10);
    expect(w0.has(JOURNAL)).toBe(true);
    expect(w1).toEqual(w0);
    expect(w2).toEqual(w0);
    const record = JSON.parse(w0.get('DEIDENTIFICATION.json')!) as {
      counts: { held: Record<string, number>; duplicate: number; skipped: number };
    };
    expect(record.counts.held.pseudonym).toBe(1);
    expect(record.counts.held.unsafe).toBe(1);
    expect(record.counts.duplicate).toBe(1);
    expect(record.counts.skipped).toBeGreaterThan(0);
    // The first in input order keeps the pseudonym and the path, whatever finished first.
    for (const r of runs) {
      expect(r.text).toMatch(/held back zz\/collide-b\.dcm: keyed pseudonym/);
      expect(r.text).toMatch(/held back zz\/clash-b\.dcm: another source/);
      expect(r.text).toMatch(/duplicate zz\/dup\.dcm/);
    }
  });

  test('a run stopped by --limit in threads resumes to the same output as one without', async () => {
    const cut = await deid('cut', 2, '--limit', '5');
    expect(cut.text).toMatch(/stopped after 5 new file/);
    expect(listFiles(join(corpus.root, 'cut')).filter((p) => /\.tmp/.test(p))).toEqual([]);
    await deid('cut', 2);
    const whole = files('w0');
    const resumed = files('cut');
    for (const [p, b] of whole)
      if (!p.startsWith('DEIDENTIFICATION')) expect(resumed.get(p), p).toBe(b);
    expect([...resumed.keys()]).toEqual([...whole.keys()]);
  });
});
