// Length checks shared by the dataset reader: a declared length is only ever compared,
// never used to allocate.
import { describe, need, problem, type Shortfall, type Stream } from './stream';

export const UNDEFINED = 0xffffffff;
export const ITEM = 0xfffee000;
export const ITEM_DELIMITER = 0xfffee00d;
export const SEQUENCE_DELIMITER = 0xfffee0dd;

/** Lengths that no file of this size could hold are 'bad-length'; the rest truncation. */
export function checkEnd(
  s: Stream,
  at: number,
  len: number,
  end: number,
  limit: number,
  tag: number,
): Shortfall | null {
  if (len > s.size) {
    return problem(
      'bad-length',
      `impossible length ${len} (0x${len.toString(16)}) for ${describe(tag)} at byte ${at}${s.where}`,
      at,
    );
  }
  // Overrunning a defined-length container is a wrong length, even at the end of the file.
  if (end > limit) {
    return problem(
      'bad-length',
      `${describe(tag)} at byte ${at}${s.where} runs past the end of its enclosing item or sequence`,
      at,
    );
  }
  if (end > s.size) return need(s, at, end - at, tag);
  if (end > s.available) return { needMore: end };
  return null;
}

/** Walks the fragments of encapsulated data; returns the offset after its delimiter. */
export function skipFragments(
  s: Stream,
  start: number,
  little: boolean,
  owner: number,
): number | Shortfall {
  let pos = start;
  for (;;) {
    const short = need(s, pos, 8, owner);
    if (short) return short;
    const tag = s.tag(pos, little);
    const len = s.u32(pos + 4, little);
    if (tag === SEQUENCE_DELIMITER) return pos + 8;
    if (tag !== ITEM || len === UNDEFINED) {
      return problem(
        'bad-length',
        `bad fragment in ${describe(owner)} at byte ${pos}${s.where}`,
        pos,
      );
    }
    const bad = checkEnd(s, pos, len, pos + 8 + len, Infinity, owner);
    if (bad) return bad;
    pos += 8 + len;
  }
}
