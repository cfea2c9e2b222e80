// The run's side of an output helper (deid-output.worker.ts): an OutputPort that posts each
// output, its one buffer moved, not copied, and settles it when the helper answers. A
// helper that fails (an error event) fails every output it had, so the run stops at a
// failure instead of waiting for answers that will never come.
import type { OutputPort, OutputResult, OutputTask } from '../src/core/deid/run';
import type { HelperReply, HelperRequest } from './deid-output.worker';

export class OutputHelper implements OutputPort {
  readonly ready: Promise<void>;
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { ok: (r: OutputResult) => void; no: (e: unknown) => void }
  >();
  private next = 0;

  constructor(output: FileSystemDirectoryHandle, tag: string, name: string) {
    this.worker = new Worker(new URL('./deid-output.worker.ts', import.meta.url), {
      type: 'module',
      name,
    });
    let started: () => void = () => undefined;
    let broke: (e: unknown) => void = () => undefined;
    this.ready = new Promise<void>((ok, no) => {
      started = ok;
      broke = no;
    });
    this.worker.onmessage = (e: MessageEvent<HelperReply>) => {
      const m = e.data;
      if (m.kind === 'ready') return started();
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.kind === 'done') p?.ok(m.result);
      else p?.no(m.error);
    };
    this.worker.onerror = (e) => {
      const error = new Error(`deid output helper failed: ${e.message || 'no reason given'}`);
      broke(error);
      for (const p of this.pending.values()) p.no(error);
      this.pending.clear();
    };
    this.post({ kind: 'init', output, tag });
  }

  private post(m: HelperRequest, transfer: Transferable[] = []): void {
    this.worker.postMessage(m, transfer);
  }

  /** The task's parts must be one buffer of their own (it is moved to the helper). */
  put(task: OutputTask): Promise<OutputResult> {
    const id = this.next++;
    return new Promise((ok, no) => {
      this.pending.set(id, { ok, no });
      this.post({ kind: 'put', id, task }, [...new Set(task.parts.map((p) => p.buffer))]);
    });
  }

  terminate(): void {
    this.worker.terminate();
  }
}
