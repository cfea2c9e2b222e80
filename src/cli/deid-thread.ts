// One thread of `trialbench deid` (DEID-92): the whole per-file work for the files the pool
// (deid-pool.ts) hands it: read, hash, parse, de-identify and leak-check (the same
// localProcess the run uses without threads), then write the output under a temporary
// name, read it back and compare it. The run's thread renames it into place once it has
// decided, in input order, that it is to be written. The bundled CLI is one file; a thread
// loads that same file and, seeing its workerData, serves. Requests are answered one at a
// time, in the order they came, so the pool knows which file a thread was on when it died.
import { join } from 'node:path';
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { localProcess, type Identifier, type OutputPort, type Prepared } from '../core/deid/run';
import { inflateNode, readSource, sha256Hex, stageOutput } from './deid-fs';
import { nodeIoFailure } from './exit';
import type { FileRef, ThreadData, ThreadReply, ThreadRequest } from './deid-pool';

const message = (e: unknown): string => String((e as Error | null)?.message ?? e);

export function sameIdentifiers(a: readonly Identifier[], b: readonly Identifier[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!;
    const y = b[k]!;
    if (x.value !== y.value || x.kind !== y.kind || x.from !== y.from) return false;
  }
  return true;
}

export function serve(port: MessagePort, d: ThreadData['trialbenchDeidThread']): void {
  /** The temporary the last staged output went to (one request at a time). */
  let staged: string | null = null;
  const stage: OutputPort = {
    async put(t) {
      const r = await stageOutput(d.output, t);
      staged = r.tmp;
      return r.result;
    },
  };
  const proc = localProcess(d.settings, {
    ports: [stage],
    sha256Hex: async (b) => sha256Hex(b),
    hashParts: async (parts) => sha256Hex(...parts),
    inflate: inflateNode,
    ioFailure: nodeIoFailure,
  });
  const source = (f: FileRef) => ({ ...f, read: async () => readSource(join(d.input, f.path)) });
  const reply = (r: ThreadReply) => port.postMessage(r);
  /**
   * The identifiers last sent: every slice of a series has the same, and copying them
   * (some 80 small objects) into each answer cost more than the rest of it. The pool keeps
   * each thread's last list and puts it back where an answer says `sameIds`.
   */
  let lastIds: readonly Identifier[] | null = null;
  const lighter = (p: Prepared): { prepared: Prepared; sameIds?: true } => {
    if (p.kind !== 'ready' || !('ids' in p.outcome)) return { prepared: p };
    const ids = p.outcome.ids;
    if (lastIds && sameIdentifiers(ids, lastIds))
      return { prepared: { ...p, outcome: { ...p.outcome, ids: [] } }, sameIds: true };
    lastIds = ids;
    return { prepared: p };
  };
  const handle = async (m: ThreadRequest): Promise<void> => {
    try {
      const prepared = await proc.prepare(m.i, source(m.file));
      if (prepared.kind !== 'ready' || prepared.outcome.kind !== 'written') {
        reply({ id: m.id, ...lighter(prepared) });
        return;
      }
      staged = null;
      const result = await proc.write(m.i);
      reply({ id: m.id, ...lighter(prepared), staged: { tmp: staged, result } });
    } catch (e) {
      // An I/O failure of the output (a full disk): the run stops on it, with its code.
      const code = (e as { code?: unknown } | null)?.code;
      reply({
        id: m.id,
        error: { message: message(e), ...(typeof code === 'string' ? { code } : {}) },
      });
    }
  };
  let chain = Promise.resolve();
  port.on('message', (m: ThreadRequest) => {
    chain = chain.then(() => handle(m));
  });
  reply({ id: -1, ready: true });
}

const data = workerData as Partial<ThreadData> | null;
if (!isMainThread && parentPort && data?.trialbenchDeidThread)
  serve(parentPort, data.trialbenchDeidThread);
