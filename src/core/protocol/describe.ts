// Protocols in words: a rule's check as a sentence, a visit rule as a sentence, and the
// one-page site checklist per modality (QC-51, QC-52). The diff between versions is diff.ts.
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

/** A visit rule's requirement in words (the checklist, the diff and the editor show it). */
export function visitWords(v: VisitRule): string {
  switch (v.kind) {
    case 'requires':
      return `${v.visit} visit contains ${v.series ?? '?'}`;
    case 'comparable':
      return `${v.series ?? '?'} ${v.attribute ?? '?'} as at baseline${v.tolerance !== undefined ? ` (± ${v.tolerance})` : ''}`;
    case 'window': {
      const days =
        v.minDays !== undefined && v.maxDays !== undefined
          ? `days ${v.minDays}–${v.maxDays}`
          : v.minDays !== undefined
            ? `day ${v.minDays} or later`
            : `by day ${v.maxDays ?? '?'}`;
      return `${v.visit} visit ${days} after baseline`;
    }
  }
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
      // A visit window concerns every series of the visit: it is on every page.
      .filter((v) => v.series === undefined || ids.has(v.series))
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
