// "Export updates" / "Import updates" for sites that never connect: a JSONL file of the
// entries the other side lacks. Decoding is tolerant: a line that is not JSON is kept as
// text so the ledger quarantines it (malformed) instead of the whole file failing.
import { canonicalJson } from './canonical';
import { encodeEntry } from './entry';
import type { Entry } from './types';

export const UPDATES_FORMAT = 'trialbench-updates';
/** Far above any study we expect; a file past it is cut, and says so by count. */
export const MAX_UPDATE_ENTRIES = 1_000_000;

export function encodeUpdates(entries: readonly Entry[], study: string): string {
  const header = canonicalJson({
    format: UPDATES_FORMAT,
    version: 1,
    study,
    count: entries.length,
  });
  return [header, ...entries.map(encodeEntry)].join('\n') + '\n';
}

export function decodeUpdates(text: string): { study: string | null; entries: unknown[] } {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    try {
      const list = JSON.parse(trimmed) as unknown;
      if (Array.isArray(list)) return { study: null, entries: list.slice(0, MAX_UPDATE_ENTRIES) };
    } catch {
      // Not one JSON array: read it line by line below.
    }
  }
  let study: string | null = null;
  const entries: unknown[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length && entries.length < MAX_UPDATE_ENTRIES; i++) {
    const line = (lines[i] as string).trim();
    if (!line) continue;
    if (i === 0 || (study === null && line.includes(UPDATES_FORMAT))) {
      try {
        const h = JSON.parse(line) as Record<string, unknown>;
        if (h && h.format === UPDATES_FORMAT) {
          study = typeof h.study === 'string' ? h.study : null;
          continue;
        }
      } catch {
        // Not a header: treated as an entry line.
      }
    }
    // Entries stay text: parseEntry checks the size before it parses.
    entries.push(line);
  }
  return { study, entries };
}
