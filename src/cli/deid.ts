// `trialbench deid <in> <out>`: the app's de-identification run from the command line. A
// thin shell: it reads the options and tables, then hands Node's files, folder, journal and
// output stages to the one run loop (src/core/deid/run/run-loop.ts). Exit codes: exit.ts.
import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism, userInfo } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { basicProfile, parseProfile, type DeidProfile } from '../core/deid/profile';
import {
  parseReviewFile,
  parseSubjectMapping,
  parseVisitMapping,
  localProcess,
  poolSize,
  runLoop,
  type IoFailure,
  type ReviewDecisions,
  type RunJob,
  type RunSummary,
  type SubjectMapping,
  type VisitRule,
} from '../core/deid/run';
import { DEID_USAGE, parseDeidArgs, type DeidArgs } from './deid-args';
import {
  checkFolders,
  createKey,
  inflateNode,
  keyFileBeside,
  nodeFolder,
  nodeJournal,
  nodeSources,
  nodeStage,
  nodeWriteFs,
  readKey,
  readNamed,
  sha256Hex,
  type WriteFs,
} from './deid-fs';
import { timeGdcmanon } from './deid-gdcm';
import { ThreadPool } from './deid-pool';
import { EXIT, exitFor, nodeIoFailure } from './exit';
import { Out } from './out';

/** What a test may replace: the output side's file system, the streams, the threads. */
export interface CliDeps {
  fs?: WriteFs;
  out?: Out;
  /**
   * The script the threads run. By default the bundled CLI's own file; from TypeScript
   * sources (tests) there is none unless given (a built dist-cli/main.js).
   */
  threadScript?: string;
}

function loadProfile(path: string | undefined): DeidProfile | string {
  if (!path) {
    const p = basicProfile('Basic Profile, modified dates');
    p.options.rtnLongModifDatesOpt = true;
    return p;
  }
  const f = readNamed('--profile', path);
  if (typeof f === 'string') return f;
  const parsed = parseProfile(f.text);
  return parsed.ok
    ? parsed.profile
    : `--profile ${path}: ${parsed.error.path}: ${parsed.error.message}; fix the profile file`;
}

function tables(
  a: DeidArgs,
  out: Out,
): { mapping?: SubjectMapping; visits?: VisitRule[] } | string {
  const t: { mapping?: SubjectMapping; visits?: VisitRule[] } = {};
  const report = (file: string, errors: Array<{ line: number; message: string }>): void => {
    for (const e of errors) out.say(`${file}: line ${e.line}: ${e.message} (line not used)`);
  };
  if (a.mapping) {
    const f = readNamed('--mapping', a.mapping);
    if (typeof f === 'string') return f;
    t.mapping = parseSubjectMapping(f.text);
    report(a.mapping, t.mapping.errors);
    if (t.mapping.bySitePatient.size === 0)
      return `--mapping ${a.mapping}: no usable rows; it needs a header site,patient_id,subject_id`;
  }
  if (a.visits) {
    const f = readNamed('--visits', a.visits);
    if (typeof f === 'string') return f;
    const v = parseVisitMapping(f.text);
    report(a.visits, v.errors);
    t.visits = v.rules;
  }
  return t;
}

function loadReview(path: string | undefined): ReviewDecisions | undefined | string {
  if (!path) return undefined;
  const f = readNamed('--review', path);
  if (typeof f === 'string') return f;
  const r = parseReviewFile(f.text);
  return r.ok ? r.decisions : `--review ${path}: ${r.path || '(top)'}: ${r.message}`;
}

function loadKey(a: DeidArgs, out: Out): Uint8Array | string {
  if (a.key) return readKey(a.key);
  const path = keyFileBeside(a.output);
  if (existsSync(path)) {
    out.say(`key: reusing ${path}`);
    return readKey(path);
  }
  const key = createKey(path);
  out.say(`key: created ${path} (mode 0600); keep it to rerun or resume with the same pseudonyms`);
  return key;
}

