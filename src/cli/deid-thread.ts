// Output stages in worker threads (DEID-87): writing, reading back, hashing and the
// read-back leak check of one file run beside the next files' de-identification, one
// stage per thread. The bundled CLI is one file; a thread loads that same file and, seeing
// its workerData, serves as a stage. From TypeScript sources (tests) there are no threads.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { OutputPort, OutputResult, OutputTask } from '../core/deid/run';
import { nodeStage } from './deid-fs';

interface StageData {
  trialbenchDeidStage: string;
}

type Reply =
  { id: number; ok: OutputResult } | { id: number; error: { message: string; code?: string } };

if (!isMainThread && parentPort && (workerData as StageData | null)?.trialbenchDeidStage) {
  const port = parentPort;
  const stage = nodeStage((workerData as StageData).trialbenchDeidStage);
  port.on('message', (m: { id: number; task: OutputTask }) => {
    stage.put(m.task).then(
      (ok) => port.postMessage({ id: m.id, ok } satisfies Reply),
      (e: unknown) => {
        const err = e as { message?: string; code?: string };
        port.postMessage({
          id: m.id,
          error: { message: String(err?.message ?? e), ...(err?.code ? { code: err.code } : {}) },
        } satisfies Reply);
      },
    );
  });
}

/** `n` stages in threads, or null where threads cannot load this code (TypeScript sources). */
export async function threadStages(
  output: string,
  n: number,
): Promise<{ ports: OutputPort[]; close(): Promise<void> } | null> {
  const self = import.meta.url;
  if (!self.endsWith('.js') && !self.endsWith('.mjs')) return null;
  const workers = Array.from(
    { length: n },
    () =>
      new Worker(fileURLToPath(self), {
        workerData: { trialbenchDeidStage: output } satisfies StageData,
      }),
  );
  const ports = workers.map((w): OutputPort => {
    let next = 0;
    const waiting = new Map<number, { ok: (r: OutputResult) => void; no: (e: Error) => void }>();
    w.on('message', (r: Reply) => {
      const p = waiting.get(r.id);
      waiting.delete(r.id);
      if (!p) return;
      if ('ok' in r) p.ok(r.ok);
      else
        p.no(Object.assign(new Error(r.error.message), r.error.code ? { code: r.error.code } : {}));
    });
    w.on('error', (e) => {
      for (const p of waiting.values()) p.no(e);
      waiting.clear();
    });
    return {
      put: (task) =>
        new Promise((ok, no) => {
          const id = next++;
          waiting.set(id, { ok, no });
          // The buffers move to the thread: nothing is copied.
          w.postMessage({ id, task }, [...new Set(task.parts.map((p) => p.buffer as ArrayBuffer))]);
        }),
    };
  });
  return {
    ports,
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
