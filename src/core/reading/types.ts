// The shapes of a RECIST 1.1 read: what a reader records. Everything derived from these
// (sums, nadir, responses) is computed by ./recist.ts and never typed (RECIST-24).
// Lengths arrive in millimetres (what a caliper shows) and are computed in integer
// micrometres, so the 20 % / 30 % / 5 mm thresholds are exact, not floating-point guesses.

export const CRITERIA = 'RECIST' as const;
export const CRITERIA_VERSION = '1.1' as const;

/** A point in image pixel coordinates (column, row), as the viewer reports it. */
export interface ImagePoint {
  x: number;
  y: number;
}

/**
 * One caliper measurement as the read form receives it, from the viewer (via a thin
 * adapter over its `Measurement`) or typed by hand. The UIDs are those of the
 * de-identified (or blinded) image the reader saw (RECIST-26).
 */
export interface MeasurementInput {
  sopInstanceUid: string;
  seriesInstanceUid?: string;
  /** 0-based frame in a multi-frame instance; 0 otherwise. */
  frame: number;
  /** Long axis [p1, p2], then the short axis [p3, p4] when bidirectional. May be empty for manual entry. */
  points: ImagePoint[];
  longMm: number;
  shortMm?: number;
}

export type LesionKind = 'target' | 'non-target';

export interface BaselineLesion {
  /** Stable across the subject's reads, e.g. "T1", "NT2" (RECIST-8). */
  id: string;
  kind: LesionKind;
  /** Organ, e.g. "liver"; nodal lesions all count as the organ "lymph node" (RECIST-3). */
  organ: string;
  location: string;
  nodal: boolean;
  /** Required for targets; optional for non-targets. */
  measurement: MeasurementInput | null;
  /** Slice thickness of the series it was measured on, mm (RECIST-6), when known. */
  sliceThicknessMm: number | null;
}

/** A target lesion at follow-up (RECIST-10, RECIST-11). */
export type TargetFollowUp =
  | { id: string; status: 'measured'; measurement: MeasurementInput }
  | { id: string; status: 'absent' }
  | { id: string; status: 'too-small' }
  | { id: string; status: 'not-evaluable' }
  | { id: string; status: 'split'; parts: MeasurementInput[] }
  | { id: string; status: 'merged'; into: string };

export type TargetStatus = TargetFollowUp['status'];

/** A non-target lesion at follow-up, as the reader judges it (RECIST-18). */
export type NonTargetStatus = 'CR' | 'non-CR/non-PD' | 'PD' | 'NE';

export interface NonTargetFollowUp {
  id: string;
  status: NonTargetStatus;
}

/** A new lesion (RECIST-19); its id stays the same when an equivocal one is seen again. */
export interface NewLesion {
  id: string;
  location: string;
  status: 'equivocal' | 'unequivocal';
}

export type Blinding = 'open' | 'blinded' | 'double-blinded';
export type Meaning = 'read' | 'adjudication';

/** What every read says about itself (RECIST-1). */
export interface ReadHeader {
  criteria: typeof CRITERIA;
  criteriaVersion: typeof CRITERIA_VERSION;
  protocolVersion: string;
  blinding: Blinding;
  /** Trial subject ID or keyed subject reference; never a patient identifier (RECIST-26). */
  subject: string;
  /** Timepoint label, e.g. "TP1"; never a date. */
  timepoint: string;
  /** Days from the baseline scan (0 at baseline): intervals, not dates. */
  day: number;
}

export interface BaselineRead extends ReadHeader {
  kind: 'baseline';
  lesions: BaselineLesion[];
}

export interface FollowUpRead extends ReadHeader {
  kind: 'follow-up';
  targets: TargetFollowUp[];
  nonTargets: NonTargetFollowUp[];
  newLesions: NewLesion[];
}

export type Read = BaselineRead | FollowUpRead;

/** Study-level settings for the computation (RECIST-10, RECIST-22, RECIST-23). */
export interface RecistSettings {
  /** Value given to a target "too small to measure": 5 mm by default. */
  tooSmallMm: number;
  /** Best overall response needs CR/PR confirmed by a later assessment. */
  confirmation: boolean;
  /** Minimum interval for a confirmation, in days (4 weeks). */
  confirmDays: number;
  /** Minimum time from baseline for SD to count as best response, in days. */
  minSdDays: number;
}

export const DEFAULT_SETTINGS: RecistSettings = {
  tooSmallMm: 5,
  confirmation: false,
  confirmDays: 28,
  minSdDays: 42,
};

export type TargetResponse = 'CR' | 'PR' | 'SD' | 'PD' | 'NE';
/** 'none' when the subject had no non-target lesions at baseline. */
export type NonTargetResponse = 'CR' | 'non-CR/non-PD' | 'PD' | 'NE' | 'none';
export type NewLesionCall = 'none' | 'equivocal' | 'unequivocal';
export type OverallResponse = 'CR' | 'PR' | 'SD' | 'non-CR/non-PD' | 'PD' | 'NE';
