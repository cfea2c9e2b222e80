// One de-identification run over folder handles, for the worker shell (deid.worker.ts). It
// walks the input in a stable order and sends each file through one DeidRun (so pseudonym
// collisions and output-path clashes are decided in input order, as in the CLI); outputs
// go to output stages (deid-output.ts) that write, read back and re-check them, in this
// worker or in helper workers, overlapping the next files' de-identification.
// A journal (small files of lines keyed by a keyed hash of the source's path, size and
// date, never the path itself) lets an interrupted run resume; a file is journaled only
// after its read-back passed, so one written but not journaled is simply redone.
import { hmacSha256, sha256, utf8 } from '../src/core/deid/sha256';
import {
  addDecisions,
  countOutcome,
  deidentificationJson,
  deidentificationMd,
  DeidRun,
  emptyCounts,
  keyFingerprint,
  manifestJson,
  redactReason,
  type HoldCategory,
  type ManifestEntry,
  type ReviewDecision,
  type RiskDecision,
  type RunRecord,
  type SubjectMapping,
  type VisitRule,
} from '../src/core/deid/run';
import { serializeProfile, type DeidProfile } from '../src/core/deid/profile';
import { parseSource } from '../src/core/deid/engine';
import { inflateRaw } from './platform';
import type { TrialAttributes } from '../src/core/deid/method';
import { exists, FolderWriter, removeTemporaries, walk } from './deid-folder';
import { sha256Hex, type OutputResult, type OutputTask } from './deid-output';

export interface DeidJob {
  input: FileSystemDirectoryHandle;
  output: FileSystemDirectoryHandle;
  profile: DeidProfile;
  key: Uint8Array;
  site: string;
  trial: Omit<TrialAttributes, 'timePointId'>;
  passBurnedIn?: string;
  /** Mask at-risk series by pixel rules (takes precedence over passBurnedIn). */
  maskBurnedIn?: boolean;
  waiveFacialRisk?: string;
  /** The external defacing tool and version (takes precedence over waiveFacialRisk). */
  attestDefaced?: string;
  /** Review answers keyed by SOURCE Series Instance UID. */
  review?: Array<[string, ReviewDecision]>;
  /** Images per SOURCE series from the index, for the head-volume facial-risk test. */
  seriesSizes?: Array<[string, number]>;
  runBy: string;
  mapping?: SubjectMapping;
  visits?: VisitRule[];
  pseudonymPrefix?: string;
  /**
   * Helper workers that write, read back and check outputs. Absent: chosen from the
   * machine's cores. 0: all in the run's own worker. The output is the same either way.
   */
  outputWorkers?: number;
  /** Outputs waiting at each output stage (default PER_PORT); for tuning and benchmarks. */
  outputsInFlight?: number;
}

export interface DeidProgress {
  done: number;
  total: number;
}

export interface DeidHeld {
  /** Input path: shown to the person who ran it, never written to the output. */
  path: string;
  category: string;
  series: string;
  reasons: string[];
}

export interface DeidSummary {
  record: RunRecord;
  manifestSha256: string;
  held: DeidHeld[];
  skipped: Array<{ path: string; reason: string }>;
  bytesIn: number;
  seconds: number;
  /** Temporary files of an interrupted earlier run, removed before this one started. */
  removedTemporaries?: number;
  /** Where the run's own worker spent its time, in seconds (for the benchmark). */
  timing?: { list: number; readWait: number; deid: number; outputWait: number; finish: number };
}

/** Where outputs go: an OutputStage here or in a helper worker. */
export interface OutputPort {
  put(t: OutputTask): Promise<OutputResult>;
}

interface JournalEntry extends ManifestEntry {
  series: string;
  decisions: RiskDecision[];
  masked?: boolean;
}

export const JOURNAL = '.deid-journal';
const JOURNAL_CHUNK = 64;
/** Outputs waiting at one stage: enough to keep its disk work busy, few enough for memory. */
const PER_PORT = 3;
const READS_AHEAD = 4;
/** Progress messages cross to the page: at most this often. */
const PROGRESS_MS = 100;

const hex = (b: Uint8Array): string =>
  Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

