// DEID-92: the CLI's thread pool when a thread misbehaves. The threads here are small
// scripts that speak the pool's protocol (deid-pool.ts) and crash, hang or never start on
// cue, so the pool's own handling is what is tested: the file a thread died on is held
// with a closed reason, never retried; the files queued behind it go to a replacement;
// threads that die at start end the run with one sentence instead of failing every file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ThreadPool } from '../../../src/cli/deid-pool';
import { basicProfile } from '../../../src/core/deid/profile';
import { runLoop, type RunJob, type RunSummary } from '../../../src/core/deid/run';
import { MemDisk, memoryIo } from '../deid/run/memory-io';

const dir = mkdtempSync(join(tmpdir(), 'tb-pool-'));

/**
 * A thread: answers each file as skipped (unreadable as DICOM), one at a time, except a
 * file named *crash* (the thread dies), *hang* (it spins forever).
 */
const fakeThread = join(dir, 'thread.mjs');
writeFileSync(
  fakeThread,
  `import { parentPort } from 'node:worker_threads';
parentPort.on('message', (m) => {
  if (m.file.path.includes('crash')) throw new Error('thread died on ' + m.file.path);
  if (m.file.path.includes('hang')) for (;;) {}
  const outcome = { kind: 'skipped', sourceSha256: 'ab', reason: 'fake', code: 'fake' };
  parentPort.postMessage({ id: m.id, prepared: { kind: 'ready', bytesRead: m.file.size, outcome } });
});
parentPort.postMessage({ id: -1, ready: true });
`,
);
const deadThread = join(dir, 'dead.mjs');
writeFileSync(deadThread, `throw new Error('cannot start');\n`);

const job = (): RunJob => ({
  tool: 'test',
  profile: basicProfile('test'),
  key: new Uint8Array(32).fill(1),
  trial: {},
  runBy: 'tester',
});

const names = ['a.dcm', 'b-crash.dcm', 'c.dcm', 'd-hang.dcm', 'e.dcm', 'f.dcm', 'g.dcm'];
const input = new Map(names.map((n, i) => [n, new Uint8Array(100 + i)]));
const HANG_SIZE = 100 + names.indexOf('d-hang.dcm');

async function run(script: string): Promise<RunSummary> {
  const io = memoryIo(input, new MemDisk());
  const pool = new ThreadPool({
    threads: 2,
    script,
    input: dir,
    output: join(dir, 'out'),
    settings: job(),
    // Only the hanging file is given a short while; every other file all the time it needs.
    limitMs: (size) => (size === HANG_SIZE ? 500 : 600_000),
  });
  try {
    return await runLoop(job(), { ...io, process: pool });
  } finally {
    await pool.close();
  }
}

describe('DEID-92 the thread pool', () => {
  it('a thread that crashes or hangs is replaced: its file held, the others done', async () => {
    const r = await run(fakeThread);
    const c = r.record.counts;
    expect(r.stopped).toBeUndefined();
    expect(c.skipped).toBe(names.length - 2);
    expect(c.held.unsafe).toBe(2);
    expect(r.held.map((h) => [h.path, h.reasons[0]])).toEqual([
      [
        'b-crash.dcm',
        expect.stringMatching(/^the thread de-identifying this file crashed.*thread died on/),
      ],
      ['d-hang.dcm', expect.stringMatching(/stopped answering; nothing written: no answer/)],
    ]);
    // The documents carry the closed sentence only.
    expect(r.record.held.map((h) => h.reasons)).toEqual([
      ['the thread de-identifying this file crashed; nothing written'],
      ['the thread de-identifying this file stopped answering; nothing written'],
    ]);
    expect(c.written + 2 + c.skipped).toBe(names.length);
  });

  it('threads that die at start end the run with one sentence, every input not reached', async () => {
    const r = await run(deadThread);
    expect(r.stopped?.code).toBe('io');
    expect(r.stopped?.sentence).toMatch(
      /worker threads could not start: run again with --workers 0/,
    );
    expect(r.record.counts.notReached).toBe(names.length);
    expect(r.recordWritten).toBe(true);
  });
});

/**
 * A thread that sends its identifiers once, then answers `sameIds` with an empty list, as
 * deid-thread.ts does for every further slice of a series.
 */
const idsThread = join(dir, 'ids.mjs');
writeFileSync(
  idsThread,
  `import { parentPort } from 'node:worker_threads';
let first = true;
parentPort.on('message', (m) => {
  const ids = first ? [{ value: 'DOE^JOHN', kind: 'name', from: 'PatientName' }] : [];
  const outcome = { kind: 'held', category: 'unsafe', sourceSha256: 'ab', series: 's', reasons: ['r'], decisions: [], ids };
  parentPort.postMessage({ id: m.id, prepared: { kind: 'ready', bytesRead: 1, outcome }, ...(first ? {} : { sameIds: true }) });
  first = false;
});
parentPort.postMessage({ id: -1, ready: true });
`,
);

describe('DEID-92 the thread protocol', () => {
  it("an answer with sameIds gets the thread's last identifiers back (the folder check needs them)", async () => {
    const pool = new ThreadPool({
      threads: 1,
      script: idsThread,
      input: dir,
      output: join(dir, 'out-ids'),
      settings: job(),
    });
    try {
      const file = (path: string) => ({
        path,
        size: 1,
        modified: 0,
        read: async () => new Uint8Array(1),
      });
      const a = await pool.prepare(0, file('a.dcm'));
      const b = await pool.prepare(1, file('b.dcm'));
      const idsOf = (p: typeof a) =>
        p.kind === 'ready' && 'ids' in p.outcome ? p.outcome.ids.map((i) => i.value) : null;
      expect(idsOf(a)).toEqual(['DOE^JOHN']);
      expect(idsOf(b)).toEqual(['DOE^JOHN']);
    } finally {
      await pool.close();
    }
  });
});
