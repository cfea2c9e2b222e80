// The held list, one row per series and reason (DEID-90): what was held, how many files,
// and what the person can do about it. Decisions are made in the review queue only.
import type { DeidHeldView } from './deid-api';

export interface HeldGroup {
  /** Remapped series UID ('' when the file did not parse far enough to have one). */
  series: string;
  category: string;
  files: number;
  reasons: string[];
  /** Input paths (shown here, on this device only). */
  paths: string[];
  /** Whether a decision in the review queue can release these files. */
  decidable: boolean;
  /** What the person can do, in words. */
  todo: string;
}

const TODO: Record<string, { decidable: boolean; todo: string }> = {
  'burned-in': {
    decidable: true,
    todo: 'Answer it in the review queue (mask, exclude, or confirm clean), then run again.',
  },
  facial: {
    decidable: true,
    todo: 'Answer it in the review queue (defaced, waive or exclude), then run again.',
  },
  excluded: {
    decidable: true,
    todo: 'Excluded on review: withdraw that decision in the review queue to include it.',
  },
  site: {
    decidable: false,
    todo: 'No decision to make: add a folder-to-site rule (or the patient to the mapping with a site), then run again.',
  },
  pseudonym: {
    decidable: false,
    todo: 'No decision to make: add the patient to the subject mapping, then run again.',
  },
  leak: {
    decidable: false,
    todo: 'No decision to make: the profile keeps an identifying value; change the profile, then run again.',
  },
  unsafe: {
    decidable: false,
    todo: 'No decision to make: this file cannot be de-identified safely here (see why); fix or leave out the source.',
  },
  skipped: {
    decidable: false,
    todo: 'No decision to make: not DICOM or unreadable; nothing of it is written.',
  },
};

export function heldGroups(
  held: readonly DeidHeldView[],
  skipped: ReadonlyArray<{ path: string; reason: string }>,
): HeldGroup[] {
  const groups = new Map<string, HeldGroup>();
  const add = (series: string, category: string, reasons: string[], path: string) => {
    const k = `${category}\0${series}\0${series ? '' : reasons.join(';')}`;
    let g = groups.get(k);
    if (!g) {
      const t = TODO[category] ?? TODO.unsafe!;
      g = { series, category, files: 0, reasons: [], paths: [], ...t };
      groups.set(k, g);
    }
    g.files++;
    g.paths.push(path);
    for (const r of reasons) if (!g.reasons.includes(r)) g.reasons.push(r);
  };
  for (const h of held) add(h.series, h.category, h.reasons, h.path);
  for (const s of skipped) add('', 'skipped', [s.reason], s.path);
  return [...groups.values()];
}
