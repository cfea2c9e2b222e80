// The worker's shell over the one de-identification run (src/core/deid/run/run-loop.ts):
// folder handles as the loop's sources, output folder and journal store; output stages
// (deid-output.ts) here or in helper workers. Nothing here decides what is written.
import {
  localProcess,
  runLoop,
  type IoFailure,
  type JournalStore,
  type FileProcess,
  type OutputFolder,
  type OutputPort,
  type RunHeld,
  type RunJob,
  type RunProgress,
  type RunSettings,
  type RunSummary,
  type SourceFile,
} from '../src/core/deid/run';
import { exists, FolderWriter, listAll, readPath, removeTemporaries, walk } from './deid-folder';
import { sha256Hex } from './deid-output';
import { inflateRaw } from './platform';

export interface DeidJob extends Omit<RunJob, 'tool'> {
  input: FileSystemDirectoryHandle;
  output: FileSystemDirectoryHandle;
  /**
   * Workers that each do the whole per-file work (deid-pool.ts). Absent: one per core, at
   * most 4. 0: the per-file work in the run's own worker, with `outputWorkers` helpers
   * writing. The output is the same either way.
   */
  fileWorkers?: number;
  /**
   * With `fileWorkers: 0` only: helper workers that write, read back and check outputs.
   * Absent: chosen from the machine's cores. 0: all in the run's own worker.
   */
  outputWorkers?: number;
  /** With the pool: how long one file may keep its worker (ms); absent: by the file's size. */
  fileLimitMs?: number;
}

/**
 * Where the per-file work runs: in the run's own worker over these output stages, or in a
 * pool of workers made for the listed sources (FileProcess, DEID-92).
 */
export type PerFileWork =
  | readonly OutputPort[]
  | { pool: (sources: readonly File[], settings: RunSettings) => FileProcess };

export type DeidProgress = RunProgress;

export type DeidHeld = RunHeld;
export type DeidSummary = RunSummary;
export type { OutputPort };

export const JOURNAL = '.deid-journal';

/**
 * Sources read and de-identified ahead in the run's own worker. Each read is a round trip
 * through the browser's process; with the outputs' round trips cut, 4 (the loop's
 * default) left the run waiting on reads (bench, 500 CT files: 1.2-1.4 s of 2.5 s).
 */
const READS_AHEAD = 8;

/**
 * Outputs waiting at each output stage (the loop's default is 3). The stage's time is
 * mostly waiting on the browser's process, so more in flight overlap more (bench, 500 CT
 * files, 2 helpers, 3 runs each: deid-vs-best-copy 3: 0.79-0.86, 6: 0.86-0.92, 8: 0.88-0.93;
 * 4 helpers of 3: 0.91-0.92). The loop caps their bytes (FileProcess.writeBytes).
 */
const OUTPUTS_IN_FLIGHT = 6;

/** The journal as small files of lines: a crash loses at most the chunk being written. */
function journalStore(
  output: FileSystemDirectoryHandle,
  out: FolderWriter,
  now: Date,
): JournalStore {
  const stamp = now.toISOString().replace(/\D/g, '');
  let chunk = 0;
  return {
    async read() {
      let dir: FileSystemDirectoryHandle;
      try {
        dir = await output.getDirectoryHandle(JOURNAL);
      } catch {
        return [];
      }
      const lines: string[] = [];
      for await (const e of dir.values()) {
        if (e.kind !== 'file' || !e.name.endsWith('.jsonl')) continue;
        lines.push(...(await (await (e as FileSystemFileHandle).getFile()).text()).split('\n'));
      }
      return lines;
    },
    async append(lines) {
      await out.write(`${JOURNAL}/${stamp}-${chunk++}.jsonl`, `${lines.join('\n')}\n`);
    },
  };
}

