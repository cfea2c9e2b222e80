// Ledger outcomes in words, and file names for downloads.
import { describeReport } from '../../core/ledger/verify';
import type { ImportReport, VerifyReport } from '../state/ledger-api';

/** The verifier's own summary (the CLI prints the same lines), as one sentence list. */
export function describeVerify(r: VerifyReport): string {
  const [counts = '', , ...rest] = describeReport(r);
  if (!r.readable) return `Verification failed: ${counts}.`;
  const head = r.ok
    ? `Chain intact: ${counts}; every entry is one the app accepts.`
    : `Verification failed, ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}: ${r.problems
        .map(
          (p) =>
            `line ${p.line}${p.id ? ` (entry ${p.id.slice(0, 12)})` : ''}: ${p.kind}, ${p.message}`,
        )
        .join('; ')}.`;
  return [head, ...rest.filter((l) => !l.startsWith('  line '))].join(' ');
}

export function describeImport(r: ImportReport): string {
  return `Updates imported: ${r.accepted} accepted, ${r.duplicates} already known, ${r.quarantined} quarantined, ${r.pending} waiting for earlier entries.`;
}

/** trialbench-<kind>-<first 8 of study id>-<UTC time>.<ext> */
export function downloadName(kind: string, study: string, ext: string, now = new Date()): string {
  const utc = now.toISOString().slice(0, 19).replace(/[-:]/g, '') + 'Z';
  return `trialbench-${kind}-${study.slice(0, 8) || 'nostudy'}-${utc}.${ext}`;
}

/** The fingerprint's groups (space separated by the core) for reading aloud. */
export function groups(fingerprint: string): string[] {
  return fingerprint.split(/\s+/).filter(Boolean);
}

/** Sites typed one per line as "id name" (the name may have spaces; the id may not). */
export function parseSites(text: string): { id: string; name: string }[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const m = /^(\S+)\s*(.*)$/.exec(l)!;
      return { id: m[1]!, name: m[2] || m[1]! };
    });
}
