// The read form's rows and the read they stand for. A row holds what the reader typed or
// measured, as text (a 1-based image number in a series, diameters in mm); the read holds
// image references and numbers. ReadingState keeps the rows; these turn them into the read
// and a read back into rows, given the open timepoint's series.
import type {
  BaselineLesion,
  BaselineRead,
  FollowUpRead,
  ImagePoint,
  LesionKind,
  MeasurementInput,
  NewLesion,
  NonTargetStatus,
  TargetFollowUp,
  TargetStatus,
} from '../../core/reading';
import type { ReadingTimepoint } from './reading-api';

/** Where a measurement was made, as the form holds it (1-based image number in a series). */
export interface Position {
  seriesRef: string;
  image: string;
  points: ImagePoint[];
  frame: number;
}

export interface LesionRow extends Position {
  id: string;
  kind: LesionKind;
  organ: string;
  location: string;
  nodal: boolean;
  longMm: string;
  shortMm: string;
}

export interface TargetRow extends Position {
  id: string;
  nodal: boolean;
  status: TargetStatus;
  longMm: string;
  shortMm: string;
  /** Split: the fragments' diameters in mm, comma separated (long axis; short for nodes). */
  parts: string;
  into: string;
}

export interface NonTargetRow {
  id: string;
  status: NonTargetStatus;
}

export interface NewLesionRow {
  id: string;
  location: string;
  status: 'equivocal' | 'unequivocal';
}

/** What the viewer reports (its `Measurement`, structurally): see src/ui/reading/from-viewer.ts. */
export interface ViewerMeasurementLike {
  sopInstanceUid: string;
  frame: number;
  points: ImagePoint[];
  longMm: number;
  shortMm?: number;
  calibration: { kind: string; reason?: string };
}

type Timepoint = ReadingTimepoint | null;

const num = (s: string): number | undefined => {
  const t = s.trim().replace(',', '.');
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : NaN;
};

function emptyPosition(): Position {
  return { seriesRef: '', image: '', points: [], frame: 0 };
}

/** The middle image of the timepoint's first series, until the reader picks another. */
export function defaultPosition(tp: Timepoint): Position {
  const first = tp?.series[0];
  return {
    ...emptyPosition(),
    seriesRef: first?.seriesRef ?? '',
    image: first ? String(Math.ceil(first.images.length / 2)) : '',
  };
}

/** A read's measurement as the form's position: its series and 1-based image number. */
function rowPosition(tp: Timepoint, m: MeasurementInput | null): Position {
  if (!m) return emptyPosition();
  for (const s of tp?.series ?? []) {
    const i = s.images.findIndex((img) => img.ref === m.sopInstanceUid);
    if (i >= 0)
      return { seriesRef: s.seriesRef, image: String(i + 1), points: m.points, frame: m.frame };
  }
  return { ...emptyPosition(), points: m.points, frame: m.frame };
}

/** Where on this timepoint's series a viewer measurement was made, or null: not of it. */
export function viewerPosition(tp: Timepoint, m: ViewerMeasurementLike): Position | null {
  for (const s of tp?.series ?? []) {
    const i = s.images.findIndex((img) => img.sopInstanceUid === m.sopInstanceUid);
    if (i < 0) continue;
    return {
      seriesRef: s.seriesRef,
      image: String(i + 1),
      points: m.points,
      frame: m.frame,
    };
  }
  return null;
}

function position(tp: Timepoint, p: Position): Omit<MeasurementInput, 'longMm'> | null {
  const series = tp?.series.find((s) => s.seriesRef === p.seriesRef);
  const n = Number(p.image);
  const img = series && Number.isInteger(n) && n >= 1 ? series.images[n - 1] : undefined;
  return {
    sopInstanceUid: img?.ref ?? '',
    seriesInstanceUid: series?.seriesRef,
    frame: p.frame,
    points: p.points,
  };
}

function measurement(
  tp: Timepoint,
  p: Position,
  longMm: string,
  shortMm: string,
): MeasurementInput | null {
  const l = num(longMm);
  if (l === undefined) return null;
  const pos = position(tp, p);
  if (!pos) return null;
  const m: MeasurementInput = { ...pos, longMm: l };
  if (m.seriesInstanceUid === undefined) delete m.seriesInstanceUid;
  const s = num(shortMm);
  if (s !== undefined) m.shortMm = s;
  return m;
}

