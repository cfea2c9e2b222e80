// The output stage's check (DEID-30): what is actually on disk after a write, read back,
// hashed and searched again for the source's identifiers. Shared by every shell's stage.
import { parseDicomBytes } from '../../dicom/file';
import { findLeaks, type Identifier } from './leak';

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

export interface OutputTask {
  /** Output path inside the output folder. */
  path: string;
  /** The output file in parts (header, then the spliced tail): written in order. */
  parts: Uint8Array[];
  /** The source's identifiers (from the run's own parse): what the read-back searches for. */
  ids: Identifier[];
  /**
   * The SHA-256 of the parts, where the run hashed them already: the stage then proves the
   * file on disk is these very bytes by comparing them, and does not hash them again.
   */
  sha256?: string;
}

/** The read-back's finding when the file on disk is not the one written. */
export function changedOnDisk(): {
  category: 'unsafe';
  reasons: string[];
  leakChecked: false;
} {
  return {
    category: 'unsafe',
    reasons: ['read-back: the file in the output folder differs from the one written (SHA-256)'],
    leakChecked: false,
  };
}

/**
 * Why a file read back from the output folder must be held, or null when it may stay.
 * The header (everything before Pixel Data) and the tail are searched as findLeaks does.
 * With `tailSearched` (the run searched these very bytes before writing them, and the
 * SHA-256 proves the file on disk is them), the pixel tail is not scanned a second time:
 * it is most of the bytes and most of the cost.
 */
export function readBackProblem(
  reread: Uint8Array,
  expectedSha256: string,
  rereadSha256: string,
  ids: readonly Identifier[],
  tailSearched = false,
): { category: 'leak' | 'unsafe'; reasons: string[]; leakChecked: boolean } | null {
  if (rereadSha256 !== expectedSha256) return changedOnDisk();
  const parsed = parseDicomBytes(reread);
  if (parsed.kind !== 'parsed') {
    return {
      category: 'unsafe',
      reasons: ['read-back: the file in the output folder does not parse as DICOM'],
      leakChecked: false,
    };
  }
  const at = parsed.dicom.pixelData?.offset ?? reread.length;
  const hits = findLeaks(
    reread.subarray(0, at),
    tailSearched ? new Uint8Array(0) : reread.subarray(at),
    ids,
  );
  if (!hits.length) return null;
  return {
    category: 'leak',
    reasons: hits.map(
      (h) => `leak check (read-back): identifying ${h.kind} from ${h.from} found in ${h.where}`,
    ),
    leakChecked: true,
  };
}
