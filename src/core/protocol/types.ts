// The protocol file's shapes (format trialbench-protocol/1). The JSON Schema beside this
// file (protocol.schema.json) is the published contract; these types mirror it.

export type Severity = 'major' | 'minor';
export type Unit =
  'mm' | 's' | 'ms' | 'MBq' | 'Bq' | 'kg' | 'T' | 'kV' | 'mA' | 'deg' | 'min' | '1';
export type GeometryMeasure =
  | 'uniform-spacing'
  | 'no-gaps'
  | 'no-duplicates'
  | 'no-overlap'
  | 'coverage'
  | 'orientation'
  | 'in-plane'
  | 'slice-thickness';

export type Check =
  | { kind: 'present'; attribute: string }
  | { kind: 'equals'; attribute: string; value: string }
  | { kind: 'oneOf'; attribute: string; values: string[] }
  | {
      kind: 'range';
      attribute: string;
      min?: number;
      max?: number;
      tolerance?: number;
      unit: Unit;
    }
  | { kind: 'regex'; attribute: string; pattern: string; ignoreCase?: boolean }
  | { kind: 'geometry'; measure: GeometryMeasure; min?: number; max?: number; tolerance?: number }
  | { kind: 'suv-computable' };

export interface Rule {
  id: string;
  severity: Severity;
  /** A plain sentence for the site. */
  text: string;
  /** Where the rule comes from (guideline, section). */
  source?: string;
  check: Check;
}

export interface ManualItem {
  id: string;
  text: string;
}

export interface SeriesRequirement {
  id: string;
  modality: string;
  title: string;
  /** Which series this requirement applies to, beyond the modality (all must hold). */
  select?: Check[];
  rules: Rule[];
  manual?: ManualItem[];
}

export interface VisitRule {
  id: string;
  severity: Severity;
  text: string;
  source?: string;
  visit: 'baseline' | 'followup' | 'any';
  /**
   * requires: the visit holds a series of `series`; comparable: a `series` series' `attribute`
   * matches the baseline's (within `tolerance`); window: the visit falls `minDays`..`maxDays`
   * days after the baseline visit (the visit window a trial schedule sets).
   */
  kind: 'requires' | 'comparable' | 'window';
  /** A series requirement id (requires, comparable; the schema demands it there). */
  series?: string;
  /** For `comparable`: the attribute compared with the baseline's. */
  attribute?: string;
  tolerance?: number;
  /** For `window`: days after the baseline visit, inclusive. */
  minDays?: number;
  maxDays?: number;
}

export interface MandatoryField {
  id: string;
  attribute: string;
  action: 'flag' | 'reject';
  text: string;
  source?: string;
}

export interface SynonymTables {
  manufacturer?: Record<string, string>;
  bodyPart?: Record<string, string>;
  kernel?: Record<string, string>;
  contrast?: Record<string, string>;
}

export interface Protocol {
  format: 'trialbench-protocol/1';
  id: string;
  title: string;
  version: number;
  /** YYYY-MM-DD */
  effectiveDate: string;
  source: { citation: string; url?: string };
  normalisation?: SynonymTables;
  mandatory?: MandatoryField[];
  series: SeriesRequirement[];
  visits?: VisitRule[];
}
