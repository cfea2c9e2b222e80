// One subject's timeline, joined in time order from the index (acquisitions) and the
// ledger (every entry that names the subject), with the time between steps. Pure.
import type { AuditRow } from '../state/ledger-api';
import { elapsed, roleWords } from './words';

export interface TimelineLine {
  /** ISO 8601 UTC (a date alone for an acquisition: its time zone is not recorded). */
  utc: string;
  /** The same moment in the reader's local time. */
  local: string;
  who: string;
  role: string;
  what: string;
  /** The ledger entry's hash; null for an acquisition (from the DICOM headers). */
  hash: string | null;
  source: 'acquisition' | 'ledger';
  /** The step of the subject's way this line is ("de-identified"), or null for other entries. */
  step: string | null;
  /** Time since the line before ("2 d 4 h"); null for the first. */
  sincePrevious: string | null;
}

/** The steps of a subject's way from acquisition to review, by entry type. */
const STEPS: Record<string, string> = {
  'folder.open': 'indexed',
  'folder.scan': 'indexed',
  'workspace.import': 'brought into the study',
  'deid.review': 'reviewed for de-identification',
  'deid.run': 'de-identified',
  'qc.auto': 'checked by QC',
  'qc.review': 'QC reviewed',
  'read.assign': 'assigned for reading',
  'read.submit': 'read',
};

export interface Acquisition {
  utc: string;
  what: string;
}

export function buildTimeline(
  rows: readonly AuditRow[],
  acquired: readonly Acquisition[],
  local: (utc: string) => string,
): TimelineLine[] {
  const lines = [
    ...acquired.map((a) => ({
      utc: a.utc,
      who: 'scanner (DICOM header)',
      role: 'acquisition',
      what: a.what,
      hash: null,
      source: 'acquisition' as const,
      step: 'acquired',
    })),
    ...rows.map((r) => ({
      utc: r.utc,
      who: r.authorName,
      role: roleWords(r.role),
      what: r.reason ? `${r.summary} (reason: ${r.reason})` : r.summary,
      hash: r.id,
      source: 'ledger' as const,
      step: STEPS[r.type] ?? null,
    })),
  ];
  // Stable: lines at one time keep the fold's order, acquisitions first.
  lines.sort((a, b) => a.utc.localeCompare(b.utc));
  return lines.map((l, i) => {
    const before = lines[i - 1];
    const gap = before ? Date.parse(l.utc) - Date.parse(before.utc) : NaN;
    return {
      ...l,
      local: /T/.test(l.utc) ? local(l.utc) : l.utc,
      sincePrevious: before && Number.isFinite(gap) ? elapsed(gap) : null,
    };
  });
}

/** The steps from the first acquisition to the last entry: "acquired -> last step: 2 d 4 h". */
export function span(lines: readonly TimelineLine[]): string | null {
  const first = lines.find((l) => l.source === 'acquisition') ?? lines[0];
  const last = lines.at(-1);
  if (!first || !last || first === last) return null;
  const ms = Date.parse(last.utc) - Date.parse(first.utc);
  return Number.isFinite(ms)
    ? `${first.source === 'acquisition' ? 'acquired' : 'first entry'} -> last step: ${elapsed(ms)}`
    : null;
}

/**
 * The time between the steps of a subject's way, each step at its first line, in the order
 * reached: "acquired -> indexed: 2 d 4 h", "indexed -> de-identified: 12 min", and from
 * acquisition to the last step reached when more than two steps were.
 */
export function stepGaps(lines: readonly TimelineLine[]): string[] {
  const firsts: TimelineLine[] = [];
  for (const l of lines) if (l.step && !firsts.some((f) => f.step === l.step)) firsts.push(l);
  const out: string[] = [];
  const gap = (a: TimelineLine | undefined, b: TimelineLine | undefined) => {
    const ms = a && b ? Date.parse(b.utc) - Date.parse(a.utc) : NaN;
    if (a && b && Number.isFinite(ms)) out.push(`${a.step} -> ${b.step}: ${elapsed(ms)}`);
  };
  for (let i = 1; i < firsts.length; i++) gap(firsts[i - 1], firsts[i]);
  if (firsts.length > 2) gap(firsts[0], firsts.at(-1));
  return out;
}

/** What the printout says about the entries it cites. */
export function verificationSummary(
  lines: readonly TimelineLine[],
  study: { name: string; entries: number; quarantined: number } | null,
): string {
  const cited = lines.filter((l) => l.hash).length;
  if (!study) return '';
  return `${cited} ledger ${cited === 1 ? 'entry' : 'entries'} cited, each accepted by this device after checking its hash, signature, author chain and the author's authority; the study ${study.name} holds ${study.entries} accepted entries and ${study.quarantined} in quarantine. Verify the whole trail independently with "npx trialbench verify" on an exported trail.`;
}
