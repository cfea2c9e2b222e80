// Indexing one file: read a bounded prefix, parse, read more only while the header goes
// on, never read pixel data.
import { parseDicomBytes } from '../dicom/file';
import { parseInflating } from '../dicom/inflating';
import { DEFAULT_LIMITS, type Limits, type ParseOutcome, type ParsedDicom } from '../dicom/types';
import { expandAttributes, extractFlat, type FlatInstance } from './extract';
import type { ByteSource, Inflate, IndexOutcome, Problem } from './record';
import type { ValueReader } from './value-cache';

/** Files up to this size are read whole: slicing small files costs more than it saves. */
export const WHOLE_FILE_BYTES = 256 * 1024;
export const PREFIX_BYTES = 64 * 1024;

export interface IndexOptions {
  /**
   * Raw DEFLATE with an output cap. When the data inflate to more than `maxBytes` it must
   * either resolve with exactly the first `maxBytes` bytes, or reject with an error whose
   * `code` is 'ERR_BUFFER_TOO_LARGE' (as Node's zlib does); other rejections mean corrupt data.
   */
  inflate: Inflate;
  /** First read for files over WHOLE_FILE_BYTES (default 64 KiB). */
  prefixBytes?: number;
  /** Header size limit (default 64 MiB); also caps inflated output. */
  maxHeaderBytes?: number;
  /** Decodes values; a ValueCache kept across the files of a scan saves decoding repeats. */
  values?: ValueReader;
}

/** indexFile's answer with the attribute list flat (see extractFlat). */
export type FlatOutcome =
  | { kind: 'instance'; instance: FlatInstance; bytesRead: number }
  | Exclude<IndexOutcome, { kind: 'instance' }>;

export async function indexFile(src: ByteSource, opts: IndexOptions): Promise<IndexOutcome> {
  const r = await indexFileFlat(src, opts);
  if (r.kind !== 'instance') return r;
  const { fields, attributes } = r.instance;
  return {
    kind: 'instance',
    fields: { ...fields, attributes: expandAttributes(attributes) },
    bytesRead: r.bytesRead,
  };
}

export async function indexFileFlat(src: ByteSource, opts: IndexOptions): Promise<FlatOutcome> {
  const limits: Limits = {
    ...DEFAULT_LIMITS,
    maxHeaderBytes: opts.maxHeaderBytes ?? DEFAULT_LIMITS.maxHeaderBytes,
  };
  const size = src.size;
  let want = size <= WHOLE_FILE_BYTES ? size : Math.min(size, opts.prefixBytes ?? PREFIX_BYTES);
  let bytes: Uint8Array = new Uint8Array(0);
  for (;;) {
    try {
      bytes = want > 0 ? await src.read(0, want) : new Uint8Array(0);
    } catch (e) {
      return problem('read-failed', `could not read the file: ${String(e)}`, bytes.length);
    }
    if (bytes.length < want)
      return problem('read-failed', `read ${bytes.length} of ${want} bytes`, bytes.length);
    const outcome = await parseDicom(bytes, size, opts.inflate, limits);
    if (outcome.kind === 'need-more') {
      // The header must reach minBytes: past the cap, reading on would be wasted I/O.
      if (outcome.minBytes > limits.maxHeaderBytes) {
        return problem(
          'header-too-large',
          `header longer than ${limits.maxHeaderBytes} bytes`,
          bytes.length,
        );
      }
      const next = Math.min(
        size,
        Math.max(outcome.minBytes, want * 2),
        Math.max(limits.maxHeaderBytes, want + 1),
      );
      if (next <= want)
        return problem(
          'header-too-large',
          `header longer than ${limits.maxHeaderBytes} bytes`,
          bytes.length,
        );
      want = next;
      continue;
    }
    if (outcome.kind === 'problem')
      return { kind: 'problem', problem: outcome.problem, bytesRead: bytes.length };
    if (outcome.kind === 'deflated') throw new Error('unreachable: parseDicom inflates');
    const extracted = extractFlat(outcome.dicom, opts.values);
    if (extracted.kind === 'instance')
      return { kind: 'instance', instance: extracted.instance, bytesRead: bytes.length };
    if (extracted.kind === 'dicomdir')
      return { kind: 'dicomdir', entries: extracted.entries, bytesRead: bytes.length };
    return { kind: 'problem', problem: extracted.problem, bytesRead: bytes.length };
  }

  function problem(code: Problem['code'], message: string, bytesRead: number): FlatOutcome {
    return { kind: 'problem', problem: { code, message }, bytesRead };
  }
}

/**
 * Parses a header from a prefix of a file, inflating deflated datasets. The answer is
 * 'parsed', 'problem' or 'need-more' (never 'deflated').
 */
export function parseDicom(
  bytes: Uint8Array,
  fileSize: number,
  inflate: Inflate,
  limits: Limits = DEFAULT_LIMITS,
): Promise<ParseOutcome> {
  return parseInflating(bytes, inflate, limits.maxHeaderBytes, fileSize, limits);
}

export type { ParsedDicom };
export { parseDicomBytes };
