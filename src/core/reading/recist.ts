// RECIST 1.1 as pure functions: sums, nadir, target / non-target / new-lesion calls, the
// overall timepoint response (tables 1 and 2) and the best overall response (table 3).
// Rule IDs (RECIST-n) are in ./SPEC.md; tests in test/unit/reading cite them.
// All lengths are integer micrometres here: 30 % and 20 % are compared by integer products.
import type {
  BaselineLesion,
  BaselineRead,
  FollowUpRead,
  MeasurementInput,
  NewLesion,
  NewLesionCall,
  NonTargetFollowUp,
  NonTargetResponse,
  OverallResponse,
  RecistSettings,
  TargetFollowUp,
  TargetResponse,
} from './types';

/** Millimetres (as typed or measured) to integer micrometres. */
export function um(mm: number): number {
  return Math.round(mm * 1000);
}

/** The diameter that counts for a lesion: short axis for nodes, long axis otherwise (RECIST-9). */
export function diameterUm(nodal: boolean, m: MeasurementInput): number {
  if (nodal) {
    if (m.shortMm === undefined) throw new Error('a nodal measurement needs a short axis');
    return um(m.shortMm);
  }
  return um(m.longMm);
}

export function targets(b: BaselineRead): BaselineLesion[] {
  return b.lesions.filter((l) => l.kind === 'target');
}

export function nonTargets(b: BaselineRead): BaselineLesion[] {
  return b.lesions.filter((l) => l.kind === 'non-target');
}

/** Baseline sum of diameters (RECIST-9). */
export function baselineSumUm(b: BaselineRead): number {
  let sum = 0;
  for (const l of targets(b)) if (l.measurement) sum += diameterUm(l.nodal, l.measurement);
  return sum;
}

/** One target's contribution at follow-up, or null when not evaluable (RECIST-10, -11). */
export function contributionUm(
  lesion: BaselineLesion,
  f: TargetFollowUp,
  settings: RecistSettings,
): number | null {
  switch (f.status) {
    case 'measured':
      return diameterUm(lesion.nodal, f.measurement);
    case 'absent':
    case 'merged':
      return 0;
    case 'too-small':
      return um(settings.tooSmallMm);
    case 'not-evaluable':
      return null;
    case 'split':
      return f.parts.reduce((s, p) => s + diameterUm(lesion.nodal, p), 0);
  }
}

export interface TargetSum {
  /** Sum over the targets that could be evaluated. */
  sumUm: number;
  /** Every target evaluated. */
  complete: boolean;
  notEvaluable: string[];
}

export function followUpSum(b: BaselineRead, f: FollowUpRead, settings: RecistSettings): TargetSum {
  const byId = new Map(f.targets.map((t) => [t.id, t]));
  let sumUm = 0;
  const notEvaluable: string[] = [];
  for (const l of targets(b)) {
    const t = byId.get(l.id);
    const c = t ? contributionUm(l, t, settings) : null;
    if (c === null) notEvaluable.push(l.id);
    else sumUm += c;
  }
  return { sumUm, complete: notEvaluable.length === 0, notEvaluable };
}

/** RECIST-13: non-nodal targets gone, every nodal target under 10 mm short axis. */
export function targetsInCR(b: BaselineRead, f: FollowUpRead, settings: RecistSettings): boolean {
  const byId = new Map(f.targets.map((t) => [t.id, t]));
  return targets(b).every((l) => {
    const t = byId.get(l.id);
    if (!t) return false;
    if (t.status === 'absent' || t.status === 'merged') return true;
    if (!l.nodal) return false;
    if (t.status === 'measured') return diameterUm(true, t.measurement) < 10_000;
    if (t.status === 'too-small') return um(settings.tooSmallMm) < 10_000;
    if (t.status === 'split') return t.parts.every((p) => diameterUm(true, p) < 10_000);
    return false;
  });
}

/** RECIST-15: at least 20 % over the nadir and at least 5 mm more. */
export function isProgression(sumUm: number, nadirUm: number): boolean {
  return sumUm * 100 >= nadirUm * 120 && sumUm - nadirUm >= 5_000;
}

/** RECIST-14: at least 30 % below the baseline sum. */
export function isPartialResponse(sumUm: number, baseUm: number): boolean {
  return sumUm * 10 <= baseUm * 7;
}

