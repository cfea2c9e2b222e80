// The browser run's per-file work in a pool of Web Workers (DEID-92), the browser's
// counterpart of the CLI's threads: a FileProcess for the one run loop that hands each
// source File to a worker (deid-file.worker.ts), which reads, hashes, parses, de-identifies
// and leak-checks it, then writes its output under a temporary name, reads it back and
// compares it. The loop, in the run's worker, still decides in input order what depends on
// other files, and then only renames the staged file into place (write) or removes it
// (drop): one message each way per file.
//
// A worker that fails (an error event: it crashed or could not load) or keeps a file longer
// than its size allows is replaced. It works on several files at once, so which one killed
// it is not known: each file it had in hand is tried again alone, one at a time, in a worker
// of its own. The file that kills that worker too is held (`thread-crashed`, `thread-hung`,
// never retried again); the others go on as if nothing happened. The CLI's threads take one
// file at a time, so there the file a thread was on is known at once (src/cli/deid-pool.ts).
import * as Comlink from 'comlink';
import type {
  FileProcess,
  OutputResult,
  Prepared,
  RunSettings,
  SourceFile,
} from '../src/core/deid/run';
import { FolderWriter, removeTemporaries } from './deid-folder';
import type { DeidFileWorkerApi, FileAnswer, FileRef, Staged } from './deid-file.worker';

/** A file in a worker's hands, and how its answer gets back to prepare(). */
interface Job {
  i: number;
  ok: (a: FileAnswer) => void;
  no: (e: unknown) => void;
  timer?: ReturnType<typeof setTimeout>;
}

interface Slot {
  worker: Worker;
  api: Comlink.Remote<DeidFileWorkerApi>;
  ready: Promise<void>;
  /** Files this worker has in hand. */
  pending: Map<number, Job>;
  /** A worker for one suspect file alone (after a crash): its death holds that file. */
  alone: boolean;
}

export interface PoolOptions {
  /** How long a file may take before its worker counts as hung (ms, by its size in bytes). */
  limitMs?: (size: number) => number;
}

/** Generous, as the CLI's: a slow disk takes seconds, a hang takes forever. */
const defaultLimit = (size: number): number => 120_000 + size / 10_000;

export class WorkerPool implements FileProcess {
  readonly ahead: number;
  readonly writes: number;
  private readonly slots: Slot[] = [];
  private readonly staged = new Map<number, { path: string; staged: Staged; sha256?: string }>();
  private readonly writer: FolderWriter;
  private readonly dropping = new Set<Promise<void>>();
  /** Each input's path, size and time while a worker has it. */
  private readonly refs: Array<FileRef | undefined> = [];
  /** Suspects are tried one after another, each in a fresh worker. */
  private isolating: Promise<void> = Promise.resolve();
  private alone = new Set<Slot>();
  private spawned = 0;
  private deaths = 0;
  private closed = false;

  /** `sources[i]` is input i's File (what the loop's SourceFile i reads). */
  constructor(
    private readonly sources: readonly File[],
    private readonly settings: RunSettings,
    private readonly output: FileSystemDirectoryHandle,
    size: number,
    private readonly options: PoolOptions = {},
  ) {
    // Enough in each worker's hands that it never waits on the run's worker; outputs wait
    // on disk, not in memory, so a few more cost nothing.
    this.ahead = size * 4;
    this.writes = size * 4;
    this.writer = new FolderWriter(output);
    for (let k = 0; k < size; k++) this.slots.push(this.spawn(false));
  }

  private spawn(alone: boolean): Slot {
    const n = this.spawned++;
    const worker = new Worker(new URL('./deid-file.worker.ts', import.meta.url), {
      type: 'module',
      name: `trialbench-deid-file-${n}`,
    });
    const api = Comlink.wrap<DeidFileWorkerApi>(worker);
    const slot: Slot = {
      worker,
      api,
      // Each worker's temporaries carry its own tag, so a replacement never reuses a name.
      ready: api.init(this.settings, this.output, `p${n}`),
      pending: new Map(),
      alone,
    };
    worker.addEventListener('error', (e) =>
      this.died(slot, 'thread-crashed', e.message || 'the worker failed'),
    );
    return slot;
  }

