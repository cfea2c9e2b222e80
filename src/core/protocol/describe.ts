// Protocols in words: a rule's check as a sentence, the diff between two versions, and the
// one-page site checklist per modality (QC-50..QC-52).
import type { Check, Protocol, Rule, SeriesRequirement, VisitRule } from './types';

const num = (n: number): string => String(n);

export function checkText(c: Check): string {
  switch (c.kind) {
    case 'present':
      return `${c.attribute} is filled`;
    case 'equals':
      return `${c.attribute} = ${c.value}`;
    case 'oneOf':
      return `${c.attribute} is one of ${c.values.join(', ')}`;
    case 'range': {
      const u = c.unit === '1' ? '' : ` ${c.unit}`;
      const tol = c.tolerance ? ` (± ${num(c.tolerance)}${u})` : '';
      if (c.min !== undefined && c.max !== undefined)
        return `${c.attribute} ${num(c.min)}–${num(c.max)}${u}${tol}`;
      return c.min !== undefined
        ? `${c.attribute} ≥ ${num(c.min)}${u}${tol}`
        : `${c.attribute} ≤ ${num(c.max!)}${u}${tol}`;
    }
    case 'regex':
      return `${c.attribute} matches /${c.pattern}/${c.ignoreCase ? 'i' : ''}`;
    case 'geometry': {
      const lim = [
        c.min !== undefined ? `≥ ${num(c.min)}` : '',
        c.max !== undefined ? `≤ ${num(c.max)}` : '',
        c.tolerance !== undefined ? `± ${num(c.tolerance)}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      const what: Record<typeof c.measure, string> = {
        'uniform-spacing': 'slices evenly spaced',
        'no-gaps': 'no missing slices',
        'no-duplicates': 'no duplicate slices',
        'no-overlap': 'slices do not overlap',
        coverage: 'coverage (mm)',
        orientation: 'one orientation, no tilt (°)',
        'in-plane': 'in-plane pixel size (mm)',
        'slice-thickness': 'slice thickness (mm)',
      };
      return lim ? `${what[c.measure]} ${lim}` : what[c.measure];
    }
    case 'suv-computable':
      return 'SUV computable (units, decay correction, weight, dose, injection time)';
  }
}

export interface ProtocolChange {
  kind: 'added' | 'removed' | 'changed';
  id: string;
  /** One sentence, e.g. "CT-2 changed: SliceThickness ≤ 5 mm → SliceThickness ≤ 3 mm". */
  text: string;
}

type AnyRule = { id: string; where: string; words: string; severity: string; text: string };

function rulesOf(p: Protocol): Map<string, AnyRule> {
  const m = new Map<string, AnyRule>();
  for (const f of p.mandatory ?? [])
    m.set(f.id, {
      id: f.id,
      where: 'mandatory',
      words: `${f.attribute} is filled (${f.action})`,
      severity: f.action === 'reject' ? 'reject' : 'flag',
      text: f.text,
    });
  for (const s of p.series) {
    for (const r of s.rules)
      m.set(r.id, {
        id: r.id,
        where: s.id,
        words: checkText(r.check),
        severity: r.severity,
        text: r.text,
      });
    for (const x of s.manual ?? [])
      m.set(x.id, {
        id: x.id,
        where: s.id,
        words: 'manual check',
        severity: 'manual',
        text: x.text,
      });
  }
  for (const v of p.visits ?? [])
    m.set(v.id, {
      id: v.id,
      where: `visits (${v.visit})`,
      words: visitWords(v),
      severity: v.severity,
      text: v.text,
    });
  return m;
}

export function visitWords(v: VisitRule): string {
  return v.kind === 'requires'
    ? `${v.visit} visit contains ${v.series}`
    : `${v.series} ${v.attribute} as at baseline${v.tolerance !== undefined ? ` (± ${v.tolerance})` : ''}`;
}

/** What changed from `a` to `b`, rule by rule, in words. */
export function diffProtocols(a: Protocol, b: Protocol): ProtocolChange[] {
  const out: ProtocolChange[] = [];
  if (a.effectiveDate !== b.effectiveDate)
    out.push({
      kind: 'changed',
      id: 'effectiveDate',
      text: `effective date ${a.effectiveDate} → ${b.effectiveDate}`,
    });
  if (a.title !== b.title)
    out.push({ kind: 'changed', id: 'title', text: `title “${a.title}” → “${b.title}”` });
  const ra = rulesOf(a);
  const rb = rulesOf(b);
  for (const [id, r] of rb) {
    const before = ra.get(id);
    if (!before)
      out.push({
        kind: 'added',
        id,
        text: `${id} added to ${r.where} (${r.severity}): ${r.words}: “${r.text}”`,
      });
    else {
      const parts: string[] = [];
      if (before.words !== r.words) parts.push(`${before.words} → ${r.words}`);
      if (before.severity !== r.severity) parts.push(`severity ${before.severity} → ${r.severity}`);
      if (before.where !== r.where) parts.push(`moved ${before.where} → ${r.where}`);
      if (before.text !== r.text) parts.push(`text “${before.text}” → “${r.text}”`);
      if (parts.length)
        out.push({ kind: 'changed', id, text: `${id} changed: ${parts.join('; ')}` });
    }
  }
  for (const [id, r] of ra)
    if (!rb.has(id))
      out.push({ kind: 'removed', id, text: `${id} removed from ${r.where}: ${r.words}` });
  return out;
}

export interface ChecklistPage {
  modality: string;
  heading: string;
  subheading: string;
  sections: Array<{
    title: string;
    items: Array<{ id: string; severity: string; text: string; setting: string; source?: string }>;
  }>;
}

/**
 * One page per modality: every requirement of that modality with the values to set, then
 * what every file must carry and what each visit must hold for that modality's series (a
 * site reads one page, so the fields and the comparability with baseline are on each).
 */
export function checklist(p: Protocol): ChecklistPage[] {
  const byModality = new Map<string, SeriesRequirement[]>();
  for (const s of p.series) byModality.set(s.modality, [...(byModality.get(s.modality) ?? []), s]);
  const mandatory = (p.mandatory ?? []).map((m) => ({
    id: m.id,
    severity: m.action === 'reject' ? 'reject if missing' : 'flag if missing',
    text: m.text,
    setting: `${m.attribute} is filled`,
    ...(m.source ? { source: m.source } : {}),
  }));
  return [...byModality].map(([modality, reqs]) => {
    const ids = new Set(reqs.map((s) => s.id));
    const visits = (p.visits ?? [])
      .filter((v) => ids.has(v.series))
      .map((v) => ({
        id: v.id,
        severity: v.severity,
        text: v.text,
        setting: visitWords(v),
        ...(v.source ? { source: v.source } : {}),
      }));
    return {
      modality,
      heading: `${p.title}: ${modality} site checklist`,
      subheading: `${p.id} version ${p.version}, effective ${p.effectiveDate}`,
      sections: [
        ...reqs.map((s) => ({
          title: s.title,
          items: [
            ...s.rules.map((r: Rule) => ({
              id: r.id,
              severity: r.severity,
              text: r.text,
              setting: checkText(r.check),
              ...(r.source ? { source: r.source } : {}),
            })),
            ...(s.manual ?? []).map((m) => ({
              id: m.id,
              severity: 'manual',
              text: m.text,
              setting: 'checked by the QC reviewer',
            })),
          ],
        })),
        ...(mandatory.length ? [{ title: 'Every file carries', items: mandatory }] : []),
        ...(visits.length ? [{ title: 'Every visit', items: visits }] : []),
      ],
    };
  });
}
