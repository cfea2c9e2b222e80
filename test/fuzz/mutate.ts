// Structure-aware byte mutations. Pure random bytes die at the preamble check; these aim
// at what a DICOM parser trusts: lengths, VRs, tags, item and delimiter markers, nesting
// and the point where the file ends. Every choice comes from the case's seeded Rng, so a
// (seed, case) pair always rebuilds the same bytes.
import type { Rng } from '../../src/core/demo/random';

export interface Mutated {
  bytes: Uint8Array;
  /** One short phrase per mutation, in order, for the failure report. */
  steps: string[];
}

type Mutation = (b: Uint8Array, r: Rng, donor: Uint8Array) => [Uint8Array, string];

/** Lengths at the edges: zero, odd, undefined, sign bit, near 4 GiB, around the file size. */
function boundaryLength(r: Rng, size: number): number {
  const values = [0, 1, 2, 3, 7, 0xffff, 0xfffe, 0xffffffff, 0xfffffff0, 0x80000000, 0x7fffffff];
  if (r.next() < 0.3) return Math.max(0, size + r.int(-16, 16)) >>> 0;
  return r.pick(values);
}

/** Positions that look like an explicit VR (two upper-case letters after a 4-byte tag). */
function vrPositions(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 4; i + 1 < b.length; i++) {
    const a = b[i] ?? 0;
    const c = b[i + 1] ?? 0;
    if (a >= 0x41 && a <= 0x5a && c >= 0x41 && c <= 0x5a) out.push(i);
  }
  return out;
}

/** Item / delimiter tags in either byte order (FFFE,E000 / E00D / E0DD). */
function markerPositions(b: Uint8Array, kinds: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + 3 < b.length; i++) {
    const le = b[i] === 0xfe && b[i + 1] === 0xff && b[i + 3] === 0xe0;
    const be = b[i] === 0xff && b[i + 1] === 0xfe && b[i + 2] === 0xe0;
    const low = le ? b[i + 2] : be ? b[i + 3] : undefined;
    if (low !== undefined && kinds.includes(low)) out.push(i);
  }
  return out;
}

/** Most of what matters sits in the first few KiB (the header); bias positions there. */
function position(r: Rng, size: number): number {
  if (size === 0) return 0;
  const hot = Math.min(size, 4096);
  return r.next() < 0.75 ? r.int(0, hot - 1) : r.int(0, size - 1);
}

function splice(b: Uint8Array, at: number, cut: number, insert: Uint8Array): Uint8Array {
  // A marker found near the end of a cut-short file may have fewer bytes after it than asked.
  const remove = Math.min(cut, b.length - at);
  const out = new Uint8Array(b.length - remove + insert.length);
  out.set(b.subarray(0, at));
  out.set(insert, at);
  out.set(b.subarray(at + remove), at + insert.length);
  return out;
}

function writeU32(b: Uint8Array, at: number, n: number, le: boolean): void {
  for (let k = 0; k < 4 && at + k < b.length; k++) {
    b[at + k] = (n >>> (le ? 8 * k : 8 * (3 - k))) & 0xff;
  }
}

const bitFlips: Mutation = (b, r) => {
  const n = r.int(1, 8);
  for (let k = 0; k < n && b.length > 0; k++) {
    const at = position(r, b.length);
    b[at] = (b[at] ?? 0) ^ (1 << r.int(0, 7));
  }
  return [b, `flip ${n} bits`];
};

const byteSets: Mutation = (b, r) => {
  const value = r.pick([0x00, 0xff, 0x80, 0x7f, r.int(0, 255)]);
  const at = position(r, b.length);
  const n = Math.min(r.int(1, 4), b.length - at);
  b.fill(value, at, at + n);
  return [b, `set ${n} bytes at ${at} to 0x${value.toString(16)}`];
};

const lengths: Mutation = (b, r) => {
  const vrs = vrPositions(b);
  const items = markerPositions(b, [0x00]);
  const le = r.next() < 0.7;
  const value = boundaryLength(r, b.length);
  let at: number;
  if (vrs.length > 0 && r.next() < 0.6) {
    const vr = r.pick(vrs);
    // Long form: 2 reserved bytes then 32 bits; short form: 16 bits right after the VR.
    if (r.next() < 0.5) at = vr + 4;
    else {
      b[vr + 2] = le ? value & 0xff : (value >>> 8) & 0xff;
      if (vr + 3 < b.length) b[vr + 3] = le ? (value >>> 8) & 0xff : value & 0xff;
      return [b, `16-bit length at ${vr + 2} = 0x${(value & 0xffff).toString(16)}`];
    }
  } else if (items.length > 0 && r.next() < 0.5) at = r.pick(items) + 4;
  else at = position(r, b.length) & ~1;
  writeU32(b, at, value, le);
  return [b, `32-bit length at ${at} = 0x${value.toString(16)} ${le ? 'LE' : 'BE'}`];
};

const truncate: Mutation = (b, r) => {
  const at = position(r, b.length);
  return [b.slice(0, at), `truncate at ${at}`];
};

/**
 * A byte range to copy or cut: half the time whole explicit-VR elements (from one element
 * start to a later one), which keeps the rest aligned so the parser goes on past it.
 */
function range(b: Uint8Array, r: Rng, max: number): [number, number] {
  const starts = vrPositions(b).map((p) => p - 4);
  if (starts.length > 1 && r.next() < 0.5) {
    const i = r.int(0, starts.length - 2);
    const from = starts[i] ?? 0;
    const to = starts[Math.min(starts.length - 1, i + r.int(1, 4))] ?? from;
    return [from, to - from];
  }
  const from = position(r, b.length);
  return [from, Math.min(r.int(1, max), b.length - from)];
}