  /** Hands input i to a worker; the answer comes back through the job. */
  private send(slot: Slot, job: Job): void {
    slot.pending.set(job.i, job);
    const file = this.sources[job.i]!;
    const limit = (this.options.limitMs ?? defaultLimit)(file.size);
    job.timer = setTimeout(() => this.died(slot, 'thread-hung', 'no answer in time'), limit);
    const settle = (done: () => void) => {
      if (slot.pending.get(job.i) !== job) return; // answered already, as a suspect
      clearTimeout(job.timer);
      slot.pending.delete(job.i);
      done();
    };
    slot.ready
      .then(() => slot.api.prepare(job.i, file, this.refs[job.i]!))
      .then(
        (a) => settle(() => job.ok(a)),
        (e: unknown) => settle(() => job.no(e)),
      );
  }

  private died(slot: Slot, code: 'thread-crashed' | 'thread-hung', why: string): void {
    const k = this.slots.indexOf(slot);
    if ((k < 0 && !this.alone.has(slot)) || this.closed) return;
    slot.worker.terminate();
    this.deaths++;
    const jobs = [...slot.pending.values()];
    slot.pending.clear();
    for (const j of jobs) clearTimeout(j.timer);
    if (k >= 0) {
      this.slots[k] = this.spawn(false);
      for (const j of jobs) this.isolate(j);
      return;
    }
    this.alone.delete(slot);
    // Alone, it killed its worker again: this file is the cause. Held, never retried.
    for (const j of jobs)
      j.ok({ prepared: { kind: 'failed', code, sourceSha256: '', message: why } });
  }

  /** Tries a suspect again alone, after the suspects before it. */
  private isolate(job: Job): void {
    this.isolating = this.isolating.then(
      () =>
        new Promise<void>((done) => {
          if (this.closed) {
            job.no(new Error('deid pool: closed'));
            return done();
          }
          const slot = this.spawn(true);
          this.alone.add(slot);
          const finish = () => {
            this.alone.delete(slot);
            slot.worker.terminate();
            done();
          };
          this.send(slot, {
            i: job.i,
            ok: (a) => {
              finish();
              job.ok(a);
            },
            no: (e) => {
              finish();
              job.no(e);
            },
          });
        }),
    );
  }

  async prepare(i: number, file: SourceFile): Promise<Prepared> {
    this.refs[i] = { path: file.path, size: file.size, modified: file.modified };
    // The worker with the least in hand.
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    const answer = await new Promise<FileAnswer>((ok, no) => this.send(slot, { i, ok, no }));
    delete this.refs[i];
    const p = answer.prepared;
    if (p.kind === 'ready' && p.outcome.kind === 'written') {
      if (!answer.staged) throw new Error('deid pool: a written outcome without its staged file');
      this.staged.set(i, {
        path: p.outcome.path,
        staged: answer.staged,
        ...(p.outputSha256 ? { sha256: p.outputSha256 } : {}),
      });
    }
    return p;
  }

  async outputSha256(i: number): Promise<string> {
    const s = this.staged.get(i);
    if (!s?.sha256) throw new Error(`WorkerPool: input ${i} has no hashed output`);
    return s.sha256;
  }

  /** Renames the staged output into place (its read-back ran in the worker). */
  async write(i: number): Promise<OutputResult> {
    const s = this.staged.get(i);
    if (!s) throw new Error(`WorkerPool: input ${i} has no staged output`);
    this.staged.delete(i);
    if (s.staged.tmp) await this.writer.commit(s.staged.tmp.handle, s.path);
    return s.staged.result;
  }

  drop(i: number): void {
    const s = this.staged.get(i);
    this.staged.delete(i);
    if (!s?.staged.tmp) return;
    const p = this.writer.remove(s.staged.tmp.path);
    this.dropping.add(p);
    void p.finally(() => this.dropping.delete(p));
  }

  /** Before the whole-folder check: the temporaries let go are gone. */
  async finish(): Promise<void> {
    await Promise.all(this.dropping);
    // A worker that died may have left a temporary half written; every staged file is
    // renamed or removed by now, so any temporary left is such a one.
    if (this.deaths) await removeTemporaries(this.output);
  }

  close(): void {
    this.closed = true;
    for (const s of [...this.slots, ...this.alone]) {
      s.worker.terminate();
      for (const j of s.pending.values()) clearTimeout(j.timer);
    }
  }
}
