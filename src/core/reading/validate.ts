// What the read form enforces, each problem naming its RECIST rule (SPEC.md): the baseline
// limits and measurability, and a follow-up that lists exactly the baseline's lesions.
import { diameterUm, targets, nonTargets, um } from './recist';
import type { BaselineLesion, BaselineRead, FollowUpRead, MeasurementInput, Read } from './types';
import { CRITERIA, CRITERIA_VERSION } from './types';

export type RuleId = `RECIST-${number}`;

/** An expected problem with a read: the rule it breaks, the lesion (if one), a sentence. */
export interface ReadProblem {
  rule: RuleId;
  lesion: string | null;
  message: string;
}

export const MAX_TARGETS = 5;
export const MAX_TARGETS_PER_ORGAN = 2;
const LESION_ID = /^[A-Za-z0-9._-]{1,16}$/;

/** All nodal lesions count as one organ (RECIST-3). */
export function organKey(l: Pick<BaselineLesion, 'organ' | 'nodal'>): string {
  return l.nodal ? 'lymph node' : l.organ.trim().toLowerCase();
}

/** The smallest measurable size in µm: 10 mm (15 mm short axis for nodes), or twice a slice over 5 mm (RECIST-4..6). */
export function minMeasurableUm(nodal: boolean, sliceThicknessMm: number | null): number {
  const floor = nodal ? 15_000 : 10_000;
  if (sliceThicknessMm !== null && sliceThicknessMm > 5)
    return Math.max(floor, 2 * um(sliceThicknessMm));
  return floor;
}

function fmt(u: number): string {
  return `${(u / 1000).toFixed(1)} mm`;
}

function measurementProblems(
  id: string,
  nodal: boolean,
  m: MeasurementInput,
  out: ReadProblem[],
): boolean {
  const bad = (message: string) => out.push({ rule: 'RECIST-9', lesion: id, message });
  if (!m.sopInstanceUid) bad(`${id}: the image the lesion was measured on is missing.`);
  if (!(Number.isFinite(m.longMm) && m.longMm >= 0)) {
    bad(`${id}: the long axis must be a number of millimetres.`);
    return false;
  }
  if (m.shortMm !== undefined && !(Number.isFinite(m.shortMm) && m.shortMm >= 0)) {
    bad(`${id}: the short axis must be a number of millimetres.`);
    return false;
  }
  if (m.shortMm !== undefined && m.shortMm > m.longMm) {
    bad(`${id}: the short axis is longer than the long axis.`);
    return false;
  }
  if (nodal && m.shortMm === undefined) {
    bad(`${id}: a lymph node is measured by its short axis; enter it.`);
    return false;
  }
  return true;
}

function headerProblems(r: Read, out: ReadProblem[]): void {
  if (r.criteria !== CRITERIA || r.criteriaVersion !== CRITERIA_VERSION)
    out.push({
      rule: 'RECIST-1',
      lesion: null,
      message: `Only ${CRITERIA} ${CRITERIA_VERSION} is known; this read says ${String(r.criteria)} ${String(r.criteriaVersion)}.`,
    });
  if (!r.subject || !r.timepoint)
    out.push({
      rule: 'RECIST-1',
      lesion: null,
      message: 'A read names its subject and timepoint.',
    });
  if (!Number.isSafeInteger(r.day) || r.day < 0)
    out.push({
      rule: 'RECIST-1',
      lesion: null,
      message: 'The days from baseline must be a whole number, 0 or more.',
    });
}