/** Target response at one follow-up (RECIST-13..17). */
export function targetResponse(
  sum: TargetSum,
  baseUm: number,
  nadirUm: number,
  cr: boolean,
): TargetResponse {
  if (!sum.complete) {
    // RECIST-17: the lesions measured may already show progression; otherwise NE.
    return isProgression(sum.sumUm, nadirUm) ? 'PD' : 'NE';
  }
  // RECIST-13 before RECIST-15: nodes all back under 10 mm is CR even with a non-zero sum.
  if (cr) return 'CR';
  if (isProgression(sum.sumUm, nadirUm)) return 'PD';
  if (isPartialResponse(sum.sumUm, baseUm)) return 'PR';
  return 'SD';
}

/** RECIST-18: the non-target response from each non-target's call. */
export function nonTargetResponse(list: NonTargetFollowUp[]): NonTargetResponse {
  if (list.length === 0) return 'none';
  if (list.some((n) => n.status === 'PD')) return 'PD';
  if (list.some((n) => n.status === 'NE')) return 'NE';
  if (list.every((n) => n.status === 'CR')) return 'CR';
  return 'non-CR/non-PD';
}

/** RECIST-19: unequivocal is progression now; equivocal is not (yet). */
export function newLesionCall(list: NewLesion[]): NewLesionCall {
  if (list.some((n) => n.status === 'unequivocal')) return 'unequivocal';
  if (list.some((n) => n.status === 'equivocal')) return 'equivocal';
  return 'none';
}

/** RECIST-20: Table 1, subjects with target lesions (non-target 'none' reads as CR). */
export function overallWithTargets(
  target: TargetResponse,
  nonTarget: NonTargetResponse,
  newLesions: NewLesionCall,
): OverallResponse {
  if (target === 'PD' || nonTarget === 'PD' || newLesions === 'unequivocal') return 'PD';
  if (target === 'CR') return nonTarget === 'CR' || nonTarget === 'none' ? 'CR' : 'PR';
  if (target === 'PR') return 'PR';
  if (target === 'SD') return 'SD';
  return 'NE';
}

/** RECIST-21: Table 2, subjects with non-target lesions only. */
export function overallNonTargetOnly(
  nonTarget: NonTargetResponse,
  newLesions: NewLesionCall,
): OverallResponse {
  if (nonTarget === 'PD' || newLesions === 'unequivocal') return 'PD';
  if (nonTarget === 'CR') return 'CR';
  if (nonTarget === 'non-CR/non-PD') return 'non-CR/non-PD';
  return 'NE';
}

export interface TimepointAssessment {
  timepoint: string;
  day: number;
  sumUm: number;
  complete: boolean;
  notEvaluable: string[];
  baselineSumUm: number;
  nadirUm: number;
  /** Per mille of the baseline / nadir sum (integer, e.g. -300 = -30.0 %); null when 0. */
  changeFromBaselinePermille: number | null;
  changeFromNadirPermille: number | null;
  changeFromNadirUm: number;
  target: TargetResponse | 'none';
  nonTarget: NonTargetResponse;
  newLesions: NewLesionCall;
  /** The timepoint's own response by table 1 or 2. */
  overall: OverallResponse;
  /** PD here because an equivocal new lesion seen here was confirmed later (RECIST-19). */
  retroDatedPD: boolean;
}

function permille(delta: number, of: number): number | null {
  return of === 0 ? null : Math.round((delta * 1000) / of);
}

/** Every follow-up in day order, against the baseline and the nadir so far (RECIST-12). */
export function assessTimepoints(
  b: BaselineRead,
  followUps: FollowUpRead[],
  settings: RecistSettings,
): TimepointAssessment[] {
  const ordered = [...followUps].sort((x, y) => x.day - y.day);
  const base = baselineSumUm(b);
  const hasTargets = targets(b).length > 0;
  let nadir = base;
  const out: TimepointAssessment[] = [];
  for (const f of ordered) {
    const sum = followUpSum(b, f, settings);
    const target = hasTargets
      ? targetResponse(sum, base, nadir, targetsInCR(b, f, settings))
      : 'none';
    const nonTarget = nonTargetResponse(f.nonTargets);
    const call = newLesionCall(f.newLesions);
    const overall =
      target === 'none'
        ? overallNonTargetOnly(nonTarget, call)
        : overallWithTargets(target, nonTarget, call);
    out.push({
      timepoint: f.timepoint,
      day: f.day,
      sumUm: sum.sumUm,
      complete: sum.complete,
      notEvaluable: sum.notEvaluable,
      baselineSumUm: base,
      nadirUm: nadir,
      changeFromBaselinePermille: permille(sum.sumUm - base, base),
      changeFromNadirPermille: permille(sum.sumUm - nadir, nadir),
      changeFromNadirUm: sum.sumUm - nadir,
      target,
      nonTarget,
      newLesions: call,
      overall,
      retroDatedPD: false,
    });
    if (sum.complete && sum.sumUm < nadir) nadir = sum.sumUm;
  }
  // RECIST-19: a new lesion first called equivocal and later unequivocal dates PD back.
  const firstEquivocal = new Map<string, number>();
  ordered.forEach((f, i) => {
    for (const n of f.newLesions) {
      if (n.status === 'equivocal' && !firstEquivocal.has(n.id)) firstEquivocal.set(n.id, i);
      if (n.status === 'unequivocal') {
        const j = firstEquivocal.get(n.id);
        const at = j === undefined || j >= i ? undefined : out[j];
        if (at && at.overall !== 'PD') {
          at.overall = 'PD';
          at.retroDatedPD = true;
        }
      }
    }
  });
  return out;
}

