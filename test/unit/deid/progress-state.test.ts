// The de-identification view's live progress and Cancel (issue 11 §3): the status line while
// a run goes (files done of the total, held so far, MB/s, time left), and a Cancel that asks
// the run to stop and reports what it did, every input counted once.
import { describe, expect, it } from 'vitest';
import { DeidState, outcome } from '../../../src/ui/state/deid.svelte';
import { progressLine, timeLeft } from '../../../src/ui/state/deid-progress';
import { bodyProblem } from '../../../src/core/ledger/policy';
import { auditRows } from '../../../src/app/ledger/audit';
import type { Entry, EntryId } from '../../../src/core/ledger/types';
import type {
  DeidApi,
  DeidProgressView,
  DeidRunView,
  RunRefusal,
} from '../../../src/ui/state/deid-api';
import type { DeidResult } from '../../../src/ui/state/deid-result';

const view = (more: Partial<DeidRunView> = {}): DeidRunView => ({
  written: 0,
  alreadyPresent: 0,
  held: 0,
  heldByCategory: {},
  skipped: 0,
  leakChecked: 0,
  leakHeld: 0,
  heldFiles: [],
  skippedFiles: [],
  duplicates: 0,
  inputs: 0,
  notReached: 0,
  stopped: '',
  cancelled: false,
  folderLeaks: [],
  manifestSha256: '',
  megabytesPerSecond: 0,
  ...more,
});

describe('progress line', () => {
  it('says files done of the total, held so far, speed and time left', () => {
    const p: DeidProgressView = {
      done: 30,
      total: 120,
      held: 4,
      bytesRead: 50e6,
      bytesTotal: 200e6,
    };
    // 50 MB in 10 s: 5.0 MB/s, and 150 MB to go: 30 s.
    expect(progressLine(p, 10_000)).toBe(
      '30 of 120 files done, 4 held back so far; 5.0 MB/s, about 30 s left',
    );
    expect(progressLine({ ...p, bytesRead: 0 }, 0)).toBe(
      '30 of 120 files done, 4 held back so far; measuring speed',
    );
    expect(progressLine({ ...p, done: 120 }, 10_000)).toBe(
      '120 of 120 files done, 4 held back so far; writing the documents',
    );
  });

  it('rounds time left to seconds, minutes, hours', () => {
    expect(timeLeft(0.2)).toBe('about 1 s left');
    expect(timeLeft(41.2)).toBe('about 42 s left');
    expect(timeLeft(200)).toBe('about 3 min left');
    expect(timeLeft(3900)).toBe('about 1 h 5 min left');
  });
});

/** An api whose run reports what the test feeds it and ends when the test says. */
function fakeApi() {
  let report: (p: DeidProgressView) => void = () => undefined;
  let finish: (v: DeidRunView) => void = () => undefined;
  let signal: AbortSignal | undefined;
  const api = {
    inputFolders: async () => [{ id: 'f', label: 'Demo archive' }],
    pickOutput: async () => ({ ok: true as const, value: 'out' }),
    keyFingerprint: async () => '0000:0000:0000:0000:0000',
    previewSeries: async () => [],
    preview: async () => ({ ok: true as const, value: [] }),
    run: (_req, onProgress, s) => {
      report = onProgress;
      signal = s;
      return new Promise<DeidResult<DeidRunView, RunRefusal>>(
        (r) => (finish = (v) => r({ ok: true, value: v })),
      );
    },
  } satisfies DeidApi;
  return {
    api,
    report: (p: DeidProgressView) => report(p),
    finish: (v: DeidRunView) => finish(v),
    signal: () => signal,
  };
}

async function started(clock: { t: number }) {
  const f = fakeApi();
  const s = new DeidState(f.api, () => clock.t);
  s.inputId = 'f';
  s.outputName = 'out';
  const run = s.run();
  return { f, s, run };
}