const duplicate: Mutation = (b, r) => {
  const [from, n] = range(b, r, 512);
  const vrs = vrPositions(b);
  const at = vrs.length > 0 && r.next() < 0.5 ? r.pick(vrs) - 4 : position(r, b.length);
  return [splice(b, at, 0, b.slice(from, from + n)), `duplicate ${n} bytes from ${from} at ${at}`];
};

const insert: Mutation = (b, r) => {
  const n = r.int(1, 64);
  const fill = r.pick([0x00, 0xff, -1]);
  const bytes = new Uint8Array(n).map(() => (fill < 0 ? r.int(0, 255) : fill));
  const at = position(r, b.length);
  return [splice(b, at, 0, bytes), `insert ${n} bytes (${fill}) at ${at}`];
};

const remove: Mutation = (b, r) => {
  const [at, n] = range(b, r, 256);
  return [splice(b, at, n, new Uint8Array(0)), `delete ${n} bytes at ${at}`];
};

const spliceDonor: Mutation = (b, r, donor) => {
  const from = position(r, donor.length);
  const n = Math.min(r.int(4, 1024), donor.length - from);
  const chunk = donor.slice(from, from + n);
  const at = position(r, b.length);
  if (r.next() < 0.5) {
    return [splice(b, at, 0, chunk), `insert donor bytes ${from}+${n} at ${at}`];
  }
  return [splice(b, at, Math.min(n, b.length - at), chunk), `overwrite with donor ${from}+${n}`];
};

const VR_NAMES = ['SQ', 'UN', 'OB', 'OW', 'UT', 'UC', 'UR', 'OV', 'SV', 'AT', 'US', 'FD', 'DS'];

const vrs: Mutation = (b, r) => {
  const at = vrPositions(b);
  if (at.length === 0) return bitFlips(b, r, b);
  const i = r.pick(at);
  const letters =
    r.next() < 0.5
      ? r.pick(VR_NAMES)
      : String.fromCharCode(r.int(0x41, 0x5a)) + String.fromCharCode(r.int(0x41, 0x7a));
  b[i] = letters.charCodeAt(0);
  b[i + 1] = letters.charCodeAt(1);
  return [b, `VR at ${i} = ${letters}`];
};

const tagSwap: Mutation = (b, r) => {
  const at = vrPositions(b);
  if (at.length < 2) return bitFlips(b, r, b);
  const x = r.pick(at) - 4;
  const y = r.pick(at) - 4;
  const tx = b.slice(x, x + 4);
  b.copyWithin(x, y, y + 4);
  b.set(tx, y);
  return [b, `swap tags at ${x} and ${y}`];
};

/** Opens undefined-length SQ + item pairs at an element boundary, closing some or none. */
const nesting: Mutation = (b, r) => {
  const at = vrPositions(b);
  const where = at.length > 0 ? r.pick(at) - 4 : position(r, b.length);
  const le = r.next() < 0.8;
  const depth = r.pick([1, 2, 5, 63, 64, 65, r.int(1, 200)]);
  const closed = r.int(0, depth);
  const u32 = (n: number): number[] => {
    const bytes = [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
    return le ? bytes : bytes.reverse();
  };
  const tag = (g: number, e: number): number[] =>
    le ? [g & 0xff, g >>> 8, e & 0xff, e >>> 8] : [g >>> 8, g & 0xff, e >>> 8, e & 0xff];
  const open = [...tag(0x0040, 0x0275), 0x53, 0x51, 0, 0, 0xff, 0xff, 0xff, 0xff];
  const item = [...tag(0xfffe, 0xe000), ...u32(0xffffffff)];
  const close = [...tag(0xfffe, 0xe00d), ...u32(0), ...tag(0xfffe, 0xe0dd), ...u32(0)];
  const bytes: number[] = [];
  for (let k = 0; k < depth; k++) bytes.push(...open, ...item);
  for (let k = 0; k < closed; k++) bytes.push(...close);
  return [
    splice(b, where, 0, new Uint8Array(bytes)),
    `nest ${depth} (closed ${closed}) at ${where}`,
  ];
};

const delimiters: Mutation = (b, r) => {
  const at = markerPositions(b, [0x0d, 0xdd]);
  if (at.length === 0) return truncate(b, r, b);
  const i = r.pick(at);
  if (r.next() < 0.7) return [splice(b, i, 8, new Uint8Array(0)), `remove delimiter at ${i}`];
  // An item tag where the delimiter was: the sequence now never ends.
  b[i + 2] = b[i] === 0xfe ? 0x00 : 0xe0;
  b[i + 3] = b[i] === 0xfe ? 0xe0 : 0x00;
  return [b, `delimiter at ${i} made an item`];
};

const MUTATIONS: readonly Mutation[] = [
  bitFlips,
  byteSets,
  lengths,
  lengths,
  truncate,
  duplicate,
  insert,
  remove,
  spliceDonor,
  vrs,
  tagSwap,
  nesting,
  delimiters,
];

/** Applies 1 to 6 mutations (fewer more often) to a copy of `start`. */
export function mutate(start: Uint8Array, donor: Uint8Array, r: Rng): Mutated {
  let bytes: Uint8Array = start.slice();
  const steps: string[] = [];
  const n = r.pick([1, 1, 2, 2, 3, 4, 6]);
  for (let k = 0; k < n; k++) {
    const [next, step] = r.pick(MUTATIONS)(bytes, r, donor);
    bytes = next;
    steps.push(step);
  }
  return { bytes, steps };
}
