// The start files every mutation begins from: valid files made by code, covering each
// transfer syntax the parser distinguishes, defined and undefined lengths, nested
// sequences (PET's RadiopharmaceuticalInformationSequence), encapsulated pixel data, a
// DICOMDIR and a file large enough to take the prefix-reading path. Mutating valid files
// reaches deep parser states that random bytes never would.
import { deflateRawSync } from 'node:zlib';
import { fixture } from '../../src/core/demo/archive';
import { instanceElements, seriesElements, type SeriesContext } from '../../src/core/demo/headers';
import { flatPhantom } from '../../src/core/demo/phantom';
import { demoPlan, type SeriesPlan } from '../../src/core/demo/plan';
import { el } from '../../src/core/demo/tags';
import { TS, writePart10, type DataElement, type Part10Options } from '../../src/core/dicom/writer';
import { hostileCases } from '../fixtures/hostile';

export interface StartFile {
  name: string;
  bytes: Uint8Array;
}

const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
const DICOMDIR = '1.2.840.10008.1.3.10';

interface Variant {
  name: string;
  opts: Part10Options;
  encapsulated?: boolean;
}

const deflate = (b: Uint8Array): Uint8Array => new Uint8Array(deflateRawSync(b));

// Undefined lengths appear in a different encoding each time, so delimiter mutations have
// targets in explicit LE, implicit LE and big endian alike.
const VARIANTS: readonly Variant[] = [
  { name: 'explicit-le', opts: { transferSyntaxUid: TS.explicitLE } },
  {
    name: 'implicit-le-undefined',
    opts: {
      transferSyntaxUid: TS.implicitLE,
      undefinedLengthSequences: true,
      undefinedLengthItems: true,
    },
  },
  {
    name: 'explicit-be-undefined-sq',
    opts: { transferSyntaxUid: TS.explicitBE, undefinedLengthSequences: true },
  },
  { name: 'deflated', opts: { transferSyntaxUid: TS.deflatedLE, deflate } },
  {
    name: 'jpeg-encapsulated',
    opts: { transferSyntaxUid: JPEG_BASELINE, undefinedLengthItems: true },
    encapsulated: true,
  },
];

/** One instance of each demo series kind (CT, MR T1c, FLAIR, PET, PET/CT) in each variant. */
function demoSeriesFiles(): StartFile[] {
  const plan = demoPlan({
    seed: 11,
    sites: 1,
    subjectsPerSite: 1,
    visits: 1,
    rows: 16,
    columns: 16,
    deviations: false,
    brokenFiles: false,
  });
  const subject = plan.subjects[0];
  const visit = subject?.visits[0];
  if (!subject || !visit) throw new Error('the demo plan always has a subject and a visit');
  const out: StartFile[] = [];
  for (const study of visit.studies) {
    for (const series of study.series) {
      const ctx: SeriesContext = { seed: 11, subject, visit, study, series, rows: 16, columns: 16 };
      const elements: DataElement[] = [...seriesElements(ctx), ...instanceElements(ctx, 1)];
      const charset = subject.site.charset === 'ISO_IR 100' ? 'latin1' : 'utf-8';
      for (const v of VARIANTS) {
        const pixels = v.encapsulated
          ? el('PixelData', { fragments: [jpegLike(series), new Uint8Array([0xff, 0xd9])] })
          : el('PixelData', flatPhantom(16, 16));
        out.push({
          name: `demo-${series.kind}-${v.name}`,
          bytes: writePart10([...elements, pixels], { ...v.opts, charset }),
        });
      }
    }
  }
  return out;
}

/** A few bytes that start like a JPEG, varied per series so fragments differ. */
function jpegLike(series: SeriesPlan): Uint8Array {
  return new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, series.number & 0xff, 0x4a, 0x46, 0]);
}

/** A DICOMDIR with two directory records, one nested under the other by offset. */
function dicomdir(): StartFile {
  const record = (type: string, extra: DataElement[]): DataElement[] => [
    { tag: 0x00041400, vr: 'UL', value: 0 },
    { tag: 0x00041410, vr: 'US', value: 0xffff },
    { tag: 0x00041420, vr: 'UL', value: 0 },
    { tag: 0x00041430, vr: 'CS', value: type },
    ...extra,
  ];
  const bytes = writePart10(
    [
      { tag: 0x00041130, vr: 'CS', value: 'TRIALBENCH' },
      { tag: 0x00041200, vr: 'UL', value: 0 },
      { tag: 0x00041202, vr: 'UL', value: 0 },
      { tag: 0x00041212, vr: 'US', value: 0 },
      {
        tag: 0x00041220,
        vr: 'SQ',
        value: [
          record('PATIENT', [{ tag: 0x00100020, vr: 'LO', value: 'FUZZ-1' }]),
          record('STUDY', [{ tag: 0x0020000d, vr: 'UI', value: '2.25.1234' }]),
        ],
      },
    ],
    { mediaStorageSopClassUid: DICOMDIR, mediaStorageSopInstanceUid: '2.25.99' },
  );
  return { name: 'dicomdir', bytes };
}

let cached: StartFile[] | null = null;

/** The start files, made once per process (the same bytes every time). */
export function startFiles(): StartFile[] {
  if (cached) return cached;
  const fixtures = [
    // Over indexing's 256 KiB whole-file threshold: exercises prefix reads and need-more.
    'ct_384_384_16bit_1slice',
    'mr_24_24_16bit_1slice_implicit',
    'pt_24_24_16bit_1slice_bigendian',
    'pt_24_24_16bit_1slice',
  ].map((id) => {
    const [f] = fixture(id, 5);
    if (!f) throw new Error(`fixture ${id} made no file`);
    return { name: `fixture-${id}`, bytes: f.bytes };
  });
  const hostile = hostileCases()
    .filter((c) => c.expect === 'instance')
    .map((c) => ({ name: `hostile-${c.name}`, bytes: c.bytes }));
  cached = [...demoSeriesFiles(), ...fixtures, ...hostile, dicomdir()];
  return cached;
}
