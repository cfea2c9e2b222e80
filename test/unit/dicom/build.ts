// A tiny byte builder for test fixtures, independent of the project's writer so that a
// bug in one cannot hide a bug in the other. It writes whatever it is told, including
// invalid lengths and VRs.
export interface Enc {
  explicitVR: boolean;
  littleEndian: boolean;
}
export const EXPLICIT_LE: Enc = { explicitVR: true, littleEndian: true };
export const IMPLICIT_LE: Enc = { explicitVR: false, littleEndian: true };
export const EXPLICIT_BE: Enc = { explicitVR: true, littleEndian: false };

export interface El {
  tag: number;
  vr: string;
  value?: Uint8Array | string;
  /** Sequence items; each item is a list of elements. */
  items?: El[][];
  /** Write the sequence / items with undefined length and delimiters. */
  undefinedLength?: boolean;
  /** Write this length instead of the true one (invalid fixtures). */
  length?: number;
  /** Override the 2 VR bytes (invalid fixtures). */
  vrBytes?: [number, number];
  /** Encode the items of this element with another encoding (UN sequences). */
  itemEnc?: Enc;
}

const LONG = new Set([
  'OB',
  'OD',
  'OF',
  'OL',
  'OV',
  'OW',
  'SQ',
  'SV',
  'UC',
  'UN',
  'UR',
  'UT',
  'UV',
]);

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
}

/** Text value padded to even length: UI with NUL, others with space. */
export function text(s: string, vr = 'LO'): Uint8Array {
  const b = new TextEncoder().encode(s);
  if (b.length % 2 === 0) return b;
  return concat([b, Uint8Array.of(vr === 'UI' ? 0 : 0x20)]);
}

function u16(n: number, little: boolean): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, n, little);
  return b;
}
function u32(n: number, little: boolean): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, little);
  return b;
}
function tagBytes(tag: number, little: boolean): Uint8Array {
  return concat([u16(tag >>> 16, little), u16(tag & 0xffff, little)]);
}

export function numbers(vr: string, values: (number | bigint)[], little = true): Uint8Array {
  const size =
    { US: 2, SS: 2, UL: 4, SL: 4, FL: 4, FD: 8, UV: 8, SV: 8, OW: 2, OL: 4, OF: 4, OD: 8, OV: 8 }[
      vr
    ] ?? 1;
  const b = new Uint8Array(size * values.length);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => {
    const p = i * size;
    if (vr === 'US' || vr === 'OW') v.setUint16(p, Number(x), little);
    else if (vr === 'SS') v.setInt16(p, Number(x), little);
    else if (vr === 'UL' || vr === 'OL') v.setUint32(p, Number(x), little);
    else if (vr === 'SL') v.setInt32(p, Number(x), little);
    else if (vr === 'FL' || vr === 'OF') v.setFloat32(p, Number(x), little);
    else if (vr === 'FD' || vr === 'OD') v.setFloat64(p, Number(x), little);
    else if (vr === 'UV' || vr === 'OV') v.setBigUint64(p, BigInt(x), little);
    else if (vr === 'SV') v.setBigInt64(p, BigInt(x), little);
    else b[p] = Number(x);
  });
  return b;
}

export function element(el: El, enc: Enc): Uint8Array {
  const little = enc.littleEndian;
  let value: Uint8Array;
  if (el.items) {
    const itemEnc = el.itemEnc ?? enc;
    const items = el.items.map((item) => {
      const body = dataset(item, itemEnc);
      return el.undefinedLength
        ? concat([
            tagBytes(0xfffee000, itemEnc.littleEndian),
            u32(0xffffffff, itemEnc.littleEndian),
            body,
            tagBytes(0xfffee00d, itemEnc.littleEndian),
            u32(0, itemEnc.littleEndian),
          ])
        : concat([
            tagBytes(0xfffee000, itemEnc.littleEndian),
            u32(body.length, itemEnc.littleEndian),
            body,
          ]);
    });
    value = el.undefinedLength
      ? concat([...items, tagBytes(0xfffee0dd, itemEnc.littleEndian), u32(0, itemEnc.littleEndian)])
      : concat(items);
  } else if (typeof el.value === 'string') value = text(el.value, el.vr);
  else value = el.value ?? new Uint8Array(0);
  const length = el.length ?? (el.undefinedLength ? 0xffffffff : value.length);
  const head: Uint8Array[] = [tagBytes(el.tag, little)];
  if (enc.explicitVR) {
    head.push(el.vrBytes ? Uint8Array.from(el.vrBytes) : ascii(el.vr));
    if (LONG.has(el.vr)) head.push(new Uint8Array(2), u32(length, little));
    else head.push(u16(length, little));
  } else head.push(u32(length, little));
  return concat([...head, value]);
}

