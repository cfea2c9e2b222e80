// What QC says (QC-40..QC-49): the series it is given, its findings, each series' and each
// visit's result, and how the findings of a series make its status.
import type { Rule, Severity } from '../protocol/types';
import type { InstanceGeometry } from './geometry';
import type { CheckedValue } from './checked';

export type QcStatus = 'pass' | 'minor' | 'major' | 'not-checkable';

export interface QcSeriesInput {
  seriesInstanceUid: string;
  patientId: string;
  /** YYYYMMDD */
  studyDate: string;
  modality: string;
  site: string;
  /** Header attributes of one file of the series: keyword (or nested path) -> value text. */
  attributes: Record<string, string>;
  instances: InstanceGeometry[];
}

export interface Finding {
  rule: string;
  severity: Severity;
  outcome: 'fail' | 'not-checkable';
  /** The rule's sentence for the site. */
  text: string;
  expected: string;
  actual: string;
  /** The value as the file has it, when normalisation changed it. */
  original?: string;
  /** Mandatory field whose protocol says reject. */
  reject?: boolean;
}

export interface QcResult {
  seriesInstanceUid: string;
  patientId: string;
  site: string;
  modality: string;
  studyDate: string;
  visit: string;
  protocolId: string | null;
  protocolVersion: number | null;
  requirement: string | null;
  status: QcStatus;
  rejected: boolean;
  findings: Finding[];
  /**
   * Every value a rule compared, passing ones too, beside the file's value (QC-57); only
   * when asked for (`explain`): for 2,000 series it would multiply the result's size by 7.
   */
  checked?: CheckedValue[];
  manual: Array<{ id: string; text: string }>;
}

export interface VisitResult {
  patientId: string;
  visit: string;
  studyDate: string;
  protocolVersion: number | null;
  findings: Finding[];
}

/** What the rule looked at (QC-57), on a pass as on a fail. */
export interface Seen {
  what: string;
  value: string;
  original: string;
}

/** One check's outcome, and what it looked at when asked (QC-57). */
export type Outcome = (
  | { pass: true }
  | {
      pass: false;
      outcome: 'fail' | 'not-checkable';
      expected: string;
      actual: string;
      original?: string;
    }
) & { seen?: Seen };

/** The finding a rule makes of a failed (or not checkable) outcome. */
export function finding(
  rule: Pick<Rule, 'id' | 'severity' | 'text'>,
  o: Exclude<Outcome, { pass: true }>,
): Finding {
  return {
    rule: rule.id,
    severity: rule.severity,
    outcome: o.outcome,
    text: rule.text,
    expected: o.expected,
    actual: o.actual,
    ...(o.original !== undefined ? { original: o.original } : {}),
  };
}

/** The worst finding sets the status: a major failure, a minor one, then not checkable. */
export function statusOf(findings: Finding[]): QcStatus {
  if (findings.some((f) => f.outcome === 'fail' && f.severity === 'major')) return 'major';
  if (findings.some((f) => f.outcome === 'fail')) return 'minor';
  if (findings.some((f) => f.outcome === 'not-checkable')) return 'not-checkable';
  return 'pass';
}
