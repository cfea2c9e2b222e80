// What the review queue asks of the app (src/app/deid/review.ts implements it).
import type { Region } from '../../core/deid/pixels/types';
import type { BurnedInAnswer, FacialAnswer, ReviewDecision } from '../../core/deid/run/review';
import type { NoThumbnail, Thumbnail } from '../../core/image/thumbnail';
import type { DeidResult } from './deid-result';

export interface ReviewItem {
  /** SOURCE SeriesInstanceUID: local only, the key of the decision. */
  series: string;
  /**
   * Unique in the queue (DEID-88): series number and description, modality, image count
   * and a short keyed tag of the series, so no two items read alike.
   */
  label: string;
  modality: string;
  bodyPart: string;
  instances: number;
  /** Six hex digits of a keyed hash of the series: tells apart series that look alike. */
  tag: string;
  /** Risk codes, modality and body part: items with the same key are 'similar' (DEID-89). */
  similarKey: string;
  /** Burned-in text risk reasons; empty when not at risk. */
  burnedIn: string[];
  /** Facial risk reasons; empty when not at risk. */
  facial: string[];
  /** The middle instance's middle frame, or why there is none. */
  thumbnail: Thumbnail | NoThumbnail;
  /** Regions the pixel rules would blank on 'Mask', in stored pixels, and the rules' names. */
  ruleRegions: Region[];
  ruleKeep: Region[];
  rules: string[];
  /** Blacklist rules that match: the run holds such images rather than mask them. */
  blacklist: string[];
}

export type ReviewKind = 'burned-in' | 'facial';

export interface DeidReviewApi {
  /** Every series of the input folder at burned-in or facial risk, in archive order. */
  queue(inputId: string): Promise<DeidResult<ReviewItem[], 'input-unavailable'>>;
  /** Decisions saved for this folder (a reload keeps them). */
  load(inputId: string): Promise<Array<[string, ReviewDecision]>>;
  save(inputId: string, decisions: Array<[string, ReviewDecision]>): Promise<void>;
  /** The person's display name from the ledger, for `by`. */
  by(): Promise<string>;
  /**
   * Records one answer in the ledger (deid.review) as it is made: the series by a keyed
   * hash, never its UID. `answer` null: the decision was withdrawn.
   */
  record(
    series: string,
    kind: ReviewKind,
    answer: BurnedInAnswer | FacialAnswer | null,
  ): Promise<void>;
}
