// The parent side of a fuzz run: worker threads run the cases, a watchdog here turns
// silence into a recorded hang, a dead worker into a recorded crash, and a fresh worker
// carries on from the next case. Every case index ends in exactly one tally: an outcome
// or a failure naming its seed and index. No assertion is about speed: the hang limit is
// generous and only says "this case never answered".
import { Worker } from 'node:worker_threads';
import type { WorkerJob, WorkerMessage } from './worker';

export type FailureKind = 'hang' | 'crash' | 'unhandled' | 'invalid' | 'harness' | 'lost';

export interface Failure {
  seed: number;
  index: number;
  kind: FailureKind;
  detail: string;
  /** The start file and mutations, when the worker got as far as telling. */
  start?: string;
  steps?: string[];
}

export interface CampaignOptions {
  workerFile: string;
  seed: number;
  /** First case index (default 0) and how many cases. */
  from?: number;
  count: number;
  /** Parallel workers (default 1), each over its own contiguous share of the cases. */
  jobs?: number;
  /** A case with no answer after this long is a hang (default 20 s). */
  hangMs?: number;
  /** Old-generation heap cap per worker: an allocation bomb becomes a recorded crash. */
  memoryMb?: number;
  onProgress?: (done: number) => void;
}

export interface Summary {
  seed: number;
  files: number;
  /** "instance", "dicomdir", "problem:<code>" -> count. */
  outcomes: Record<string, number>;
  failures: Failure[];
  ms: number;
}

/** Building the start files happens before the first case; allow it plenty of time. */
const STARTUP_MS = 60_000;

export async function runCampaign(o: CampaignOptions): Promise<Summary> {
  const from = o.from ?? 0;
  const jobs = Math.max(1, Math.min(o.jobs ?? 1, o.count));
  const outcomes: Record<string, number> = {};
  const failures: Failure[] = [];
  const seen = new Uint8Array(o.count);
  let done = 0;
  const began = performance.now();

  const tally = (index: number): boolean => {
    const k = index - from;
    if (k < 0 || k >= o.count || seen[k]) return false;
    seen[k] = 1;
    done++;
    o.onProgress?.(done);
    return true;
  };
  const fail = (f: Omit<Failure, 'seed'>): void => {
    if (tally(f.index)) failures.push({ seed: o.seed, ...f });
  };

  const share = Math.ceil(o.count / jobs);
  const lanes: Array<Promise<void>> = [];
  for (let j = 0; j < jobs; j++) {
    const a = from + j * share;
    const b = Math.min(from + o.count, a + share);
    if (a < b) lanes.push(lane(a, b));
  }
  await Promise.all(lanes);

  // The accounting itself: any index without a tally is a harness bug, reported as such.
  for (let k = 0; k < o.count; k++) {
    if (!seen[k]) fail({ index: from + k, kind: 'lost', detail: 'no outcome was recorded' });
  }
  return { seed: o.seed, files: done, outcomes, failures, ms: performance.now() - began };

  /** Runs cases [a, b) on one worker at a time, replacing it after a hang or crash. */
  function lane(a: number, b: number): Promise<void> {
    return new Promise((resolve) => {
      let next = a;
      const spawn = (): void => {
        const job: WorkerJob = { seed: o.seed, from: next, to: b };
        const worker = new Worker(o.workerFile, {
          workerData: job,
          resourceLimits: { maxOldGenerationSizeMb: o.memoryMb ?? 512 },
          // Stacks in failure reports then name src/core files and lines, not the bundle.
          execArgv: ['--enable-source-maps'],
        });
        let current: Extract<WorkerMessage, { t: 'start' }> | null = null;
        let reason: { kind: FailureKind; detail: string } | null = null;
        let timer: NodeJS.Timeout | undefined;
        const arm = (ms: number, detail: string): void => {
          clearTimeout(timer);
          timer = setTimeout(() => {
            reason = { kind: 'hang', detail };
            void worker.terminate();
          }, ms);
        };
        arm(STARTUP_MS, `the worker did not start within ${STARTUP_MS} ms`);
        worker.on('message', (m: WorkerMessage) => {
          if (m.t === 'ready') clearTimeout(timer);
          else if (m.t === 'start') {
            current = m;
            arm(o.hangMs ?? 20_000, `no answer within ${o.hangMs ?? 20_000} ms`);
          } else {
            clearTimeout(timer);
            const context = current ? { start: current.start, steps: current.steps } : {};
            current = null;
            next = m.index + 1;
            const v = m.verdict;
            if (!v.ok) fail({ index: m.index, kind: v.kind, detail: v.detail, ...context });
            else if (tally(m.index)) outcomes[v.outcome] = (outcomes[v.outcome] ?? 0) + 1;
          }
        });
        worker.on('error', (e) => {
          reason ??= { kind: 'crash', detail: e.stack ?? String(e) };
        });
        worker.on('exit', (code) => {
          clearTimeout(timer);
          const failed: Extract<WorkerMessage, { t: 'start' }> | null = current;
          if (failed || reason || next < b) {
            // The case in flight (or, before any case began, the next one) takes the blame.
            const index = failed?.index ?? next;
            const detail = reason?.detail ?? `worker exited with code ${code}`;
            const context = failed ? { start: failed.start, steps: failed.steps } : {};
            if (index < b) fail({ index, kind: reason?.kind ?? 'crash', detail, ...context });
            next = index + 1;
          }
          if (next < b) spawn();
          else resolve();
        });
      };
      spawn();
    });
  }
}

export const reproducer = (seed: number, index: number): string =>
  `npm run fuzz -- --seed ${seed} --case ${index}`;

/** One line per failure, each with the command that replays it. */
export function describeFailures(s: Summary): string {
  return s.failures
    .map((f) => {
      const what = f.start ? ` on ${f.start} after [${(f.steps ?? []).join('; ')}]` : '';
      return `${f.kind} at seed ${f.seed} case ${f.index}${what}: ${f.detail}\n  reproduce: ${reproducer(f.seed, f.index)}`;
    })
    .join('\n');
}

/** "fuzz seed S: N files in T s; instance 1, problem:truncated 2, ...; 0 hangs, ..." */
export function formatSummary(s: Summary): string {
  const by = Object.entries(s.outcomes)
    .sort((x, y) => y[1] - x[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const count = (k: FailureKind): number => s.failures.filter((f) => f.kind === k).length;
  return (
    `fuzz seed ${s.seed}: ${s.files} files in ${(s.ms / 1000).toFixed(1)} s; ${by}; ` +
    `${count('hang')} hangs, ${count('crash')} crashes, ${count('unhandled')} unhandled, ` +
    `${count('invalid')} invalid, ${count('harness')} harness errors, ${count('lost')} lost`
  );
}
