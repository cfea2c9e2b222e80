// The browser run's per-file work in a pool of Web Workers (DEID-92), the browser's
// counterpart of the CLI's threads: a FileProcess for the one run loop that hands each
// source File to a worker (deid-file.worker.ts), which reads, hashes, parses, de-identifies
// and leak-checks it, then writes its output under a temporary name, reads it back and
// compares it. The loop, in the run's worker, still decides in input order what depends on
// other files, and then only renames the staged file into place (write) or removes it
// (drop): one message each way per file.
//
// A worker that fails (an error event: it crashed or could not load) is replaced; the files
// it had in hand are held as failed (`thread-crashed`), never retried.
import * as Comlink from 'comlink';
import type {
  FileProcess,
  OutputResult,
  Prepared,
  RunSettings,
  SourceFile,
} from '../src/core/deid/run';
import { FolderWriter } from './deid-folder';
import type { DeidFileWorkerApi, FileAnswer, Staged } from './deid-file.worker';

interface Slot {
  worker: Worker;
  api: Comlink.Remote<DeidFileWorkerApi>;
  ready: Promise<void>;
  /** Inputs this worker has in hand, with how to answer each if it dies. */
  pending: Map<number, (p: FileAnswer) => void>;
}

export class WorkerPool implements FileProcess {
  readonly ahead: number;
  readonly writes: number;
  private readonly slots: Slot[] = [];
  private readonly staged = new Map<number, { path: string; staged: Staged; sha256?: string }>();
  private readonly writer: FolderWriter;
  private readonly dropping = new Set<Promise<void>>();

  /** `sources[i]` is input i's File (what the loop's SourceFile i reads). */
  constructor(
    private readonly sources: readonly File[],
    private readonly settings: RunSettings,
    private readonly output: FileSystemDirectoryHandle,
    size: number,
  ) {
    // Enough in each worker's hands that it never waits on the run's worker; outputs wait
    // on disk, not in memory, so a few more cost nothing.
    this.ahead = size * 4;
    this.writes = size * 4;
    this.writer = new FolderWriter(output);
    for (let k = 0; k < size; k++) this.slots.push(this.spawn(k));
  }

  private spawn(k: number): Slot {
    const worker = new Worker(new URL('./deid-file.worker.ts', import.meta.url), {
      type: 'module',
      name: `trialbench-deid-file-${k}`,
    });
    const api = Comlink.wrap<DeidFileWorkerApi>(worker);
    const slot: Slot = {
      worker,
      api,
      ready: api.init(this.settings, this.output, `p${k}`),
      pending: new Map(),
    };
    worker.addEventListener('error', (e) => this.died(k, slot, e.message || 'the worker failed'));
    return slot;
  }

  private died(k: number, slot: Slot, why: string): void {
    if (this.slots[k] !== slot) return;
    slot.worker.terminate();
    this.slots[k] = this.spawn(k);
    for (const answer of slot.pending.values())
      answer({
        prepared: { kind: 'failed', code: 'thread-crashed', sourceSha256: '', message: why },
      });
    slot.pending.clear();
  }

  async prepare(i: number, file: SourceFile): Promise<Prepared> {
    // The worker with the least in hand.
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    const ref = { path: file.path, size: file.size, modified: file.modified };
    const answer = await new Promise<FileAnswer>((ok, no) => {
      slot.pending.set(i, ok);
      slot.ready
        .then(() => slot.api.prepare(i, this.sources[i]!, ref))
        .then(ok, no)
        .finally(() => slot.pending.delete(i));
    });
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
  }

  close(): void {
    for (const s of this.slots) s.worker.terminate();
  }
}
