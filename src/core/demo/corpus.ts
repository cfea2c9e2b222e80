// Benchmark corpora and parameter-named fixtures. Thousands of files must come out fast:
// each series is encoded once as a template and every instance is a copy with its few
// varying values (UIDs of fixed length, numbers in reserved space) written in place.
import { uidFrom } from '../dicom/uid';
import { TS, encodingOf, formatDS, writePart10, type ValueSlot } from '../dicom/writer';
import {
  instanceElements,
  seriesElements,
  slicePosition,
  sopInstanceUid,
  type SeriesContext,
} from './headers';
import { ctPhantom, flatPhantom, mrPhantom, petPhantom } from './phantom';
import {
  demoPlan,
  fileName,
  type DemoFile,
  type SeriesKind,
  type SeriesPlan,
  type StudyPlan,
} from './plan';
import { el, els, tagOf } from './tags';

export interface CorpusParams {
  modality: 'CT' | 'MR' | 'PT';
  count: number;
  rows: number;
  columns: number;
  seed: number;
  /** Instances per series; default 100. */
  seriesSize?: number;
  /** Draw a phantom per slice (default true); false reuses one buffer per series. */
  phantom?: boolean;
  /** Default explicit VR little endian. */
  transferSyntaxUid?: string;
  /** Folder for the files; default e.g. "ct-corpus". */
  folder?: string;
}

const KIND: Record<CorpusParams['modality'], SeriesKind> = {
  CT: 'ct-cap',
  MR: 'mr-t1c',
  PT: 'pet',
};

export function* syntheticCorpus(p: CorpusParams): Generator<DemoFile> {
  const size = Math.max(1, p.seriesSize ?? 100);
  const ts = p.transferSyntaxUid ?? TS.explicitLE;
  const le = encodingOf(ts) !== 'explicit-be';
  const folder = p.folder ?? `${p.modality.toLowerCase()}-corpus`;
  // One subject and visit from the demo plan give realistic identity and scanner headers.
  const plan = demoPlan({
    seed: p.seed,
    sites: 1,
    subjectsPerSite: 1,
    visits: 1,
    deviations: false,
    brokenFiles: false,
  });
  const subject = plan.subjects[0];
  const visit = subject?.visits[0];
  const base = visit?.studies.find((s) => s.modality === (p.modality === 'PT' ? 'PT' : p.modality));
  if (!subject || !visit || !base) throw new Error('the demo plan always has a subject');
  const study: StudyPlan = { ...base, uid: uidFrom(p.seed, 'corpus', p.modality, 'study') };
  const series = Math.ceil(p.count / size);
  for (let k = 0; k < series; k++) {
    const plannedSeries: SeriesPlan = {
      kind: KIND[p.modality],
      number: k + 1,
      folder: `series-${String(k + 1).padStart(4, '0')}`,
      uid: uidFrom(p.seed, 'corpus', p.modality, 'series', k),
      frameOfReferenceUid: uidFrom(p.seed, 'corpus', p.modality, 'frame', k),
      slices: Math.min(size, p.count - k * size),
      thickness: 5,
      contrast: p.modality !== 'PT',
      missing: null,
      truncated: null,
      time: '120000',
    };
    const ctx: SeriesContext = {
      seed: p.seed,
      subject,
      visit,
      study,
      series: plannedSeries,
      rows: p.rows,
      columns: p.columns,
    };
    const template = seriesTemplate(
      ctx,
      ts,
      p.phantom === false ? flatPhantom(p.rows, p.columns) : null,
    );
    for (let n = 1; n <= plannedSeries.slices; n++) {
      const bytes = template.bytes.slice();
      const uid = sopInstanceUid(ctx, n);
      const { position } = slicePosition(ctx, n);
      template.patch(bytes, 0x00020003, uid, '\0');
      template.patch(bytes, tagOf('SOPInstanceUID'), uid, '\0');
      template.patch(bytes, tagOf('InstanceNumber'), String(n), ' ');
      template.patch(bytes, tagOf('ImagePositionPatient'), position.map(formatDS).join('\\'), ' ');
      template.patch(bytes, tagOf('SliceLocation'), formatDS(position[2] ?? 0), ' ');
      if (p.phantom !== false) template.pixels(bytes, phantomFor(ctx, n), le);
      yield { path: `${folder}/${plannedSeries.folder}/${fileName(n)}`, bytes };
    }
  }
}

