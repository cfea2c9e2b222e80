// What the fold refused, as the app keeps and shows it: rows stored as evidence (capped,
// since a hostile peer can send endless junk) and rows for the quarantine view.
import { parseEntry } from '../../core/ledger';
import type { AuthorKey, Quarantined } from '../../core/ledger/types';
import type { StoredQuarantine } from '../../core/ports/ledger-store';
import type { QuarantineRow } from '../../ui/state/ledger-api';

export const MAX_STORED_QUARANTINE = 10_000;

/** The reason with the SPEC rule it cites (LEDGER-n), once. */
export function withRule(q: { reason: string; rule?: string }): string {
  return q.rule && !q.reason.endsWith(`(${q.rule})`) ? `${q.reason} (${q.rule})` : q.reason;
}

/** Rows to store for newly quarantined items, at most `room` of them (the first ones). */
export function heldRows(
  study: string,
  quarantined: readonly Quarantined[],
  room: number,
): StoredQuarantine[] {
  return quarantined.slice(0, Math.max(0, room)).map((q) => ({
    study,
    id: q.id,
    code: q.code,
    reason: withRule(q),
    source: q.source,
    text:
      typeof q.entry === 'string'
        ? q.entry.slice(0, 1024)
        : JSON.stringify(q.entry ?? null).slice(0, 1024),
  }));
}

/** Stored rows of earlier sessions and this session's, once each, for the view. */
export function quarantineRows(
  stored: readonly StoredQuarantine[],
  live: readonly Quarantined[],
  nameOf: (author: AuthorKey) => string,
): QuarantineRow[] {
  const rows: QuarantineRow[] = [];
  const seen = new Set<string>();
  const items = [...stored.map((q) => ({ ...q, entry: q.text as unknown })), ...live];
  for (const q of items) {
    const reason = withRule(q);
    const key = `${q.id}\n${q.code}\n${q.id ? '' : reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const parsed =
      typeof q.entry === 'string' || typeof q.entry === 'object' ? parseLoose(q.entry) : null;
    rows.push({
      id: q.id,
      author: parsed?.author ?? null,
      authorName: parsed?.author ? nameOf(parsed.author) : null,
      type: parsed?.type ?? null,
      utc: parsed?.ts ? safeIso(parsed.ts) : null,
      code: q.code,
      reason,
      source: q.source,
    });
  }
  return rows;
}

function parseLoose(input: unknown): { author?: string; type?: string; ts?: unknown } | null {
  const r = parseEntry(input);
  if (r.ok) return r.entry;
  try {
    const o = (typeof input === 'string' ? JSON.parse(input) : input) as Record<string, unknown>;
    if (!o || typeof o !== 'object') return null;
    return {
      author: typeof o.author === 'string' ? o.author.slice(0, 200) : undefined,
      type: typeof o.type === 'string' ? o.type.slice(0, 64) : undefined,
      ts: o.ts,
    };
  } catch {
    return null;
  }
}

function safeIso(ts: unknown): string | null {
  const t = ts as { ms?: unknown; c?: unknown };
  if (!t || typeof t.ms !== 'number' || !Number.isFinite(t.ms)) return null;
  try {
    return new Date(t.ms).toISOString();
  } catch {
    return null;
  }
}
