// The output stage of a de-identification run (issue 4, item 8): hash the output, write it,
// read it back from the output folder, and check that what is actually on disk is the very
// bytes the run leak-checked. A file that fails is removed from the output with the reason.
// Runs in the run's worker or in helper workers (deid-output.worker.ts), same code.
import { changedOnDisk, joined, type OutputResult, type OutputTask } from '../src/core/deid/run';
import { FolderWriter } from './deid-folder';

export type { OutputResult, OutputTask } from '../src/core/deid/run';

const hex = (b: Uint8Array): string => {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
};

/** SHA-256 by the platform's native digest (WebCrypto in browsers and Node). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return hex(
    new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)),
  );
}

/**
 * True when `a` and `b` hold the same bytes. Compared four bytes at a time where both are
 * aligned (fresh buffers are): the read-back of every output goes through here.
 */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let at = 0;
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const n = a.length >>> 2;
    const x = new Int32Array(a.buffer, a.byteOffset, n);
    const y = new Int32Array(b.buffer, b.byteOffset, n);
    for (let i = 0; i < n; i++) if (x[i] !== y[i]) return false;
    at = n << 2;
  }
  for (; at < a.length; at++) if (a[at] !== b[at]) return false;
  return true;
}

export class OutputStage {
  private readonly writer: FolderWriter;

  constructor(output: FileSystemDirectoryHandle, tag = '') {
    this.writer = new FolderWriter(output, tag);
  }

  /**
   * Write, read back, compare (DEID-30). The run leak-checked these very bytes before
   * handing them over (DeidRun.file), so once the file on disk is proven to be them, byte
   * for byte, searching or hashing it again would only repeat the same computation: the
   * output is hashed once (here, beside the write, unless the run did it already).
   */
  async put(t: OutputTask): Promise<OutputResult> {
    const bytes = t.parts.length === 1 ? t.parts[0]! : joined(t.parts);
    const hashing = t.sha256 ? Promise.resolve(t.sha256) : sha256Hex(bytes);
    const writing = this.writer.write(t.path, bytes, true);
    const sha256 = await hashing;
    const { reread } = await writing;
    if (sameBytes(reread, bytes)) return { kind: 'ok', sha256 };
    await this.writer.remove(t.path);
    return { kind: 'held', sha256: await sha256Hex(reread), ...changedOnDisk() };
  }
}
