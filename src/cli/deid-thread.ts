// Output stages in worker threads (DEID-87): writing, reading back, comparing and hashing
// one file run beside the next files' de-identification, one stage per thread. The same
// threads read the sources ahead and hash them, so the run's own thread only parses,
// de-identifies and leak-checks. The bundled CLI is one file; a thread loads that same file
// and, seeing its workerData, serves as a stage. From TypeScript sources (tests) there are
// no threads.
import { readFileSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { OutputPort, OutputResult, OutputTask } from '../core/deid/run';
import { nodeStage, sha256Hex } from './deid-fs';

interface StageData {
  trialbenchDeidStage: string;
}

interface Source {
  bytes: Uint8Array;
  sha256: string;
}

type Body = { task: OutputTask } | { read: string };
type Request = Body & { id: number };

type Reply =
  | { id: number; ok: OutputResult }
  | { id: number; source: Source }
  | { id: number; error: { message: string; code?: string } };

/** A source read whole into its own buffer (it moves to the run's thread), and its hash. */
function readSource(path: string): Source {
  const b = readFileSync(path);
  const bytes =
    b.byteOffset === 0 && b.buffer.byteLength === b.length
      ? new Uint8Array(b.buffer, 0, b.length)
      : new Uint8Array(b);
  return { bytes, sha256: sha256Hex(bytes) };
}

if (!isMainThread && parentPort && (workerData as StageData | null)?.trialbenchDeidStage) {
  const port = parentPort;
  const stage = nodeStage((workerData as StageData).trialbenchDeidStage);
  const failed = (id: number, e: unknown): void => {
    const err = e as { message?: string; code?: string };
    port.postMessage({
      id,
      error: { message: String(err?.message ?? e), ...(err?.code ? { code: err.code } : {}) },
    } satisfies Reply);
  };
  port.on('message', (m: Request) => {
    if ('read' in m) {
      let source: Source;
      try {
        source = readSource(m.read);
      } catch (e) {
        failed(m.id, e);
        return;
      }
      port.postMessage({ id: m.id, source } satisfies Reply, [source.bytes.buffer as ArrayBuffer]);
      return;
    }
    stage.put(m.task).then(
      (ok) => port.postMessage({ id: m.id, ok } satisfies Reply),
      (e: unknown) => failed(m.id, e),
    );
  });
}

export interface ThreadPool {
  ports: OutputPort[];
  /** Reads a source and hashes it in a thread (round robin over the threads). */
  readHashed(path: string): Promise<Source>;
  close(): Promise<void>;
}

/** `n` stages in threads, or null where threads cannot load this code (TypeScript sources). */
export async function threadStages(output: string, n: number): Promise<ThreadPool | null> {
  const self = import.meta.url;
  if (!self.endsWith('.js') && !self.endsWith('.mjs')) return null;
  const workers = Array.from(
    { length: n },
    () =>
      new Worker(fileURLToPath(self), {
        workerData: { trialbenchDeidStage: output } satisfies StageData,
      }),
  );
  const calls = workers.map((w) => {
    let next = 0;
    const waiting = new Map<number, { ok: (r: Reply) => void; no: (e: Error) => void }>();
    w.on('message', (r: Reply) => {
      const p = waiting.get(r.id);
      waiting.delete(r.id);
      if (!p) return;
      if ('error' in r)
        p.no(Object.assign(new Error(r.error.message), r.error.code ? { code: r.error.code } : {}));
      else p.ok(r);
    });
    w.on('error', (e) => {
      for (const p of waiting.values()) p.no(e);
      waiting.clear();
    });
    return (message: Body, transfer: ArrayBuffer[] = []): Promise<Reply> =>
      new Promise((ok, no) => {
        const id = next++;
        waiting.set(id, { ok, no });
        w.postMessage({ id, ...message }, transfer);
      });
  });
  const ports = calls.map((call): OutputPort => ({
    put: async (task) => {
      // The buffers move to the thread: nothing is copied.
      const r = await call({ task }, [...new Set(task.parts.map((p) => p.buffer as ArrayBuffer))]);
      if (!('ok' in r)) throw new Error('deid thread: a put answered with no result');
      return r.ok;
    },
  }));
  let turn = 0;
  return {
    ports,
    readHashed: async (path) => {
      const call = calls[turn++ % calls.length]!;
      const r = await call({ read: path });
      if (!('source' in r)) throw new Error('deid thread: a read answered with no source');
      return r.source;
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
