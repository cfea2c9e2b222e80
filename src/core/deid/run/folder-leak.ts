// The whole-folder leak check (DEID-80): after a run, every file it leaves in the output
// folder (journal, manifest, documents, CSVs, DICOM files not already read back) is
// searched for the run's identifiers, with the leak check's own matching (leak.ts). A file
// with a hit is removed from the folder; the record names it by its folder-relative path.
import { parseDicomBytes } from '../../dicom/file';
import { basicProfile } from '../profile';
import { RISK_SENTENCES } from '../pixels/risk';
import { deidentificationJson, deidentificationMd, emptyCounts, skipSentence } from './docs';
import { findLeaks, latin1, wordIndex, type Identifier, type LeakHit } from './leak';

/** Identifiers shorter than this are not searched in free text (they occur by chance). */
export const TEXT_ID_MIN = 4;
/** Digits-only identifiers need this many digits in text: documents are full of counts. */
export const TEXT_NUMBER_MIN = 6;

let vocabulary: string | null = null;

/**
 * The run's own fixed wording (document templates, JSON keys, risk sentences, the skipped
 * sentence): a name part such as 'Name' or 'Text' found there is the template's word, not a
 * leak. The record below holds one skipped file so its fixed sentence ("not readable as
 * DICOM") is in the wording: a phantom named "Enhanced Dicom Phantom" had the documents of a
 * run over vendor files removed for the word "DICOM".
 */
function templateText(): string {
  if (vocabulary === null) {
    const record = {
      tool: 'trialbench deid (CLI) Trialbench (browser)',
      profile: basicProfile('Basic Profile, modified dates'),
      options: {},
      keyFingerprint: '',
      runBy: '',
      startedAt: '',
      finishedAt: '',
      decisions: [],
      counts: emptyCounts(),
      held: [],
      skipped: [{ sourceSha256: '', reason: skipSentence('unreadable') }],
      duplicates: [],
      folderCheck: { files: 0, removed: [] },
    };
    vocabulary = [
      deidentificationMd(record),
      deidentificationJson(record),
      ...Object.values(RISK_SENTENCES),
    ]
      .join('\n')
      .toLowerCase();
  }
  return vocabulary;
}

/** Worth searching in a text file (see TEXT_ID_MIN, TEXT_NUMBER_MIN, templateText). */
function textSearchable(id: Identifier): boolean {
  const v = id.value.trim().toLowerCase();
  if (/^[\d\s.\-/+()]+$/.test(v)) return v.replace(/\D/g, '').length >= TEXT_NUMBER_MIN;
  return v.length >= TEXT_ID_MIN && wordIndex(templateText(), v) < 0;
}

/** Distinct identifiers (by lower-case value), for searching many files. */
export class IdentifierSet {
  private readonly byValue = new Map<string, Identifier>();

  add(ids: readonly Identifier[]): void {
    for (const id of ids) {
      const v = id.value.trim().toLowerCase();
      if (v && !this.byValue.has(v)) this.byValue.set(v, id);
    }
  }

  get size(): number {
    return this.byValue.size;
  }

  all(): Identifier[] {
    return [...this.byValue.values()];
  }
}

function utf8Text(bytes: Uint8Array): string {
  // Core has no TextDecoder: UTF-8 is decoded by hand, invalid bytes as Latin-1.
  let s = '';
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i] ?? 0;
    const n = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : 0;
    let cp = n ? b & (0x3f >> n) : b;
    let ok = i + n < bytes.length;
    for (let k = 1; ok && k <= n; k++) {
      const c = bytes[i + k] ?? 0;
      if ((c & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (c & 0x3f);
    }
    if (n && ok) {
      s += String.fromCodePoint(cp);
      i += n + 1;
    } else {
      s += String.fromCharCode(b);
      i++;
    }
  }
  return s;
}

/** Hits of `ids` in one file of the output folder; DICOM files are searched as the run does. */
export function fileLeaks(bytes: Uint8Array, ids: readonly Identifier[]): LeakHit[] {
  const parsed = bytes.length >= 132 ? parseDicomBytes(bytes) : null;
  if (parsed?.kind === 'parsed') {
    const at = parsed.dicom.pixelData?.offset ?? bytes.length;
    return findLeaks(bytes.subarray(0, at), bytes.subarray(at), ids);
  }
  const hits: LeakHit[] = [];
  const u = utf8Text(bytes).toLowerCase();
  const l = latin1(bytes).toLowerCase();
  const texts = u === l ? [u] : [u, l];
  for (const id of ids.filter(textSearchable)) {
    const v = id.value.trim().toLowerCase();
    for (const t of texts) {
      const at = wordIndex(t, v);
      if (at >= 0) {
        hits.push({ kind: id.kind, from: id.from, where: `text at ${at}` });
        break;
      }
    }
  }
  return hits;
}
