// QC at intake (QC-40..QC-49): each series of a subject is checked against the protocol
// version in effect on its visit date; visit rules (required series, comparability with
// baseline) are checked across the subject's visits. Pure: the worker and the tests call
// exactly this. The checks themselves are in series-checks.ts (attributes, with
// geometry-checks.ts) and visit-checks.ts; what a result holds is in result.ts.
import type { Protocol } from '../protocol/types';
import { seriesGeometry, type SeriesGeometry } from './geometry';
import type { CheckedValue } from './checked';
import {
  finding,
  statusOf,
  type Finding,
  type Outcome,
  type QcResult,
  type QcSeriesInput,
  type VisitResult,
} from './result';
import { evaluate, prepare, selectRequirement, type SeriesContext } from './series-checks';
import { versionOn, visitLabels } from './timepoints';
import { checkVisits, type VisitGroup } from './visit-checks';

export type { CheckedValue } from './checked';
export type { Finding, QcResult, QcSeriesInput, QcStatus, VisitResult } from './result';
export { versionOn, visitLabels } from './timepoints';

export interface QcOptions {
  /** Also list every value each rule compared (QC-57): for one subject on request. */
  explain?: boolean;
}

/** QC of every series of one subject, plus that subject's visit rules. */
export function qcSubject(
  versions: Protocol[],
  series: QcSeriesInput[],
  options: QcOptions = {},
): { series: QcResult[]; visits: VisitResult[] } {
  const explain = options.explain === true;
  const labels = visitLabels(series);
  const results: QcResult[] = [];
  const byVisit = new Map<string, VisitGroup>();
  for (const input of series) {
    const visit = labels.get(input.seriesInstanceUid)!;
    const protocol = versionOn(versions, input.studyDate);
    const base: Omit<
      QcResult,
      'status' | 'findings' | 'checked' | 'requirement' | 'manual' | 'rejected'
    > = {
      seriesInstanceUid: input.seriesInstanceUid,
      patientId: input.patientId,
      site: input.site,
      modality: input.modality,
      studyDate: input.studyDate,
      visit,
      protocolId: protocol?.id ?? versions[0]?.id ?? null,
      protocolVersion: protocol?.version ?? null,
    };
    let v = byVisit.get(visit);
    if (!v)
      byVisit.set(
        visit,
        (v = { label: visit, date: input.studyDate, version: protocol, matched: new Map() }),
      );
    if (!protocol) {
      const why = versions.length
        ? `no protocol version was in effect on ${input.studyDate || 'an unknown date'}`
        : 'no protocol is published';
      results.push({
        ...base,
        requirement: null,
        status: 'not-checkable',
        rejected: false,
        manual: [],
        ...(explain ? { checked: [] } : {}),
        findings: [
          {
            rule: '-',
            severity: 'minor',
            outcome: 'not-checkable',
            text: why,
            expected: 'a protocol version',
            actual: why,
          },
        ],
      });
      continue;
    }
    const prepared = prepare(protocol);
    let geom: SeriesGeometry | undefined;
    const ctx: SeriesContext = {
      input,
      attrs: new Map(Object.entries(input.attributes)),
      geometry: () => (geom ??= seriesGeometry(input.instances)),
      prepared,
      explain,
    };
    const findings: Finding[] = [];
    const checked: CheckedValue[] = [];
    const note = (rule: string, o: Outcome): void => {
      if (o.seen) checked.push({ rule, ...o.seen, outcome: o.pass ? 'pass' : o.outcome });
    };
    for (const m of protocol.mandatory ?? []) {
      const o = evaluate({ kind: 'present', attribute: m.attribute }, ctx);
      note(m.id, o);
      if (!o.pass)
        findings.push({
          ...finding({ id: m.id, severity: 'major', text: m.text }, o),
          ...(m.action === 'reject' ? { reject: true } : {}),
        });
    }
    const req = selectRequirement(prepared, ctx);
    if (!req) {
      findings.push({
        rule: '-',
        severity: 'minor',
        outcome: 'not-checkable',
        text: `no ${input.modality} series requirement of ${protocol.id} v${protocol.version} applies to this series`,
        expected: 'a matching series requirement',
        actual: 'none',
      });
    } else {
      for (const rule of req.rules) {
        const o = evaluate(rule.check, ctx);
        note(rule.id, o);
        if (!o.pass) findings.push(finding(rule, o));
      }
      const list = v.matched.get(req.id) ?? [];
      list.push(ctx);
      v.matched.set(req.id, list);
    }
    results.push({
      ...base,
      requirement: req?.id ?? null,
      status: statusOf(findings),
      rejected: findings.some((f) => f.reject),
      findings,
      ...(explain ? { checked } : {}),
      manual: req?.manual ?? [],
    });
  }
  // Visit rules: required series per visit, comparability with the baseline (QC-43, QC-44).
  const visits = checkVisits(byVisit, results, series[0]?.patientId ?? '', explain);
  return { series: results, visits };
}

/** Groups series by subject and checks each subject. */
export function qcAll(
  versions: Protocol[],
  series: QcSeriesInput[],
  options: QcOptions = {},
): { series: QcResult[]; visits: VisitResult[] } {
  const bySubject = new Map<string, QcSeriesInput[]>();
  for (const s of series) {
    const list = bySubject.get(s.patientId) ?? [];
    list.push(s);
    bySubject.set(s.patientId, list);
  }
  const out = { series: [] as QcResult[], visits: [] as VisitResult[] };
  for (const list of bySubject.values()) {
    const r = qcSubject(versions, list, options);
    out.series.push(...r.series);
    out.visits.push(...r.visits);
  }
  return out;
}
