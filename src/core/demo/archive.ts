// The built-in demo: a small multi-site trial archive made entirely by code, with planted
// identifiers, protocol deviations and broken files. It is what the app opens when there
// is no real archive, and the corpus the tests and e2e suites assert against.
import { writePart10, type ValueSlot } from '../dicom/writer';
import { instanceElements, seriesElements, slicePosition, type SeriesContext } from './headers';
import { ctPhantom, mrPhantom, petPhantom } from './phantom';
import {
  demoPlan,
  fileName,
  instanceNumbers,
  seriesPath,
  type DemoFile,
  type DemoParams,
  type DemoPlan,
} from './plan';
import { rng } from './random';
import { el, tagOf } from './tags';

export { syntheticCorpus, fixture, type CorpusParams } from './corpus';
export { demoPlan, DEFAULT_PARAMS, type DemoFile, type DemoParams, type DemoPlan } from './plan';

export interface DemoSummary {
  /** Every file in the tree, broken ones included. */
  files: number;
  /** Files that must index as valid instances. */
  instances: number;
  series: number;
  studies: number;
  subjects: number;
  sites: number;
  /** Files that must not index (truncated, not DICOM), with the expected problem. */
  broken: DemoPlan['broken'];
  deviations: DemoPlan['deviations'];
}

/** Expected counts for an archive, from its plan alone (no bytes are made). */
export function demoArchiveSummary(params: Partial<DemoParams> = {}): DemoSummary {
  const plan = demoPlan(params);
  let instances = 0;
  let series = 0;
  let studies = 0;
  for (const subject of plan.subjects) {
    for (const visit of subject.visits) {
      for (const study of visit.studies) {
        let studyHasInstances = false;
        for (const s of study.series) {
          const valid = instanceNumbers(s).filter((n) => n !== s.truncated).length;
          instances += valid;
          if (valid > 0) series++;
          studyHasInstances ||= valid > 0;
        }
        if (studyHasInstances) studies++;
      }
    }
  }
  return {
    files: instances + plan.broken.length,
    instances,
    series,
    studies,
    subjects: plan.subjects.length,
    sites: new Set(plan.subjects.map((s) => s.site.id)).size,
    broken: plan.broken,
    deviations: plan.deviations,
  };
}

export function* demoArchive(params: Partial<DemoParams> = {}): Generator<DemoFile> {
  const plan = demoPlan(params);
  const p = plan.params;
  if (p.brokenFiles) yield* notDicomFiles(plan);
  for (const subject of plan.subjects) {
    for (const visit of subject.visits) {
      for (const study of visit.studies) {
        for (const series of study.series) {
          const ctx: SeriesContext = {
            seed: p.seed,
            subject,
            visit,
            study,
            series,
            rows: p.rows,
            columns: p.columns,
          };
          const header = seriesElements(ctx);
          const dir = seriesPath(subject, visit, series);
          const charset = subject.site.charset === 'ISO_IR 100' ? 'latin1' : 'utf-8';
          for (const n of instanceNumbers(series)) {
            const slots = new Map<number, ValueSlot>();
            const bytes = writePart10(
              [
                ...header,
                ...instanceElements(ctx, n),
                el('PixelData', pixels(ctx, n, visit.lesion)),
              ],
              { charset, slots },
            );
            yield {
              path: `${dir}/${fileName(n)}`,
              bytes: n === series.truncated ? truncate(bytes, slots) : bytes,
            };
          }
        }
      }
    }
  }
}

function pixels(ctx: SeriesContext, instance: number, lesion: number): Uint16Array {
  const { z } = slicePosition(ctx, instance);
  const { rows, columns, series: s } = ctx;
  switch (s.kind) {
    case 'ct-cap':
      return ctPhantom(rows, columns, z, { contrast: s.contrast, lesion });
    case 'pet-ct':
      return ctPhantom(rows, columns, z, { contrast: false, lesion });
    case 'mr-t1c':
      return mrPhantom(rows, columns, z, 't1c', { lesion });
    case 'mr-flair':
      return mrPhantom(rows, columns, z, 'flair', { lesion });
    case 'pet':
      return petPhantom(rows, columns, z, { lesion });
  }
}

/** A file cut inside a header value, as an interrupted copy leaves it. */
function truncate(bytes: Uint8Array, slots: Map<number, ValueSlot>): Uint8Array {
  const slot = slots.get(tagOf('StudyDescription'));
  if (!slot) throw new Error('StudyDescription is always written');
  return bytes.slice(0, slot.offset + Math.floor(slot.length / 2));
}

function* notDicomFiles(plan: DemoPlan): Generator<DemoFile> {
  const encoder = new TextEncoder();
  for (const b of plan.broken) {
    if (b.path.endsWith('README.txt')) {
      const text = [
        `Synthetic demo archive made by Trialbench (seed ${plan.params.seed}).`,
        'Every name, date, address and identifier in it is invented.',
        'Layout: site/subject/visit/series/IMnnnnn.dcm. This file is not DICOM, on purpose.',
        '',
      ].join('\n');
      yield { path: b.path, bytes: encoder.encode(text) };
    } else if (b.path.endsWith('.jpg')) {
      // A JPEG-looking blob: SOI and a JFIF APP0 header, then noise.
      const r = rng(plan.params.seed, b.path);
      const body = Uint8Array.from({ length: 2048 }, () => r.int(0, 255));
      const head = [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01];
      body.set(head);
      body.set([0xff, 0xd9], body.length - 2);
      yield { path: b.path, bytes: body };
    }
  }
}