/**
 * Threads by default: one per core but one, at least 1, at most 4. Each does the whole work
 * of its files; the run's own thread decides what depends on other files and renames every
 * output into place, a tenth to a fifth of the work, so it keeps a core. Measured on a
 * shared 2-core machine (400 CT files, same sitting): 1 thread 1.67-1.80 s CPU and 3.8-5.5 s,
 * 2 threads 2.22-2.59 s CPU and 5.9-14 s (two threads on two vCPUs each ran slower, and each
 * thread costs its own start).
 */
function defaultWorkers(): number {
  return poolSize(availableParallelism());
}

/** The bundled CLI's own file, which a thread loads to serve (deid-thread.ts). */
function ownScript(): string | undefined {
  const self = import.meta.url;
  return self.endsWith('.js') || self.endsWith('.mjs') ? fileURLToPath(self) : undefined;
}

function summary(a: DeidArgs, s: RunSummary, out: Out): void {
  if (!a.quiet) {
    for (const x of s.skipped) out.say(`skipped ${x.path}: ${x.reason}`);
    for (const h of s.held) out.say(`held back ${h.path}: ${h.reasons.join('; ')}`);
    for (const d of s.duplicates) out.say(`duplicate ${d.path}: same output as ${d.of}`);
    for (const n of s.notes) out.say(`note ${n.path}: ${n.note}`);
  }
  if (s.removedTemporaries)
    out.say(`removed ${s.removedTemporaries} temporary file(s) left by an interrupted run`);
  const c = s.record.counts;
  const held = Object.entries(c.held)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const mb = s.bytesIn / 1e6;
  out.say(`inputs: ${c.inputs ?? 0}`);
  out.say(`written: ${c.written} (${c.alreadyPresent} already present from an earlier run)`);
  out.say(`held back: ${held || 'none'}`);
  out.say(`masked: ${c.masked ?? 0} (stored pixel values blanked)`);
  out.say(`skipped: ${c.skipped}`);
  out.say(`duplicates: ${c.duplicate ?? 0}`);
  out.say(`not reached: ${c.notReached ?? 0}`);
  out.say(`leak check: checked ${c.leakChecked}, held ${c.leakHeld}`);
  out.say(
    `folder check: ${s.record.folderCheck?.files ?? 0} other file(s) searched, ${s.folderLeaks.length} removed`,
  );
  for (const l of s.folderLeaks) out.say(`  removed ${l.path}: ${l.reasons.join('; ')}`);
  out.say(
    `speed: ${mb.toFixed(1)} MB in ${s.seconds.toFixed(2)} s = ${(mb / Math.max(s.seconds, 1e-6)).toFixed(1)} MB/s`,
  );
  if (s.stopped?.code === 'limit') out.say(s.stopped.sentence);
  out.say(
    s.recordWritten
      ? `output: ${resolve(a.output)} (manifest.json, DEIDENTIFICATION.md, DEIDENTIFICATION.json)`
      : `output: ${resolve(a.output)} (the record could not be written)`,
  );
}

export async function run(argv: string[], deps: CliDeps = {}): Promise<number> {
  const out = deps.out ?? Out.process('trialbench deid');
  try {
    return await deid(argv, deps, out);
  } finally {
    out.close();
  }
}

