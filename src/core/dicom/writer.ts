// Encodes DICOM datasets and Part 10 files (PS3.5, PS3.10). Pure: the demo archive,
// the test fixtures and (later) de-identified output are all made with it, and the
// tests check every byte against independent readers (DCMTK, pydicom, dcmjs).

import { ByteWriter, LONG_VRS, concatBytes } from './bytes';

export { ByteWriter, LONG_VRS, concatBytes };

// ---------------------------------------------------------------------------------------
// The dataset writer.

// prettier-ignore
export type Vr =
  | 'AE' | 'AS' | 'AT' | 'CS' | 'DA' | 'DS' | 'DT' | 'FD' | 'FL' | 'IS' | 'LO' | 'LT'
  | 'OB' | 'OD' | 'OF' | 'OL' | 'OV' | 'OW' | 'PN' | 'SH' | 'SL' | 'SQ' | 'SS' | 'ST'
  | 'SV' | 'TM' | 'UC' | 'UI' | 'UL' | 'UN' | 'UR' | 'US' | 'UT' | 'UV';

/** One item of a sequence: a dataset of its own. */
export type Item = readonly DataElement[];

/** Encapsulated (compressed) pixel data: written with undefined length, as PS3.5 A.4 requires. */
export interface Encapsulated {
  readonly fragments: readonly Uint8Array[];
  /** Basic Offset Table entries; empty (the usual case) when omitted. */
  readonly offsetTable?: readonly number[];
}

type NumericArray =
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/**
 * How a value is given, by VR: text VRs take strings (numbers are formatted for DS/IS);
 * binary numeric VRs take numbers, bigints (SV/UV/OV) or typed arrays; AT takes tag
 * numbers; SQ takes items; Pixel Data may be Encapsulated. A Uint8Array is written
 * verbatim for any VR (already in the transfer syntax's byte order), padded to even.
 */
export type Value =
  | string
  | readonly string[]
  | number
  | readonly number[]
  | bigint
  | readonly bigint[]
  | Uint8Array
  | NumericArray
  | readonly Item[]
  | Encapsulated;

export interface DataElement {
  /** (group << 16) | element, e.g. 0x00100010 for PatientName. */
  readonly tag: number;
  readonly vr: Vr;
  readonly value: Value;
}

export type Encoding = 'explicit-le' | 'implicit-le' | 'explicit-be';

export const TS = {
  implicitLE: '1.2.840.10008.1.2',
  explicitLE: '1.2.840.10008.1.2.1',
  deflatedLE: '1.2.840.10008.1.2.1.99',
  explicitBE: '1.2.840.10008.1.2.2',
} as const;

/** Our implementation's identity in every file we write (PS3.7 D.3.3.2). */
export const IMPLEMENTATION_CLASS_UID = '2.25.320216942264887695943873721350752081840';
export const IMPLEMENTATION_VERSION_NAME = 'TRIALBENCH_01';

/** Where a top-level element's value lies in the output, for patching in place. */
export interface ValueSlot {
  offset: number;
  length: number;
}

export interface DatasetOptions {
  encoding?: Encoding;
  /** Text encoding of string values. The caller sets SpecificCharacterSet to match. */
  charset?: 'utf-8' | 'latin1';
  /** Write sequences / items with undefined length and delimiters instead of lengths. */
  undefinedLengthSequences?: boolean;
  undefinedLengthItems?: boolean;
  /** Filled with the value position of each top-level element (absolute in the output). */
  slots?: Map<number, ValueSlot>;
}

export interface Part10Options extends Omit<DatasetOptions, 'encoding'> {
  /** Default explicit VR little endian; implicit LE and explicit BE are encoded natively. */
  transferSyntaxUid?: string;
  /** Defaults to the dataset's SOPClassUID / SOPInstanceUID; omitted when neither exists. */
  mediaStorageSopClassUid?: string;
  mediaStorageSopInstanceUid?: string;
  /**
   * Raw DEFLATE (RFC 1951), needed only for the deflated transfer syntax: core has no
   * compressor of its own, so the caller passes one in.
   */
  deflate?: (data: Uint8Array) => Uint8Array;
}