/** What the browser throws, as a failure that says what to do; null for anything else. */
export function browserIoFailure(e: unknown): IoFailure | null {
  const name = e instanceof DOMException ? e.name : '';
  if (name === 'QuotaExceededError')
    return {
      code: 'disk-full',
      sentence: 'the output folder is full: free space, then run again to resume',
    };
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return {
      code: 'permission',
      sentence:
        'the browser may no longer write to the output folder: choose it again and run again',
    };
  if (
    name === 'NotFoundError' ||
    name === 'InvalidStateError' ||
    name === 'NoModificationAllowedError'
  )
    return {
      code: 'io',
      sentence: 'a file in the folders changed or vanished during the run: run again to resume',
    };
  return null;
}

/** The run refused before it began: the folders cannot be used together (closed code). */
export interface FoldersRefused {
  ok: false;
  code: 'folders-overlap';
  message: string;
}

/** Null when the folders may be used together; otherwise why not. */
async function folderProblem(input: FileSystemDirectoryHandle, output: FileSystemDirectoryHandle) {
  if (await input.isSameEntry(output)) return 'the output folder is the input folder';
  if (await input.resolve(output)) return 'the output folder is inside the input folder';
  if (await output.resolve(input)) return 'the input folder is inside the output folder';
  return null;
}

/** `cancel`: a person's Cancel (an AbortSignal), checked by the run loop between files. */
export async function runDeid(
  job: DeidJob,
  onProgress: (p: DeidProgress) => void,
  work: PerFileWork,
  cancel?: { readonly aborted: boolean },
): Promise<{ ok: true; value: DeidSummary } | FoldersRefused> {
  const refused = await folderProblem(job.input, job.output);
  if (refused) return { ok: false, code: 'folders-overlap', message: `Refused: ${refused}.` };
  const files: SourceFile[] = [];
  const sources: File[] = [];
  for await (const { path, file } of walk(job.input)) {
    sources.push(file);
    files.push({
      path,
      size: file.size,
      modified: file.lastModified,
      read: async () => new Uint8Array(await file.arrayBuffer()),
    });
  }
  const out = new FolderWriter(job.output);
  const folder: OutputFolder = {
    exists: (path, size) => exists(job.output, path, size),
    writeText: async (path, text) => void (await out.write(path, text)),
    removeTemporaries: () => removeTemporaries(job.output),
    list: () => listAll(job.output),
    read: (path) => readPath(job.output, path),
    remove: (path) => out.remove(path),
  };
  const {
    input: _i,
    output: _o,
    outputWorkers: _w,
    fileWorkers: _f,
    fileLimitMs: _l,
    ...settings
  } = job;
  const summary = await runLoop(
    { ...settings, tool: 'Trialbench (browser)' },
    {
      files,
      folder,
      journal: journalStore(job.output, out, new Date()),
      process:
        'pool' in work
          ? work.pool(sources, settings)
          : localProcess(settings, {
              ports: work,
              sha256Hex,
              inflate: inflateRaw,
              ioFailure: browserIoFailure,
              ahead: READS_AHEAD,
              perPort: job.outputsInFlight ?? OUTPUTS_IN_FLIGHT,
            }),
      sha256Hex,
      inflate: inflateRaw,
      ioFailure: browserIoFailure,
      now: () => new Date(),
      clock: () => performance.now(),
      onProgress,
      ...(cancel ? { cancel } : {}),
    },
  );
  return { ok: true, value: summary };
}

/** The benchmark's baseline: the same files plainly copied into the output folder. */
export async function copyFolder(
  input: FileSystemDirectoryHandle,
  output: FileSystemDirectoryHandle,
  inFlight = 1,
): Promise<{ bytes: number; seconds: number }> {
  const t0 = performance.now();
  let bytes = 0;
  const out = new FolderWriter(output);
  const files: File[] = [];
  const paths: string[] = [];
  for await (const { path, file } of walk(input)) {
    paths.push(path);
    files.push(file);
  }
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < files.length; i = next++) {
      const b = new Uint8Array(await files[i]!.arrayBuffer());
      bytes += b.length;
      await out.write(paths[i]!, b);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return { bytes, seconds: (performance.now() - t0) / 1000 };
}
