// The ledger bodies of QC (QC-48): a series is named only by a keyed hash (HMAC-SHA-256 of
// its UID under a local key, 32 hex digits), never by its UID or anything identifying.
import { hmacSha256, utf8 } from '../deid/sha256';
import type { Json } from '../ledger/types';
import type { Protocol } from '../protocol/types';
import { hex } from '../protocol/validate';
import type { QcResult } from './engine';

export const seriesRef = (key: Uint8Array, seriesInstanceUid: string): string =>
  hex(hmacSha256(key, utf8(`qc-series:${seriesInstanceUid}`))).slice(0, 32);

export function protocolPublishBody(p: Protocol, sha256: string): { [k: string]: Json } {
  return {
    protocol: p.id,
    version: p.version,
    effectiveDate: p.effectiveDate,
    sha256,
    title: p.title,
  };
}

/** At most this many deviating series are listed in one qc.auto entry (the rest are counted). */
export const MAX_LISTED = 300;

export function qcAutoBody(key: Uint8Array, results: QcResult[]): { [k: string]: Json } {
  const counts = { pass: 0, minor: 0, major: 0, notCheckable: 0, rejected: 0 };
  const deviations: Json[] = [];
  const versions = new Set<number>();
  let protocol = '';
  for (const r of results) {
    if (r.protocolVersion !== null) versions.add(r.protocolVersion);
    protocol ||= r.protocolId ?? '';
    if (r.status === 'not-checkable') counts.notCheckable++;
    else counts[r.status]++;
    if (r.rejected) counts.rejected++;
    if (r.status !== 'pass' && deviations.length < MAX_LISTED)
      deviations.push({
        series: seriesRef(key, r.seriesInstanceUid),
        status: r.status,
        version: r.protocolVersion,
        rules: [...new Set(r.findings.map((f) => f.rule))].sort(),
      });
  }
  return {
    protocol: protocol || '-',
    versions: [...versions].sort((a, b) => a - b),
    counts,
    deviations,
    unlisted: Math.max(0, results.filter((r) => r.status !== 'pass').length - deviations.length),
  };
}

export interface ReviewInput {
  seriesInstanceUid: string;
  protocol: string;
  version: number;
  verdict: 'pass' | 'fail';
  reason: string;
  /** Manual item id -> ticked (the item was checked and is fine). */
  items: Record<string, boolean>;
}

export function qcReviewBody(key: Uint8Array, r: ReviewInput): { [k: string]: Json } {
  return {
    series: seriesRef(key, r.seriesInstanceUid),
    protocol: r.protocol,
    version: r.version,
    verdict: r.verdict,
    reason: r.reason,
    items: { ...r.items },
  };
}
