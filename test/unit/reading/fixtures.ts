// Reads made by code, named by what they contain.
import type {
  BaselineLesion,
  BaselineRead,
  FollowUpRead,
  MeasurementInput,
  NewLesion,
  NonTargetStatus,
  TargetFollowUp,
} from '../../../src/core/reading';

export function m(longMm: number, shortMm?: number, sop = '2.25.1'): MeasurementInput {
  const out: MeasurementInput = {
    sopInstanceUid: sop,
    frame: 0,
    points: [
      { x: 10.5, y: 20.25 },
      { x: 30, y: 40 },
    ],
    longMm,
  };
  if (shortMm !== undefined) out.shortMm = shortMm;
  return out;
}

export function target(
  id: string,
  organ: string,
  longMm: number,
  opts: { nodal?: boolean; shortMm?: number; thickness?: number } = {},
): BaselineLesion {
  return {
    id,
    kind: 'target',
    organ,
    location: `${organ} ${id}`,
    nodal: opts.nodal ?? false,
    measurement: m(longMm, opts.shortMm),
    sliceThicknessMm: opts.thickness ?? null,
  };
}

export function node(id: string, shortMm: number, longMm = shortMm + 5): BaselineLesion {
  return target(id, 'lymph node', longMm, { nodal: true, shortMm });
}

export function nonTarget(id: string, organ: string, nodal = false): BaselineLesion {
  return {
    id,
    kind: 'non-target',
    organ,
    location: organ,
    nodal,
    measurement: null,
    sliceThicknessMm: null,
  };
}

export function baseline(lesions: BaselineLesion[]): BaselineRead {
  return {
    kind: 'baseline',
    criteria: 'RECIST',
    criteriaVersion: '1.1',
    protocolVersion: 'P-1.0',
    blinding: 'blinded',
    subject: 'TB-SUBJ01',
    timepoint: 'TP0',
    day: 0,
    lesions,
  };
}

export function followUp(
  day: number,
  targets: TargetFollowUp[],
  nonTargets: [string, NonTargetStatus][] = [],
  newLesions: NewLesion[] = [],
): FollowUpRead {
  return {
    kind: 'follow-up',
    criteria: 'RECIST',
    criteriaVersion: '1.1',
    protocolVersion: 'P-1.0',
    blinding: 'blinded',
    subject: 'TB-SUBJ01',
    timepoint: `D${day}`,
    day,
    targets,
    nonTargets: nonTargets.map(([id, status]) => ({ id, status })),
    newLesions,
  };
}

export const meas = (id: string, longMm: number, shortMm?: number): TargetFollowUp => ({
  id,
  status: 'measured',
  measurement: m(longMm, shortMm),
});