/** The dataset's byte layout for a transfer syntax; unknown ones are explicit VR LE. */
export function encodingOf(transferSyntaxUid: string): Encoding {
  if (transferSyntaxUid === TS.implicitLE) return 'implicit-le';
  if (transferSyntaxUid === TS.explicitBE) return 'explicit-be';
  return 'explicit-le';
}

/** A whole Part 10 file: preamble, 'DICM', file meta group, then the dataset. */
export function writePart10(dataset: readonly DataElement[], opts: Part10Options = {}): Uint8Array {
  const ts = opts.transferSyntaxUid ?? TS.explicitLE;
  const textOf = (tag: number): string | undefined => {
    const v = dataset.find((e) => e.tag === tag)?.value;
    return typeof v === 'string' ? v : undefined;
  };
  const w = new ByteWriter(true, 4096);
  const ctx: Ctx = { w, explicit: true, charset: 'utf-8', ul: {}, slots: opts.slots };
  writeMeta(ctx, {
    transferSyntaxUid: ts,
    mediaStorageSopClassUid: opts.mediaStorageSopClassUid ?? textOf(0x00080016),
    mediaStorageSopInstanceUid: opts.mediaStorageSopInstanceUid ?? textOf(0x00080018),
  });
  const encoding = encodingOf(ts);
  if (ts === TS.deflatedLE) {
    if (!opts.deflate) throw new Error('the deflated transfer syntax needs opts.deflate');
    const body = writeDataset(dataset, { ...opts, encoding, slots: undefined });
    return concatBytes([w.finish(), opts.deflate(body)]);
  }
  w.littleEndian = encoding !== 'explicit-be';
  ctx.explicit = encoding !== 'implicit-le';
  ctx.charset = opts.charset ?? 'utf-8';
  ctx.ul = opts;
  for (const e of sortByTag(dataset)) writeElement(ctx, e);
  return w.finish();
}

export interface FileMeta {
  transferSyntaxUid: string;
  /** Each is left out when undefined (for fixtures of files that lack them). */
  mediaStorageSopClassUid?: string | undefined;
  mediaStorageSopInstanceUid?: string | undefined;
}

/** Preamble, 'DICM' and the file meta group alone: fixtures append a dataset of their own. */
export function writeFileMeta(meta: FileMeta): Uint8Array {
  const w = new ByteWriter(true, 512);
  writeMeta({ w, explicit: true, charset: 'utf-8', ul: {}, slots: undefined }, meta);
  return w.finish();
}

function writeMeta(ctx: Ctx, meta: FileMeta): void {
  const classUid = meta.mediaStorageSopClassUid;
  const instanceUid = meta.mediaStorageSopInstanceUid;
  const elements: DataElement[] = [
    { tag: 0x00020001, vr: 'OB', value: new Uint8Array([0, 1]) },
    ...(classUid === undefined ? [] : [{ tag: 0x00020002, vr: 'UI' as const, value: classUid }]),
    ...(instanceUid === undefined
      ? []
      : [{ tag: 0x00020003, vr: 'UI' as const, value: instanceUid }]),
    { tag: 0x00020010, vr: 'UI', value: meta.transferSyntaxUid },
    { tag: 0x00020012, vr: 'UI', value: IMPLEMENTATION_CLASS_UID },
    { tag: 0x00020013, vr: 'SH', value: IMPLEMENTATION_VERSION_NAME },
  ];
  const { w } = ctx;
  w.preamble();
  // Group length first, patched once the rest of the group is written.
  w.explicit(0x00020000, 'UL', 4).u32(0);
  const groupStart = w.length;
  for (const e of sortByTag(elements)) writeElement(ctx, e);
  w.patchU32(groupStart - 4, w.length - groupStart);
}

