// The reads as the ledger holds them: a deterministic fold over accepted read.submit and
// read.unlock entries (RECIST-24, RECIST-25, RECIST-28). Submitting locks a read; an admin's
// read.unlock with a reason opens it; the corrected read is a read.submit naming the old
// one in `previous`, which it supersedes. Anything else is listed with a problem, not applied.
import { canonicalJson, entryId, hlcToIso } from '../ledger';
import type { Entry, EntryId, Json } from '../ledger/types';
import { decodeRead, encodeRead } from './codec';
import { assessTimepoints, baselineSumUm, bestOverallResponse } from './recist';
import type { TimepointAssessment, BestResponse } from './recist';
import type { BaselineRead, FollowUpRead, Meaning, Read, RecistSettings } from './types';
import { baselineProblems, followUpProblems } from './validate';

export interface Signature {
  /** Printed name of the signer at signing (Part 11 §11.50(a)(1)). */
  name: string;
  author: string;
  /** UTC date and time of signing (§11.50(a)(2)). */
  at: string;
  /** The meaning of the signature (§11.50(a)(3)). */
  meaning: Meaning | 'unlock';
}

export interface SubmittedRead {
  id: EntryId;
  assignment: string;
  signature: Signature;
  read: Read;
  /** The read this one corrects, or null. */
  previous: EntryId | null;
  state: 'locked' | 'unlocked' | 'superseded';
  unlock: (Signature & { reason: string; id: EntryId }) | null;
  supersededBy: EntryId | null;
  /** For follow-ups: this timepoint as computed now (after later reads, e.g. a retro-dated PD). */
  assessment: TimepointAssessment | null;
  baselineSumUm: number | null;
}

export interface RefusedRead {
  id: EntryId;
  signature: Signature;
  problem: string;
}

export interface SubjectSeries {
  reader: string;
  subject: string;
  baseline: SubmittedRead;
  followUps: SubmittedRead[];
  timepoints: TimepointAssessment[];
  best: BestResponse;
}

export interface ReadModel {
  reads: SubmittedRead[];
  refused: RefusedRead[];
  series: SubjectSeries[];
}

/** The values a read.submit carries as `computed`: recomputed on load and compared. */
export function computedFor(
  read: Read,
  baseline: BaselineRead | null,
  priors: FollowUpRead[],
  settings: RecistSettings,
): { [key: string]: Json } {
  if (read.kind === 'baseline') return { sumUm: baselineSumUm(read) };
  if (!baseline) throw new Error('a follow-up is computed against its baseline');
  const tps = assessTimepoints(
    baseline,
    [...priors.filter((p) => p.day < read.day), read],
    settings,
  );
  const t = tps[tps.length - 1]!;
  return {
    sumUm: t.sumUm,
    complete: t.complete,
    baselineSumUm: t.baselineSumUm,
    nadirUm: t.nadirUm,
    changeFromBaselinePermille: t.changeFromBaselinePermille,
    changeFromNadirPermille: t.changeFromNadirPermille,
    changeFromNadirUm: t.changeFromNadirUm,
    target: t.target,
    nonTarget: t.nonTarget,
    newLesions: t.newLesions,
    overall: t.overall,
  };
}

function same(a: Json, b: Json): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * Folds the accepted entries (in ledger order) into reads. `nameOf` gives the signer's
 * printed name; `settings` are the study's RECIST settings.
 */
