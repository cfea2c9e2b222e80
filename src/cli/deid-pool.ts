// The CLI's per-file work in worker threads (DEID-92): a FileProcess for the one run loop
// that hands each file to a thread (deid-thread.ts), which reads, hashes, parses,
// de-identifies and leak-checks it, then writes the output under a temporary name, reads
// it back and compares it. The loop's thread decides, in input order, what depends on
// other files, and then only renames the file into place (write) or removes it (drop):
// one message each way per file, and the rename is one system call.
//
// A thread that crashes, or stops answering for longer than its file can take, is
// replaced: the file it was on is recorded as failed (held, never retried) and the files
// queued behind it go to the replacement. Threads that die before ever starting end the
// run (ETHREADS) instead of failing every file in turn.
import { getHeapStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type {
  FileProcess,
  Identifier,
  OutputResult,
  Prepared,
  ProcessFailure,
  RunSettings,
  SourceFile,
} from '../core/deid/run';
import { commitOutput, nodeFolder, nodeWriteFs, type WriteFs } from './deid-fs';

export interface ThreadData {
  trialbenchDeidThread: { input: string; output: string; settings: RunSettings };
}

export type FileRef = Pick<SourceFile, 'path' | 'size' | 'modified'>;

export interface ThreadRequest {
  id: number;
  i: number;
  file: FileRef;
}

/** A staged output: its temporary (null when the read-back removed it) and the check. */
export interface Staged {
  tmp: string | null;
  result: OutputResult;
}

export type ThreadReply =
  | { id: number; ready: true }
  | {
      id: number;
      prepared: Prepared;
      staged?: Staged;
      /** The outcome's identifiers are the ones this thread sent last (deid-thread.ts). */
      sameIds?: true;
    }
  | { id: number; error: { message: string; code?: string } };

export interface PoolOptions {
  threads: number;
  /** The script a thread runs (the bundled CLI itself). */
  script: string | URL;
  input: string;
  output: string;
  settings: RunSettings;
  /** How long a thread may take over one request on a file of `size` bytes. */
  limitMs?: (size: number) => number;
  /** Threads that may die in a row before ever answering, before the pool gives up. */
  startFailures?: number;
}

interface Pending {
  req: ThreadRequest;
  ok: (r: ThreadReply) => void;
  no: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  queue: Pending[];
  timer: ReturnType<typeof setTimeout> | null;
  started: boolean;
  /** Why the pool itself is ending it, if it is. */
  ending: 'hung' | 'closing' | null;
  /** The identifiers this thread sent last, for answers that say `sameIds`. */
  ids: Identifier[];
}

/** 2 minutes plus 100 ms per MB: far beyond any real file, short of a hang. */
const defaultLimit = (size: number): number => 120_000 + size / 10_000;

const threadsFailed = (why: string): Error =>
  Object.assign(new Error(`the worker threads could not start (${why})`), { code: 'ETHREADS' });

export class ThreadPool implements FileProcess {
  readonly ahead: number;
  readonly writes: number;
  private readonly slots: Slot[] = [];
  private readonly staged = new Map<number, { path: string; staged: Staged; sha256?: string }>();
  private readonly fs: WriteFs = nodeWriteFs;
  private next = 0;
  private deadInARow = 0;
  private died_ = 0;
  private broken: Error | null = null;
  private closed = false;

  constructor(private readonly o: PoolOptions) {
    // Enough files in each thread's queue that it never waits on the run's thread.
    this.ahead = o.threads * 4;
    this.writes = o.threads * 4;
    for (let k = 0; k < o.threads; k++) this.slots.push(this.spawn(k));
  }

  private spawn(k: number): Slot {
    const data: ThreadData = {
      trialbenchDeidThread: {
        input: this.o.input,
        output: this.o.output,
        settings: this.o.settings,
      },
    };
    const worker = new Worker(this.o.script, {
      workerData: data,
      // A file that exhausts a thread's heap ends that thread, not the run.
      resourceLimits: {
        maxOldGenerationSizeMb: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20),
      },
    });
    const slot: Slot = { worker, queue: [], timer: null, started: false, ending: null, ids: [] };
    let error = '';
    worker.on('message', (r: ThreadReply) => this.answer(slot, r));
    worker.on('error', (e) => (error = e.message));
    worker.on('exit', () => this.died(k, slot, error));
    return slot;
  }

  private answer(slot: Slot, r: ThreadReply): void {
    if ('ready' in r) {
      slot.started = true;
      this.deadInARow = 0;
      return;
    }
    const p = slot.queue[0];
    if (!p || p.req.id !== r.id) return;
    slot.queue.shift();
    this.watch(slot);
    if ('prepared' in r && r.prepared.kind === 'ready' && 'ids' in r.prepared.outcome) {
      // In the order the thread sent them, so its last list is the one it means.
      if (r.sameIds) r.prepared.outcome.ids = slot.ids;
      else slot.ids = r.prepared.outcome.ids;
    }
    p.ok(r);
  }

  /** Times the request the thread is on (a thread answers in order, one at a time). */
  private watch(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    const head = slot.queue[0];
    if (!head) return;
    slot.timer = setTimeout(
      () => {
        slot.ending = 'hung';
        void slot.worker.terminate();
      },
      (this.o.limitMs ?? defaultLimit)(head.req.file.size),
    );
    slot.timer.unref?.();
  }

  private died(k: number, slot: Slot, error: string): void {
    if (slot.timer) clearTimeout(slot.timer);
    if (this.slots[k] !== slot || slot.ending === 'closing' || this.closed) return;
    this.died_++;
    const queue = slot.queue.splice(0);
    if (!slot.started && ++this.deadInARow >= (this.o.startFailures ?? 3)) {
      this.broken = threadsFailed(error || 'a thread exited at start');
      for (const p of queue) p.no(this.broken);
      for (const s of this.slots) {
        s.ending = 'closing';
        void s.worker.terminate();
        for (const p of s.queue.splice(0)) p.no(this.broken);
      }
      return;
    }
    const fresh = this.spawn(k);
    this.slots[k] = fresh;
    const [head, ...rest] = queue;
    if (head && slot.started) {
      // The file it was on: recorded, never retried (it may well kill the next one too).
      const code: ProcessFailure = slot.ending === 'hung' ? 'thread-hung' : 'thread-crashed';
      const why = error || (code === 'thread-hung' ? 'no answer in time' : 'the thread exited');
      head.ok({
        id: head.req.id,
        prepared: { kind: 'failed', code, sourceSha256: '', message: why },
      });
    } else if (head) rest.unshift(head);
    for (const p of rest) this.send(fresh, p);
  }

  private send(slot: Slot, p: Pending): void {
    slot.queue.push(p);
    if (slot.queue.length === 1) this.watch(slot);
    slot.worker.postMessage(p.req);
  }

  async prepare(i: number, file: SourceFile): Promise<Prepared> {
    if (this.broken) throw this.broken;
    const ref: FileRef = { path: file.path, size: file.size, modified: file.modified };
    // The thread with the least waiting on it.
    let k = 0;
    for (let n = 1; n < this.slots.length; n++)
      if (this.slots[n]!.queue.length < this.slots[k]!.queue.length) k = n;
    const r = await new Promise<ThreadReply>((ok, no) =>
      this.send(this.slots[k]!, { req: { id: this.next++, i, file: ref }, ok, no }),
    );
    if ('error' in r)
      throw Object.assign(new Error(r.error.message), r.error.code ? { code: r.error.code } : {});
    if (!('prepared' in r)) throw new Error('deid thread: an answer of the wrong kind');
    const p = r.prepared;
    if (p.kind === 'ready' && p.outcome.kind === 'written') {
      if (!r.staged) throw new Error('deid thread: a written outcome without its staged file');
      this.staged.set(i, {
        path: p.outcome.path,
        staged: r.staged,
        ...(p.outputSha256 ? { sha256: p.outputSha256 } : {}),
      });
    }
    return p;
  }

  async outputSha256(i: number): Promise<string> {
    const s = this.staged.get(i);
    if (!s?.sha256) throw new Error(`ThreadPool: input ${i} has no hashed output`);
    return s.sha256;
  }

  /** Renames the staged output into place (its check ran in the thread). */
  async write(i: number): Promise<OutputResult> {
    const s = this.staged.get(i);
    if (!s) throw new Error(`ThreadPool: input ${i} has no staged output`);
    this.staged.delete(i);
    if (s.staged.tmp) await commitOutput(this.fs, s.staged.tmp, join(this.o.output, s.path));
    return s.staged.result;
  }

  drop(i: number): void {
    const s = this.staged.get(i);
    this.staged.delete(i);
    if (s?.staged.tmp) void this.fs.rm(s.staged.tmp).catch(() => undefined);
  }

  /** After the last write: a thread that died mid-write may have left a temporary. */
  async finish(): Promise<void> {
    if (this.died_) await nodeFolder(this.o.output, this.fs).removeTemporaries();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.slots.map((s) => {
        s.ending = 'closing';
        if (s.timer) clearTimeout(s.timer);
        return s.worker.terminate();
      }),
    );
  }
}