/** A dataset alone (no preamble, no file meta), as in a DICOMweb or network payload. */
export function writeDataset(
  dataset: readonly DataElement[],
  opts: DatasetOptions = {},
): Uint8Array {
  const encoding = opts.encoding ?? 'explicit-le';
  const w = new ByteWriter(encoding !== 'explicit-be', 4096);
  const ctx: Ctx = {
    w,
    explicit: encoding !== 'implicit-le',
    charset: opts.charset ?? 'utf-8',
    ul: opts,
    slots: opts.slots,
  };
  for (const e of sortByTag(dataset)) writeElement(ctx, e);
  return w.finish();
}

interface Ctx {
  w: ByteWriter;
  explicit: boolean;
  charset: 'utf-8' | 'latin1';
  ul: Pick<DatasetOptions, 'undefinedLengthItems' | 'undefinedLengthSequences'>;
  slots: Map<number, ValueSlot> | undefined;
}

function sortByTag(elements: readonly DataElement[]): DataElement[] {
  const sorted = [...elements].sort((a, b) => (a.tag >>> 0) - (b.tag >>> 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]?.tag === sorted[i - 1]?.tag) {
      throw new Error(`duplicate tag ${hex(sorted[i]?.tag ?? 0)}`);
    }
  }
  return sorted;
}

const UNDEFINED = 0xffffffff;

function writeElement(ctx: Ctx, e: DataElement, depth = 0): void {
  const { w } = ctx;
  const tag = e.tag >>> 0;
  if (e.vr === 'SQ' && !(e.value instanceof Uint8Array)) {
    writeSequence(ctx, tag, e.value as readonly Item[], depth);
    return;
  }
  if (isEncapsulated(e.value)) {
    writeEncapsulated(ctx, tag, e.value);
    return;
  }
  const value = encodeValue(e.vr, e.value, ctx);
  const length = value.length + (value.length & 1);
  if (ctx.explicit) {
    const long = LONG_VRS.has(e.vr);
    if (!long && length > 0xffff) {
      throw new RangeError(`${hex(tag)} ${e.vr} is ${length} bytes; its VR allows 65535`);
    }
    w.explicit(tag, e.vr, length, undefined, long);
  } else {
    w.implicit(tag, length);
  }
  if (depth === 0) ctx.slots?.set(tag, { offset: w.length, length });
  w.bytes(value);
  if (value.length & 1) w.u8(e.vr === 'UI' || !TEXT_VRS.has(e.vr) ? 0 : 0x20);
}

function writeSequence(ctx: Ctx, tag: number, items: readonly Item[], depth: number): void {
  const { w } = ctx;
  const undefSeq = ctx.ul.undefinedLengthSequences === true;
  const undefItem = ctx.ul.undefinedLengthItems === true;
  if (ctx.explicit) w.explicit(tag, 'SQ', undefSeq ? UNDEFINED : 0, undefined, true);
  else w.implicit(tag, undefSeq ? UNDEFINED : 0);
  const seqStart = w.length;
  for (const item of items) {
    w.item(undefItem ? UNDEFINED : 0);
    const itemStart = w.length;
    for (const e of sortByTag(item)) writeElement(ctx, e, depth + 1);
    if (undefItem) w.itemDelimiter();
    else w.patchU32(itemStart - 4, w.length - itemStart);
  }
  if (undefSeq) w.sequenceDelimiter();
  else w.patchU32(seqStart - 4, w.length - seqStart);
}

function writeEncapsulated(ctx: Ctx, tag: number, px: Encapsulated): void {
  const { w } = ctx;
  if (ctx.explicit) w.explicit(tag, 'OB', UNDEFINED, undefined, true);
  else w.implicit(tag, UNDEFINED);
  const table = px.offsetTable ?? [];
  w.item(table.length * 4);
  for (const offset of table) w.u32(offset);
  for (const fragment of px.fragments) {
    const odd = fragment.length & 1;
    w.item(fragment.length + odd).bytes(fragment);
    if (odd) w.u8(0);
  }
  w.sequenceDelimiter();
}

