// Subject pseudonyms (DEID-27, DEID-28): a keyed code when the trial has no mapping, or
// the EDC's subject IDs from a mapping table. The visit mapping gives the time point.
import { hmacSha256, utf8 } from '../sha256';
import { headerKey, parseCsv, type CsvError } from './csv';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Crockford base32 of the leading bits of `bytes`, `chars` characters. */
export function crockford(bytes: Uint8Array, chars: number): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  let i = 0;
  while (out.length < chars) {
    if (bits < 5) {
      acc = ((acc << 8) | (bytes[i++] ?? 0)) & 0xffff;
      bits += 8;
    }
    bits -= 5;
    out += CROCKFORD[(acc >>> bits) & 31];
  }
  return out;
}

/** `prefix` + 6 Crockford characters of HMAC-SHA-256(key, site + NUL + patientId). */
export function keyedPseudonym(key: Uint8Array, site: string, patientId: string, prefix = 'TB-') {
  const mac = hmacSha256(key, utf8(`${site.trim()}\0${patientId.trim()}`));
  return prefix + crockford(mac, 6);
}

export interface SubjectMapping {
  /** `site + NUL + patientId` -> subject ID. */
  bySitePatient: Map<string, string>;
  errors: CsvError[];
}

const SITE = new Set(['site', 'siteid', 'sitecode']);
const PATIENT = new Set(['patientid', 'originalpatientid', 'mrn', 'patient']);
const SUBJECT = new Set(['subjectid', 'trialsubjectid', 'subject', 'pseudonym']);

function columns(
  header: readonly string[],
  wanted: Record<string, Set<string>>,
): Record<string, number> {
  const found: Record<string, number> = {};
  header.forEach((h, i) => {
    for (const [name, aliases] of Object.entries(wanted)) {
      if (aliases.has(headerKey(h)) && found[name] === undefined) found[name] = i;
    }
  });
  return found;
}

/**
 * Reads `site,patient_id,subject_id` (header required; extra columns ignored). Bad lines
 * are listed and skipped; a patient mapped twice, or one subject ID given to two
 * patients of a site, is an error on the later line and that line is not used.
 */
export function parseSubjectMapping(text: string): SubjectMapping {
  const csv = parseCsv(text);
  const errors = [...csv.errors];
  const bySitePatient = new Map<string, string>();
  const [head, ...rows] = csv.rows;
  if (!head) {
    errors.push({
      line: 1,
      message: 'empty mapping: expected a header site,patient_id,subject_id',
    });
    return { bySitePatient, errors };
  }
  const col = columns(head.fields, { site: SITE, patient: PATIENT, subject: SUBJECT });
  if (col.patient === undefined || col.subject === undefined) {
    errors.push({
      line: head.line,
      message: `header must name patient_id and subject_id columns (got ${head.fields.join(', ')})`,
    });
    return { bySitePatient, errors };
  }
  const subjects = new Map<string, number>();
  for (const row of rows) {
    if (row.fields.length !== head.fields.length) {
      errors.push({
        line: row.line,
        message: `expected ${head.fields.length} fields, got ${row.fields.length}`,
      });
      continue;
    }
    const site = col.site === undefined ? '' : (row.fields[col.site] ?? '').trim();
    const patient = (row.fields[col.patient] ?? '').trim();
    const subject = (row.fields[col.subject] ?? '').trim();
    if (!patient || !subject) {
      errors.push({ line: row.line, message: `empty ${patient ? 'subject' : 'patient'} ID` });
      continue;
    }
    const k = `${site}\0${patient}`;
    if (bySitePatient.has(k)) {
      errors.push({ line: row.line, message: `patient mapped twice at site '${site}'` });
      continue;
    }
    const other = subjects.get(`${site}\0${subject}`);
    if (other !== undefined) {
      errors.push({
        line: row.line,
        message: `subject ID '${subject}' already given to another patient on line ${other}`,
      });
      continue;
    }
    subjects.set(`${site}\0${subject}`, row.line);
    bySitePatient.set(k, subject);
  }
  return { bySitePatient, errors };
}

export interface VisitRule {
  site: string;
  patientId: string;
  /** YYYYMMDD, or '' when the rule keys on the accession number. */
  studyDate: string;
  accession: string;
  visit: string;
}

export interface VisitMapping {
  rules: VisitRule[];
  errors: CsvError[];
}

/** YYYYMMDD from YYYYMMDD, YYYY-MM-DD or YYYY/MM/DD; null otherwise. */
export function normalDate(text: string): string | null {
  const m = /^(\d{4})[-/.]?(\d{2})[-/.]?(\d{2})$/.exec(text.trim());
  return m ? `${m[1]}${m[2]}${m[3]}` : null;
}

/**
 * Reads a visit table: a `visit` column and at least one of `study_date` and
 * `accession`; `site` and `patient_id` narrow a rule when present.
 */
export function parseVisitMapping(text: string): VisitMapping {
  const csv = parseCsv(text);
  const errors = [...csv.errors];
  const rules: VisitRule[] = [];
  const [head, ...rows] = csv.rows;
  const col = head
    ? columns(head.fields, {
        site: SITE,
        patient: PATIENT,
        date: new Set(['studydate', 'date']),
        accession: new Set(['accession', 'accessionnumber']),
        visit: new Set(['visit', 'visitname', 'timepoint', 'timepointid']),
      })
    : {};
  if (!head || col.visit === undefined || (col.date === undefined && col.accession === undefined)) {
    errors.push({
      line: head?.line ?? 1,
      message: 'header must name a visit column and study_date or accession',
    });
    return { rules, errors };
  }
  const get = (f: string[], i: number | undefined): string =>
    i === undefined ? '' : (f[i] ?? '').trim();
  for (const row of rows) {
    if (row.fields.length !== head.fields.length) {
      errors.push({
        line: row.line,
        message: `expected ${head.fields.length} fields, got ${row.fields.length}`,
      });
      continue;
    }
    const visit = get(row.fields, col.visit);
    const rawDate = get(row.fields, col.date);
    const accession = get(row.fields, col.accession);
    const studyDate = rawDate ? normalDate(rawDate) : '';
    if (studyDate === null) {
      errors.push({
        line: row.line,
        message: `study date '${rawDate}' is not YYYYMMDD or YYYY-MM-DD`,
      });
      continue;
    }
    if (!visit || (!studyDate && !accession)) {
      errors.push({
        line: row.line,
        message: visit ? 'no study date or accession' : 'empty visit',
      });
      continue;
    }
    rules.push({
      site: get(row.fields, col.site),
      patientId: get(row.fields, col.patient),
      studyDate,
      accession,
      visit,
    });
  }
  return { rules, errors };
}

/** The visit of a study: an accession rule wins over a date rule; null when none applies. */
export function visitFor(
  rules: readonly VisitRule[],
  s: { site: string; patientId: string; studyDate: string; accession: string },
): string | null {
  const fits = (r: VisitRule): boolean =>
    (!r.site || r.site === s.site) && (!r.patientId || r.patientId === s.patientId);
  const byAccession = rules.find((r) => r.accession && r.accession === s.accession && fits(r));
  if (byAccession) return byAccession.visit;
  const date = normalDate(s.studyDate);
  const byDate = rules.find((r) => r.studyDate && r.studyDate === date && fits(r));
  return byDate ? byDate.visit : null;
}
