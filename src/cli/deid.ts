// `trialbench deid <in> <out>`: the app's de-identification run from the command line.
// Exit 0 when nothing leaked, 1 when the leak check held any file, 2 on misuse.
import { createHash, createHmac } from 'node:crypto';
import { existsSync, readFileSync, statSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import {
  basicProfile,
  parseProfile,
  serializeProfile,
  type DeidProfile,
} from '../core/deid/profile';
import {
  addDecisions,
  countOutcome,
  deidentificationJson,
  deidentificationMd,
  DeidRun,
  emptyCounts,
  keyFingerprint,
  manifestJson,
  parseSubjectMapping,
  parseReviewFile,
  parseVisitMapping,
  type ManifestEntry,
  type ReviewDecisions,
  type RunRecord,
  type SubjectMapping,
  type VisitRule,
} from '../core/deid/run';
import { DEID_USAGE, parseDeidArgs, type DeidArgs } from './deid-args';
import { parseSource } from '../core/deid/engine';
import type { Inflate } from '../core/index/record';

/** Raw inflate capped at maxBytes (over it: code ERR_BUFFER_TOO_LARGE, DEID-61). */
const inflateNode: Inflate = async (data, maxBytes) =>
  new Uint8Array(inflateRawSync(data, { maxOutputLength: maxBytes }));
import {
  appendJournal,
  checkFolders,
  createKey,
  keyFileBeside,
  listFiles,
  readJournal,
  readKey,
  removeTemporaries,
  writeAtomic,
  writeTextAtomic,
} from './deid-fs';
import { timeGdcmanon } from './deid-gdcm';

const say = (s: string): boolean => process.stdout.write(`${s}\n`);
const fail = (s: string): number => {
  process.stderr.write(`trialbench deid: ${s}\n`);
  return 2;
};

function loadProfile(path: string | undefined): DeidProfile | string {
  if (!path) {
    const p = basicProfile('Basic Profile, modified dates');
    p.options.rtnLongModifDatesOpt = true;
    return p;
  }
  const parsed = parseProfile(readFileSync(path, 'utf8'));
  return parsed.ok ? parsed.profile : `${path}: ${parsed.error.path}: ${parsed.error.message}`;
}

function loadKey(a: DeidArgs): Uint8Array | string {
  if (a.key) return readKey(a.key);
  const path = keyFileBeside(a.output);
  if (existsSync(path)) {
    say(`key: reusing ${path}`);
    return readKey(path);
  }
  const key = createKey(path);
  say(`key: created ${path} (mode 0600); keep it to rerun or resume with the same pseudonyms`);
  return key;
}

function tables(a: DeidArgs): { mapping?: SubjectMapping; visits?: VisitRule[] } | string {
  const out: { mapping?: SubjectMapping; visits?: VisitRule[] } = {};
  const report = (file: string, errors: Array<{ line: number; message: string }>): void => {
    for (const e of errors) say(`${file}: line ${e.line}: ${e.message} (line not used)`);
  };
  if (a.mapping) {
    out.mapping = parseSubjectMapping(readFileSync(a.mapping, 'utf8'));
    report(a.mapping, out.mapping.errors);
    if (out.mapping.bySitePatient.size === 0) return `${a.mapping}: no usable mapping rows`;
  }
  if (a.visits) {
    const v = parseVisitMapping(readFileSync(a.visits, 'utf8'));
    report(a.visits, v.errors);
    out.visits = v.rules;
  }
  return out;
}

function loadReview(path: string | undefined): ReviewDecisions | undefined | string {
  if (!path) return undefined;
  const r = parseReviewFile(readFileSync(path, 'utf8'));
  return r.ok ? r.decisions : `${path}: ${r.path || '(top)'}: ${r.message}`;
}

const sha = (parts: readonly Uint8Array[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(DEID_USAGE);
    return 0;
  }
  const a = parseDeidArgs(argv);
  if (typeof a === 'string') return fail(`${a}\n${DEID_USAGE}`);
  const folders = checkFolders(a.input, a.output);
  if (folders) return fail(folders);
  const profile = loadProfile(a.profile);
  if (typeof profile === 'string') return fail(profile);
  if (a.cleanPixelData) profile.options.cleanPixelDataOpt = true;
  const review = loadReview(a.review);
  if (typeof review === 'string') return fail(review);
  const t = tables(a);
  if (typeof t === 'string') return fail(t);
  mkdirSync(a.output, { recursive: true });
  const key = loadKey(a);
  if (typeof key === 'string') return fail(key);
  const started = new Date();
  const site = a.trial.siteId ?? '';
  const runBy = a.operator ?? userInfo().username;
  const deid = new DeidRun({
    profile,
    key,
    site,
    trial: a.trial,
    ...t,
    ...(a.prefix ? { pseudonymPrefix: a.prefix } : {}),
    ...(a.passBurnedIn ? { passBurnedIn: a.passBurnedIn } : {}),
    ...(a.waiveFacialRisk ? { waiveFacialRisk: a.waiveFacialRisk } : {}),
    ...(a.attestDefaced ? { attestDefaced: a.attestDefaced } : {}),
    ...(review ? { review } : {}),
    maskBurnedIn: a.maskBurnedIn,
    runBy,
  });
  const cleaned = removeTemporaries(a.output);
  if (cleaned) say(`removed ${cleaned} temporary file(s) left by an interrupted run`);
  const journal = readJournal(a.output);
  const record: RunRecord = {
    tool: 'trialbench deid (CLI)',
    profile,
    options: {
      keyedPseudonyms: !a.mapping,
      ...(a.prefix ? { pseudonymPrefix: a.prefix } : {}),
      visitMapping: Boolean(a.visits),
      passBurnedIn: Boolean(a.passBurnedIn),
      waiveFacialRisk: Boolean(a.waiveFacialRisk),
      maskBurnedIn: a.maskBurnedIn,
      ...(a.attestDefaced ? { attestDefaced: a.attestDefaced } : {}),
      reviewedSeries: String(review?.size ?? 0),
      ...a.trial,
    },
    keyFingerprint: keyFingerprint(key),
    runBy,
    startedAt: started.toISOString(),
    finishedAt: '',
    decisions: [],
    counts: emptyCounts(),
    held: [],
    skipped: [],
  };
  // A file written under other settings (profile, answers, trial) is redone, not reused: a
  // series excluded or masked now must not ride on an output written before.
  const settings = JSON.stringify([
    serializeProfile(profile),
    site,
    a.trial,
    [...(review ?? [])],
    a.passBurnedIn ?? '',
    a.maskBurnedIn,
    a.waiveFacialRisk ?? '',
    a.attestDefaced ?? '',
  ]);
  const manifest = new Map<string, ManifestEntry>();
  const local: string[] = [];
  let bytesIn = 0;
  let fresh = 0;
  let interrupted = false;
  const t0 = performance.now();
  for (const rel of listFiles(a.input)) {
    const src = join(a.input, rel);
    const st = statSync(src);
    const k = createHmac('sha256', key)
      .update(`journal\0${settings}\0${rel}\0${st.size}\0${st.mtimeMs}`)
      .digest('hex');
    const done = journal.get(k);
    const target = done ? join(a.output, done.path) : '';
    if (done && existsSync(target) && statSync(target).size === done.size) {
      manifest.set(done.path, done);
      addDecisions(record.decisions, done.series, done.decisions);
      if (done.masked) record.counts.masked = (record.counts.masked ?? 0) + 1;
      record.counts.alreadyPresent++;
      record.counts.written++;
      continue;
    }
    if (a.limit !== undefined && fresh >= a.limit) {
      interrupted = true;
      break;
    }
    const buf = readFileSync(src);
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
    bytesIn += bytes.length;
    const o = deid.file(bytes, sha([bytes]), await parseSource(bytes, inflateNode));
    countOutcome(record, o);
    if (o.kind === 'skipped') {
      local.push(`skipped ${rel}: ${o.reason}`);
      continue;
    }
    if (o.kind === 'held') {
      local.push(`held back ${rel}: ${o.reasons.join('; ')}`);
      continue;
    }
    const outSha = sha(o.parts);
    const same = manifest.get(o.path);
    if (same) {
      if (same.sha256 !== outSha) {
        record.counts.held.unsafe = (record.counts.held.unsafe ?? 0) + 1;
        const why = 'another source gives the same output path with different content';
        record.held.push({ sourceSha256: o.sourceSha256, category: 'unsafe', reasons: [why] });
        local.push(`held back ${rel}: ${why}`);
      } else local.push(`duplicate of an earlier file, not written again: ${rel}`);
      continue;
    }
    if (!writeAtomic(join(a.output, o.path), o.parts, true)) {
      record.counts.held.unsafe = (record.counts.held.unsafe ?? 0) + 1;
      const why = 'the header read back from disk differs from the one checked';
      record.held.push({ sourceSha256: o.sourceSha256, category: 'unsafe', reasons: [why] });
      local.push(`held back ${rel}: ${why}`);
      continue;
    }
    const entry = { path: o.path, size: o.size, sha256: outSha, sourceSha256: o.sourceSha256 };
    manifest.set(o.path, entry);
    appendJournal(a.output, {
      k,
      ...entry,
      series: o.series,
      decisions: o.decisions,
      masked: o.masked,
    });
    addDecisions(record.decisions, o.series, o.decisions);
    record.counts.written++;
    fresh++;
    for (const n of o.notes) local.push(`note ${rel}: ${n}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  record.finishedAt = new Date().toISOString();
  writeTextAtomic(join(a.output, 'manifest.json'), manifestJson([...manifest.values()]));
  writeTextAtomic(join(a.output, 'DEIDENTIFICATION.json'), deidentificationJson(record));
  writeTextAtomic(join(a.output, 'DEIDENTIFICATION.md'), deidentificationMd(record));
  if (!a.quiet) for (const l of local) say(l);
  const c = record.counts;
  const heldText = Object.entries(c.held)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const mb = bytesIn / 1e6;
  say(`written: ${c.written} (${c.alreadyPresent} already present from an earlier run)`);
  say(`held back: ${heldText || 'none'}`);
  say(`masked: ${c.masked ?? 0} (stored pixel values blanked)`);
  say(`skipped: ${c.skipped}`);
  say(`leak check: checked ${c.leakChecked}, held ${c.leakHeld}`);
  say(
    `speed: ${mb.toFixed(1)} MB in ${seconds.toFixed(2)} s = ${(mb / Math.max(seconds, 1e-6)).toFixed(1)} MB/s`,
  );
  if (interrupted) say(`stopped after ${fresh} new file(s) (--limit); run again to resume`);
  say(`output: ${resolve(a.output)} (manifest.json, DEIDENTIFICATION.md, DEIDENTIFICATION.json)`);
  if (a.compareGdcm) {
    const g = timeGdcmanon(a.input);
    if (typeof g === 'string') say(`compare-gdcm: SKIPPED: ${g}`);
    else
      say(
        `compare-gdcm: gdcmanon (${g.mode} mode, exit ${g.exitCode}) took ${g.seconds.toFixed(2)} s; trialbench/gdcmanon speed ratio ${(g.seconds / Math.max(seconds, 1e-6)).toFixed(2)}`,
      );
  }
  return c.leakHeld > 0 ? 1 : 0;
}
