// The writer's own contract: file layout, padding, lengths, slots, refusals, UIDs.
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { UID_LENGTH, uidFrom } from '../../../src/core/dicom/uid';
import {
  ByteWriter,
  IMPLEMENTATION_CLASS_UID,
  formatDS,
  writeDataset,
  writePart10,
  type DataElement,
  type ValueSlot,
} from '../../../src/core/dicom/writer';
import { dcmdump, hasDcmdump, hasPydicom, pydicomRun, tempFiles } from '../../fixtures/tools';

const ascii = (b: Uint8Array): string => String.fromCharCode(...b);
const minimal: DataElement[] = [
  { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7' },
  { tag: 0x00080018, vr: 'UI', value: '2.25.99' },
  { tag: 0x00100010, vr: 'PN', value: 'ODD^NAME' },
];

describe('Part 10 layout', () => {
  const bytes = writePart10(minimal);
  const view = new DataView(bytes.buffer);

  it('opens with 128 zero bytes and DICM', () => {
    expect(bytes.subarray(0, 128).every((b) => b === 0)).toBe(true);
    expect(ascii(bytes.subarray(128, 132))).toBe('DICM');
  });

  it('states the meta group length exactly', () => {
    expect(ascii(bytes.subarray(132, 138))).toBe('\u0002\u0000\u0000\u0000UL');
    const groupLength = view.getUint32(140, true);
    const groupEnd = 144 + groupLength;
    // The dataset (group 0008) starts exactly where the stated length ends.
    expect(view.getUint16(groupEnd, true)).toBe(0x0008);
  });

  it('names our implementation', () => {
    const ds = dicomParser.parseDicom(bytes);
    expect(ds.string('x00020012')).toBe(IMPLEMENTATION_CLASS_UID);
    expect(ds.string('x00020013')).toBe('TRIALBENCH_01');
    expect(ds.string('x00020002')).toBe('1.2.840.10008.5.1.4.1.1.7');
    expect(ds.string('x00020003')).toBe('2.25.99');
    expect(ds.string('x00020010')).toBe('1.2.840.10008.1.2.1');
  });

  it('omits media storage UIDs the dataset lacks', () => {
    const ds = dicomParser.parseDicom(writePart10([{ tag: 0x00100010, vr: 'PN', value: 'X' }]));
    expect(ds.elements.x00020002).toBeUndefined();
    expect(ds.elements.x00020003).toBeUndefined();
  });
});

describe('values', () => {
  it('pads text with a space, UI and binary with NUL, to even lengths', () => {
    const b = writeDataset([
      { tag: 0x00100010, vr: 'PN', value: 'ABC' },
      { tag: 0x00080018, vr: 'UI', value: '1.2.3' },
      { tag: 0x00091010, vr: 'OB', value: new Uint8Array([7]) },
    ]);
    expect(ascii(b)).toContain('1.2.3\u0000');
    expect(ascii(b)).toContain('ABC ');
    expect([...b.subarray(26, 28)]).toEqual([7, 0]); // after UI (14 bytes) and OB's 12-byte header
  });

  it('sorts by tag, including groups above 0x7FFF', () => {
    const b = writeDataset([
      { tag: 0xfffa0010, vr: 'LO', value: 'late' },
      { tag: 0x7fe00010, vr: 'OW', value: new Uint16Array([1]) },
      { tag: 0x00100010, vr: 'PN', value: 'A' },
    ]);
    // 'A ' is 8 + 2 bytes; OW has the 12-byte header and 2 bytes of value.
    const groups = [0, 10, 24].map((at) => new DataView(b.buffer).getUint16(at, true));
    expect(groups).toEqual([0x0010, 0x7fe0, 0xfffa]);
  });

  it('reports where each top-level value lies, so templates can be patched', () => {
    const slots = new Map<number, ValueSlot>();
    const bytes = writePart10(minimal, { slots });
    const s = slots.get(0x00080018);
    expect(s && ascii(bytes.subarray(s.offset, s.offset + s.length))).toBe('2.25.99\u0000');
    const m = slots.get(0x00020003);
    expect(m && ascii(bytes.subarray(m.offset, m.offset + m.length))).toBe('2.25.99\u0000');
  });

  it('refuses what it cannot encode: duplicates, overlong short VRs, non-Latin-1', () => {
    expect(() => writeDataset([...minimal, minimal[0] as DataElement])).toThrow(/duplicate/);
    expect(() => writeDataset([{ tag: 0x00204000, vr: 'LT', value: 'x'.repeat(70000) }])).toThrow(
      RangeError,
    );
    expect(() =>
      writeDataset([{ tag: 0x00100010, vr: 'PN', value: '山田' }], { charset: 'latin1' }),
    ).toThrow(/Latin-1/);
  });

  it('formats DS within 16 characters', () => {
    for (const n of [0.1 + 0.2, -1234567.891011, 1e-12, 1.2345678901234568e17, 2.5, -0]) {
      const s = formatDS(n);
      expect(s.length).toBeLessThanOrEqual(16);
      expect(Math.abs(Number(s) - n)).toBeLessThanOrEqual(Math.abs(n) * 1e-9);
    }
  });
});

describe('encapsulated pixel data', () => {
  const frames = [new Uint8Array([0xff, 0xd8, 1, 2, 3]), new Uint8Array([0xff, 0xd8, 9, 9])];
  const bytes = writePart10(
    [...minimal, { tag: 0x7fe00010, vr: 'OB', value: { fragments: frames, offsetTable: [0, 14] } }],
    { transferSyntaxUid: '1.2.840.10008.1.2.4.50' },
  );

  it('has an offset table, fragments padded to even, and a delimiter', () => {
    const ds = dicomParser.parseDicom(bytes);
    const px = ds.elements.x7fe00010;
    expect(px?.encapsulatedPixelData).toBe(true);
    expect(px?.basicOffsetTable).toEqual([0, 14]);
    expect(px?.fragments?.map((f) => f.length)).toEqual([6, 4]);
    expect([...bytes.subarray(-8)]).toEqual([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
  });

  it.skipIf(!hasDcmdump)('reads in dcmdump', () => {
    const { paths, cleanup } = tempFiles([{ name: 'jpeg.dcm', bytes }]);
    try {
      const r = dcmdump(paths);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/PixelSequence #=3/);
    } finally {
      cleanup();
    }
  });

  it.skipIf(!hasPydicom)('reads in pydicom', () => {
    const { paths, cleanup } = tempFiles([{ name: 'jpeg.dcm', bytes }]);
    try {
      const r = pydicomRun(
        `import sys, pydicom
from pydicom.encaps import generate_pixel_data_frame
ds = pydicom.dcmread(sys.argv[1])
print([f.hex() for f in generate_pixel_data_frame(ds.PixelData, 2)])`,
        paths[0] ?? '',
      );
      expect(r.stderr).toBe('');
      // The odd fragment comes back with its NUL pad byte, as stored.
      expect(r.stdout.trim()).toBe("['ffd801020300', 'ffd80909']");
    } finally {
      cleanup();
    }
  });
});

describe('ByteWriter makes files the writer refuses to', () => {
  it.skipIf(!hasDcmdump)('a declared length past the end is an error for dcmdump', () => {
    const w = new ByteWriter().preamble();
    w.explicit(0x00020010, 'UI', 20).ascii('1.2.840.10008.1.2.1\u0000');
    w.explicit(0x00100010, 'PN', 0xfff0).ascii('DOE^JOHN');
    const { paths, cleanup } = tempFiles([{ name: 'bad.dcm', bytes: w.finish() }]);
    try {
      expect(dcmdump(paths).status).not.toBe(0);
    } finally {
      cleanup();
    }
  });

  it('writes arbitrary VR bytes and raw delimiters', () => {
    const w = new ByteWriter(false);
    w.explicit(0x00100010, new Uint8Array([0, 0xff]), 0)
      .item(0xffffffff)
      .sequenceDelimiter();
    expect([...w.finish()]).toEqual([
      0, 0x10, 0, 0x10, 0, 0xff, 0, 0, 0xff, 0xfe, 0xe0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
      0xe0, 0xdd, 0, 0, 0, 0,
    ]);
  });
});

describe('uidFrom', () => {
  it('is deterministic, 44 characters, a valid 2.25 UID, and spreads', () => {
    const a = uidFrom('seed', 1, 'study');
    expect(a).toBe(uidFrom('seed', 1, 'study'));
    expect(a).toHaveLength(UID_LENGTH);
    expect(a).toMatch(/^2\.25\.[1-9]\d{38}$/);
    expect(BigInt(a.slice(5)) < 1n << 128n).toBe(true);
    const many = new Set(Array.from({ length: 10000 }, (_, i) => uidFrom('seed', i)));
    expect(many.size).toBe(10000);
    expect(uidFrom('seed', 1)).not.toBe(uidFrom('seed', '1', ''));
  });
});