async function deid(argv: string[], deps: CliDeps, out: Out): Promise<number> {
  const a = parseDeidArgs(argv);
  if (a === 'help') {
    out.print(DEID_USAGE);
    return EXIT.clean;
  }
  if (typeof a === 'string') return out.fail(a, EXIT.usage);
  const folders = checkFolders(a.input, a.output);
  if (folders) return out.fail(folders, EXIT.usage);
  const profile = loadProfile(a.profile);
  if (typeof profile === 'string') return out.fail(profile, EXIT.usage);
  if (a.cleanPixelData) profile.options.cleanPixelDataOpt = true;
  const review = loadReview(a.review);
  if (typeof review === 'string') return out.fail(review, EXIT.usage);
  const t = tables(a, out);
  if (typeof t === 'string') return out.fail(t, EXIT.usage);
  try {
    mkdirSync(a.output, { recursive: true });
  } catch (e) {
    const f = nodeIoFailure(e);
    if (!f) throw e;
    return out.fail(`cannot make ${a.output}: ${f.sentence}`, exitFor(f));
  }
  const key = loadKey(a, out);
  if (typeof key === 'string') return out.fail(key, EXIT.usage);

  const job: RunJob = {
    tool: 'trialbench deid (CLI)',
    profile,
    key,
    trial: a.trial,
    siteRules: a.siteRules,
    ...t,
    ...(a.prefix ? { pseudonymPrefix: a.prefix } : {}),
    ...(a.passBurnedIn ? { passBurnedIn: a.passBurnedIn } : {}),
    ...(a.waiveFacialRisk ? { waiveFacialRisk: a.waiveFacialRisk } : {}),
    ...(a.attestDefaced ? { attestDefaced: a.attestDefaced } : {}),
    ...(review ? { review: [...review] } : {}),
    maskBurnedIn: a.maskBurnedIn,
    runBy: a.operator ?? userInfo().username,
    ...(a.limit !== undefined ? { limit: a.limit } : {}),
  };
  const fs = deps.fs ?? nodeWriteFs;
  // Threads only over the real file system (a test's byte budget stands in this thread).
  const script = deps.threadScript ?? ownScript();
  const threads = deps.fs || !script ? 0 : (a.workers ?? defaultWorkers());
  const { limit: _limit, tool: _tool, ...settings } = job;
  const pool =
    threads > 0 && script
      ? new ThreadPool({ threads, script, input: a.input, output: a.output, settings })
      : null;
  let interrupted: IoFailure | null = null;
  const onSignal = () => {
    interrupted = {
      code: 'interrupted',
      sentence: 'interrupted: run the same command again to resume',
    };
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let s: RunSummary;
  try {
    s = await runLoop(job, {
      files: nodeSources(a.input),
      folder: nodeFolder(a.output, fs),
      journal: nodeJournal(a.output, fs),
      process:
        pool ??
        localProcess(settings, {
          ports: [nodeStage(a.output, fs), nodeStage(a.output, fs)],
          sha256Hex: async (b) => sha256Hex(b),
          hashParts: async (parts) => sha256Hex(...parts),
          inflate: inflateNode,
          ioFailure: nodeIoFailure,
        }),
      sha256Hex: async (b) => sha256Hex(b),
      inflate: inflateNode,
      ioFailure: nodeIoFailure,
      stop: () => interrupted,
      now: () => new Date(),
      clock: () => performance.now(),
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pool?.close();
  }
  summary(a, s, out);
  if (a.compareGdcm) {
    const g = timeGdcmanon(a.input);
    if (typeof g === 'string') out.say(`compare-gdcm: SKIPPED: ${g}`);
    else
      out.say(
        `compare-gdcm: gdcmanon (${g.mode} mode, exit ${g.exitCode}) took ${g.seconds.toFixed(2)} s; trialbench/gdcmanon speed ratio ${(g.seconds / Math.max(s.seconds, 1e-6)).toFixed(2)}`,
      );
  }
  if (s.stopped && s.stopped.code !== 'limit') {
    const f = { code: s.stopped.code, sentence: s.stopped.sentence } as IoFailure;
    const code = out.fail(
      `${s.stopped.sentence} (${s.record.counts.written} written, ${s.record.counts.notReached ?? 0} not reached${s.recordWritten ? '; see DEIDENTIFICATION.md' : '; the record could not be written'})`,
      exitFor(f),
    );
    return code;
  }
  await out.settle();
  const c = s.record.counts;
  const heldAny = Object.values(c.held).some((n) => (n ?? 0) > 0) || s.folderLeaks.length > 0;
  if (out.closed)
    return out.fail('standard output was closed; the run finished', EXIT.stdoutClosed);
  return heldAny ? EXIT.held : EXIT.clean;
}
