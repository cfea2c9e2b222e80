// One worker of the browser run's per-file pool (DEID-92, deid-pool.ts): the whole work on
// one source, i.e. read it, hash, parse, de-identify and leak-check it (the same
// localProcess the run uses in its own thread), then write the output under a temporary
// name beside its place, read it back and compare it. The run's worker decides, in input
// order, whether it is to be written, and only renames it into place or removes it. So the
// per-file work runs on several cores, and the run's worker no longer does any of it.
import * as Comlink from 'comlink';
import {
  changedOnDisk,
  joined,
  localProcess,
  type LocalProcess,
  type OutputResult,
  type Prepared,
  type RunSettings,
} from '../src/core/deid/run';
import { FolderWriter } from './deid-folder';
import { sameBytes, sha256Hex } from './deid-output';
import { browserIoFailure } from './deid-run';
import { inflateRaw } from './platform';

export interface FileRef {
  path: string;
  size: number;
  modified: number;
}

/** A staged output: its temporary (null when the read-back removed it) and the check. */
export interface Staged {
  /** The temporary's handle, to rename into place, and its folder-relative path. */
  tmp: { handle: FileSystemFileHandle; path: string } | null;
  result: OutputResult;
}

export interface FileAnswer {
  prepared: Prepared;
  staged?: Staged;
}

let proc: LocalProcess | null = null;
let writer: FolderWriter | null = null;
let tag = '';
/**
 * The temporary name of the output being staged. Set just before proc.write(i), which calls
 * the stage's put() synchronously (before its first await), so concurrent files never mix
 * their names; each file's name is its own (tag and input index).
 */
let token = '';
/** Staged temporaries by their token, until prepare() hands them to the run. */
const stagedBy = new Map<string, Staged['tmp']>();

async function stageOutput(
  path: string,
  name: string,
  bytes: Uint8Array,
  sha256: string,
): Promise<Staged> {
  const { handle, tmp, reread } = await writer!.stage(path, name, bytes);
  if (sameBytes(reread, bytes))
    return { tmp: { handle, path: tmp }, result: { kind: 'ok', sha256 } };
  await writer!.remove(tmp);
  return {
    tmp: null,
    result: { kind: 'held', sha256: await sha256Hex(reread), ...changedOnDisk() },
  };
}

/**
 * TEST BUILD ONLY (a compile-time false in production): a file in a folder named
 * `trialbench-test-crash` kills this worker as a crash would (an error no one catches), one
 * in `trialbench-test-crash-staged` does so once its output is staged under its temporary
 * name, and one in `trialbench-test-hang` keeps the worker busy for good, so browser tests
 * can prove that the pool holds that file alone, loses no other and leaves no temporary.
 */
async function injectedFailure(path: string, phase: 'start' | 'staged'): Promise<void> {
  const crash =
    phase === 'start'
      ? path.includes('trialbench-test-crash/')
      : path.includes('trialbench-test-crash-staged/');
  if (crash) {
    setTimeout(() => {
      throw new Error('injected crash (test build)');
    });
    await new Promise<never>(() => undefined);
  }
  if (phase === 'start' && path.includes('trialbench-test-hang/')) {
    const start = Date.now();
    while (Date.now() >= start) {
      // Busy, never answering: only the pool's watchdog ends it.
    }
  }
}

const api = {
  init(settings: RunSettings, output: FileSystemDirectoryHandle, workerTag: string): void {
    tag = workerTag;
    writer = new FolderWriter(output);
    proc = localProcess(settings, {
      ports: [
        {
          put(t) {
            const name = token;
            const bytes = t.parts.length === 1 ? t.parts[0]! : joined(t.parts);
            return (async () => {
              const staged = await stageOutput(
                t.path,
                name,
                bytes,
                t.sha256 ?? (await sha256Hex(bytes)),
              );
              stagedBy.set(name, staged.tmp);
              return staged.result;
            })();
          },
        },
      ],
      sha256Hex,
      // Hashed as it is prepared: the run needs the hash for duplicates before any write.
      hashParts: (parts) => sha256Hex(parts.length === 1 ? parts[0]! : joined(parts)),
      inflate: inflateRaw,
      ioFailure: browserIoFailure,
    });
  },

  /** Prepares input `i` from its File and, when it is to be written, stages its output. */
  async prepare(i: number, file: File, ref: FileRef): Promise<FileAnswer> {
    if (!proc || !writer) throw new Error('deid file worker: init first');
    if (__TEST_BUILD__) await injectedFailure(ref.path, 'start');
    const prepared = await proc.prepare(i, {
      ...ref,
      read: async () => new Uint8Array(await file.arrayBuffer()),
    });
    if (prepared.kind !== 'ready' || prepared.outcome.kind !== 'written') return { prepared };
    const mine = `${tag}-${i}`;
    token = mine;
    const result = await proc.write(i);
    if (__TEST_BUILD__) await injectedFailure(ref.path, 'staged');
    const tmp = stagedBy.get(mine) ?? null;
    stagedBy.delete(mine);
    return { prepared, staged: { tmp, result } };
  },
};

export type DeidFileWorkerApi = typeof api;
Comlink.expose(api);
