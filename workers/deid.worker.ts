// De-identification worker: a comlink shell over src/core/deid/run. It walks one input
// folder, sends each file through DeidRun, and writes outputs into another folder so that a
// file appears under its final name only once complete. A journal (one small file per
// output, named by a keyed hash of the source's path, size and date, never the path
// itself) lets an interrupted run resume.
import * as Comlink from 'comlink';
import { hmacSha256, sha256, utf8 } from '../src/core/deid/sha256';
import {
  addDecisions,
  countOutcome,
  deidentificationJson,
  deidentificationMd,
  DeidRun,
  keyFingerprint,
  manifestJson,
  redactReason,
  type ManifestEntry,
  type RiskDecision,
  type RunRecord,
  type SubjectMapping,
  type VisitRule,
} from '../src/core/deid/run';
import { serializeProfile, type DeidProfile } from '../src/core/deid/profile';
import type { TrialAttributes } from '../src/core/deid/method';

export interface DeidJob {
  input: FileSystemDirectoryHandle;
  output: FileSystemDirectoryHandle;
  profile: DeidProfile;
  key: Uint8Array;
  site: string;
  trial: Omit<TrialAttributes, 'timePointId'>;
  passBurnedIn?: string;
  waiveFacialRisk?: string;
  runBy: string;
  mapping?: SubjectMapping;
  visits?: VisitRule[];
  pseudonymPrefix?: string;
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
}

interface JournalEntry extends ManifestEntry {
  series: string;
  decisions: RiskDecision[];
}

const JOURNAL = '.deid-journal';
const JOURNAL_CHUNK = 64;
/** Output writes overlapping the next file's de-identification. */
const WRITES_IN_FLIGHT = 4;
const READS_AHEAD = 4;
const hex = (b: Uint8Array): string =>
  Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** SHA-256 by the browser's native digest, which takes one buffer: parts are joined first. */
async function hashParts(parts: readonly Uint8Array[]): Promise<string> {
  let all: Uint8Array;
  if (parts.length === 1) all = parts[0]!;
  else {
    all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
  }
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', all as Uint8Array<ArrayBuffer>)));
}

async function* walk(
  root: FileSystemDirectoryHandle,
  prefix = '',
): AsyncGenerator<{ path: string; file: File }> {
  const entries: FileSystemHandle[] = [];
  for await (const e of root.values()) entries.push(e);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.kind === 'directory') yield* walk(e as FileSystemDirectoryHandle, `${prefix}${e.name}/`);
    else yield { path: prefix + e.name, file: await (e as FileSystemFileHandle).getFile() };
  }
}

type Movable = FileSystemFileHandle & { move?: (name: string) => Promise<void> };

/** Writes into one folder; directory handles are looked up once per folder. */
class FolderWriter {
  private readonly dirs = new Map<string, Promise<FileSystemDirectoryHandle>>();

  constructor(private readonly root: FileSystemDirectoryHandle) {}

  private dir(path: string): Promise<FileSystemDirectoryHandle> {
    if (path === '') return Promise.resolve(this.root);
    let found = this.dirs.get(path);
    if (!found) {
      const slash = path.lastIndexOf('/');
      const parent = this.dir(slash < 0 ? '' : path.slice(0, slash));
      found = parent.then((d) => d.getDirectoryHandle(path.slice(slash + 1), { create: true }));
      this.dirs.set(path, found);
    }
    return found;
  }

  /**
   * Writes under a temporary name, then renames. Where handles cannot move, createWritable
   * alone still commits only on close(), so no half-written content is ever visible.
   */
  async write(path: string, parts: BlobPart[]): Promise<void> {
    const slash = path.lastIndexOf('/');
    const dir = await this.dir(slash < 0 ? '' : path.slice(0, slash));
    const name = path.slice(slash + 1);
    const probe = (await dir.getFileHandle(`${name}.tmp`, { create: true })) as Movable;
    const target = probe.move ? probe : await dir.getFileHandle(name, { create: true });
    const w = await target.createWritable();
    await w.write(new Blob(parts));
    await w.close();
    if (!probe.move) return void (await dir.removeEntry(`${name}.tmp`).catch(() => undefined));
    try {
      await probe.move(name);
    } catch {
      // A file of that name from an earlier run: replace it.
      await dir.removeEntry(name);
      await probe.move(name);
    }
  }
}

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

