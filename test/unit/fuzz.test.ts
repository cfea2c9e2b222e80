// Seeded mutation fuzzing of the indexing path (CRAFT item 4): thousands of mutated
// generated files through indexFile, in worker threads under a watchdog. Every file must
// end as an instance, a DICOMDIR or a Problem with a closed code and a sentence: never a
// throw, a crash or a hang. Fixed regression seeds run every time, plus one fresh seed per
// run (FUZZ_SEED, or from the clock) so coverage keeps growing; failures print the
// command that replays the exact case.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorker, type WorkerBundle } from '../fuzz/bundle';
import { describeFailures, formatSummary, runCampaign } from '../fuzz/campaign';
import regressions from '../fuzz/regressions.json';

interface Regression {
  seed: number;
  /** Run cases [0, count) of the seed, or only `case` when given. */
  count?: number;
  case?: number;
  note: string;
}

const FRESH_CASES = 3000;
const fresh = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000_007);
const root = resolve(import.meta.dirname, '../..');
let bundle: WorkerBundle | undefined;

beforeAll(async () => {
  bundle = await bundleWorker(root);
});
afterAll(() => bundle?.remove());

async function check(seed: number, from: number, count: number): Promise<void> {
  console.log('fuzz seed', seed, from > 0 ? `case ${from}` : `cases 0..${count - 1}`);
  if (!bundle) throw new Error('the worker bundle is made in beforeAll');
  const summary = await runCampaign({ workerFile: bundle.file, seed, from, count });
  console.log(formatSummary(summary));
  // Failures first, with their reproducers, so the report says which case to replay.
  expect(describeFailures(summary), `fuzz seed ${seed}`).toBe('');
  expect(summary.files).toBe(count);
}

describe('indexing survives mutated files', () => {
  for (const r of regressions as Regression[]) {
    const label = r.case === undefined ? `${r.count ?? 0} cases` : `case ${r.case}`;
    it(`regression seed ${r.seed} (${label}): ${r.note}`, async () => {
      if (r.case === undefined) await check(r.seed, 0, r.count ?? 1000);
      else await check(r.seed, r.case, 1);
    });
  }

  it(`fresh seed ${fresh} (${FRESH_CASES} cases; replay with FUZZ_SEED=${fresh})`, async () => {
    await check(fresh, 0, FRESH_CASES);
  });
});

// The watchdog itself, against a stand-in worker that misbehaves on purpose: without this,
// "0 hangs" could mean the hang detector never fires.
describe('fuzz watchdog', () => {
  it('records a hang, an out-of-memory crash and a thrown error, and carries on', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fuzz-watchdog-')), 'worker.mjs');
    writeFileSync(
      file,
      `import { parentPort, workerData } from 'node:worker_threads';
      parentPort.postMessage({ t: 'ready', files: 0 });
      for (let index = workerData.from; index < workerData.to; index++) {
        parentPort.postMessage({ t: 'start', index, start: 'stand-in', steps: [], size: 0 });
        if (index === 3) for (;;);
        if (index === 5) { const hog = []; for (;;) hog.push(new Array(1e5).fill(index)); }
        if (index === 7) throw new Error('thrown outside any case handler');
        parentPort.postMessage({ t: 'done', index, verdict: { ok: true, outcome: 'instance' } });
      }`,
    );
    const s = await runCampaign({
      workerFile: file,
      seed: 42,
      count: 10,
      // A hang is judged by time, so this must be far longer than a 32 MB heap takes to fill
      // even on a loaded 2-core machine (at 1 s, CI once saw the out-of-memory case judged a hang).
      hangMs: 15_000,
      memoryMb: 32,
    });
    expect(s.files).toBe(10);
    expect(s.outcomes).toEqual({ instance: 7 });
    expect(s.failures.map((f) => [f.index, f.kind])).toEqual([
      [3, 'hang'],
      [5, 'crash'],
      [7, 'crash'],
    ]);
    expect(describeFailures(s)).toContain('npm run fuzz -- --seed 42 --case 5');
  });
});
