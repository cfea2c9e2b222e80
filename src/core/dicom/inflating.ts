// Parsing a file whose dataset may be deflated: the one place that inflates (with the
// platform's `inflate`, capped) and turns an inflater's refusal into a problem code. The
// indexer (a header prefix, a header-sized cap) and every reader of whole files (the
// de-identification run, the preview, the review queue, thumbnails) call it.
import type { Inflate } from '../index/record';
import { parseDicomBytes, parseInflated } from './file';
import { DEFAULT_LIMITS, type Limits, type ParseOutcome } from './types';

/** Largest inflated stream a whole deflated file may give (DEID-61); beyond it, refused. */
export const MAX_INFLATED_BYTES = 512 * 1024 * 1024;

/**
 * Parses `bytes` (a whole file, or a prefix of a `fileSize`-byte file), inflating a deflated
 * dataset to at most `maxInflated` bytes. The answer is never 'deflated'; never throws for
 * bad input.
 */
export async function parseInflating(
  bytes: Uint8Array,
  inflate: Inflate,
  maxInflated: number,
  fileSize = bytes.length,
  limits: Limits = DEFAULT_LIMITS,
): Promise<ParseOutcome> {
  const first = parseDicomBytes(bytes, fileSize, limits);
  if (first.kind !== 'deflated') return first;
  const tooLarge: ParseOutcome = {
    kind: 'problem',
    problem: {
      code: 'deflate-too-large',
      message: `deflated data inflate to more than ${maxInflated} bytes`,
      offset: first.streamOffset,
    },
  };
  let inflated: Uint8Array;
  try {
    inflated = await inflate(bytes.subarray(first.streamOffset), maxInflated);
  } catch (e) {
    if (
      typeof e === 'object' &&
      e !== null &&
      (e as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE'
    )
      return tooLarge;
    return {
      kind: 'problem',
      problem: {
        code: 'deflate-corrupt',
        message: 'deflated data could not be inflated',
        offset: first.streamOffset,
      },
    };
  }
  const parsed = parseInflated(bytes, first.meta, inflated, first.hasPreamble, limits);
  // An inflater may stop at the cap instead of refusing (Inflate's contract): output that
  // reached it without reaching Pixel Data is a bomb, or too big to read.
  if (inflated.length >= maxInflated && !(parsed.kind === 'parsed' && parsed.dicom.pixelData))
    return tooLarge;
  return parsed;
}

/** A whole file as the de-identification run reads it; without `inflate`, 'deflated' stays. */
export function parseSource(
  bytes: Uint8Array,
  inflate?: Inflate,
  maxInflated = MAX_INFLATED_BYTES,
): Promise<ParseOutcome> {
  return inflate
    ? parseInflating(bytes, inflate, maxInflated)
    : Promise.resolve(parseDicomBytes(bytes));
}
