// The output stage of a de-identification run (issue 4, item 8): hash the output, write it,
// read it back from the output folder, and check what is actually on disk: its SHA-256
// against the one the manifest will carry, and the source's identifiers searched for again
// in the re-read bytes. A file that fails is removed from the output with the reason.
// Runs in the run's worker or in helper workers (deid-output.worker.ts), same code.
import { parseDicomBytes } from '../src/core/dicom/file';
import { collectIdentifiers, findLeaks, type Identifier } from '../src/core/deid/run';
import type { DeidProfile } from '../src/core/deid/profile';
import { FolderWriter } from './deid-folder';

export interface OutputTask {
  /** Output path inside the output folder. */
  path: string;
  /** The whole output file. */
  bytes: Uint8Array;
  /** The whole source file: its identifiers are what the read-back searches for. */
  source: Uint8Array;
}

export type OutputResult =
  | { kind: 'ok'; sha256: string }
  | {
      kind: 'held';
      sha256: string;
      category: 'leak' | 'unsafe';
      reasons: string[];
      /** True when the re-read bytes went through the leak check. */
      leakChecked: boolean;
    };

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

/** The identifiers of a source, or none when it does not parse (then it was not written). */
export function sourceIdentifiers(source: Uint8Array, profile: DeidProfile): Identifier[] {
  const parsed = parseDicomBytes(source);
  return parsed.kind === 'parsed' ? collectIdentifiers(parsed.dicom, profile) : [];
}

/**
 * Why a file read back from the output folder must be held, or null when it may stay.
 * The header (everything before Pixel Data) and the tail are searched as findLeaks does.
 */
export function readBackProblem(
  reread: Uint8Array,
  expectedSha256: string,
  rereadSha256: string,
  ids: readonly Identifier[],
): { category: 'leak' | 'unsafe'; reasons: string[]; leakChecked: boolean } | null {
  if (rereadSha256 !== expectedSha256) {
    return {
      category: 'unsafe',
      reasons: ['read-back: the file in the output folder differs from the one written (SHA-256)'],
      leakChecked: false,
    };
  }
  const parsed = parseDicomBytes(reread);
  if (parsed.kind !== 'parsed') {
    return {
      category: 'unsafe',
      reasons: ['read-back: the file in the output folder does not parse as DICOM'],
      leakChecked: false,
    };
  }
  const at = parsed.dicom.pixelData?.offset ?? reread.length;
  const hits = findLeaks(reread.subarray(0, at), reread.subarray(at), ids);
  if (!hits.length) return null;
  return {
    category: 'leak',
    reasons: hits.map(
      (h) => `leak check (read-back): identifying ${h.kind} from ${h.from} found in ${h.where}`,
    ),
    leakChecked: true,
  };
}

export class OutputStage {
  private readonly writer: FolderWriter;

  constructor(
    output: FileSystemDirectoryHandle,
    private readonly profile: DeidProfile,
    tag = '',
  ) {
    this.writer = new FolderWriter(output, tag);
  }

  async put(t: OutputTask): Promise<OutputResult> {
    const hashing = sha256Hex(t.bytes);
    const writing = this.writer.write(t.path, t.bytes);
    // The identifiers are gathered while the browser writes.
    const ids = sourceIdentifiers(t.source, this.profile);
    const sha256 = await hashing;
    const handle = await writing;
    // The OS has just written these bytes: reading them back comes from its cache.
    const reread = new Uint8Array(await (await handle.getFile()).arrayBuffer());
    const problem = readBackProblem(reread, sha256, await sha256Hex(reread), ids);
    if (!problem) return { kind: 'ok', sha256 };
    await this.writer.remove(t.path);
    return { kind: 'held', sha256, ...problem };
  }
}