/** The first timepoint with PD (after retro-dating), or null. */
export function progression(tps: TimepointAssessment[]): TimepointAssessment | null {
  return tps.find((t) => t.overall === 'PD') ?? null;
}

export interface BestResponse {
  response: OverallResponse;
  /** The timepoint the best response was first met at, or null. */
  timepoint: string | null;
  confirmed: boolean | null;
}

const RANK: Record<OverallResponse, number> = {
  CR: 5,
  PR: 4,
  SD: 3,
  'non-CR/non-PD': 3,
  PD: 1,
  NE: 0,
};

function better(a: BestResponse | null, b: BestResponse): BestResponse {
  return !a || RANK[b.response] > RANK[a.response] ? b : a;
}

/**
 * Best overall response (RECIST-22 without confirmation, RECIST-23 with): the best
 * response recorded from the start of treatment until progression; SD counts only once
 * the minimum SD duration from baseline is met.
 */
export function bestOverallResponse(
  tps: TimepointAssessment[],
  settings: RecistSettings,
): BestResponse {
  const pdAt = tps.findIndex((t) => t.overall === 'PD');
  const upTo = pdAt === -1 ? tps : tps.slice(0, pdAt + 1);
  const sdOk = (t: TimepointAssessment) => t.day >= settings.minSdDays;
  let best: BestResponse | null = null;
  for (const [i, t] of upTo.entries()) {
    const r = t.overall;
    if (r === 'SD' || r === 'non-CR/non-PD') {
      if (sdOk(t)) best = better(best, { response: r, timepoint: t.timepoint, confirmed: null });
      continue;
    }
    if (r !== 'CR' && r !== 'PR') continue;
    if (!settings.confirmation) {
      best = better(best, { response: r, timepoint: t.timepoint, confirmed: null });
      continue;
    }
    // RECIST-23, table 3: the subsequent assessment is the first evaluable one at least
    // `confirmDays` later (an earlier PD ends the search: progression came first).
    let next: OverallResponse = 'NE';
    for (const u of upTo.slice(i + 1)) {
      if (u.overall === 'PD') {
        next = 'PD';
        break;
      }
      if (u.overall === 'NE' || u.day - t.day < settings.confirmDays) continue;
      next = u.overall;
      break;
    }
    const sdOrElse = (otherwise: OverallResponse): BestResponse =>
      sdOk(t)
        ? { response: 'SD', timepoint: t.timepoint, confirmed: false }
        : { response: otherwise, timepoint: t.timepoint, confirmed: false };
    let cand: BestResponse;
    if (r === 'CR') {
      if (next === 'CR') cand = { response: 'CR', timepoint: t.timepoint, confirmed: true };
      else cand = sdOrElse(next === 'NE' ? 'NE' : 'PD');
    } else if (next === 'CR' || next === 'PR') {
      cand = { response: 'PR', timepoint: t.timepoint, confirmed: true };
    } else if (next === 'SD' || next === 'non-CR/non-PD') {
      cand = { response: 'SD', timepoint: t.timepoint, confirmed: false };
    } else {
      cand = sdOrElse(next === 'PD' ? 'PD' : 'NE');
    }
    best = better(best, cand);
  }
  if (best && best.response !== 'NE') return best;
  if (pdAt !== -1)
    return { response: 'PD', timepoint: tps[pdAt]?.timepoint ?? null, confirmed: null };
  return { response: 'NE', timepoint: null, confirmed: null };
}