describe('DeidState run progress and Cancel', () => {
  it('shows the counts live while the run goes, not only at the end', async () => {
    const clock = { t: 1000 };
    const { f, s, run } = await started(clock);
    expect(s.busy).toBe(true);
    clock.t += 4000;
    f.report({ done: 10, total: 40, held: 2, bytesRead: 8e6, bytesTotal: 32e6 });
    expect(s.status).toBe('10 of 40 files done, 2 held back so far; 2.0 MB/s, about 12 s left');
    expect(s.progress?.done).toBe(10);
    clock.t += 4000;
    f.report({ done: 20, total: 40, held: 3, bytesRead: 16e6, bytesTotal: 32e6 });
    expect(s.status).toBe('20 of 40 files done, 3 held back so far; 2.0 MB/s, about 8 s left');
    f.finish(view({ written: 37, held: 3, inputs: 40, leakChecked: 37 }));
    await run;
    expect(s.busy).toBe(false);
    expect(s.progress).toBeNull();
    expect(s.status).toMatch(/^De-identified 40 files: 37 written, 3 held back, 0 skipped/);
  });

  it('Cancel aborts the signal the run was given and says what the run did', async () => {
    const clock = { t: 0 };
    const { f, s, run } = await started(clock);
    clock.t += 2000;
    f.report({ done: 5, total: 40, held: 1, bytesRead: 4e6, bytesTotal: 32e6 });
    expect(f.signal()?.aborted).toBe(false);
    s.cancel();
    expect(f.signal()?.aborted).toBe(true);
    expect(s.cancelling).toBe(true);
    expect(s.status).toMatch(/^Cancelling/);
    // Progress still arrives while the files in flight finish.
    f.report({ done: 7, total: 40, held: 1, bytesRead: 5e6, bytesTotal: 32e6 });
    expect(s.status).toMatch(/^Cancelling: 7 of 40 files done, 1 held back so far/);
    f.finish(
      view({ written: 6, held: 1, inputs: 40, notReached: 33, cancelled: true, stopped: 'x' }),
    );
    await run;
    expect(s.cancelling).toBe(false);
    expect(s.status).toBe(
      'Cancelled after 7 of 40 files: 6 written, 1 held back, 0 skipped; 33 not processed. ' +
        'What was written is kept and listed, and the output says the run was interrupted; ' +
        'run again with the same settings to resume.',
    );
    // A second Cancel with no run going does nothing.
    s.cancel();
    expect(s.status).toMatch(/^Cancelled after/);
  });

  it('a stop that was not a Cancel (a full disk) says why and how many were not processed', () => {
    const r = view({ written: 3, inputs: 10, notReached: 7, stopped: 'the output folder is full' });
    expect(outcome(r)).toMatch(/Stopped early: the output folder is full \(7 not processed\)$/);
  });
});

describe('the deid.run ledger entry of a stopped run', () => {
  const body = {
    counts: { written: 6, notReached: 33, inputs: 40 },
    profile: { name: 'Basic Profile', version: 1 },
    options: {},
    keyFingerprint: '0000:0000:0000:0000:0000',
    manifestSha256: 'a'.repeat(64),
    decisions: [],
  };

  it('records the stop by its closed code; entries signed before the field still pass', () => {
    expect(bodyProblem('deid.run', body)).toBeNull();
    expect(bodyProblem('deid.run', { ...body, stopped: 'interrupted' })).toBeNull();
    // Only a closed code: no sentence, no path, no name.
    expect(bodyProblem('deid.run', { ...body, stopped: 'cancelled by Mary Smith' })).toMatch(
      /stopped/,
    );
    expect(bodyProblem('deid.run', { ...body, stopped: null })).toMatch(/stopped/);
  });

  it('the audit trail says the run stopped before the end and how many were not reached', () => {
    const entry = {
      type: 'deid.run',
      author: 'k',
      seq: 1,
      body: { ...body, stopped: 'interrupted' },
    } as unknown as Entry;
    const [row] = auditRows(
      [entry],
      () => 'id' as EntryId,
      () => 'Ann',
      () => '2026-12-04T00:00:00Z',
      {},
    );
    expect(row?.summary).toMatch(
      /6 written.*; stopped before the end \(interrupted\), 33 not reached/,
    );
  });
});
