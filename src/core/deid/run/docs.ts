// What travels with the output (DEID-33, DEID-34): manifest.json (per output file: path,
// size, SHA-256, the source's content hash; never a source path or name) and
// DEIDENTIFICATION.json + .md (profile, options, edition, key fingerprint, pixel and facial
// decisions with justification, who ran it and when, counts). Reasons quoted from source
// values are cut out ('…'), since descriptions can carry identifying text.
import { serializeProfile, tagText, type DeidProfile } from '../profile';
import { SOURCE_SHA256, STANDARD_EDITION } from '../profile-table.generated';
import { sha256, utf8 } from '../sha256';
import type { HoldCategory, PreparedOutcome, RiskDecision } from './run';

export interface ManifestEntry {
  path: string;
  size: number;
  sha256: string;
  sourceSha256: string;
}

/** Why a run's manifest is not the whole input: the stop and the inputs it never reached. */
export interface ManifestStop {
  code: string;
  sentence: string;
  inputs: number;
  notReached: number;
}

/**
 * A run that stopped early says so in its manifest too, so a reader of the manifest alone
 * does not take a part for the whole (a finished run's manifest is unchanged).
 */
export function manifestJson(entries: readonly ManifestEntry[], stopped?: ManifestStop): string {
  const files = [...entries]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((e) => ({ path: e.path, size: e.size, sha256: e.sha256, sourceSha256: e.sourceSha256 }));
  const stop = stopped
    ? {
        complete: false,
        stopped: {
          code: stopped.code,
          sentence: stopped.sentence,
          inputs: stopped.inputs,
          notReached: stopped.notReached,
        },
      }
    : {};
  return `${JSON.stringify({ v: 1, ...stop, files }, null, 2)}\n`;
}

/** A short public fingerprint of the key: it names the key without revealing it. */
export function keyFingerprint(key: Uint8Array): string {
  const d = sha256(new Uint8Array([...utf8('trialbench deid key\0'), ...key]));
  const hex = Array.from(d.subarray(0, 10), (b) => b.toString(16).padStart(2, '0')).join('');
  return hex.match(/.{4}/g)?.join(':') ?? hex;
}

/**
 * The standard the profile table came from, in words that are true: the extraction does
 * not record its edition, so what is known is said (DEID-83).
 */
export const STANDARD_TEXT = `PS3.15 Table E.1-1, edition not recorded by its source (${STANDARD_EDITION.replace(/^unrecorded, /, '')}); source table SHA-256 ${SOURCE_SHA256}`;

/** Quoted source text in a reason is replaced, so no value leaves in the documentation. */
export function redactReason(reason: string): string {
  return reason.replace(/'[^']*'/g, "'…'");
}

export interface SeriesDecision extends RiskDecision {
  /** Remapped Series Instance UID. */
  series: string;
  files: number;
}

export interface RunRecord {
  tool: string;
  profile: DeidProfile;
  options: Record<string, string | boolean>;
  keyFingerprint: string;
  runBy: string;
  startedAt: string;
  finishedAt: string;
  decisions: SeriesDecision[];
  counts: {
    written: number;
    alreadyPresent: number;
    held: Partial<Record<HoldCategory, number>>;
    skipped: number;
    leakChecked: number;
    leakHeld: number;
    /** Written files whose stored pixel values were blanked (optional: older callers). */
    masked?: number;
    /** Files held because a person excluded their series (also in held.excluded). */
    excluded?: number;
    /** Every input file found (DEID-84): written + held + skipped + duplicate + notReached. */
    inputs?: number;
    /** Inputs identical in output to an earlier one: not written twice. */
    duplicate?: number;
    /** Inputs the run did not reach (stopped by --limit or an I/O failure). */
    notReached?: number;
  };
  held: Array<{ sourceSha256: string; category: HoldCategory; reasons: string[] }>;
  skipped: Array<{ sourceSha256: string; reason: string }>;
  /** Each duplicate input and the output (folder-relative) it duplicates. */
  duplicates?: Array<{ sourceSha256: string; of: string }>;
  /** Why the run stopped before its end, if it did. */
  stopped?: { code: string; sentence: string };
  /** The whole-folder leak check (DEID-80): files searched, files removed for a hit. */
  folderCheck?: { files: number; removed: string[] };
}

/** Counts for a new record; masked and excluded start at 0 so the documents show them. */
export function emptyCounts(): RunRecord['counts'] {
  return {
    written: 0,
    alreadyPresent: 0,
    held: {},
    skipped: 0,
    leakChecked: 0,
    leakHeld: 0,
    masked: 0,
    excluded: 0,
    inputs: 0,
    duplicate: 0,
    notReached: 0,
  };
}

/**
 * Counts a skipped or held outcome into the run record (the CLI and the worker share it).
 * A written outcome counts as leak-checked and, when its pixels were blanked, as masked;
 * `written` itself is the caller's, once the file has landed.
 */
export function countOutcome(record: RunRecord, o: PreparedOutcome): void {
  if (o.kind === 'skipped') {
    record.counts.skipped++;
    record.skipped.push({ sourceSha256: o.sourceSha256, reason: skipSentence(o.code) });
    return;
  }
  const c = record.counts;
  c.leakChecked += o.kind === 'written' || o.category === 'leak' ? 1 : 0;
  if (o.kind === 'written') {
    if (o.masked) c.masked = (c.masked ?? 0) + 1;
    return;
  }
  c.held[o.category] = (c.held[o.category] ?? 0) + 1;
  if (o.category === 'leak') c.leakHeld++;
  if (o.category === 'excluded') c.excluded = (c.excluded ?? 0) + 1;
  record.held.push({ sourceSha256: o.sourceSha256, category: o.category, reasons: o.reasons });
  addDecisions(record.decisions, o.series, o.decisions);
}

