// A read as ledger JSON and back. Ledger JSON has no floats (canonical encoding admits only
// safe integers), so lengths travel as integer micrometres and image points as integer
// thousandths of a pixel. Decoding checks every field: entries come from other peers.
import type { Json } from '../ledger/types';
import type {
  BaselineLesion,
  Blinding,
  FollowUpRead,
  MeasurementInput,
  Meaning,
  NewLesion,
  NonTargetFollowUp,
  NonTargetStatus,
  Read,
  TargetFollowUp,
} from './types';
import { CRITERIA, CRITERIA_VERSION } from './types';

export const READ_FORMAT = 1;
const BLINDINGS: Blinding[] = ['open', 'blinded', 'double-blinded'];
const NT_STATUS: NonTargetStatus[] = ['CR', 'non-CR/non-PD', 'PD', 'NE'];

type Obj = { [key: string]: Json };

function encodeMeasurement(m: MeasurementInput): Obj {
  return {
    sop: m.sopInstanceUid,
    series: m.seriesInstanceUid ?? null,
    frame: m.frame,
    points: m.points.flatMap((p) => [Math.round(p.x * 1000), Math.round(p.y * 1000)]),
    longUm: Math.round(m.longMm * 1000),
    shortUm: m.shortMm === undefined ? null : Math.round(m.shortMm * 1000),
  };
}

function encodeLesion(l: BaselineLesion): Obj {
  return {
    id: l.id,
    kind: l.kind,
    organ: l.organ,
    location: l.location,
    nodal: l.nodal,
    measurement: l.measurement ? encodeMeasurement(l.measurement) : null,
    sliceThicknessUm: l.sliceThicknessMm === null ? null : Math.round(l.sliceThicknessMm * 1000),
  };
}

function encodeTarget(t: TargetFollowUp): Obj {
  switch (t.status) {
    case 'measured':
      return { id: t.id, status: t.status, measurement: encodeMeasurement(t.measurement) };
    case 'split':
      return { id: t.id, status: t.status, parts: t.parts.map(encodeMeasurement) };
    case 'merged':
      return { id: t.id, status: t.status, into: t.into };
    default:
      return { id: t.id, status: t.status };
  }
}

/** The read as the `result` of a read.submit entry (computed values are added by the caller). */
export function encodeRead(r: Read, meaning: Meaning): Obj {
  const head: Obj = {
    format: READ_FORMAT,
    criteria: r.criteria,
    criteriaVersion: r.criteriaVersion,
    protocolVersion: r.protocolVersion,
    blinding: r.blinding,
    meaning,
    subject: r.subject,
    timepoint: r.timepoint,
    day: r.day,
    kind: r.kind,
  };
  if (r.kind === 'baseline') return { ...head, lesions: r.lesions.map(encodeLesion) };
  return {
    ...head,
    targets: r.targets.map(encodeTarget),
    nonTargets: r.nonTargets.map((n) => ({ id: n.id, status: n.status })),
    newLesions: r.newLesions.map((n) => ({ id: n.id, location: n.location, status: n.status })),
  };
}

export type DecodeResult =
  | { ok: true; read: Read; meaning: Meaning }
  | { ok: false; reason: 'unknown-criteria' | 'malformed'; message: string };

class Bad extends Error {}

function obj(v: Json | undefined, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new Bad(`${what} is not an object`);
  return v;
}
function arr(v: Json | undefined, what: string, max = 1000): Json[] {
  if (!Array.isArray(v) || v.length > max) throw new Bad(`${what} is not a list`);
  return v;
}
function str(v: Json | undefined, what: string, max = 256): string {
  if (typeof v !== 'string' || v.length > max) throw new Bad(`${what} is not text`);
  return v;
}
function int(v: Json | undefined, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Bad(`${what} is not an integer`);
  return v;
}
function oneOf<T extends string>(v: Json | undefined, list: readonly T[], what: string): T {
  if (typeof v !== 'string' || !(list as readonly string[]).includes(v))
    throw new Bad(`${what} is unknown`);
  return v as T;
}

