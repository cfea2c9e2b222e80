// The dataset reader: one loop over an explicit stack of frames, so nesting costs heap,
// never call stack, and a 50,000-level file fails fast at the depth limit.
import { implicitVr } from './dictionary';
import {
  ITEM,
  ITEM_DELIMITER,
  SEQUENCE_DELIMITER,
  UNDEFINED,
  checkEnd,
  skipFragments,
} from './lengths';
import { describe, need, problem, type Shortfall, type Stream } from './stream';
import type { DataSet, DicomElement, Encoding, Limits, PixelDataInfo } from './types';
import { LONG_VRS, UNDEFINED_LENGTH_VRS, VRS } from './vr';

const IMPLICIT_LE: Encoding = { explicitVR: false, littleEndian: true };

export interface ReadResult {
  dataset: DataSet;
  pixelData: PixelDataInfo | null;
  elementCount: number;
}

interface Frame {
  /** The dataset being filled, or null while between the items of `sequence`. */
  ds: DataSet | null;
  sequence: DicomElement | null;
  enc: Encoding;
  /** Where this frame ends, or null when a delimiter (or end of stream) ends it. */
  end: number | null;
  /** The nearest defined end of this frame or any enclosing one: nothing may cross it. */
  limit: number;
  depth: number;
}

export function newDataSet(
  offset: number,
  depth: number,
  encoding: Encoding,
  parent: DataSet | null,
): DataSet {
  return { elements: [], byTag: new Map(), offset, end: offset, depth, encoding, parent };
}

function add(ds: DataSet, el: DicomElement): void {
  ds.elements.push(el);
  if (!ds.byTag.has(el.tag)) ds.byTag.set(el.tag, el);
}

function isPixelData(tag: number): boolean {
  return tag === 0x7fe00010 || tag === 0x7fe00008 || tag === 0x7fe00009;
}

/**
 * Reads a dataset from `start` to the end of the stream, stopping at top-level pixel
 * data. Returns the dataset, or a shortfall (a problem, or a need for more bytes).
 */