/** Adds a file's decisions to the per-series list (one line per series and kind). */
export function addDecisions(
  into: SeriesDecision[],
  series: string,
  decisions: readonly RiskDecision[],
): void {
  for (const d of decisions) {
    const found = into.find(
      (x) => x.series === series && x.kind === d.kind && x.decision === d.decision,
    );
    if (found) found.files++;
    else into.push({ ...d, reasons: d.reasons.map(redactReason), series, files: 1 });
  }
}

/** A skipped file's reason for the documents: its closed code in a fixed sentence. */
export function skipSentence(code: string): string {
  return `not readable as DICOM (${code.replace(/[^a-z0-9-]/gi, '') || 'unreadable'})`;
}

export function deidentificationJson(r: RunRecord): string {
  return `${JSON.stringify(
    {
      v: 1,
      ...r,
      held: r.held.map((h) => ({ ...h, reasons: h.reasons.map(redactReason) })),
      skipped: r.skipped.map((x) => ({ ...x, reason: redactReason(x.reason) })),
      standardEdition: STANDARD_EDITION,
      standardSourceSha256: SOURCE_SHA256,
      profile: JSON.parse(serializeProfile(r.profile)) as unknown,
    },
    null,
    2,
  )}\n`;
}

/** One series' answer in words: who decided what, when, with what tool, and why. */
function decisionLine(d: SeriesDecision): string {
  const said = [
    d.action ? `answer ${d.action}` : 'not answered',
    d.by ? `by ${d.by}` : '',
    d.at ? `at ${d.at}` : '',
    d.tool ? `tool: ${d.tool}` : '',
    d.justification ? `justification: ${d.justification}` : '',
  ].filter(Boolean);
  // A file without a Series Instance UID still has a decision to record (it is held).
  const series = d.series || '(none: the source has no Series Instance UID)';
  return `- Series ${series} (${d.files} file(s)): ${d.kind} risk ${d.decision}; ${said.join('; ')}. Reasons: ${d.reasons.join('; ')}`;
}

export function deidentificationMd(r: RunRecord): string {
  const on = Object.entries(r.profile.options)
    .filter(([, v]) => v)
    .map(([k]) => k);
  const lines = [
    '# De-identification record',
    '',
    `- Tool: ${r.tool}`,
    `- Profile: ${r.profile.name} (${STANDARD_TEXT})`,
    `- Options: ${on.length ? on.join(', ') : 'none (Basic Profile only)'}`,
    `- Overrides: ${r.profile.overrides.length ? r.profile.overrides.map((o) => `${tagText(o.tag)} ${o.action} (${o.reason})`).join('; ') : 'none'}`,
    `- Key fingerprint: ${r.keyFingerprint}`,
    `- Run by ${r.runBy}, ${r.startedAt} to ${r.finishedAt}`,
    `- Run options: ${Object.entries(r.options)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ')}`,
    '',
    '## Counts',
    '',
    `- Written: ${r.counts.written} (${r.counts.alreadyPresent} already present from an earlier run)`,
    `- Held back: ${
      Object.entries(r.counts.held)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }`,
    `- Masked (stored pixel values blanked, 113101 written): ${r.counts.masked ?? 0}`,
    `- Excluded on review: ${r.counts.excluded ?? 0}`,
    `- Skipped (unreadable): ${r.counts.skipped}`,
    `- Duplicates (same output as an earlier input, not written twice): ${r.counts.duplicate ?? 0}`,
    `- Not reached: ${r.counts.notReached ?? 0}`,
    `- Inputs: ${r.counts.inputs ?? 0} (each counted once above)`,
    `- Leak check: ${r.counts.leakChecked} checked, ${r.counts.leakHeld} held`,
    ...(r.folderCheck
      ? [
          `- Whole-folder check: ${r.folderCheck.files} other file(s) searched, ${r.folderCheck.removed.length} removed`,
        ]
      : []),
    ...(r.stopped
      ? [
          `- STOPPED before the end: ${r.stopped.sentence} (${r.stopped.code}); ${r.counts.notReached ?? 0} of ${r.counts.inputs ?? 0} input(s) not processed`,
        ]
      : []),
    '',
    '## Held back',
    '',
    ...(r.held.length
      ? r.held.map(
          (h) =>
            `- source sha256 ${h.sourceSha256.slice(0, 16)}: ${h.category}: ${h.reasons.map(redactReason).join('; ')}`,
        )
      : ['None.']),
    '',
    '## Skipped and duplicates',
    '',
    ...r.skipped.map((x) => `- source sha256 ${x.sourceSha256.slice(0, 16)}: skipped: ${x.reason}`),
    ...(r.duplicates ?? []).map(
      (d) => `- source sha256 ${d.sourceSha256.slice(0, 16)}: duplicate of ${d.of}`,
    ),
    ...(r.skipped.length || r.duplicates?.length ? [] : ['None.']),
    '',
    '## Pixel and facial decisions',
    '',
  ];
  if (r.decisions.length === 0) lines.push('None needed.');
  for (const d of r.decisions) lines.push(decisionLine(d));
  return `${lines.join('\n')}\n`;
}
