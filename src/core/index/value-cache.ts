// Decoded values remembered from one file to the next. The files of a series repeat most of
// their header values byte for byte, and comparing a few raw bytes costs far less than
// decoding them again (character set, trimming, splitting, cleaning for display).
// A remembered value is reused only when everything its decoding reads is the same: the
// tag and VR as written, the byte order, the character set in force and every value byte.
import { charsetTerms, displayText, numberValues, rawValue, stringValue } from '../dicom/values';
import type { DataSet, DicomElement } from '../dicom/types';

/** Longer values (rare in a header) are decoded every time rather than kept. */
const MAX_KEPT_BYTES = 256;

interface Entry {
  vr: string;
  little: boolean;
  terms: readonly string[];
  bytes: Uint8Array;
  text: string | undefined;
  numbers: number[] | undefined;
}

export interface ValueReader {
  /** displayText(stringValue(...)): the value as the index stores it. */
  text(stream: Uint8Array, el: DicomElement, ds: DataSet): string;
  /** numberValues(...); the array is shared: callers must not change it. */
  numbers(stream: Uint8Array, el: DicomElement, ds: DataSet): readonly number[];
}

/** Decodes every time: the plain statement the cache is compared with in tests. */
export const plainValues: ValueReader = {
  text: (stream, el, ds) => displayText(stringValue(stream, el, ds)),
  numbers: (stream, el, ds) => numberValues(stream, el, ds),
};

export class ValueCache implements ValueReader {
  /** One entry per tag: the last value seen for it. */
  private entries = new Map<number, Entry>();

  text(stream: Uint8Array, el: DicomElement, ds: DataSet): string {
    const entry = this.entry(stream, el, ds);
    if (!entry) return plainValues.text(stream, el, ds);
    return (entry.text ??= plainValues.text(stream, el, ds));
  }

  numbers(stream: Uint8Array, el: DicomElement, ds: DataSet): readonly number[] {
    const entry = this.entry(stream, el, ds);
    if (!entry) return numberValues(stream, el, ds);
    return (entry.numbers ??= numberValues(stream, el, ds));
  }

  /** The entry holding this element's value, made afresh when it differs; null if not kept. */
  private entry(stream: Uint8Array, el: DicomElement, ds: DataSet): Entry | null {
    // Sequences and encapsulated data decode to nothing: nothing to save.
    if (el.items || el.undefinedLength) return null;
    // rawValue's bounds, compared in place: a hit allocates nothing.
    const start = el.valueOffset;
    const length = Math.max(0, Math.min(el.length, stream.length - start));
    if (length > MAX_KEPT_BYTES) return null;
    const little = ds.encoding.littleEndian;
    const terms = this.termsOf(stream, ds);
    const old = this.entries.get(el.tag);
    if (
      old &&
      old.vr === el.vr &&
      old.little === little &&
      sameTerms(old.terms, terms) &&
      sameBytes(old.bytes, stream, start, length)
    ) {
      return old;
    }
    const fresh: Entry = {
      vr: el.vr,
      little,
      terms,
      bytes: rawValue(stream, el).slice(),
      text: undefined,
      numbers: undefined,
    };
    this.entries.set(el.tag, fresh);
    return fresh;
  }

  private lastDs: DataSet | null = null;
  private lastTerms: readonly string[] = [];

  /** charsetTerms, remembered for the dataset asked about last (nearly always the top one). */
  private termsOf(stream: Uint8Array, ds: DataSet): readonly string[] {
    if (ds !== this.lastDs) {
      this.lastDs = ds;
      this.lastTerms = charsetTerms(stream, ds);
    }
    return this.lastTerms;
  }
}

function sameTerms(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameBytes(kept: Uint8Array, stream: Uint8Array, start: number, length: number): boolean {
  if (kept.length !== length) return false;
  for (let i = 0; i < length; i++) if (kept[i] !== stream[start + i]) return false;
  return true;
}