async function exists(root: FileSystemDirectoryHandle, path: string, size: number) {
  try {
    const parts = path.split('/');
    let dir = root;
    for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p);
    return (await (await dir.getFileHandle(parts.at(-1)!)).getFile()).size === size;
  } catch {
    return false;
  }
}

/** Null when the folders may be used together; otherwise why not. */
async function folderProblem(input: FileSystemDirectoryHandle, output: FileSystemDirectoryHandle) {
  if (await input.isSameEntry(output)) return 'the output folder is the input folder';
  if (await input.resolve(output)) return 'the output folder is inside the input folder';
  if (await output.resolve(input)) return 'the input folder is inside the output folder';
  return null;
}

async function run(
  job: DeidJob,
  onProgress: (p: DeidProgress) => void,
): Promise<DeidSummary | string> {
  const refused = await folderProblem(job.input, job.output);
  if (refused) return `Refused: ${refused}.`;
  const t0 = performance.now();
  const deid = new DeidRun({
    profile: job.profile,
    key: job.key,
    site: job.site,
    trial: job.trial,
    ...(job.passBurnedIn ? { passBurnedIn: job.passBurnedIn } : {}),
    ...(job.waiveFacialRisk ? { waiveFacialRisk: job.waiveFacialRisk } : {}),
    ...(job.mapping ? { mapping: job.mapping } : {}),
    ...(job.visits ? { visits: job.visits } : {}),
    ...(job.pseudonymPrefix ? { pseudonymPrefix: job.pseudonymPrefix } : {}),
  });
  const record: RunRecord = {
    tool: 'Trialbench (browser)',
    profile: job.profile,
    options: {
      keyedPseudonyms: true,
      passBurnedIn: Boolean(job.passBurnedIn),
      waiveFacialRisk: Boolean(job.waiveFacialRisk),
      ...Object.fromEntries(Object.entries(job.trial).filter(([, v]) => typeof v === 'string')),
    },
    keyFingerprint: keyFingerprint(job.key),
    runBy: job.runBy,
    startedAt: new Date().toISOString(),
    finishedAt: '',
    decisions: [],
    counts: { written: 0, alreadyPresent: 0, held: {}, skipped: 0, leakChecked: 0, leakHeld: 0 },
    held: [],
    skipped: [],
  };
  const files: Array<{ path: string; file: File }> = [];
  for await (const f of walk(job.input)) files.push(f);
  const journal = await readJournal(job.output);
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
    await out.write(`${JOURNAL}/${stamp}-${chunk++}.jsonl`, [text]);
  };
  const inFlight = new Set<Promise<void>>();
  const manifest = new Map<string, ManifestEntry>();
  const held: DeidHeld[] = [];
  const skipped: DeidSummary['skipped'] = [];
  // Outputs are reused only by a run with the same profile, site and trial attributes.
  // ... and the same subject mapping, visit rules and pseudonym prefix.
  const tables = [[...(job.mapping?.bySitePatient ?? [])], job.visits, job.pseudonymPrefix];
  const settings = `${serializeProfile(job.profile)}\0${job.site}\0${JSON.stringify(job.trial)}\0${JSON.stringify(tables)}`;
  let bytesIn = 0;
  // Reads run ahead of the (synchronous) de-identification, so the disk is never idle.
  const reads = new Map<number, Promise<ArrayBuffer>>();
  const readAhead = (from: number) => {
    for (let j = from; j < Math.min(files.length, from + READS_AHEAD); j++)
      if (!reads.has(j)) reads.set(j, files[j]!.file.arrayBuffer());
  };
  for (const [i, { path, file }] of files.entries()) {
    onProgress({ done: i, total: files.length });
    const k = hex(
      hmacSha256(
        job.key,
        utf8(`journal\0${settings}\0${path}\0${file.size}\0${file.lastModified}`),
      ),
    ).slice(0, 40);
    const done = journal.get(k);
    if (done && (await exists(job.output, done.path, done.size))) {
      manifest.set(done.path, done);
      addDecisions(record.decisions, done.series, done.decisions);
      record.counts.alreadyPresent++;
      record.counts.written++;
      reads.delete(i);
      continue;
    }
    readAhead(i);
    const bytes = new Uint8Array(await reads.get(i)!);
    reads.delete(i);
    readAhead(i + 1);
    bytesIn += bytes.length;
    const o = deid.file(bytes, await hashParts([bytes]));
    countOutcome(record, o);
    if (o.kind === 'skipped') {
      skipped.push({ path, reason: o.reason });
      continue;
    }
    if (o.kind === 'held') {
      held.push({ path, category: o.category, series: o.series, reasons: o.reasons });
      continue;
    }
    const outSha = await hashParts(o.parts);
    const same = manifest.get(o.path);
    if (same) {
      if (same.sha256 !== outSha) {
        const why = 'another source gives the same output path with different content';
        record.counts.held.unsafe = (record.counts.held.unsafe ?? 0) + 1;
        record.held.push({ sourceSha256: o.sourceSha256, category: 'unsafe', reasons: [why] });
        held.push({ path, category: 'unsafe', series: o.series, reasons: [why] });
      }
      continue;
    }
    const entry = { path: o.path, size: o.size, sha256: outSha, sourceSha256: o.sourceSha256 };
    manifest.set(o.path, entry);
    // Reasons can quote source text (descriptions): the journal keeps them redacted.
    const decisions = o.decisions.map((d) => ({ ...d, reasons: d.reasons.map(redactReason) }));
    const j: JournalEntry = { ...entry, series: o.series, decisions };
    const line = JSON.stringify({ k, ...j });
    const p = out.write(o.path, o.parts as BlobPart[]).then(() => {
      lines.push(line);
    });
    inFlight.add(p);
    // A failed write stays in the set, so the next race or the final wait throws it.
    p.then(
      () => inFlight.delete(p),
      () => undefined,
    );
    if (inFlight.size >= WRITES_IN_FLIGHT) await Promise.race(inFlight);
    if (lines.length >= JOURNAL_CHUNK) await flush();
    addDecisions(record.decisions, o.series, o.decisions);
    record.counts.written++;
  }
  await Promise.all(inFlight);
  await flush();
  onProgress({ done: files.length, total: files.length });
  record.finishedAt = new Date().toISOString();
  const manifestText = manifestJson([...manifest.values()]);
  await out.write('manifest.json', [manifestText]);
  await out.write('DEIDENTIFICATION.json', [deidentificationJson(record)]);
  await out.write('DEIDENTIFICATION.md', [deidentificationMd(record)]);
  return {
    record,
    manifestSha256: hex(sha256(utf8(manifestText))),
    held,
    skipped,
    bytesIn,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The benchmark's baseline: the same files plainly copied into the output folder. */
async function copy(input: FileSystemDirectoryHandle, output: FileSystemDirectoryHandle) {
  const t0 = performance.now();
  let bytes = 0;
  const out = new FolderWriter(output);
  for await (const { path, file } of walk(input)) {
    bytes += file.size;
    await out.write(path, [await file.arrayBuffer()]);
  }
  return { bytes, seconds: (performance.now() - t0) / 1000 };
}

const api = {
  run: (job: DeidJob, onProgress: (p: DeidProgress) => void) => run(job, onProgress),
  copy,
};

export type DeidWorkerApi = typeof api;
Comlink.expose(api);