async function readJournal(output: FileSystemDirectoryHandle): Promise<Map<string, JournalEntry>> {
  const out = new Map<string, JournalEntry>();
  let dir: FileSystemDirectoryHandle;
  try {
    dir = await output.getDirectoryHandle(JOURNAL);
  } catch {
    return out;
  }
  for await (const e of dir.values()) {
    if (e.kind !== 'file' || !e.name.endsWith('.jsonl')) continue;
    const text = await (await (e as FileSystemFileHandle).getFile()).text();
    for (const line of text.split('\n')) {
      try {
        const j = JSON.parse(line) as JournalEntry & { k: string };
        if (typeof j.k === 'string') out.set(j.k, j);
      } catch {
        // An unreadable line: its file is simply redone.
      }
    }
  }
  return out;
}

/** Null when the folders may be used together; otherwise why not. */
async function folderProblem(input: FileSystemDirectoryHandle, output: FileSystemDirectoryHandle) {
  if (await input.isSameEntry(output)) return 'the output folder is the input folder';
  if (await input.resolve(output)) return 'the output folder is inside the input folder';
  if (await output.resolve(input)) return 'the input folder is inside the output folder';
  return null;
}

/** The output file as one buffer: what is hashed, written and read back. */
function joined(parts: readonly Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

function hold(
  record: RunRecord,
  sourceSha256: string,
  category: HoldCategory,
  reasons: string[],
): void {
  record.counts.held[category] = (record.counts.held[category] ?? 0) + 1;
  record.held.push({ sourceSha256, category, reasons });
}

export async function runDeid(
  job: DeidJob,
  onProgress: (p: DeidProgress) => void,
  ports: readonly OutputPort[],
): Promise<DeidSummary | string> {
  const refused = await folderProblem(job.input, job.output);
  if (refused) return `Refused: ${refused}.`;
  if (!ports.length) throw new Error('runDeid: at least one output port');
  const t0 = performance.now();
  const deid = new DeidRun({
    profile: job.profile,
    key: job.key,
    site: job.site,
    trial: job.trial,
    ...(job.passBurnedIn ? { passBurnedIn: job.passBurnedIn } : {}),
    ...(job.waiveFacialRisk ? { waiveFacialRisk: job.waiveFacialRisk } : {}),
    ...(job.attestDefaced ? { attestDefaced: job.attestDefaced } : {}),
    ...(job.review ? { review: new Map(job.review) } : {}),
    ...(job.seriesSizes ? { seriesSizes: new Map(job.seriesSizes) } : {}),
    maskBurnedIn: Boolean(job.maskBurnedIn),
    runBy: job.runBy,
    ...(job.mapping ? { mapping: job.mapping } : {}),
    ...(job.visits ? { visits: job.visits } : {}),
    ...(job.pseudonymPrefix ? { pseudonymPrefix: job.pseudonymPrefix } : {}),
  });
  const record: RunRecord = {
    tool: 'Trialbench (browser)',
    profile: job.profile,
    options: {
      // As the CLI records them: a mapped run must not read as keyed in the documentation.
      keyedPseudonyms: !job.mapping,
      ...(job.pseudonymPrefix && !job.mapping ? { pseudonymPrefix: job.pseudonymPrefix } : {}),
      visitMapping: Boolean(job.visits?.length),
      passBurnedIn: Boolean(job.passBurnedIn),
      waiveFacialRisk: Boolean(job.waiveFacialRisk),
      maskBurnedIn: Boolean(job.maskBurnedIn),
      ...(job.attestDefaced ? { attestDefaced: job.attestDefaced } : {}),
      reviewedSeries: String(job.review?.length ?? 0),
      ...Object.fromEntries(Object.entries(job.trial).filter(([, v]) => typeof v === 'string')),
    },
    keyFingerprint: keyFingerprint(job.key),
    runBy: job.runBy,
    startedAt: new Date().toISOString(),
    finishedAt: '',
    decisions: [],
    counts: emptyCounts(),
    held: [],
    skipped: [],
  };
  // Half-written files of a crashed run: none may survive into this run's output.
  const timing = { list: 0, readWait: 0, deid: 0, outputWait: 0, finish: 0 };
  let mark = performance.now();
  const lap = (k: keyof typeof timing) => {
    const now = performance.now();
    timing[k] += (now - mark) / 1000;
    mark = now;
  };
  const removedTemporaries = await removeTemporaries(job.output);
  const files: Array<{ path: string; file: File }> = [];
  for await (const f of walk(job.input)) files.push(f);
  const journal = await readJournal(job.output);
  lap('list');
  const out = new FolderWriter(job.output);
  // The journal is written in chunks: a crash loses at most one chunk, whose files are then
  // redone (byte-identical, as the run is deterministic).
  const stamp = new Date().toISOString().replace(/\D/g, '');
  let lines: string[] = [];
  let chunk = 0;
  const flush = async () => {
    if (!lines.length) return;
    const text = `${lines.join('\n')}\n`;
    lines = [];
    await out.write(`${JOURNAL}/${stamp}-${chunk++}.jsonl`, text);
  };
  const manifest = new Map<string, ManifestEntry>();
  /** Output paths given out so far, with the SHA-256 their content has (or will have). */
  const claimed = new Map<string, Promise<string>>();
  const held: DeidHeld[] = [];
  const skipped: DeidSummary['skipped'] = [];
  // Holds decided by the read-back arrive out of order: they are added in input order.
  const late: Array<{ i: number; sourceSha256: string; category: HoldCategory; h: DeidHeld }> = [];
  // Outputs are reused only by a run with the same profile, site and trial attributes, the
  // same subject mapping, visit rules and pseudonym prefix, and the same answers: a series
  // excluded or masked now must not ride on an output written before.
  const tables = [[...(job.mapping?.bySitePatient ?? [])], job.visits, job.pseudonymPrefix];
  const answers = [
    job.review ?? [],
    job.passBurnedIn ?? '',
    Boolean(job.maskBurnedIn),
    job.waiveFacialRisk ?? '',
    job.attestDefaced ?? '',
    [...(job.seriesSizes ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ];
  const settings = `${serializeProfile(job.profile)}\0${job.site}\0${JSON.stringify(job.trial)}\0${JSON.stringify(tables)}\0${JSON.stringify(answers)}`;
  let bytesIn = 0;
  // Reads (and the source's hash) run ahead of the synchronous de-identification.
  const reads = new Map<number, Promise<{ bytes: Uint8Array; sha256: string }>>();
  const readAhead = (from: number) => {
    for (let j = from; j < Math.min(files.length, from + READS_AHEAD); j++) {
      if (reads.has(j)) continue;
      const p = files[j]!.file.arrayBuffer().then(async (b) => {
        const bytes = new Uint8Array(b);
        return { bytes, sha256: await sha256Hex(bytes) };
      });
      p.catch(() => undefined); // awaited (and thrown) in order below
      reads.set(j, p);
    }
  };
  const busy = ports.map(() => 0);
  const inFlight = new Set<Promise<void>>();
  let done = 0;
  let reported = 0;
  const progress = (force = false) => {
    const now = performance.now();
    if (!force && now - reported < PROGRESS_MS) return;
    reported = now;
    onProgress({ done, total: files.length });
  };
  progress(true);
  for (const [i, { path, file }] of files.entries()) {
    const k = hex(
      hmacSha256(
        job.key,
        utf8(`journal\0${settings}\0${path}\0${file.size}\0${file.lastModified}`),
      ),
    ).slice(0, 40);
    const earlier = journal.get(k);
    if (earlier && (await exists(job.output, earlier.path, earlier.size))) {
      manifest.set(earlier.path, earlier);
      claimed.set(earlier.path, Promise.resolve(earlier.sha256));
      addDecisions(record.decisions, earlier.series, earlier.decisions);
      if (earlier.masked) record.counts.masked = (record.counts.masked ?? 0) + 1;
      record.counts.alreadyPresent++;
      record.counts.written++;
      reads.delete(i);
      done++;
      progress();
      continue;
    }
    readAhead(i);
    mark = performance.now();
    const { bytes, sha256: sourceSha } = await reads.get(i)!;
    reads.delete(i);
    readAhead(i + 1);
    lap('readWait');
    bytesIn += bytes.length;
    const o = deid.file(bytes, sourceSha, await parseSource(bytes, inflateRaw));
    lap('deid');
    countOutcome(record, o);
    if (o.kind !== 'written') {
      if (o.kind === 'skipped') skipped.push({ path, reason: o.reason });
      else held.push({ path, category: o.category, series: o.series, reasons: o.reasons });
      done++;
      progress();
      continue;
    }
    // A written file counts as leak-checked once its read-back check has run.
    record.counts.leakChecked--;
    const whole = joined(o.parts);
    const first = claimed.get(o.path);
    if (first) {
      if ((await first) !== (await sha256Hex(whole))) {
        const why = 'another source gives the same output path with different content';
        hold(record, o.sourceSha256, 'unsafe', [why]);
        held.push({ path, category: 'unsafe', series: o.series, reasons: [why] });
      }
      done++;
      progress();
      continue;
    }
    let settle: (sha: string) => void = () => undefined;
    claimed.set(
      o.path,
      new Promise((r) => {
        settle = r;
      }),
    );
    addDecisions(record.decisions, o.series, o.decisions);
    record.counts.written++;
    // Reasons can quote source text (descriptions): the journal keeps them redacted.
    const decisions = o.decisions.map((d) => ({ ...d, reasons: d.reasons.map(redactReason) }));
    let port = 0;
    for (let p = 1; p < ports.length; p++) if (busy[p]! < busy[port]!) port = p;
    busy[port]!++;
    const task = ports[port]!.put({ path: o.path, bytes: whole, source: bytes }).then((r) => {
      busy[port]!--;
      done++;
      settle(r.sha256);
      if (r.kind === 'ok') {
        const entry = { path: o.path, size: o.size, sha256: r.sha256, sourceSha256: sourceSha };
        manifest.set(o.path, entry);
        record.counts.leakChecked++;
        const j: JournalEntry = { ...entry, series: o.series, decisions, masked: o.masked };
        lines.push(JSON.stringify({ k, ...j }));
        return;
      }
      record.counts.written--;
      if (o.masked) record.counts.masked = (record.counts.masked ?? 1) - 1;
      if (r.leakChecked) record.counts.leakChecked++;
      if (r.category === 'leak') record.counts.leakHeld++;
      late.push({
        i,
        sourceSha256: sourceSha,
        category: r.category,
        h: { path, category: r.category, series: o.series, reasons: r.reasons },
      });
    });
    inFlight.add(task);
    // A failed write stays in the set, so the next race or the final wait throws it.
    task.then(
      () => inFlight.delete(task),
      () => undefined,
    );
    lap('deid');
    while (inFlight.size >= ports.length * (job.outputsInFlight ?? PER_PORT))
      await Promise.race(inFlight);
    if (lines.length >= JOURNAL_CHUNK) await flush();
    progress();
    lap('outputWait');
  }
  mark = performance.now();
  await Promise.all(inFlight);
  await flush();
  for (const l of late.sort((a, b) => a.i - b.i)) {
    hold(record, l.sourceSha256, l.category, l.h.reasons);
    held.push(l.h);
  }
  progress(true);
  record.finishedAt = new Date().toISOString();
  const manifestText = manifestJson([...manifest.values()]);
  await out.write('manifest.json', manifestText);
  await out.write('DEIDENTIFICATION.json', deidentificationJson(record));
  await out.write('DEIDENTIFICATION.md', deidentificationMd(record));
  return {
    record,
    manifestSha256: hex(sha256(utf8(manifestText))),
    held,
    skipped,
    bytesIn,
    seconds: (performance.now() - t0) / 1000,
    timing: (lap('finish'), timing),
    ...(removedTemporaries ? { removedTemporaries } : {}),
  };
}

/** The benchmark's baseline: the same files plainly copied into the output folder. */
export async function copyFolder(
  input: FileSystemDirectoryHandle,
  output: FileSystemDirectoryHandle,
  inFlight = 1,
): Promise<{ bytes: number; seconds: number }> {
  const t0 = performance.now();
  let bytes = 0;
  const out = new FolderWriter(output);
  const files: File[] = [];
  const paths: string[] = [];
  for await (const { path, file } of walk(input)) {
    paths.push(path);
    files.push(file);
  }
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < files.length; i = next++) {
      const b = new Uint8Array(await files[i]!.arrayBuffer());
      bytes += b.length;
      await out.write(paths[i]!, b);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return { bytes, seconds: (performance.now() - t0) / 1000 };
}
