// The de-identification run (DEID-85): ONE loop for the app's worker and the command line.
// Each shell passes its I/O in as small interfaces (the sources, the output folder, output
// stages that write atomically and read back, the journal store, a hash), so a setting or
// a redaction cannot be applied by one shell and forgotten by the other.
//
// Files go through one DeidRun in input order (pseudonym collisions and output-path clashes
// are decided in that order); reads run ahead, and outputs are handed to output stages that
// overlap the next files' de-identification. A journal keyed by a keyed hash of every
// setting that changes output, and of the source's path, size and date (never the path
// itself), lets an interrupted run resume; a file is journaled only after its read-back
// passed. Every input is counted once: written, held, skipped, duplicate or not reached.
import { hmacSha256, sha256, utf8 } from '../sha256';
import { serializeProfile, type DeidProfile } from '../profile';
import type { TrialAttributes } from '../method';
import type { PixelRule } from '../pixels/types';
import {
  addDecisions,
  countOutcome,
  deidentificationJson,
  deidentificationMd,
  emptyCounts,
  keyFingerprint,
  manifestJson,
  redactReason,
  type ManifestEntry,
  type RunRecord,
} from './docs';
import { fileLeaks, IdentifierSet } from './folder-leak';
import type { OutputResult, OutputTask } from './read-back';
import type { ReviewDecision } from './review';
import type { HoldCategory, RiskDecision } from './answers';
import type { SubjectMapping, VisitRule } from './pseudonym';
import { PseudonymClaims } from './run';
import { localProcess, type FileProcess, type Prepared, type ProcessFailure } from './process';
import type { Inflate } from '../../index/record';
import type { SiteRule } from './site';

/** Everything that decides the output (and only that: no handles, no paths). */
export interface RunSettings {
  profile: DeidProfile;
  key: Uint8Array;
  trial: Omit<TrialAttributes, 'timePointId' | 'siteId'>;
  siteRules?: SiteRule[];
  mapping?: SubjectMapping;
  visits?: VisitRule[];
  pseudonymPrefix?: string;
  /** Review answers keyed by SOURCE Series Instance UID. */
  review?: Array<[string, ReviewDecision]>;
  /** Images per SOURCE series (from the index), for the head-volume facial-risk test. */
  seriesSizes?: Array<[string, number]>;
  passBurnedIn?: string;
  maskBurnedIn?: boolean;
  waiveFacialRisk?: string;
  attestDefaced?: string;
  pixelRules?: PixelRule[];
  runBy: string;
}

export interface RunJob extends RunSettings {
  /** Names the tool in the record, e.g. 'trialbench deid (CLI)'. */
  tool: string;
  /** Stop after this many newly written files (tests of resume). */
  limit?: number;
  /** Outputs waiting at each output stage (default 3; the in-thread process only). */
  outputsInFlight?: number;
}

export interface SourceFile {
  /** Relative to the input folder, '/'-separated: for site rules and the person's lists only. */
  path: string;
  size: number;
  modified: number;
  read(): Promise<Uint8Array>;
}

/** Where outputs go: writes atomically (temporary, then rename), reads back, checks. */
export interface OutputPort {
  put(t: OutputTask): Promise<OutputResult>;
}

export interface OutputFolder {
  exists(path: string, size: number): Promise<boolean>;
  /** Atomic: a temporary, then a rename. */
  writeText(path: string, text: string): Promise<void>;
  /** Removes temporaries an interrupted run left; returns how many. */
  removeTemporaries(): Promise<number>;
  /** Every file in the folder, folder-relative with '/'. */
  list(): Promise<string[]>;
  read(path: string): Promise<Uint8Array>;
  remove(path: string): Promise<void>;
}

/** The resume journal: lines of JSON, appended in chunks. */
export interface JournalStore {
  read(): Promise<string[]>;
  append(lines: readonly string[]): Promise<void>;
}

/** An I/O failure as a value: a closed code and a sentence that says what to do. */
export interface IoFailure {
  code: 'disk-full' | 'permission' | 'io' | 'interrupted';
  sentence: string;
}