function phantomFor(ctx: SeriesContext, n: number): Uint16Array {
  const { z } = slicePosition(ctx, n);
  const { rows, columns } = ctx;
  if (ctx.series.kind === 'mr-t1c') return mrPhantom(rows, columns, z, 't1c');
  if (ctx.series.kind === 'pet') return petPhantom(rows, columns, z);
  return ctPhantom(rows, columns, z, { contrast: true });
}

interface Template {
  bytes: Uint8Array;
  patch(bytes: Uint8Array, tag: number, text: string, pad: string): void;
  pixels(bytes: Uint8Array, px: Uint16Array, littleEndian: boolean): void;
}

function seriesTemplate(ctx: SeriesContext, ts: string, pixels: Uint16Array | null): Template {
  // Reserved space: the longest value each field can take, filled in per instance.
  const reserved = els({
    InstanceNumber: ' '.repeat(10),
    ImagePositionPatient: ' '.repeat(50),
    SliceLocation: ' '.repeat(16),
  });
  const varying = new Set(reserved.map((e) => e.tag));
  const fixed = instanceElements(ctx, 1).filter((e) => !varying.has(e.tag));
  const slots = new Map<number, ValueSlot>();
  const px = pixels ?? new Uint16Array(ctx.rows * ctx.columns);
  const bytes = writePart10([...seriesElements(ctx), ...fixed, ...reserved, el('PixelData', px)], {
    transferSyntaxUid: ts,
    slots,
    charset: ctx.subject.site.charset === 'ISO_IR 100' ? 'latin1' : 'utf-8',
  });
  const slotOf = (tag: number): ValueSlot => {
    const slot = slots.get(tag);
    if (!slot) throw new Error(`no slot for ${tag.toString(16)}`);
    return slot;
  };
  return {
    bytes,
    patch(out, tag, text, pad) {
      const slot = slotOf(tag);
      if (text.length > slot.length) throw new Error(`'${text}' does not fit ${slot.length} bytes`);
      for (let i = 0; i < slot.length; i++) {
        out[slot.offset + i] = i < text.length ? text.charCodeAt(i) : pad.charCodeAt(0);
      }
    },
    pixels(out, values, littleEndian) {
      const slot = slotOf(tagOf('PixelData'));
      if (littleEndian === NATIVE_LE) {
        out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), slot.offset);
        return;
      }
      const view = new DataView(out.buffer, out.byteOffset + slot.offset, slot.length);
      for (let i = 0; i < values.length; i++) view.setUint16(i * 2, values[i] ?? 0, littleEndian);
    },
  };
}

const NATIVE_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const FIXTURE_ID = /^(ct|mr|pt)_(\d+)_(\d+)_16bit_(\d+)slices?(?:_(explicit|implicit|bigendian))?$/;

/**
 * Files named by their parameters (as cornerstone3D does), e.g. "ct_512_512_16bit_3slices"
 * or "mr_64_64_16bit_1slice_implicit": modality, rows, columns, bits, slices, encoding.
 */
export function fixture(id: string, seed = 1): DemoFile[] {
  const m = FIXTURE_ID.exec(id);
  if (!m)
    throw new Error(`unknown fixture id '${id}': want e.g. ct_512_512_16bit_3slices[_implicit]`);
  const [, modality = 'ct', rows = '0', columns = '0', slices = '0', encoding = 'explicit'] = m;
  const ts =
    { explicit: TS.explicitLE, implicit: TS.implicitLE, bigendian: TS.explicitBE }[encoding] ??
    TS.explicitLE;
  return [
    ...syntheticCorpus({
      modality: modality.toUpperCase() as CorpusParams['modality'],
      rows: Number(rows),
      columns: Number(columns),
      count: Number(slices),
      seriesSize: Number(slices),
      seed,
      transferSyntaxUid: ts,
      folder: id,
    }),
  ].map((f) => ({ ...f, path: f.path.replace('/series-0001/', '/') }));
}