/** Every problem with a baseline read; empty when it may be submitted. */
export function baselineProblems(b: BaselineRead): ReadProblem[] {
  const out: ReadProblem[] = [];
  headerProblems(b, out);
  if (b.day !== 0)
    out.push({ rule: 'RECIST-1', lesion: null, message: 'A baseline read is at day 0.' });
  const seen = new Set<string>();
  for (const l of b.lesions) {
    if (!LESION_ID.test(l.id))
      out.push({
        rule: 'RECIST-8',
        lesion: l.id,
        message: `Lesion ID "${l.id.slice(0, 20)}" must be 1-16 letters, digits, dot, dash or underscore.`,
      });
    if (seen.has(l.id))
      out.push({ rule: 'RECIST-8', lesion: l.id, message: `Lesion ID ${l.id} is used twice.` });
    seen.add(l.id);
    if (!l.nodal && !l.organ.trim())
      out.push({ rule: 'RECIST-3', lesion: l.id, message: `${l.id}: name the organ.` });
  }
  if (b.lesions.length === 0)
    out.push({
      rule: 'RECIST-8',
      lesion: null,
      message: 'A baseline read records at least one lesion (target or non-target).',
    });
  const ts = targets(b);
  if (ts.length > MAX_TARGETS)
    out.push({
      rule: 'RECIST-2',
      lesion: ts[MAX_TARGETS]?.id ?? null,
      message: `At most ${MAX_TARGETS} target lesions (RECIST-2); this read has ${ts.length}. Record the others as non-targets.`,
    });
  const perOrgan = new Map<string, string[]>();
  for (const l of ts) {
    const k = organKey(l);
    perOrgan.set(k, [...(perOrgan.get(k) ?? []), l.id]);
  }
  for (const [organ, ids] of perOrgan)
    if (ids.length > MAX_TARGETS_PER_ORGAN)
      out.push({
        rule: 'RECIST-3',
        lesion: ids[MAX_TARGETS_PER_ORGAN] ?? null,
        message: `At most ${MAX_TARGETS_PER_ORGAN} target lesions per organ (RECIST-3${organ === 'lymph node' ? ': all lymph nodes are one organ' : ''}); ${organ} has ${ids.length} (${ids.join(', ')}).`,
      });
  for (const l of ts) {
    if (!l.measurement) {
      out.push({
        rule: l.nodal ? 'RECIST-5' : 'RECIST-4',
        lesion: l.id,
        message: `${l.id}: a target lesion must be measured.`,
      });
      continue;
    }
    if (!measurementProblems(l.id, l.nodal, l.measurement, out)) continue;
    const d = diameterUm(l.nodal, l.measurement);
    const min = minMeasurableUm(l.nodal, l.sliceThicknessMm);
    if (d < min) {
      const thick =
        l.sliceThicknessMm !== null && l.sliceThicknessMm > 5 && min > (l.nodal ? 15_000 : 10_000);
      out.push({
        rule: thick ? 'RECIST-6' : l.nodal ? 'RECIST-5' : 'RECIST-4',
        lesion: l.id,
        message: thick
          ? `${l.id}: not measurable (RECIST-6): ${fmt(d)} is under twice the ${l.sliceThicknessMm} mm slice thickness (${fmt(min)}).`
          : l.nodal
            ? `${l.id}: a lymph node is a measurable target only with a short axis of at least 15 mm (RECIST-5); it is ${fmt(d)}.`
            : `${l.id}: a target lesion needs a long axis of at least 10 mm (RECIST-4); it is ${fmt(d)}.`,
      });
    }
  }
  for (const l of nonTargets(b)) {
    if (!l.measurement) continue;
    if (!measurementProblems(l.id, l.nodal, l.measurement, out)) continue;
    if (l.nodal && diameterUm(true, l.measurement) < 10_000)
      out.push({
        rule: 'RECIST-7',
        lesion: l.id,
        message: `${l.id}: a node under 10 mm short axis is not pathological and is not recorded (RECIST-7).`,
      });
  }
  return out;
}

/** Every problem with a follow-up read against its baseline; empty when it may be submitted. */
export function followUpProblems(b: BaselineRead, f: FollowUpRead): ReadProblem[] {
  const out: ReadProblem[] = [];
  headerProblems(f, out);
  if (f.subject !== b.subject)
    out.push({ rule: 'RECIST-8', lesion: null, message: 'The follow-up is of another subject.' });
  if (f.day <= 0)
    out.push({
      rule: 'RECIST-1',
      lesion: null,
      message: 'A follow-up is after baseline (days from baseline over 0).',
    });
  const want = targets(b).map((l) => l.id);
  const got = f.targets.map((t) => t.id);
  if (want.join('\n') !== got.join('\n'))
    out.push({
      rule: 'RECIST-8',
      lesion: null,
      message: `The follow-up lists the baseline targets in order (${want.join(', ') || 'none'}); it has ${got.join(', ') || 'none'}.`,
    });
  const wantNt = nonTargets(b).map((l) => l.id);
  const gotNt = f.nonTargets.map((t) => t.id);
  if (wantNt.join('\n') !== gotNt.join('\n'))
    out.push({
      rule: 'RECIST-8',
      lesion: null,
      message: `The follow-up lists the baseline non-targets in order (${wantNt.join(', ') || 'none'}); it has ${gotNt.join(', ') || 'none'}.`,
    });
  const lesion = new Map(b.lesions.map((l) => [l.id, l]));
  const status = new Map(f.targets.map((t) => [t.id, t]));
  for (const t of f.targets) {
    const l = lesion.get(t.id);
    if (!l) continue;
    if (t.status === 'measured') measurementProblems(t.id, l.nodal, t.measurement, out);
    if (t.status === 'split') {
      if (t.parts.length < 2)
        out.push({
          rule: 'RECIST-11',
          lesion: t.id,
          message: `${t.id}: a split lesion has at least two measured parts.`,
        });
      for (const p of t.parts) measurementProblems(t.id, l.nodal, p, out);
    }
    if (t.status === 'merged') {
      const host = status.get(t.into);
      if (t.into === t.id || !host || host.status !== 'measured')
        out.push({
          rule: 'RECIST-11',
          lesion: t.id,
          message: `${t.id}: a merged lesion names the measured target it merged into.`,
        });
    }
  }
  const ids = new Set<string>();
  for (const n of f.newLesions) {
    if (!LESION_ID.test(n.id) || ids.has(n.id) || lesion.has(n.id))
      out.push({
        rule: 'RECIST-19',
        lesion: n.id,
        message: `New lesion ID "${n.id.slice(0, 20)}" must be unique and unlike any baseline lesion.`,
      });
    ids.add(n.id);
  }
  return out;
}