/** A baseline form's lesions as the read's. */
export function baselineLesionsOf(tp: Timepoint, rows: LesionRow[]): BaselineLesion[] {
  return rows.map((l) => ({
    id: l.id.trim(),
    kind: l.kind,
    organ: l.nodal ? 'lymph node' : l.organ.trim(),
    location: l.location.trim(),
    nodal: l.nodal,
    measurement: measurement(tp, l, l.longMm, l.shortMm),
    sliceThicknessMm: tp?.series.find((s) => s.seriesRef === l.seriesRef)?.sliceThicknessMm ?? null,
  }));
}

/** A follow-up form's targets as the read's: a measured row without a diameter is not evaluable. */
export function targetsOf(tp: Timepoint, rows: TargetRow[]): TargetFollowUp[] {
  return rows.map((t): TargetFollowUp => {
    switch (t.status) {
      case 'measured': {
        const m = measurement(tp, t, t.longMm, t.shortMm);
        return m
          ? { id: t.id, status: 'measured', measurement: m }
          : { id: t.id, status: 'not-evaluable' };
      }
      case 'split': {
        const pos = position(tp, t);
        const parts = t.parts
          .split(/[;\s]+/)
          .map((x) => num(x))
          .filter((x): x is number => x !== undefined)
          .map((v) => ({ ...pos!, longMm: v, ...(t.nodal ? { shortMm: v } : {}) }));
        return { id: t.id, status: 'split', parts };
      }
      case 'merged':
        return { id: t.id, status: 'merged', into: t.into };
      default:
        return { id: t.id, status: t.status };
    }
  });
}

export function newLesionsOf(rows: NewLesionRow[]): NewLesion[] {
  return rows.map((n) => ({
    id: n.id.trim(),
    location: n.location.trim(),
    status: n.status,
  }));
}

/** A new follow-up form: a row per target of my baseline read, each to be measured. */
export function blankTargetRows(tp: Timepoint, b: BaselineRead | null): TargetRow[] {
  return (b?.lesions ?? [])
    .filter((l) => l.kind === 'target')
    .map((l) => ({
      ...defaultPosition(tp),
      id: l.id,
      nodal: l.nodal,
      status: 'measured',
      longMm: '',
      shortMm: '',
      parts: '',
      into: '',
    }));
}

/** A new follow-up form: a row per non-target of my baseline read. */
export function blankNonTargetRows(b: BaselineRead | null): NonTargetRow[] {
  return (b?.lesions ?? [])
    .filter((l) => l.kind === 'non-target')
    .map((l) => ({ id: l.id, status: 'non-CR/non-PD' }));
}

/** A baseline read's lesions as the form's rows. */
export function lesionRowsOf(tp: Timepoint, r: BaselineRead): LesionRow[] {
  return r.lesions.map((l) => ({
    ...rowPosition(tp, l.measurement),
    id: l.id,
    kind: l.kind,
    organ: l.organ,
    location: l.location,
    nodal: l.nodal,
    longMm: l.measurement ? String(l.measurement.longMm) : '',
    shortMm: l.measurement?.shortMm !== undefined ? String(l.measurement.shortMm) : '',
  }));
}

/** A follow-up read's targets as the form's rows; whether each is a node is the baseline's. */
export function targetRowsOf(
  tp: Timepoint,
  r: FollowUpRead,
  lesions: readonly BaselineLesion[],
): TargetRow[] {
  const nodal = { get: (id: string) => lesions.find((l) => l.id === id)?.nodal };
  return r.targets.map((t) => {
    const m =
      t.status === 'measured' ? t.measurement : t.status === 'split' ? (t.parts[0] ?? null) : null;
    return {
      ...rowPosition(tp, m),
      id: t.id,
      nodal: nodal.get(t.id) ?? false,
      status: t.status,
      longMm: t.status === 'measured' ? String(t.measurement.longMm) : '',
      shortMm:
        t.status === 'measured' && t.measurement.shortMm !== undefined
          ? String(t.measurement.shortMm)
          : '',
      parts:
        t.status === 'split'
          ? t.parts.map((p) => String(nodal.get(t.id) ? p.shortMm : p.longMm)).join('; ')
          : '',
      into: t.status === 'merged' ? t.into : '',
    };
  });
}
