// What the de-identification view asks of the app (src/app/deid-service.ts implements it).
import type { DeidProfile } from '../../core/deid/profile';
import type { TrialAttributes } from '../../core/deid/method';

export interface DeidFolder {
  id: string;
  label: string;
}

export interface DeidRequest {
  inputId: string;
  profile: DeidProfile;
  site: string;
  trial: Omit<TrialAttributes, 'timePointId'>;
  passBurnedIn?: string;
  waiveFacialRisk?: string;
}

export interface DeidHeldView {
  path: string;
  category: string;
  series: string;
  reasons: string[];
}

export interface DeidRunView {
  written: number;
  alreadyPresent: number;
  held: number;
  heldByCategory: Record<string, number>;
  skipped: number;
  leakChecked: number;
  leakHeld: number;
  heldFiles: DeidHeldView[];
  skippedFiles: Array<{ path: string; reason: string }>;
  manifestSha256: string;
  megabytesPerSecond: number;
}

export interface PreviewRow {
  tag: string;
  name: string;
  action: string;
  before: string;
  after: string;
}

export interface PreviewSeries {
  uid: string;
  label: string;
}

export interface DeidApi {
  inputFolders(): Promise<DeidFolder[]>;
  /** Opens the folder picker (read-write); resolves to the folder's name, or null. */
  pickOutput(): Promise<string | null>;
  /** The local key's fingerprint; the key is made on first use and never leaves the device. */
  keyFingerprint(): Promise<string>;
  run(req: DeidRequest, onProgress: (done: number, total: number) => void): Promise<DeidRunView>;
  previewSeries(inputId: string): Promise<PreviewSeries[]>;
  preview(seriesUid: string, req: DeidRequest): Promise<PreviewRow[]>;
}