function isEncapsulated(v: Value): v is Encapsulated {
  return typeof v === 'object' && !ArrayBuffer.isView(v) && !Array.isArray(v);
}

const TEXT_VRS: ReadonlySet<string> = new Set(
  'AE AS CS DA DS DT IS LO LT PN SH ST TM UC UI UR UT'.split(' '),
);

type Put = (view: DataView, at: number, n: number | bigint, le: boolean) => void;
const u16: Put = (v, at, n, le) => v.setUint16(at, Number(n), le);
const u32: Put = (v, at, n, le) => v.setUint32(at, Number(n), le);
const f32: Put = (v, at, n, le) => v.setFloat32(at, Number(n), le);
const f64: Put = (v, at, n, le) => v.setFloat64(at, Number(n), le);
const u64: Put = (v, at, n, le) => v.setBigUint64(at, BigInt(n), le);
const u8: Put = (v, at, n) => v.setUint8(at, Number(n));

/** Byte size and writer of one number, per binary VR. */
// prettier-ignore
const NUMBERS: Readonly<Record<string, readonly [number, Put]>> = {
  US: [2, u16], OW: [2, u16], SS: [2, (v, at, n, le) => v.setInt16(at, Number(n), le)],
  UL: [4, u32], OL: [4, u32], SL: [4, (v, at, n, le) => v.setInt32(at, Number(n), le)],
  FL: [4, f32], OF: [4, f32], FD: [8, f64], OD: [8, f64],
  UV: [8, u64], OV: [8, u64], SV: [8, (v, at, n, le) => v.setBigInt64(at, BigInt(n), le)],
  AT: [4, (v, at, n, le) => { v.setUint16(at, Number(n) >>> 16, le); v.setUint16(at + 2, Number(n) & 0xffff, le); }],
  OB: [1, u8], UN: [1, u8],
};

const utf8 = new TextEncoder();
const NATIVE_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function encodeValue(vr: Vr, value: Value, ctx: Ctx): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (TEXT_VRS.has(vr)) return encodeText(vr, value, ctx.charset);
  // Pixel data is most of the bytes: when the memory layout already matches, take it whole.
  const wide = value instanceof Uint16Array || value instanceof Int16Array;
  if (wide && NATIVE_LE === ctx.w.littleEndian && (vr === 'OW' || vr === 'US' || vr === 'SS')) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  const spec = NUMBERS[vr];
  if (spec === undefined) throw new TypeError(`cannot encode a value for VR ${vr}`);
  const [size, put] = spec;
  const list = typeof value === 'object' ? (value as ArrayLike<unknown>) : [value];
  const out = new Uint8Array(list.length * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < list.length; i++) {
    const n = list[i];
    if (typeof n !== 'number' && typeof n !== 'bigint') {
      throw new TypeError(`VR ${vr} takes numbers`);
    }
    put(view, i * size, n, ctx.w.littleEndian);
  }
  return out;
}

function encodeText(vr: Vr, value: Value, charset: 'utf-8' | 'latin1'): Uint8Array {
  const list = typeof value === 'object' ? (value as ArrayLike<unknown>) : [value];
  const parts: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v === 'string') parts.push(v);
    else if (typeof v === 'number') parts.push(vr === 'DS' ? formatDS(v) : String(Math.round(v)));
    else throw new TypeError(`VR ${vr} takes text or numbers`);
  }
  const text = parts.join('\\');
  if (charset === 'utf-8') return utf8.encode(text);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new RangeError(`'${text}' is not Latin-1`);
    out[i] = c;
  }
  return out;
}

/** A decimal string of at most 16 characters, as DS requires (PS3.5 6.2). */
export function formatDS(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`DS cannot hold ${n}`);
  let s = String(n);
  for (let p = 15; s.length > 16 && p > 0; p--) s = String(Number(n.toPrecision(p)));
  for (let p = 10; s.length > 16 && p > 0; p--) s = n.toExponential(p);
  return s;
}

function hex(tag: number): string {
  const t = (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return `(${t.slice(0, 4)},${t.slice(4)})`;
}
