// What the viewer UI asks of a rendering engine. The UI owns this port (it uses DOM types);
// src/adapters/viewer implements it over Cornerstone3D and src/app wires it in, lazily.
import type { Calibration, MeasurementEvent } from '../../core/image/measurement';
import type { GeometryProblem } from '../../core/image/viewing';
import type { SliceMeta } from '../../core/image/slice-meta';

/** One image file of a series and what the index says of it (null: its header is read). */
export interface StackEntry {
  file: File;
  meta: SliceMeta | null;
}

export type ToolName =
  'windowLevel' | 'pan' | 'zoom' | 'scroll' | 'length' | 'bidirectional' | 'ellipse';

export const MEASURE_TOOLS: readonly ToolName[] = ['length', 'bidirectional', 'ellipse'];

export interface StackInfo {
  total: number;
  modality: string;
  seriesDescription: string;
  /** Shown only when the read is not blinded. */
  institution: string;
  studyDate: string;
  calibration: Calibration;
  /** Positions along the slice normal (mm), null when the geometry does not allow it. */
  along: (number | null)[];
  problems: { code: GeometryProblem; message: string }[];
  /** Files that could not be read as DICOM at all, with why. */
  unreadable: { name: string; reason: string }[];
}

export interface PaneState {
  /** The slice the person is on: it moves at once, without waiting for a decode. */
  index: number;
  /** The slice whose image is on screen: `index`, or the nearest decoded one meanwhile. */
  shown: number | null;
  total: number;
  /** Position of the shown slice along the normal (mm), or null. */
  position: number | null;
  window: { width: number; center: number } | null;
  invert: boolean;
  zoom: number;
  /** Why the current slice shows no image (decoder, corrupt frame), or null. */
  error: string | null;
  /** True once the current slice (`index`) itself has been drawn. */
  rendered: boolean;
}

export interface ProbeValue {
  x: number;
  y: number;
  value: number;
  unit: string;
}

export interface PaneListener {
  state(s: PaneState): void;
  measure(e: MeasurementEvent): void;
}

export interface Pane {
  load(entries: StackEntry[]): Promise<StackInfo>;
  setIndex(i: number): void;
  scroll(delta: number): void;
  setTool(t: ToolName): void;
  setWindow(width: number, center: number): void;
  autoWindow(): void;
  invert(): void;
  zoomBy(factor: number): void;
  panBy(dx: number, dy: number): void;
  reset(): void;
  probe(clientX: number, clientY: number): ProbeValue | null;
  setLabel(id: string, label: string): void;
  removeMeasurement(id: string): void;
  destroy(): void;
}

export interface ViewerEngine {
  /** 'gpu' (WebGL2) or 'cpu' (Cornerstone3D's canvas path). */
  readonly backend: 'gpu' | 'cpu';
  createPane(element: HTMLDivElement, listener: PaneListener): Pane;
}

export type LoadEngine = () => Promise<ViewerEngine>;
