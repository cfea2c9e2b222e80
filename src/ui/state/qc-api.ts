// What the QC and protocol views ask of the app; src/app/qc-service.ts implements it.
import type { ProtocolProblem } from '../../core/protocol/validate';
import type { Protocol } from '../../core/protocol/types';
import type { CheckedValue, QcResult, VisitResult } from '../../core/qc/engine';
import type { ReviewInput } from '../../core/qc/ledger';
import type { CompletenessRow } from '../../core/qc/completeness';
import type { NoThumbnail, Thumbnail } from '../../core/image/thumbnail';
import type { PublishedVersion } from '../../core/ledger/protocol-order';

export interface ProtocolVersionView {
  key: string;
  protocol: Protocol;
  sha256: string;
  /** Pretty-printed canonical file, for export. */
  text: string;
}

export type ImportResult =
  { ok: true; protocol: Protocol; sha256: string } | { ok: false; problems: ProtocolProblem[] };

/**
 * Why QC did not publish or record: a closed code to branch on, a sentence to show.
 * 'version-conflict': another file under the same id and version; 'not-recorded': the ledger
 * refused the entry (the sentence says why); 'not-stored': the local store refused it;
 * 'no-reason': a verdict without a reason.
 */
export type QcRefusalCode = 'version-conflict' | 'not-recorded' | 'not-stored' | 'no-reason';

export interface QcRefusal<C extends QcRefusalCode = QcRefusalCode> {
  ok: false;
  code: C;
  message: string;
}

export type PublishResult =
  | { ok: true; key: string }
  | { ok: false; problems: ProtocolProblem[] }
  | QcRefusal<'version-conflict' | 'not-recorded' | 'not-stored'>;

/**
 * Why no checked values are listed for a series: a closed code to branch on, a sentence to show.
 * 'not-indexed': the series left the index; 'no-instance': it has no instance left to check;
 * 'nothing-compared': no rule compared a value (the sentence is the first finding, or says no
 * rule applies); 'not-read': asking failed (QcState's answer when the call rejects).
 */
export type NoCheckedValuesCode = 'not-indexed' | 'no-instance' | 'nothing-compared' | 'not-read';

export interface NoCheckedValues {
  code: NoCheckedValuesCode;
  reason: string;
}

export interface QcRun {
  series: QcResult[];
  visits: VisitResult[];
  /** Series in the index when the run started. */
  indexed: number;
  /** Per site and field: which series carry it (QC-53). */
  completeness?: CompletenessRow[];
}

export interface QcApi {
  listProtocols(): Promise<ProtocolVersionView[]>;
  /**
   * Every version published so far (the ledger's protocol.publish entries, whoever wrote
   * them, and this device's store): what a new publish must move forward from (LEDGER-26).
   */
  published(): Promise<PublishedVersion[]>;
  /** Validates a file: nothing is stored or recorded. */
  check(text: string): ImportResult;
  /** Validates, records protocol.publish (admin only) and keeps the version locally. */
  publish(text: string): Promise<PublishResult>;
  /** The shipped examples and the demo study's protocol, as file text. */
  examples(): Array<{ name: string; text: string }>;
  run(): Promise<QcRun>;
  /** Records the automatic result set as one qc.auto entry (when it changed since the last). */
  recordAuto(run: QcRun): Promise<boolean>;
  review(input: ReviewInput): Promise<{ ok: true } | QcRefusal<'no-reason' | 'not-recorded'>>;
  /** Every value the rules compared for one series, beside the file's (QC-57), or why none. */
  explain(seriesInstanceUid: string): Promise<CheckedValue[] | NoCheckedValues>;
  /** A middle-slice thumbnail of a series, or why there is none. */
  thumbnail(seriesInstanceUid: string): Promise<Thumbnail | NoThumbnail>;
}
