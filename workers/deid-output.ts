// The output stage of a de-identification run (issue 4, item 8): hash the output, write it,
// read it back from the output folder, and check what is actually on disk: its SHA-256
// against the one the manifest will carry, and the source's identifiers searched for again
// in the re-read bytes. A file that fails is removed from the output with the reason.
// Runs in the run's worker or in helper workers (deid-output.worker.ts), same code.
import { readBackProblem, type OutputResult, type OutputTask } from '../src/core/deid/run';
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

/** The output file as one buffer: what is hashed, written and read back. */
function joined(parts: readonly Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

export class OutputStage {
  private readonly writer: FolderWriter;

  constructor(output: FileSystemDirectoryHandle, tag = '') {
    this.writer = new FolderWriter(output, tag);
  }

  async put(t: OutputTask): Promise<OutputResult> {
    const bytes = joined(t.parts);
    const hashing = sha256Hex(bytes);
    const writing = this.writer.write(t.path, bytes);
    const sha256 = await hashing;
    const handle = await writing;
    // The OS has just written these bytes: reading them back comes from its cache.
    const reread = new Uint8Array(await (await handle.getFile()).arrayBuffer());
    const problem = readBackProblem(reread, sha256, await sha256Hex(reread), t.ids, true);
    if (!problem) return { kind: 'ok', sha256 };
    await this.writer.remove(t.path);
    return { kind: 'held', sha256, ...problem };
  }
}
