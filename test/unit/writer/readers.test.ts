// Round trips through independent readers: what we write, DCMTK, pydicom, dcmjs and
// dicom-parser read back with the same values, in every encoding we produce.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import dcmjs from 'dcmjs';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { TS, writePart10, type DataElement } from '../../../src/core/dicom/writer';
import { dcmdump, hasDcmdump, hasPydicom, pydicomJson, tempFiles } from '../../fixtures/tools';
import { canonFromDcmjs, canonFromJson, canonOf, without, type Canon } from './canon';
import { pixels, sampleDataset } from './sample';

interface Case {
  name: string;
  elements: DataElement[];
  bytes: Uint8Array;
  /** Expected canon as a reader of this file should see it. */
  expected: Canon;
}

const isPrivate = (tag: string): boolean => parseInt(tag.slice(0, 4), 16) % 2 === 1;
const isPrivateData = (tag: string): boolean => isPrivate(tag) && tag.slice(4, 6) !== '00';
const extended = (tag: string): boolean => ['00091004', '00091005', '00091006'].includes(tag);

function swap16Hex(hex: string): string {
  return hex.replace(/(..)(..)/g, '$2$1');
}

function cases(): Case[] {
  const out: Case[] = [];
  const le = sampleDataset({ extendedVrs: true, utf8: true });
  out.push({
    name: 'explicit LE, UTF-8, OV/SV/UV',
    elements: le,
    bytes: writePart10(le),
    expected: canonOf(le),
  });

  const be = sampleDataset();
  const beExpected = canonOf(be);
  const px = beExpected['7FE00010'];
  if (px) px.values = px.values.map((h) => swap16Hex(h as string));
  out.push({
    name: 'explicit BE, undefined-length sequences and items',
    elements: be,
    bytes: writePart10(be, {
      transferSyntaxUid: TS.explicitBE,
      undefinedLengthItems: true,
      undefinedLengthSequences: true,
    }),
    expected: beExpected,
  });

  // Implicit VR carries no VR: private data elements can only come back as UN.
  const im = sampleDataset();
  out.push({
    name: 'implicit LE',
    elements: im,
    bytes: writePart10(im, { transferSyntaxUid: TS.implicitLE }),
    expected: without(canonOf(im), isPrivateData),
  });

  const latin: DataElement[] = [
    ...sampleDataset().filter((e) => e.tag !== 0x00100010),
    { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 100' },
    { tag: 0x00100010, vr: 'PN', value: 'GARÇON^HÉLÈNE' },
  ];
  out.push({
    name: 'Latin-1 (ISO_IR 100)',
    elements: latin,
    bytes: writePart10(latin, { charset: 'latin1' }),
    expected: canonOf(latin),
  });

  const deflated = sampleDataset({ utf8: true });
  out.push({
    name: 'deflated explicit LE',
    elements: deflated,
    bytes: writePart10(deflated, {
      transferSyntaxUid: TS.deflatedLE,
      deflate: (b) => new Uint8Array(deflateRawSync(b)),
    }),
    expected: canonOf(deflated),
  });
  return out;
}

const all = cases();

describe.skipIf(!hasDcmdump)('dcmdump (DCMTK) reads what we write', () => {
  it.each(all.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { paths, cleanup } = tempFiles([{ name: 'x.dcm', bytes: c.bytes }]);
    try {
      const r = dcmdump(paths);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('(0002,0013) SH [TRIALBENCH_01]');
      expect(r.stdout).toMatch(/\(0054,0016\) SQ .*#=2/);
    } finally {
      cleanup();
    }
  });
});

describe.skipIf(!hasPydicom)('pydicom reads back the same values', () => {
  it('every case, every element', () => {
    const { paths, cleanup } = tempFiles(all.map((c, i) => ({ name: `${i}.dcm`, bytes: c.bytes })));
    try {
      const read = pydicomJson(paths);
      all.forEach((c, i) => {
        const json = read[i] ?? {};
        expect(json.error, c.name).toBeUndefined();
        let seen = canonFromJson(json);
        seen = without(seen, (t) => t.startsWith('0002'));
        if (c.name === 'implicit LE') {
          expect(seen['00091001']).toEqual({ vr: 'UN', values: ['90eefeff70110100'] });
          seen = without(seen, isPrivateData);
        }
        expect(seen, c.name).toEqual(c.expected);
        const meta = canonFromJson(json);
        expect(meta['00020012']?.values).toEqual(['2.25.320216942264887695943873721350752081840']);
        expect(meta['00020003']?.values).toEqual(['2.25.1234567']);
      });
    } finally {
      cleanup();
    }
  });
});

describe('dcmjs reads back the same values', () => {
  it.each(all.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    if (c.name.startsWith('deflated')) return; // dcmjs inflates with pako; covered by the others
    const buffer = c.bytes.slice().buffer;
    const { dict, meta } = dcmjs.data.DicomMessage.readFile(buffer) as {
      dict: Record<string, unknown>;
      meta: Record<string, { Value: unknown[] }>;
    };
    // dcmjs does not know SV/OV, reads implicit private data as UN, and reports text it
    // decoded from another charset as ISO_IR 192 (it re-encodes to UTF-8).
    const skip = (t: string): boolean =>
      extended(t) || t === '00080005' || (c.name === 'implicit LE' && isPrivateData(t));
    expect(without(canonFromDcmjs(dict), skip)).toEqual(without(c.expected, skip));
    expect(meta['00020010']?.Value[0]).toBeTypeOf('string');
  });
});

describe('dicom-parser reads back the same values', () => {
  it.each(all.filter((c) => !c.name.includes('OV')).map((c) => [c.name, c] as const))(
    '%s',
    (_name, c) => {
      const ds = dicomParser.parseDicom(c.bytes, c.name.startsWith('deflated') ? { inflater } : {});
      expect(ds.string('x00100020')).toBe('MRN-0042');
      expect(ds.floatString('x00180050')).toBe(2.5);
      expect(ds.uint16('x00280011')).toBe(8);
      expect(ds.int32('x00091001', 1)).toBe(70000);
      const seq = ds.elements.x00540016?.items;
      expect(seq?.length).toBe(2);
      expect(seq?.[0]?.dataSet?.string('x00181072')).toBe('093000');
      const px = ds.elements.x7fe00010;
      expect(px?.length).toBe(pixels.byteLength);
      const view = new DataView(
        ds.byteArray.buffer,
        ds.byteArray.byteOffset + (px?.dataOffset ?? 0),
      );
      expect(view.getUint16(2, !c.name.includes('BE'))).toBe(pixels[1]);
    },
  );
});

function inflater(bytes: Uint8Array, position: number): Uint8Array {
  // dicom-parser leaves inflation to the caller; its contract is "return the whole file".
  const body = new Uint8Array(inflateRawSync(bytes.subarray(position)));
  const out = new Uint8Array(position + body.length);
  out.set(bytes.subarray(0, position));
  out.set(body, position);
  return out;
}
