// LEDGER-26: protocol versions only move forward. A version is never edited, only
// superseded, so a `protocol.publish` must name a higher version than the last one published
// for the same protocol id, and may not take effect before it. One function says this for the
// fold (judged against the publishes in the entry's causal past), the CLI verifier (which
// replays the fold) and the app's publish action (which asks it before signing).
import type { Entry, Json } from './types';

export interface PublishedVersion {
  protocol: string;
  version: number;
  /** YYYY-MM-DD: text order is date order. */
  effectiveDate: string;
}

/** Closed: which of the two ways a publish goes backwards. */
export type PublishOrderCode = 'version-not-newer' | 'effective-before-superseded';

export interface PublishOrderProblem {
  code: PublishOrderCode;
  /** The reason in words, naming both versions (and both dates). */
  reason: string;
}

/** The publish body's fields this rule reads, when they have the policy's shape. */
export function publishedOf(body: { [key: string]: Json }): PublishedVersion | null {
  const { protocol, version, effectiveDate } = body;
  return typeof protocol === 'string' &&
    typeof version === 'number' &&
    typeof effectiveDate === 'string'
    ? { protocol, version, effectiveDate }
    : null;
}

/** Every `protocol.publish` among `entries` (e.g. a ledger's accepted ones). */
export function publishedVersions(entries: readonly Entry[]): PublishedVersion[] {
  const out: PublishedVersion[] = [];
  for (const e of entries) {
    if (e.type !== 'protocol.publish') continue;
    const p = publishedOf(e.body);
    if (p) out.push(p);
  }
  return out;
}

/** The highest version published of `protocol`, or null. */
export function lastPublished(
  published: Iterable<PublishedVersion>,
  protocol: string,
): PublishedVersion | null {
  let last: PublishedVersion | null = null;
  for (const p of published)
    if (p.protocol === protocol && (!last || p.version > last.version)) last = p;
  return last;
}

/** Null when `next` may follow what is published; else why not, with a closed code. */
export function publishOrderProblem(
  published: Iterable<PublishedVersion>,
  next: PublishedVersion,
): PublishOrderProblem | null {
  const last = lastPublished(published, next.protocol);
  if (!last) return null;
  if (next.version <= last.version)
    return {
      code: 'version-not-newer',
      reason: `${next.protocol} version ${next.version} is not newer than version ${last.version}, already published: a version is never edited, only superseded by version ${last.version + 1} or later`,
    };
  if (next.effectiveDate < last.effectiveDate)
    return {
      code: 'effective-before-superseded',
      reason: `${next.protocol} version ${next.version} takes effect ${next.effectiveDate}, before ${last.effectiveDate}, when version ${last.version} (which it supersedes) took effect`,
    };
  return null;
}