export interface RunIo {
  /** The input's files, in a stable order. */
  files: readonly SourceFile[];
  folder: OutputFolder;
  journal: JournalStore;
  /**
   * The per-file work (DEID-92). Absent: done in this thread (localProcess) with `ports`
   * as its output stages.
   */
  process?: FileProcess;
  ports?: readonly OutputPort[];
  sha256Hex(bytes: Uint8Array): Promise<string>;
  /** Raw DEFLATE with a cap, so a deflated source is de-identified, not skipped (DEID-61). */
  inflate: Inflate;
  /** What an I/O call threw, as a failure; null when it is a bug (then it is thrown on). */
  ioFailure(e: unknown): IoFailure | null;
  /** Checked between files: a failure stops the run there (e.g. an interrupt signal). */
  stop?(): IoFailure | null;
  /**
   * A person's Cancel (an AbortSignal fits): checked between files like stop(), and the run
   * ends as interrupted (CANCELLED), with what was written kept and recorded.
   */
  cancel?: { readonly aborted: boolean };
  now(): Date;
  /** Milliseconds, for speed and progress only. */
  clock(): number;
  onProgress?(p: RunProgress): void;
}

/** The run so far, for a live progress line: counts and bytes only, never a path. */
export interface RunProgress {
  /** Inputs accounted for (written, held, skipped, duplicate). */
  done: number;
  total: number;
  /** Inputs held back so far (any category, read-back failures included). */
  held: number;
  /** Source bytes read so far in this run (journal-reused files are not read). */
  bytesRead: number;
  /** The size of every input. */
  bytesTotal: number;
}

/** How a Cancel stops a run: the documents and the ledger say interrupted. */
export const CANCELLED: IoFailure = {
  code: 'interrupted',
  sentence: 'interrupted: cancelled before the end; run again with the same settings to resume',
};

export interface RunHeld {
  /** Input path: shown to the person who ran it, never written to the output. */
  path: string;
  category: HoldCategory;
  series: string;
  reasons: string[];
}

export interface RunSummary {
  record: RunRecord;
  manifestSha256: string;
  held: RunHeld[];
  skipped: Array<{ path: string; reason: string }>;
  duplicates: Array<{ path: string; of: string }>;
  notes: Array<{ path: string; note: string }>;
  bytesIn: number;
  seconds: number;
  removedTemporaries: number;
  /** Set when the run stopped early (a failure, an interrupt or --limit). */
  stopped?: { code: string; sentence: string };
  /** The documents could not be written (the failure that stopped the run, usually). */
  recordWritten: boolean;
  /** Files the whole-folder leak check removed (folder-relative), and why (no values). */
  folderLeaks: Array<{ path: string; reasons: string[] }>;
  /**
   * Seconds of the loop's own thread: listing; `readWait` waiting for the per-file work
   * (read and de-identify); `deid` deciding and handing outputs on; `outputWait` waiting
   * for writes; finishing (folder check, documents).
   */
  timing: { list: number; readWait: number; deid: number; outputWait: number; finish: number };
}

interface JournalEntry extends ManifestEntry {
  k: string;
  series: string;
  decisions: RiskDecision[];
  masked?: boolean;
}

export const JOURNAL_CHUNK = 64;
/** Source bytes in prepare at once, at most (beyond the first file). */
const AHEAD_BYTES = 256 * 1024 * 1024;
const PROGRESS_MS = 100;

/** A failed per-file work in the documents: a closed sentence, never an error's text. */
const PROCESS_FAILED: Record<ProcessFailure, string> = {
  'internal-error': 'de-identification failed on this file (internal error); nothing written',
  'thread-crashed': 'the thread de-identifying this file crashed; nothing written',
  'thread-hung': 'the thread de-identifying this file stopped answering; nothing written',
};
export const RECORD_FILES = ['manifest.json', 'DEIDENTIFICATION.json', 'DEIDENTIFICATION.md'];

const hex = (b: Uint8Array): string => {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
};

const byFirst = <T>(a: [string, T], b: [string, T]): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;

/**
 * Every setting that changes output, in one canonical text (DEID-86). The key itself is
 * in the journal key's HMAC; what is here is everything else.
 */
