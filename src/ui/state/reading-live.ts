// The Reads form's live computation: the problems the read has now (each with its RECIST
// rule), and in words (its role=status region) the baseline's sum of diameters, or a
// follow-up's sums, changes and responses as RECIST computes them.
import {
  baselineProblems,
  baselineSumUm,
  followUpProblems,
  type BaselineRead,
  type Read,
  type ReadProblem,
  type TimepointAssessment,
} from '../../core/reading';

const mm = (u: number) => `${(u / 1000).toFixed(1)} mm`;
const pct = (p: number | null) =>
  p === null ? 'n/a' : `${p > 0 ? '+' : ''}${(p / 10).toFixed(1)} %`;

/** `assessment` is asked only for a follow-up: null while a lesion is still unassessed. */
export function liveText(r: Read, assessment: () => TimepointAssessment | null): string {
  if (r.kind === 'baseline') {
    if (baselineProblems(r).some((p) => p.rule === 'RECIST-9'))
      return 'Sum of diameters: waiting for valid measurements.';
    const n = r.lesions.filter((l) => l.kind === 'target').length;
    return `Baseline sum of diameters: ${mm(baselineSumUm(r))} over ${n} target lesion${n === 1 ? '' : 's'}.`;
  }
  const a = assessment();
  if (!a) return 'Response: waiting for every baseline lesion to be assessed.';
  return [
    `Sum of diameters: ${mm(a.sumUm)}${a.complete ? '' : ` (not evaluable: ${a.notEvaluable.join(', ')})`}.`,
    `From baseline ${mm(a.baselineSumUm)}: ${pct(a.changeFromBaselinePermille)}.`,
    `From nadir ${mm(a.nadirUm)}: ${pct(a.changeFromNadirPermille)} (${a.changeFromNadirUm >= 0 ? '+' : ''}${mm(a.changeFromNadirUm)}).`,
    `Target response: ${a.target}. Non-target response: ${a.nonTarget}. New lesions: ${a.newLesions}.`,
    `Overall response: ${a.overall}.`,
  ].join(' ');
}

/** Every problem of the read; a follow-up's are against my baseline read (asked only then). */
export function readProblems(r: Read, baseline: () => BaselineRead | null): ReadProblem[] {
  const out: ReadProblem[] = [];
  if (!r.protocolVersion)
    out.push({ rule: 'RECIST-1', lesion: null, message: 'Enter the protocol version.' });
  if (r.kind === 'baseline') return [...out, ...baselineProblems(r)];
  const b = baseline();
  if (!b)
    return [
      ...out,
      {
        rule: 'RECIST-8',
        lesion: null,
        message: 'Submit your baseline read of this subject first.',
      },
    ];
  return [...out, ...followUpProblems(b, r)];
}
