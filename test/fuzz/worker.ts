// The fuzz worker (bundled to JS by bundle.ts): runs cases [from, to) of one seed and
// tells the parent before and after each, so the parent's watchdog knows which case a
// hang or a crash belongs to. It never decides about hangs itself: a hung loop here could
// not run a timer anyway.
import { parentPort, workerData } from 'node:worker_threads';
import { buildCase, runCase, type FuzzCase, type Verdict } from './case';
import { startFiles } from './corpus';

export interface WorkerJob {
  seed: number;
  from: number;
  to: number;
}

export type WorkerMessage =
  | { t: 'ready'; files: number }
  | { t: 'start'; index: number; start: string; steps: string[]; size: number }
  | { t: 'done'; index: number; verdict: Verdict };

const port = parentPort;
if (!port) throw new Error('worker.ts runs as a worker thread');
const job = workerData as WorkerJob;
const post = (m: WorkerMessage): void => port.postMessage(m);

post({ t: 'ready', files: startFiles().length });
for (let index = job.from; index < job.to; index++) {
  let c: FuzzCase;
  try {
    c = buildCase(job.seed, index);
  } catch (e) {
    // A bug in the mutator is ours, not the parser's: say so instead of blaming indexing.
    const detail = e instanceof Error ? (e.stack ?? String(e)) : String(e);
    post({ t: 'done', index, verdict: { ok: false, kind: 'harness', detail } });
    continue;
  }
  post({ t: 'start', index, start: c.start, steps: c.steps, size: c.bytes.length });
  post({ t: 'done', index, verdict: await runCase(c) });
}