export function readDataset(
  s: Stream,
  start: number,
  enc0: Encoding,
  limits: Limits,
): ReadResult | Shortfall {
  const top = newDataSet(start, 0, enc0, null);
  const stack: Frame[] = [
    { ds: top, sequence: null, enc: enc0, end: null, limit: Infinity, depth: 0 },
  ];
  let pos = start;
  let count = 0;
  for (;;) {
    const f = stack[stack.length - 1];
    if (f === undefined) throw new Error('frame stack underflow');
    const little = f.enc.littleEndian;
    if (pos > limits.maxHeaderBytes) {
      return problem(
        'header-too-large',
        `header longer than ${limits.maxHeaderBytes} bytes${s.where}`,
        pos,
      );
    }
    if (f.end !== null && pos >= f.end) {
      // A defined-length item or sequence is complete.
      if (pos > f.end)
        return problem(
          'bad-length',
          `element at byte ${pos} runs past its enclosing item${s.where}`,
          pos,
        );
      closeFrame(stack, pos);
      continue;
    }
    if (stack.length === 1 && pos >= s.size) break;
    if (stack.length === 1 && pos >= s.available) return { needMore: pos + 1 };

    const short = need(s, pos, 8, f.sequence?.tag ?? null);
    if (short) {
      if ('problem' in short && f.end === null && stack.length > 1) {
        const owner = f.sequence ?? stack[stack.length - 2]?.sequence ?? null;
        return problem(
          'truncated',
          `truncated at byte ${pos}${s.where}: ${describe(owner?.tag ?? null)} has no delimiter`,
          pos,
        );
      }
      // Fewer than 8 bytes left at top level: trailing padding, or a cut-off element.
      if ('problem' in short && stack.length === 1 && s.size - pos < 8) {
        return problem(
          'truncated',
          `truncated at byte ${pos}${s.where} while reading an element tag`,
          pos,
        );
      }
      return short;
    }
    const tag = s.tag(pos, little);

    if (f.ds === null) {
      // Between items of a sequence.
      const seq = f.sequence as DicomElement;
      const len = s.u32(pos + 4, little);
      if (tag === SEQUENCE_DELIMITER) {
        if (f.end !== null)
          return problem(
            'bad-length',
            `sequence delimiter inside defined-length ${describe(seq.tag)} at byte ${pos}${s.where}`,
            pos,
          );
        seq.length = pos - seq.valueOffset;
        pos += 8;
        closeFrame(stack, pos);
        continue;
      }
      if (tag !== ITEM) {
        return problem(
          'bad-length',
          `expected an item in ${describe(seq.tag)} at byte ${pos}${s.where}, found ${describe(tag)}`,
          pos,
        );
      }
      const parentDs = stack[stack.length - 2]?.ds ?? null;
      const item = newDataSet(pos, f.depth, f.enc, parentDs);
      (seq.items ??= []).push(item);
      let end: number | null = null;
      if (len !== UNDEFINED) {
        end = pos + 8 + len;
        const bad = checkEnd(s, pos, len, end, f.limit, ITEM);
        if (bad) return bad;
      }
      stack.push({
        ds: item,
        sequence: null,
        enc: f.enc,
        end,
        limit: end ?? f.limit,
        depth: f.depth,
      });
      pos += 8;
      continue;
    }

    if (tag === ITEM_DELIMITER || tag === SEQUENCE_DELIMITER) {
      if (tag === ITEM_DELIMITER && stack.length > 1 && f.end === null) {
        pos += 8;
        closeFrame(stack, pos);
        continue;
      }
      // A stray delimiter: DCMTK and pydicom skip these, and so do we.
      pos += 8;
      continue;
    }
    if (tag === ITEM) {
      return problem('bad-length', `item tag outside a sequence at byte ${pos}${s.where}`, pos);
    }

    // Element header.
    let vr: string;
    let len: number;
    let headerLength: number;
    if (f.enc.explicitVR) {
      vr = s.ascii(pos + 4, 2);
      if (!VRS.has(vr)) {
        const shown = Array.from(s.bytes.subarray(pos + 4, pos + 6), (b) =>
          b.toString(16).padStart(2, '0'),
        ).join(' ');
        return problem(
          'bad-vr',
          `invalid VR bytes ${shown} for ${describe(tag)} at byte ${pos}${s.where}`,
          pos,
        );
      }
      if (LONG_VRS.has(vr)) {
        const more = need(s, pos, 12, tag);
        if (more) return more;
        len = s.u32(pos + 8, little);
        headerLength = 12;
      } else {
        len = s.u16(pos + 6, little);
        headerLength = 8;
      }
    } else {
      vr = implicitVr(tag);
      len = s.u32(pos + 4, little);
      headerLength = 8;
    }
    const valueOffset = pos + headerLength;
    count++;
    if (count > limits.maxElements) {
      return problem('header-too-large', `more than ${limits.maxElements} elements${s.where}`, pos);
    }

    if (f.depth === 0 && stack.length === 1 && isPixelData(tag)) {
      const info: PixelDataInfo = {
        tag,
        vr,
        offset: pos,
        valueOffset,
        length: len,
        undefinedLength: len === UNDEFINED,
      };
      if (len !== UNDEFINED && valueOffset + len > s.size) {
        return problem(
          'truncated',
          `truncated at byte ${pos}${s.where} while reading ${describe(tag)}: ${len} bytes declared, ${s.size - valueOffset} present`,
          pos,
        );
      }
      top.end = pos;
      return { dataset: top, pixelData: info, elementCount: count };
    }

    const el: DicomElement = {
      tag,
      vr,
      offset: pos,
      valueOffset,
      length: len,
      undefinedLength: len === UNDEFINED,
      end: 0,
    };
    const asSequence = vr === 'SQ' || (len === UNDEFINED && vr === 'UN');
    if (asSequence) {
      if (f.depth + 1 > limits.maxDepth) {
        return problem(
          'nesting-too-deep',
          `sequence nesting over ${limits.maxDepth} levels at byte ${pos}${s.where}`,
          pos,
        );
      }
      // PS3.5 6.2.2: an undefined-length UN holds implicit VR little endian items.
      const itemEnc = vr === 'SQ' || !f.enc.explicitVR ? f.enc : IMPLICIT_LE;
      // Implicit VR data name no VR: an unknown tag with undefined length is a sequence.
      if (!f.enc.explicitVR) el.vr = 'SQ';
      if (itemEnc !== f.enc) el.itemEncoding = itemEnc;
      el.items = [];
      add(f.ds, el);
      let end: number | null = null;
      if (len !== UNDEFINED) {
        end = valueOffset + len;
        const bad = checkEnd(s, pos, len, end, f.limit, tag);
        if (bad) return bad;
      }
      stack.push({
        ds: null,
        sequence: el,
        enc: itemEnc,
        end,
        limit: end ?? f.limit,
        depth: f.depth + 1,
      });
      pos = valueOffset;
      continue;
    }
    if (len === UNDEFINED) {
      if (!UNDEFINED_LENGTH_VRS.has(vr)) {
        return problem(
          'bad-length',
          `undefined length on ${vr} element ${describe(tag)} at byte ${pos}${s.where}`,
          pos,
        );
      }
      // Encapsulated data inside an item (e.g. an icon image): skip its fragments.
      const skipped = skipFragments(s, valueOffset, little, tag);
      if (typeof skipped !== 'number') return skipped;
      el.length = skipped - 8 - valueOffset;
      el.end = skipped;
      add(f.ds, el);
      pos = skipped;
      continue;
    }
    const end = valueOffset + len;
    const bad = checkEnd(s, pos, len, end, f.limit, tag);
    if (bad) return bad;
    el.end = end;
    add(f.ds, el);
    pos = end;
  }
  top.end = pos;
  return { dataset: top, pixelData: null, elementCount: count };
}

/** Pops a finished item or sequence and records where it ended. */
function closeFrame(stack: Frame[], pos: number): void {
  const f = stack.pop();
  if (f?.ds) f.ds.end = pos;
  if (f?.sequence) {
    f.sequence.end = pos;
    if (!f.sequence.undefinedLength) f.sequence.length = pos - f.sequence.valueOffset;
  }
}
