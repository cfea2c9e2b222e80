// Editing a protocol rule by rule (QC-54): the form becomes a rule, a rule is put, moved or
// removed in the draft's JSON without touching the input, and an amendment is the next version.
import { describe, expect, it } from 'vitest';
import { DEMO_PROTOCOL } from '../../../src/core/demo/protocol';
import {
  emptyForm,
  fieldsOf,
  formOf,
  nextVersion,
  putRule,
  removeRule,
  ruleOf,
  CHECK_KINDS,
} from '../../../src/core/protocol/edit';
import { checkProtocol } from '../../../src/core/protocol/validate';
import type { Protocol, Rule } from '../../../src/core/protocol/types';

const demo = (): Protocol => structuredClone(DEMO_PROTOCOL);
const allRules = (p: Protocol): Rule[] => p.series.flatMap((s) => s.rules);

describe('protocol editing (QC-54)', () => {
  it('every shipped rule survives form and back unchanged, for every check kind used', () => {
    const kinds = new Set<string>();
    for (const s of DEMO_PROTOCOL.series)
      for (const r of s.rules) {
        kinds.add(r.check.kind);
        const back = ruleOf(formOf(s.id, r));
        expect(back).toEqual({ ok: true, rule: r });
      }
    expect(kinds.size).toBeGreaterThanOrEqual(4);
  });

  it('builds each check kind from the form, showing only its fields', () => {
    for (const kind of CHECK_KINDS) {
      const f = { ...emptyForm('ct'), id: 'CT-99', text: 'x', kind, attribute: 'SliceThickness' };
      f.value = 'A, B';
      f.max = '5';
      const r = ruleOf(f);
      expect(r.ok, kind).toBe(true);
      if (!r.ok) continue;
      const keys = Object.keys(r.rule.check).filter((k) => k !== 'kind');
      for (const k of keys)
        expect(fieldsOf(kind), `${kind}.${k}`).toContain(k === 'values' ? 'value' : k);
    }
    const oneOf = ruleOf({ ...emptyForm('ct'), kind: 'oneOf', attribute: 'A', value: ' B ,, C' });
    expect(oneOf.ok && oneOf.rule.check).toEqual({
      kind: 'oneOf',
      attribute: 'A',
      values: ['B', 'C'],
    });
  });

  it('a number typed as text is named, not dropped or zeroed', () => {
    const r = ruleOf({
      ...emptyForm('ct'),
      kind: 'range',
      attribute: 'SliceThickness',
      max: '5 mm',
      min: '',
    });
    expect(r).toEqual({
      ok: false,
      problems: [{ field: 'max', reason: 'max “5 mm” is not a number' }],
    });
    const ok = ruleOf({
      ...emptyForm('ct'),
      kind: 'range',
      attribute: 'SliceThickness',
      max: '2.5e0',
      tolerance: '.5',
    });
    expect(ok.ok && ok.rule.check).toEqual({
      kind: 'range',
      attribute: 'SliceThickness',
      max: 2.5,
      tolerance: 0.5,
      unit: 'mm',
    });
  });

  it('adds at the end, replaces in place, moves between requirements; the input is untouched', () => {
    const before = demo();
    const snapshot = JSON.stringify(before);
    const [first, second] = before.series;
    const rule: Rule = {
      id: 'CT-77',
      severity: 'minor',
      text: 'New.',
      check: { kind: 'present', attribute: 'KVP' },
    };

    const added = putRule(before, first!.id, rule);
    expect(added.ok).toBe(true);
    const a = added.ok ? (added.data as unknown as Protocol) : demo();
    expect(a.series[0]!.rules.at(-1)).toEqual(rule);
    expect(checkProtocol(a).ok).toBe(true);

    const target = first!.rules[0]!;
    const replaced = putRule(before, first!.id, { ...target, severity: 'minor' }, target.id);
    const b = replaced.ok ? (replaced.data as unknown as Protocol) : demo();
    expect(b.series[0]!.rules[0]).toEqual({ ...target, severity: 'minor' });
    expect(allRules(b).length).toBe(allRules(before).length);

    const moved = putRule(before, second!.id, target, target.id);
    const c = moved.ok ? (moved.data as unknown as Protocol) : demo();
    expect(c.series[0]!.rules.some((r) => r.id === target.id)).toBe(false);
    expect(c.series[1]!.rules.at(-1)).toEqual(target);

    expect(JSON.stringify(before)).toBe(snapshot);
  });

  it('removes a rule by id; refuses unknown ids, unknown requirements and drafts without series', () => {
    const p = demo();
    const id = p.series[0]!.rules[0]!.id;
    const r = removeRule(p, id);
    expect(r.ok && allRules(r.data as unknown as Protocol).some((x) => x.id === id)).toBe(false);
    expect(removeRule(p, 'ZZ-1')).toEqual({ ok: false, reason: 'no series rule is called ZZ-1' });
    const rule = p.series[0]!.rules[0]!;
    expect(putRule(p, 'nope', rule)).toEqual({
      ok: false,
      reason: 'no series requirement is called nope',
    });
    expect(putRule({ id: 'x' }, 'ct', rule).ok).toBe(false);
    expect(removeRule([1, 2], 'CT-1').ok).toBe(false);
    expect(removeRule(undefined, 'CT-1').ok).toBe(false);
  });

  it('an amendment is the next version from the date given, the rest as published', () => {
    const p = demo() as unknown as Record<string, unknown>;
    const n = nextVersion(p, '2025-02-01');
    expect(n).toEqual({ ...p, version: 2, effectiveDate: '2025-02-01' });
    expect(p.version).toBe(1);
  });
});
