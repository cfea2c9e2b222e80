// A pool of workers with a watchdog. A task that outlives its deadline gets its worker
// terminated and replaced; the task fails with 'timeout' and the other tasks that were
// running on that worker are retried once elsewhere, so one hostile file costs one file.

export interface PoolWorker<Api> {
  api: Api;
  terminate(): void;
  /** Called when the worker dies on its own (uncaught error, out of memory...). */
  onCrash(listener: (reason: string) => void): void;
}

export type PoolFailureCode = 'timeout' | 'worker-crashed';

export class PoolFailure extends Error {
  constructor(
    readonly code: PoolFailureCode,
    message: string,
  ) {
    super(message);
  }
}

interface Task<Api> {
  run: (api: Api) => Promise<unknown>;
  timeoutMs: number;
  attempts: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Slot<Api> {
  worker: PoolWorker<Api>;
  running: Set<Task<Api>>;
  dead: boolean;
}

export interface PoolOptions<Api> {
  size: number;
  /** Tasks in flight per worker: file reads overlap, so a few per worker keep I/O busy. */
  concurrency: number;
  create: () => PoolWorker<Api>;
  maxAttempts?: number;
}

export class WorkerPool<Api> {
  private slots: Slot<Api>[] = [];
  private queue: Task<Api>[] = [];
  private closed = false;
  replaced = 0;

  constructor(private readonly options: PoolOptions<Api>) {
    for (let i = 0; i < options.size; i++) this.slots.push(this.spawn());
  }

  run<T>(run: (api: Api) => Promise<T>, timeoutMs: number): Promise<T> {
    if (this.closed) return Promise.reject(new Error('pool is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        run,
        timeoutMs,
        attempts: 0,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      this.pump();
    });
  }

  terminate(): void {
    this.closed = true;
    for (const slot of this.slots) slot.worker.terminate();
    for (const task of this.queue) task.reject(new Error('pool terminated'));
    this.queue = [];
  }

  private spawn(): Slot<Api> {
    const slot: Slot<Api> = { worker: this.options.create(), running: new Set(), dead: false };
    slot.worker.onCrash((reason) => this.kill(slot, null, reason));
    return slot;
  }

  private pump(): void {
    for (const slot of this.slots) {
      while (!slot.dead && slot.running.size < this.options.concurrency && this.queue.length) {
        this.start(slot, this.queue.shift()!);
      }
    }
  }

  private start(slot: Slot<Api>, task: Task<Api>): void {
    task.attempts++;
    slot.running.add(task);
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      this.kill(slot, task, `no answer within ${Math.round(task.timeoutMs / 1000)} s`);
    }, task.timeoutMs);
    task.run(slot.worker.api).then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        slot.running.delete(task);
        task.resolve(value);
        this.pump();
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        slot.running.delete(task);
        task.reject(error);
        this.pump();
      },
    );
  }

  /** Terminates a worker, fails the culprit, requeues its innocent neighbours. */
  private kill(slot: Slot<Api>, culprit: Task<Api> | null, reason: string): void {
    if (slot.dead) return;
    slot.dead = true;
    slot.worker.terminate();
    const maxAttempts = this.options.maxAttempts ?? 2;
    for (const task of slot.running) {
      if (task === culprit) {
        task.reject(new PoolFailure('timeout', `worker stopped: ${reason}`));
      } else if (culprit === null && task.attempts >= maxAttempts) {
        task.reject(new PoolFailure('worker-crashed', `worker crashed: ${reason}`));
      } else {
        this.queue.unshift(task);
      }
    }
    slot.running.clear();
    if (!this.closed) {
      this.slots[this.slots.indexOf(slot)] = this.spawn();
      this.replaced++;
      this.pump();
    }
  }
}
