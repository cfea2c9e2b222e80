// Protocols in words: the diff between two versions and the per-modality checklist (QC-50, QC-51).
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '../../../src/core/protocol/examples';
import { checklist } from '../../../src/core/protocol/describe';
import { diffProtocols } from '../../../src/core/protocol/diff';
import type { Protocol } from '../../../src/core/protocol/types';

const ex = (i: number): Protocol => JSON.parse(JSON.stringify(EXAMPLES[i]!.data)) as Protocol;

describe('diff between versions (QC-50)', () => {
  it('names rules added, removed and changed, in words', () => {
    const a = ex(0);
    const b = ex(0);
    b.version = 2;
    b.effectiveDate = '2025-06-01';
    b.series[0]!.rules[1]!.check = {
      kind: 'range',
      attribute: 'SliceThickness',
      max: 3,
      unit: 'mm',
    };
    b.series[0]!.rules.splice(3, 1); // CT-4 removed
    b.series[0]!.rules.push({
      id: 'CT-12',
      severity: 'minor',
      text: 'Tube voltage 100-120 kV.',
      check: { kind: 'range', attribute: 'KVP', min: 100, max: 120, unit: 'kV' },
    });
    b.series[0]!.rules[0]!.severity = 'minor';
    const d = diffProtocols(a, b);
    expect(d.map((c) => `${c.kind} ${c.id}`).sort()).toEqual([
      'added CT-12',
      'changed CT-1',
      'changed CT-2',
      'changed effectiveDate',
      'removed CT-4',
    ]);
    expect(d.find((c) => c.id === 'CT-2')!.text).toBe(
      'CT-2 changed: SliceThickness ≤ 5 mm (± 0.1 mm) → SliceThickness ≤ 3 mm',
    );
    expect(d.find((c) => c.id === 'CT-1')!.text).toBe('CT-1 changed: severity major → minor');
    expect(d.find((c) => c.id === 'CT-12')!.text).toMatch(
      /^CT-12 added to CT-CAP \(minor\): KVP 100–120 kV/,
    );
    expect(diffProtocols(a, a)).toEqual([]);
  });
});

describe('site checklist (QC-51)', () => {
  it('has one page per modality with version, effective date, rule IDs and settings', () => {
    const pages = checklist(ex(2));
    expect(pages.map((p) => p.modality)).toEqual(['PT', 'CT']);
    expect(pages[0]!.subheading).toBe('fdg-petct-eanm version 1, effective 2025-01-01');
    const ids = pages[0]!.sections.flatMap((s) => s.items.map((i) => i.id));
    expect(ids).toContain('PET-1');
    expect(ids).toContain('PETM-1');
    expect(checklist(ex(0)).length).toBe(1);
  });

  it('each page also lists the fields every file carries and the visit rules of its series', () => {
    const p = ex(2);
    const pages = checklist(p);
    for (const page of pages) {
      const fields = page.sections.find((s) => s.title === 'Every file carries');
      expect(fields?.items.map((i) => i.id)).toEqual((p.mandatory ?? []).map((m) => m.id));
      const reqs = new Set(p.series.filter((s) => s.modality === page.modality).map((s) => s.id));
      const visits = page.sections.find((s) => s.title === 'Every visit')?.items ?? [];
      expect(visits.map((i) => i.id)).toEqual(
        (p.visits ?? []).filter((v) => !v.series || reqs.has(v.series)).map((v) => v.id),
      );
    }
    // Across the pages every visit rule is printed at least once.
    const printed = new Set(
      pages.flatMap((pg) => pg.sections.flatMap((s) => s.items.map((i) => i.id))),
    );
    for (const v of p.visits ?? []) expect(printed.has(v.id), v.id).toBe(true);
  });
});
