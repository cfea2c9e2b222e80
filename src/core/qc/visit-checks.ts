// The visit rules of a protocol version (QC-43, QC-44, QC-58), across a subject's visits:
// the series a visit requires, its window after the baseline, and the attributes a series
// must share with the baseline's series of the same requirement (its comparability).
import type { Protocol, VisitRule } from '../protocol/types';
import { parseNumber } from './normalise';
import { fmt, windowOutcome } from './checked';
import {
  finding,
  statusOf,
  type Finding,
  type Outcome,
  type QcResult,
  type VisitResult,
} from './result';
import type { SeriesContext } from './series-checks';
import { isBaseline } from './timepoints';

/** One visit of a subject: its protocol version and its series by the requirement they met. */
export interface VisitGroup {
  label: string;
  date: string;
  version: Protocol | null;
  matched: Map<string, SeriesContext[]>;
}

/**
 * Checks every visit's rules; a comparability finding goes to the series it is about (its
 * status updated), the others to the visit.
 */
export function checkVisits(
  byVisit: Map<string, VisitGroup>,
  results: QcResult[],
  patientId: string,
  explain: boolean,
): VisitResult[] {
  const visits: VisitResult[] = [];
  const baseline = [...byVisit.values()].find((v) => isBaseline(v.label));
  const resultOf = new Map(results.map((r) => [r.seriesInstanceUid, r]));
  for (const v of byVisit.values()) {
    const findings: Finding[] = [];
    const protocol = v.version;
    for (const rule of protocol?.visits ?? []) {
      const applies = rule.visit === 'any' || (rule.visit === 'baseline') === isBaseline(v.label);
      if (!applies) continue;
      if (rule.kind === 'window') {
        // The baseline visit itself is day 0 of its own window.
        const o = windowOutcome(rule, v.date, baseline?.date);
        if (!o.pass) findings.push(finding(rule, o));
        continue;
      }
      const here = v.matched.get(rule.series!) ?? [];
      if (rule.kind === 'requires') {
        if (here.length === 0)
          findings.push(
            finding(rule, {
              pass: false,
              outcome: 'fail',
              expected: `a ${rule.series} series`,
              actual: 'none in this visit',
            }),
          );
        continue;
      }
      const ref = baseline?.matched.get(rule.series!)?.[0];
      const kw = rule.attribute!;
      for (const ctx of here) {
        const mine = ctx.attrs.get(kw) ?? '';
        const { o, value } = comparedWithBaseline(rule, kw, ctx, ref, explain);
        const r = resultOf.get(ctx.input.seriesInstanceUid)!;
        r.checked?.push({
          rule: rule.id,
          what: kw,
          value,
          original: mine.trim() ? mine : 'absent',
          outcome: o.pass ? 'pass' : o.outcome,
        });
        if (!o.pass) {
          r.findings.push(finding(rule, o));
          r.status = statusOf(r.findings);
        }
      }
    }
    visits.push({
      patientId,
      visit: v.label,
      studyDate: v.date,
      protocolVersion: protocol?.version ?? null,
      findings,
    });
  }
  return visits;
}

/** One series' attribute against the baseline series of the same requirement (QC-44). */
function comparedWithBaseline(
  rule: VisitRule,
  kw: string,
  ctx: SeriesContext,
  ref: SeriesContext | undefined,
  explain: boolean,
): { o: Outcome; value: string } {
  let o: Outcome;
  const mine = ctx.attrs.get(kw) ?? '';
  const theirs = ref?.attrs.get(kw) ?? '';
  const n = ctx.prepared.norm;
  // What was compared, for the series' checked values (QC-57).
  let value = explain
    ? `${n.text(kw, mine) || 'absent'} (baseline ${n.text(kw, theirs) || 'absent'})`
    : '';
  if (!ref)
    o = {
      pass: false,
      outcome: 'not-checkable',
      expected: `same ${kw} as baseline`,
      actual: 'no baseline series to compare with',
    };
  else if (rule.tolerance !== undefined) {
    const a = parseNumber(mine, 'mm');
    const b = parseNumber(theirs, 'mm');
    if (explain && a.ok && b.ok) value = `${fmt(a.value)} (baseline ${fmt(b.value)})`;
    if (!a.ok || !b.ok)
      o = {
        pass: false,
        outcome: 'not-checkable',
        expected: `${kw} within ${rule.tolerance} of baseline`,
        actual: !a.ok ? a.reason : (b as { reason: string }).reason,
      };
    else
      o =
        Math.abs(a.value - b.value) <= rule.tolerance
          ? { pass: true }
          : {
              pass: false,
              outcome: 'fail',
              expected: `${fmt(b.value)} ± ${fmt(rule.tolerance)} (baseline)`,
              actual: fmt(a.value),
            };
  } else {
    o =
      n.text(kw, mine).toUpperCase() === n.text(kw, theirs).toUpperCase()
        ? { pass: true }
        : {
            pass: false,
            outcome: 'fail',
            expected: `${n.text(kw, theirs) || 'absent'} (baseline)`,
            actual: n.text(kw, mine) || 'absent',
          };
  }
  return { o, value };
}