export function settingsText(s: RunSettings): string {
  return JSON.stringify([
    serializeProfile(s.profile),
    s.trial,
    s.siteRules ?? [],
    [...(s.mapping?.bySitePatient ?? [])].sort(byFirst),
    s.visits ?? [],
    s.pseudonymPrefix ?? '',
    [...(s.review ?? [])].sort(byFirst),
    [...(s.seriesSizes ?? [])].sort(byFirst),
    s.passBurnedIn ?? '',
    Boolean(s.maskBurnedIn),
    s.waiveFacialRisk ?? '',
    s.attestDefaced ?? '',
    s.pixelRules ?? null,
  ]);
}

/** The journal key of one source under these settings: no path or name can be read from it. */
export function journalKey(
  key: Uint8Array,
  settingsDigest: string,
  f: Pick<SourceFile, 'path' | 'size' | 'modified'>,
): string {
  return hex(
    hmacSha256(key, utf8(`journal\0${settingsDigest}\0${f.path}\0${f.size}\0${f.modified}`)),
  ).slice(0, 40);
}

function parseJournal(lines: readonly string[]): Map<string, JournalEntry> {
  const out = new Map<string, JournalEntry>();
  for (const line of lines) {
    if (!line.trim()) continue;
    try {
      const j = JSON.parse(line) as JournalEntry;
      if (typeof j.k === 'string' && typeof j.path === 'string') out.set(j.k, j);
    } catch {
      // A line cut by a crash: its file is simply redone.
    }
  }
  return out;
}

export function newRecord(job: RunJob, now: Date): RunRecord {
  return {
    tool: job.tool,
    profile: job.profile,
    options: {
      keyedPseudonyms: !job.mapping,
      ...(job.pseudonymPrefix && !job.mapping ? { pseudonymPrefix: job.pseudonymPrefix } : {}),
      visitMapping: Boolean(job.visits?.length),
      siteRules: String(job.siteRules?.length ?? 0),
      passBurnedIn: Boolean(job.passBurnedIn),
      waiveFacialRisk: Boolean(job.waiveFacialRisk),
      maskBurnedIn: Boolean(job.maskBurnedIn),
      ...(job.attestDefaced ? { attestDefaced: job.attestDefaced } : {}),
      reviewedSeries: String(job.review?.length ?? 0),
      ...Object.fromEntries(Object.entries(job.trial).filter(([, v]) => typeof v === 'string')),
    },
    keyFingerprint: keyFingerprint(job.key),
    runBy: job.runBy,
    startedAt: now.toISOString(),
    finishedAt: '',
    decisions: [],
    counts: emptyCounts(),
    held: [],
    skipped: [],
    duplicates: [],
  };
}

class Stop {
  constructor(readonly failure: IoFailure) {}
}