export function dataset(els: El[], enc: Enc): Uint8Array {
  return concat(els.map((e) => element(e, enc)));
}

export interface Part10Options {
  preamble?: boolean;
  groupLength?: boolean;
  transferSyntax?: string | null;
  sopClass?: string;
  /** Replace the dataset bytes (e.g. deflated). */
  body?: Uint8Array;
}

/** A Part 10 file: preamble, DICM, meta group (explicit LE), then the dataset. */
export function part10(els: El[], enc: Enc, tsUid: string, opts: Part10Options = {}): Uint8Array {
  const metaEls: El[] = [
    { tag: 0x00020001, vr: 'OB', value: Uint8Array.of(0, 1) },
    { tag: 0x00020002, vr: 'UI', value: opts.sopClass ?? '1.2.840.10008.5.1.4.1.1.2' },
    { tag: 0x00020003, vr: 'UI', value: '1.2.3.4.5.6' },
  ];
  const ts = opts.transferSyntax === undefined ? tsUid : opts.transferSyntax;
  if (ts !== null) metaEls.push({ tag: 0x00020010, vr: 'UI', value: ts });
  metaEls.push({ tag: 0x00020012, vr: 'UI', value: '1.2.3.999' });
  let meta = dataset(metaEls, EXPLICIT_LE);
  if (opts.groupLength !== false) {
    meta = concat([
      element({ tag: 0x00020000, vr: 'UL', value: numbers('UL', [meta.length]) }, EXPLICIT_LE),
      meta,
    ]);
  }
  const head =
    opts.preamble === false ? ascii('DICM') : concat([new Uint8Array(128), ascii('DICM')]);
  return concat([head, meta, opts.body ?? dataset(els, enc)]);
}

/** A small, valid image dataset named by its parameters, e.g. ct(2, 2). */
export function ct(rows: number, columns: number, extra: El[] = []): El[] {
  const els: El[] = [
    { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 100' },
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
    { tag: 0x00080018, vr: 'UI', value: '1.2.3.4.5.6' },
    { tag: 0x00080020, vr: 'DA', value: '20240102' },
    { tag: 0x00080060, vr: 'CS', value: 'CT' },
    { tag: 0x00080070, vr: 'LO', value: 'ACME' },
    { tag: 0x00100010, vr: 'PN', value: 'Doe^Jane' },
    { tag: 0x00100020, vr: 'LO', value: 'PAT-1' },
    { tag: 0x00180050, vr: 'DS', value: '2.5' },
    { tag: 0x0020000d, vr: 'UI', value: '1.2.3.4' },
    { tag: 0x0020000e, vr: 'UI', value: '1.2.3.4.5' },
    { tag: 0x00200011, vr: 'IS', value: '3' },
    { tag: 0x00200013, vr: 'IS', value: '7' },
    { tag: 0x00280010, vr: 'US', value: numbers('US', [rows]) },
    { tag: 0x00280011, vr: 'US', value: numbers('US', [columns]) },
    { tag: 0x00280100, vr: 'US', value: numbers('US', [16]) },
    ...extra,
  ];
  els.sort((a, b) => a.tag - b.tag);
  els.push({ tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(rows * columns * 2) });
  return els;
}

/** Big-endian variant of numeric values inside a fixture. */
export function ctBigEndian(rows: number, columns: number): El[] {
  return ct(rows, columns).map((e) =>
    e.vr === 'US' && e.value instanceof Uint8Array
      ? { ...e, value: numbers('US', [new DataView(e.value.buffer).getUint16(0, true)], false) }
      : e,
  );
}

export function source(bytes: Uint8Array): {
  size: number;
  read(a: number, b: number): Promise<Uint8Array>;
  reads: [number, number][];
} {
  const reads: [number, number][] = [];
  return {
    size: bytes.length,
    reads,
    read: async (a, b) => {
      reads.push([a, b]);
      return bytes.slice(a, b);
    },
  };
}
