// Bounds-checked reads over a possibly partial byte stream. Every read first asks
// `need`, which tells a missing prefix ("read more") apart from a real end of file.
import type { Problem } from '../index/record';
import { formatTag, keywordOf } from './dictionary';

export class Stream {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    /** Size of the whole stream (the file), of which `bytes` may be a prefix. */
    readonly size: number,
    /** Added to messages about offsets that are not file offsets (inflated data). */
    readonly where = '',
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get available(): number {
    return this.bytes.length;
  }

  u16(pos: number, little: boolean): number {
    return this.view.getUint16(pos, little);
  }

  u32(pos: number, little: boolean): number {
    return this.view.getUint32(pos, little);
  }

  tag(pos: number, little: boolean): number {
    return ((this.u16(pos, little) << 16) | this.u16(pos + 2, little)) >>> 0;
  }

  ascii(pos: number, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.bytes[pos + i] ?? 0);
    return s;
  }
}

/** A read that could not complete: either a problem, or "give me more bytes". */
export type Shortfall = { problem: Problem } | { needMore: number };

export function describe(tag: number | null): string {
  if (tag === null) return 'an element tag';
  const keyword = keywordOf(tag);
  return keyword ? `${keyword} ${formatTag(tag)}` : `${formatTag(tag)}`;
}

/**
 * Null when [pos, pos + n) is readable; otherwise why not. Bytes past the prefix but
 * inside the file are "need more"; past the end of the file they are truncation.
 */
export function need(
  s: Stream,
  pos: number,
  n: number,
  what: number | null,
  at = pos,
): Shortfall | null {
  const end = pos + n;
  if (end <= s.available) return null;
  if (end <= s.size) return { needMore: end };
  return truncated(s, at, what);
}

export function truncated(s: Stream, at: number, what: number | null): Shortfall {
  return {
    problem: {
      code: 'truncated',
      message: `truncated at byte ${at}${s.where} while reading ${describe(what)}`,
      offset: at,
    },
  };
}

export function problem(code: Problem['code'], message: string, offset?: number): Shortfall {
  return { problem: offset === undefined ? { code, message } : { code, message, offset } };
}
