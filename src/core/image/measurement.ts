// The viewer's measurements as other parts of the app (RECIST reads, SR export) see them.
// Pure data in core, so core (RECIST) and the UI can both use it; no Cornerstone types leak.
// Coordinates are image pixels (column x, row y, 0-based, pixel centres at integers).
import type { RoiSuv } from '../qc/suv';

/** How the millimetres were obtained. `none` means no mm value may be given. */
export type Calibration =
  | { kind: 'pixel-spacing'; rowMm: number; colMm: number }
  | { kind: 'imager-pixel-spacing'; rowMm: number; colMm: number; note: string }
  | { kind: 'none'; reason: string };

export type MeasurementKind = 'length' | 'bidirectional' | 'ellipse';

export interface ImagePoint {
  x: number;
  y: number;
}

export interface RoiStats {
  mean: number;
  sd: number;
  min: number;
  max: number;
  /** Number of pixels inside the ROI. */
  count: number;
  /**
   * 'HU' for CT, 'Bq/ml' for PET in activity concentration (modality LUT applied to both),
   * otherwise '' (the stored values' unit is not known).
   */
  unit: string;
  /** Area in mm² (absent when uncalibrated). */
  areaMm2?: number;
  /** PET only: SUV (body weight) of the region, or why it cannot be computed. */
  suv?: RoiSuv;
}

export interface Measurement {
  /** Stable within a viewer session (Cornerstone annotation UID). */
  id: string;
  kind: MeasurementKind;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  /** 0-based frame number within the instance (0 for single-frame). */
  frame: number;
  /**
   * length: [p1, p2]; bidirectional: [long1, long2, short1, short2];
   * ellipse: [top, bottom, left, right] of the ellipse's bounding axes.
   */
  points: ImagePoint[];
  /** Long axis (length; bidirectional long axis; ellipse: larger axis) in mm. */
  longMm: number;
  /** Bidirectional short axis (perpendicular) in mm; ellipse: smaller axis. */
  shortMm?: number;
  stats?: RoiStats;
  label?: string;
  calibration: Calibration;
}

/** What the viewer emits; `removed` carries only the id. */
export type MeasurementEvent =
  | { type: 'added' | 'modified' | 'completed'; measurement: Measurement }
  | { type: 'removed'; id: string };

export type OnMeasure = (event: MeasurementEvent) => void;