function decodeMeasurement(v: Json | undefined): MeasurementInput {
  const o = obj(v, 'measurement');
  const pts = arr(o.points, 'points', 16).map((p) => int(p, 'point') / 1000);
  if (pts.length % 2) throw new Bad('points are not pairs');
  const points = [];
  for (let i = 0; i < pts.length; i += 2) points.push({ x: pts[i]!, y: pts[i + 1]! });
  const m: MeasurementInput = {
    sopInstanceUid: str(o.sop, 'sop', 64),
    frame: int(o.frame, 'frame'),
    points,
    longMm: int(o.longUm, 'longUm') / 1000,
  };
  if (o.series !== null) m.seriesInstanceUid = str(o.series, 'series', 64);
  if (o.shortUm !== null) m.shortMm = int(o.shortUm, 'shortUm') / 1000;
  return m;
}

function decodeLesion(v: Json): BaselineLesion {
  const o = obj(v, 'lesion');
  if (typeof o.nodal !== 'boolean') throw new Bad('nodal is not a flag');
  return {
    id: str(o.id, 'lesion id', 16),
    kind: oneOf(o.kind, ['target', 'non-target'] as const, 'lesion kind'),
    organ: str(o.organ, 'organ'),
    location: str(o.location, 'location'),
    nodal: o.nodal,
    measurement: o.measurement === null ? null : decodeMeasurement(o.measurement),
    sliceThicknessMm: o.sliceThicknessUm === null ? null : int(o.sliceThicknessUm, 'slice') / 1000,
  };
}

function decodeTarget(v: Json): TargetFollowUp {
  const o = obj(v, 'target');
  const id = str(o.id, 'target id', 16);
  const status = oneOf(
    o.status,
    ['measured', 'absent', 'too-small', 'not-evaluable', 'split', 'merged'] as const,
    'target status',
  );
  switch (status) {
    case 'measured':
      return { id, status, measurement: decodeMeasurement(o.measurement) };
    case 'split':
      return { id, status, parts: arr(o.parts, 'parts', 8).map(decodeMeasurement) };
    case 'merged':
      return { id, status, into: str(o.into, 'into', 16) };
    default:
      return { id, status };
  }
}

/** The read inside a read.submit entry's `result` (RECIST-1: other criteria are refused). */
export function decodeRead(v: Json): DecodeResult {
  try {
    const o = obj(v, 'result');
    if (
      o.criteria !== CRITERIA ||
      o.criteriaVersion !== CRITERIA_VERSION ||
      o.format !== READ_FORMAT
    )
      return {
        ok: false,
        reason: 'unknown-criteria',
        message: `This version knows ${CRITERIA} ${CRITERIA_VERSION} reads (format ${READ_FORMAT}) only.`,
      };
    const head = {
      criteria: CRITERIA,
      criteriaVersion: CRITERIA_VERSION,
      protocolVersion: str(o.protocolVersion, 'protocol version'),
      blinding: oneOf(o.blinding, BLINDINGS, 'blinding'),
      subject: str(o.subject, 'subject', 64),
      timepoint: str(o.timepoint, 'timepoint', 64),
      day: int(o.day, 'day'),
    };
    const meaning = oneOf(o.meaning, ['read', 'adjudication'] as const, 'meaning');
    const kind = oneOf(o.kind, ['baseline', 'follow-up'] as const, 'kind');
    if (kind === 'baseline')
      return {
        ok: true,
        meaning,
        read: { ...head, kind, lesions: arr(o.lesions, 'lesions', 64).map(decodeLesion) },
      };
    const read: FollowUpRead = {
      ...head,
      kind,
      targets: arr(o.targets, 'targets', 16).map(decodeTarget),
      nonTargets: arr(o.nonTargets, 'non-targets', 64).map((n): NonTargetFollowUp => {
        const x = obj(n, 'non-target');
        return { id: str(x.id, 'non-target id', 16), status: oneOf(x.status, NT_STATUS, 'status') };
      }),
      newLesions: arr(o.newLesions, 'new lesions', 64).map((n): NewLesion => {
        const x = obj(n, 'new lesion');
        return {
          id: str(x.id, 'new lesion id', 16),
          location: str(x.location, 'location'),
          status: oneOf(x.status, ['equivocal', 'unequivocal'] as const, 'status'),
        };
      }),
    };
    return { ok: true, meaning, read };
  } catch (e) {
    if (e instanceof Bad)
      return { ok: false, reason: 'malformed', message: `The read ${e.message}.` };
    throw e;
  }
}