export function readModel(
  entries: readonly Entry[],
  nameOf: (author: string) => string,
  settings: RecistSettings,
): ReadModel {
  const reads: SubmittedRead[] = [];
  const refused: RefusedRead[] = [];
  const byId = new Map<EntryId, SubmittedRead>();
  const current = new Map<string, SubmittedRead>(); // assignment -> its current read
  const sig = (e: Entry, meaning: Signature['meaning']): Signature => ({
    name: nameOf(e.author),
    author: e.author,
    at: hlcToIso(e.ts),
    meaning,
  });
  const seriesReads = (reader: string, subject: string) =>
    reads.filter(
      (r) =>
        r.state !== 'superseded' && r.signature.author === reader && r.read.subject === subject,
    );
  for (const e of entries) {
    const id = entryId(e);
    const b = e.body;
    if (e.type === 'read.unlock') {
      const target = byId.get(String(b.read));
      if (!target || target.state !== 'locked') {
        refused.push({
          id,
          signature: sig(e, 'unlock'),
          problem: 'RECIST-25: it names no locked read.',
        });
        continue;
      }
      target.state = 'unlocked';
      target.unlock = { ...sig(e, 'unlock'), reason: String(b.reason), id };
      continue;
    }
    if (e.type !== 'read.submit') continue;
    const decoded = decodeRead(b.result ?? null);
    const refuse = (problem: string) =>
      refused.push({ id, signature: sig(e, decoded.ok ? decoded.meaning : 'read'), problem });
    if (!decoded.ok) {
      refuse(`RECIST-1: ${decoded.message}`);
      continue;
    }
    const { read, meaning } = decoded;
    if (read.subject !== b.subject) {
      refuse('RECIST-26: the read names another subject than its entry.');
      continue;
    }
    const assignment = String(b.assignment);
    const previous = typeof b.previous === 'string' ? b.previous : null;
    const open = current.get(assignment);
    if (previous === null && open) {
      refuse('RECIST-25: this assignment already has a submitted read; it is locked.');
      continue;
    }
    if (previous !== null) {
      const old = byId.get(previous);
      if (!old || old.assignment !== assignment || old.state !== 'unlocked') {
        refuse('RECIST-25: a corrected read names an unlocked read of the same assignment.');
        continue;
      }
    }
    const mine = seriesReads(e.author, read.subject).filter((r) => r.id !== previous);
    const base = mine.find((r) => r.read.kind === 'baseline')?.read as BaselineRead | undefined;
    let problems;
    if (read.kind === 'baseline') {
      problems = baselineProblems(read);
      if (base)
        problems.push({
          rule: 'RECIST-8',
          lesion: null,
          message: 'This reader already has a baseline for the subject.',
        });
    } else if (!base) {
      problems = [
        {
          rule: 'RECIST-8',
          lesion: null,
          message: 'No baseline read of this reader for the subject.',
        },
      ];
    } else problems = followUpProblems(base, read);
    if (problems.length) {
      refuse(`${problems[0]!.rule}: ${problems[0]!.message}`);
      continue;
    }
    const priors = mine
      .filter((r) => r.read.kind === 'follow-up')
      .map((r) => r.read as FollowUpRead);
    const computed = computedFor(read, base ?? null, priors, settings);
    if (!same(computed, (b.result as { [k: string]: Json }).computed ?? null)) {
      refuse(
        'RECIST-24: the values it carries are not those RECIST 1.1 computes from its measurements.',
      );
      continue;
    }
    const r: SubmittedRead = {
      id,
      assignment,
      signature: sig(e, meaning),
      read,
      previous,
      state: 'locked',
      unlock: null,
      supersededBy: null,
      assessment: null,
      baselineSumUm: null,
    };
    if (previous !== null) {
      const old = byId.get(previous)!;
      old.state = 'superseded';
      old.supersededBy = id;
    }
    reads.push(r);
    byId.set(id, r);
    current.set(assignment, r);
  }
  // Series per reader and subject, computed from the current reads.
  const series: SubjectSeries[] = [];
  const keys = new Set(
    reads
      .filter((r) => r.state !== 'superseded')
      .map((r) => `${r.signature.author}\n${r.read.subject}`),
  );
  for (const k of keys) {
    const [reader = '', subject = ''] = k.split('\n');
    const mine = seriesReads(reader, subject);
    const baseline = mine.find((r) => r.read.kind === 'baseline');
    if (!baseline) continue;
    const base = baseline.read as BaselineRead;
    baseline.baselineSumUm = baselineSumUm(base);
    const fus = mine
      .filter((r) => r.read.kind === 'follow-up')
      .sort((x, y) => x.read.day - y.read.day);
    const tps = assessTimepoints(
      base,
      fus.map((r) => r.read as FollowUpRead),
      settings,
    );
    fus.forEach((r, i) => {
      r.assessment = tps[i] ?? null;
      r.baselineSumUm = base === null ? null : baselineSumUm(base);
    });
    series.push({
      reader,
      subject,
      baseline,
      followUps: fus,
      timepoints: tps,
      best: bestOverallResponse(tps, settings),
    });
  }
  return { reads, refused, series };
}

/** The body of the read.submit entry that signs `read` (RECIST-24, RECIST-25). */
export function submitBody(
  assignment: string,
  read: Read,
  meaning: Meaning,
  baseline: BaselineRead | null,
  priors: FollowUpRead[],
  settings: RecistSettings,
  previous: EntryId | null,
): { [key: string]: Json } {
  return {
    assignment,
    subject: read.subject,
    result: {
      ...encodeRead(read, meaning),
      computed: computedFor(read, baseline, priors, settings),
    },
    previous,
  };
}
