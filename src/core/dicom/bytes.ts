// Low-level byte building for DICOM encodings: the writer uses it for valid files, and
// test fixtures use it directly to make invalid ones (arbitrary lengths, VR bytes, nesting).
import { LONG_VRS } from './vr';

export { LONG_VRS };

export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(
    /** Byte order of numbers and tags; the file meta group is always little endian. */
    public littleEndian = true,
    initialSize = 4096,
  ) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  get length(): number {
    return this.pos;
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(n: number): this {
    this.ensure(1);
    this.buf[this.pos++] = n & 0xff;
    return this;
  }

  u16(n: number): this {
    this.ensure(2);
    this.view.setUint16(this.pos, n, this.littleEndian);
    this.pos += 2;
    return this;
  }

  u32(n: number): this {
    this.ensure(4);
    this.view.setUint32(this.pos, n >>> 0, this.littleEndian);
    this.pos += 4;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
    return this;
  }

  /** Bytes of a string, one byte per char code (ASCII and Latin-1 only). */
  ascii(s: string): this {
    this.ensure(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i) & 0xff;
    return this;
  }

  /** A tag (group<<16 | element) as two 16-bit numbers. */
  tag(tag: number): this {
    return this.u16(tag >>> 16).u16(tag & 0xffff);
  }

  /** The 128 zero bytes and 'DICM' that open a Part 10 file. */
  preamble(): this {
    return this.zeros(128).ascii('DICM');
  }

  /**
   * An explicit VR element header, then the value. `vr` may be any two bytes; `long`
   * chooses the 2 reserved bytes + 32-bit length form. `length` is written as given, so
   * it may disagree with the value (0xFFFFFFFF is undefined length).
   */
  explicit(
    tag: number,
    vr: string | Uint8Array,
    length: number,
    value?: Uint8Array,
    long?: boolean,
  ): this {
    this.tag(tag);
    if (typeof vr === 'string') this.ascii(vr.slice(0, 2).padEnd(2, ' '));
    else this.bytes(vr.subarray(0, 2));
    if (long ?? (typeof vr === 'string' && LONG_VRS.has(vr))) this.u16(0).u32(length);
    else this.u16(length);
    if (value) this.bytes(value);
    return this;
  }

  /** An implicit VR element: tag, 32-bit length as given, then the value. */
  implicit(tag: number, length: number, value?: Uint8Array): this {
    this.tag(tag).u32(length);
    if (value) this.bytes(value);
    return this;
  }

  /** An item header (FFFE,E000); 0xFFFFFFFF for undefined length. */
  item(length: number): this {
    return this.tag(0xfffee000).u32(length);
  }

  itemDelimiter(): this {
    return this.tag(0xfffee00d).u32(0);
  }

  sequenceDelimiter(): this {
    return this.tag(0xfffee0dd).u32(0);
  }

  /** Overwrite a 32-bit number already written (a length learned after its content). */
  patchU32(at: number, n: number): this {
    this.view.setUint32(at, n >>> 0, this.littleEndian);
    return this;
  }

  /** Overwrite a 16-bit number already written. */
  patchU16(at: number, n: number): this {
    this.view.setUint16(at, n, this.littleEndian);
    return this;
  }

  /** A copy of the bytes written so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** Concatenate byte arrays into one. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