export async function runLoop(job: RunJob, io: RunIo): Promise<RunSummary> {
  const { folder } = io;
  const proc =
    io.process ??
    localProcess(job, {
      ports: io.ports ?? [],
      sha256Hex: io.sha256Hex,
      inflate: io.inflate,
      ioFailure: io.ioFailure,
      ...(job.outputsInFlight !== undefined ? { perPort: job.outputsInFlight } : {}),
    });
  const t0 = io.clock();
  const timing = { list: 0, readWait: 0, deid: 0, outputWait: 0, finish: 0 };
  let mark = io.clock();
  const lap = (k: keyof typeof timing) => {
    const now = io.clock();
    timing[k] += (now - mark) / 1000;
    mark = now;
  };
  const claims = new PseudonymClaims();
  const record = newRecord(job, io.now());
  const c = record.counts;
  const files = io.files;
  c.inputs = files.length;
  const held: RunHeld[] = [];
  const skipped: RunSummary['skipped'] = [];
  const duplicates: RunSummary['duplicates'] = [];
  const notes: RunSummary['notes'] = [];
  const manifest = new Map<string, ManifestEntry>();
  /** Output paths given out so far, with the SHA-256 their content has (or will have). */
  const claimed = new Map<string, Promise<string>>();
  /** Written and read back in this run: already searched for their own source's ids. */
  const checked = new Set<string>();
  const ids = new IdentifierSet();
  const late: Array<{ i: number; sourceSha256: string; h: RunHeld }> = [];
  let stopped: RunSummary['stopped'];
  let bytesIn = 0;
  let fresh = 0;
  let done = 0;
  let reported = -Infinity;
  const bytesTotal = files.reduce((n, f) => n + f.size, 0);
  const progress = (force = false) => {
    const now = io.clock();
    if (!force && now - reported < PROGRESS_MS) return;
    reported = now;
    const heldNow = Object.values(c.held).reduce((n, v) => n + (v ?? 0), 0) + late.length;
    io.onProgress?.({ done, total: files.length, held: heldNow, bytesRead: bytesIn, bytesTotal });
  };
  const fail = (e: unknown): Stop => {
    if (e instanceof Stop) return e;
    const f = io.ioFailure(e);
    if (!f) throw e;
    return new Stop(f);
  };

  let removedTemporaries = 0;
  let journal = new Map<string, JournalEntry>();
  let lines: string[] = [];
  const flush = async () => {
    if (!lines.length) return;
    const chunk = lines;
    lines = [];
    await io.journal.append(chunk);
  };
  // Journal lines go out in input order, whichever write finishes first (DEID-92).
  const journalOrder: number[] = [];
  const journalLines = new Map<number, string | null>();
  let journalHead = 0;
  const journalDone = (i: number, line: string | null) => {
    journalLines.set(i, line);
    for (; journalHead < journalOrder.length; journalHead++) {
      const at = journalOrder[journalHead]!;
      if (!journalLines.has(at)) break;
      const l = journalLines.get(at);
      journalLines.delete(at);
      if (l) lines.push(l);
    }
  };
  const settingsDigest = hex(sha256(utf8(settingsText(job))));
  const keys: string[] = [];
  const keyOf = (i: number): string => (keys[i] ??= journalKey(job.key, settingsDigest, files[i]!));
  /** Inputs handed to the per-file work and not yet taken by the loop. */
  const prepared = new Map<number, Promise<Prepared>>();
  let nextAhead = 0;
  const prepare = (i: number): Promise<Prepared> => {
    let p = prepared.get(i);
    if (!p) {
      p = proc.prepare(i, files[i]!);
      // Settled here too, so a failure the loop never reaches is not left unhandled.
      p.catch(() => undefined);
      prepared.set(i, p);
    }
    return p;
  };
  /** Keeps the per-file work busy: inputs after `i` that the journal does not cover. */
  const prepareAhead = (i: number) => {
    nextAhead = Math.max(nextAhead, i + 1);
    let bytes = 0;
    for (const j of prepared.keys()) bytes += files[j]!.size;
    for (; nextAhead < files.length; nextAhead++) {
      if (prepared.size >= proc.ahead || bytes >= AHEAD_BYTES) return;
      if (job.limit !== undefined && fresh + prepared.size >= job.limit) return;
      // A journaled input is reused or, if its output went, prepared when reached.
      if (journal.has(keyOf(nextAhead))) continue;
      void prepare(nextAhead);
      bytes += files[nextAhead]!.size;
    }
  };
  const inFlight = new Set<Promise<void>>();
  /** Output bytes handed to proc.write and not yet written (for proc.writeBytes). */
  let writing = 0;
  let failure: Stop | null = null;

  const holdLocal = (
    path: string,
    o: { category: HoldCategory; series: string; reasons: string[] },
  ) => held.push({ path, category: o.category, series: o.series, reasons: o.reasons });

  try {
    removedTemporaries = await folder.removeTemporaries();
    journal = parseJournal(await io.journal.read());
    lap('list');
    progress(true);
    for (const [i, file] of files.entries()) {
      const asked = io.stop?.() ?? (io.cancel?.aborted ? CANCELLED : null);
      if (asked) throw new Stop(asked);
      if (failure) throw failure;
      const k = keyOf(i);
      const earlier = journal.get(k);
      if (
        earlier &&
        !claimed.has(earlier.path) &&
        (await folder.exists(earlier.path, earlier.size))
      ) {
        manifest.set(earlier.path, {
          path: earlier.path,
          size: earlier.size,
          sha256: earlier.sha256,
          sourceSha256: earlier.sourceSha256,
        });
        claimed.set(earlier.path, Promise.resolve(earlier.sha256));
        addDecisions(record.decisions, earlier.series, earlier.decisions);
        if (earlier.masked) c.masked = (c.masked ?? 0) + 1;
        c.alreadyPresent++;
        c.written++;
        done++;
        progress();
        continue;
      }
      if (job.limit !== undefined && fresh >= job.limit) {
        stopped = {
          code: 'limit',
          sentence: `stopped after ${fresh} new file(s) as asked; run again to resume`,
        };
        break;
      }
      const ready = prepare(i);
      prepareAhead(i);
      mark = io.clock();
      const got = await ready;
      prepared.delete(i);
      prepareAhead(i);
      lap('readWait');
      if (got.kind === 'unreadable') {
        // A source that cannot be read is this input's problem, not the run's.
        c.skipped++;
        record.skipped.push({ sourceSha256: '', reason: 'the source could not be read' });
        skipped.push({ path: file.path, reason: `could not be read: ${got.message}` });
        done++;
        progress();
        continue;
      }
      if (got.kind === 'failed') {
        const why = PROCESS_FAILED[got.code];
        countOutcome(record, {
          kind: 'held',
          category: 'unsafe',
          sourceSha256: got.sourceSha256,
          series: '',
          reasons: [why],
          decisions: [],
          ids: [],
        });
        holdLocal(file.path, {
          category: 'unsafe',
          series: '',
          reasons: [`${why}: ${got.message}`],
        });
        done++;
        progress();
        continue;
      }
      bytesIn += got.bytesRead;
      const o = claims.settle(got.outcome);
      const sourceSha = o.sourceSha256;
      if (o.kind !== 'skipped') ids.add(o.ids);
      if (o.kind !== 'written') {
        if (got.outcome.kind === 'written') proc.drop(i);
        countOutcome(record, o);
        if (o.kind === 'skipped') skipped.push({ path: file.path, reason: o.reason });
        else holdLocal(file.path, o);
        done++;
        progress();
        continue;
      }
      const first = claimed.get(o.path);
      if (first) {
        // Counted here, not by countOutcome: it is not written again.
        const mine = await proc.outputSha256(i);
        proc.drop(i);
        if ((await first) !== mine) {
          const why = 'another source gives the same output path with different content';
          c.held.unsafe = (c.held.unsafe ?? 0) + 1;
          record.held.push({ sourceSha256: sourceSha, category: 'unsafe', reasons: [why] });
          holdLocal(file.path, { category: 'unsafe', series: o.series, reasons: [why] });
        } else {
          c.duplicate = (c.duplicate ?? 0) + 1;
          record.duplicates?.push({ sourceSha256: sourceSha, of: o.path });
          duplicates.push({ path: file.path, of: o.path });
        }
        done++;
        progress();
        continue;
      }
      countOutcome(record, o);
      // A written file counts as leak-checked once its read-back check has run.
      c.leakChecked--;
      let settle: (sha: string) => void = () => undefined;
      claimed.set(
        o.path,
        new Promise((r) => {
          settle = r;
        }),
      );
      c.written++;
      fresh++;
      addDecisions(record.decisions, o.series, o.decisions);
      for (const n of o.notes) notes.push({ path: file.path, note: n });
      // Reasons are public sentences already; redaction is the second line of defence.
      const decisions = o.decisions.map((d) => ({ ...d, reasons: d.reasons.map(redactReason) }));
      journalOrder.push(i);
      const task = proc.write(i).then(
        (r) => {
          done++;
          settle(r.sha256);
          if (r.kind === 'ok') {
            const entry = { path: o.path, size: o.size, sha256: r.sha256, sourceSha256: sourceSha };
            manifest.set(o.path, entry);
            checked.add(o.path);
            c.leakChecked++;
            const j: JournalEntry = { k, ...entry, series: o.series, decisions, masked: o.masked };
            journalDone(i, JSON.stringify(j));
            return;
          }
          journalDone(i, null);
          c.written--;
          if (o.masked) c.masked = (c.masked ?? 1) - 1;
          if (r.leakChecked) c.leakChecked++;
          if (r.category === 'leak') c.leakHeld++;
          late.push({
            i,
            sourceSha256: sourceSha,
            h: { path: file.path, category: r.category, series: o.series, reasons: r.reasons },
          });
        },
        (e: unknown) => {
          journalDone(i, null);
          c.written--;
          if (o.masked) c.masked = (c.masked ?? 1) - 1;
          claimed.delete(o.path);
          settle('');
          failure ??= fail(e);
        },
      );
      inFlight.add(task);
      writing += o.size;
      // A task that threw (a bug) stays in the set: the next race or the final wait throws it.
      task.then(
        () => {
          inFlight.delete(task);
          writing -= o.size;
        },
        () => undefined,
      );
      lap('deid');
      const cap = proc.writeBytes ?? Infinity;
      while (inFlight.size >= proc.writes || (inFlight.size > 1 && writing > cap))
        await Promise.race(inFlight);
      if (lines.length >= JOURNAL_CHUNK) await flush();
      progress();
      lap('outputWait');
    }
    await Promise.all(inFlight);
    if (failure) throw failure;
    await flush();
  } catch (e) {
    failure = fail(e);
    await Promise.all(inFlight);
    // Whatever the journal can still take keeps the finished files for a resume.
    await flush().catch(() => undefined);
    await folder.removeTemporaries().catch(() => 0);
  } finally {
    // Prepared ahead and never reached (a stop, --limit): their outputs are let go.
    for (const [j, p] of prepared) {
      const r = await p.catch(() => null);
      if (r?.kind === 'ready' && r.outcome.kind === 'written') proc.drop(j);
    }
    prepared.clear();
  }
  mark = io.clock();
  if (failure) stopped = { code: failure.failure.code, sentence: failure.failure.sentence };
  for (const l of late.sort((a, b) => a.i - b.i)) {
    c.held[l.h.category] = (c.held[l.h.category] ?? 0) + 1;
    record.held.push({
      sourceSha256: l.sourceSha256,
      category: l.h.category,
      reasons: l.h.reasons,
    });
    held.push(l.h);
  }
  const heldCount = Object.values(c.held).reduce((n, v) => n + (v ?? 0), 0);
  c.notReached = files.length - c.written - heldCount - c.skipped - (c.duplicate ?? 0);
  if (stopped) record.stopped = stopped;

  // The whole-folder check, first over everything but the documents (DEID-80).
  const folderLeaks: RunSummary['folderLeaks'] = [];
  let searched = 0;
  const search = async (path: string): Promise<void> => {
    searched++;
    const hits = fileLeaks(await folder.read(path), ids.all());
    if (!hits.length) return;
    await folder.remove(path);
    folderLeaks.push({
      path,
      reasons: hits.map((h) => `identifying ${h.kind} from ${h.from} at ${h.where}`),
    });
    const m = manifest.get(path);
    if (m) {
      manifest.delete(path);
      c.written--;
      c.leakHeld++;
      c.held.leak = (c.held.leak ?? 0) + 1;
      record.held.push({
        sourceSha256: m.sourceSha256,
        category: 'leak',
        reasons: hits.map((h) => `folder check: identifying ${h.kind} from ${h.from}`),
      });
    }
  };
  let recordWritten = false;
  let manifestText = '';
  try {
    await proc.finish?.();
    for (const path of await folder.list()) {
      if (checked.has(path) || RECORD_FILES.includes(path)) continue;
      await search(path);
    }
    record.folderCheck = { files: searched, removed: folderLeaks.map((l) => l.path) };
    record.finishedAt = io.now().toISOString();
    manifestText = manifestJson(
      [...manifest.values()],
      stopped && { ...stopped, inputs: files.length, notReached: c.notReached ?? 0 },
    );
    await folder.writeText('manifest.json', manifestText);
    await folder.writeText('DEIDENTIFICATION.json', deidentificationJson(record));
    await folder.writeText('DEIDENTIFICATION.md', deidentificationMd(record));
    recordWritten = true;
    // ...then over the documents themselves: a hit there is a bug, and the file goes.
    for (const path of RECORD_FILES) await search(path);
  } catch (e) {
    const f = fail(e);
    await folder.removeTemporaries().catch(() => 0);
    stopped ??= { code: f.failure.code, sentence: f.failure.sentence };
  }
  progress(true);
  lap('finish');
  return {
    record,
    manifestSha256: hex(sha256(utf8(manifestText))),
    held,
    skipped,
    duplicates,
    notes,
    bytesIn,
    seconds: (io.clock() - t0) / 1000,
    removedTemporaries,
    ...(stopped ? { stopped } : {}),
    recordWritten,
    folderLeaks,
    timing,
  };
}
