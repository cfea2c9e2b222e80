// What a person decided about one source series after reviewing it (DEID-32): the contract
// between the review queue in the app, the command line's decisions file, and the run.
import type { Region } from '../pixels/types';

interface Signed {
  /** Why: shown in the output documentation and the audit trail. Required, never blank. */
  justification: string;
  /** Who decided (display name or key fingerprint) and when (ISO 8601). */
  by: string;
  at: string;
}

/** Burned-in text risk: confirmed clean, masked (rule regions plus `regions`), or excluded. */
export interface BurnedInAnswer extends Signed {
  action: 'pass' | 'mask' | 'exclude';
  /** Extra rectangles drawn by the reviewer, in stored pixel coordinates, every frame. */
  regions?: Region[];
}

/** Facial risk: waived, defaced by an attested external tool (named), or excluded. */
export interface FacialAnswer extends Signed {
  action: 'waive' | 'defaced' | 'exclude';
  /** For 'defaced': the external tool and version the attestation names. */
  tool?: string;
}

export interface ReviewDecision {
  burnedIn?: BurnedInAnswer;
  facial?: FacialAnswer;
}

/**
 * Keyed by the SOURCE Series Instance UID: review happens locally on the source data; the
 * output documentation names series only by their remapped UIDs.
 */
export type ReviewDecisions = ReadonlyMap<string, ReviewDecision>;
