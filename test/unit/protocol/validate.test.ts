// Protocol files: the schema and the semantic checks refuse every bad file with a path and
// a reason, and nothing of it is applied (QC-1..QC-9); the shipped examples are valid and
// cite a source for every rule (QC-52).
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '../../../src/core/protocol/examples';
import { REGEX_INPUT_CAP, safeMatcher, unsafePattern } from '../../../src/core/protocol/safe-regex';
import type { Protocol } from '../../../src/core/protocol/types';
import {
  checkProtocol,
  parseProtocol,
  type ParsedProtocol,
} from '../../../src/core/protocol/validate';

const base = (): Protocol => JSON.parse(JSON.stringify(EXAMPLES[0]!.data)) as Protocol;
const problems = (r: ParsedProtocol) => (r.ok ? [] : r.problems);

describe('shipped examples (QC-52)', () => {
  it.each(EXAMPLES.map((e) => [e.name, e.data]))(
    '%s is valid and every rule cites a source',
    (_n, data) => {
      const r = checkProtocol(data);
      expect(problems(r)).toEqual([]);
      const p = data as Protocol;
      expect(p.source.citation.length).toBeGreaterThan(20);
      const rules = [
        ...(p.mandatory ?? []),
        ...p.series.flatMap((s) => s.rules),
        ...(p.visits ?? []),
      ];
      expect(rules.length).toBeGreaterThan(3);
      for (const rule of rules) expect(rule.source, rule.id).toBeTruthy();
    },
  );
});

describe('bad protocol files are refused with path and reason (QC-1..QC-7)', () => {
  it('QC-1: not JSON', () => {
    const r = parseProtocol('{"format": "trialbench-protocol/1",');
    expect(r.ok).toBe(false);
    expect(problems(r)[0]).toMatchObject({ code: 'invalid-json', path: '' });
  });

  it('QC-2: schema failures name the path (missing field, unknown field, unknown check kind, wrong unit)', () => {
    const missing = base() as Partial<Protocol>;
    delete missing.effectiveDate;
    expect(problems(checkProtocol(missing))[0]).toMatchObject({ code: 'schema', path: '' });
    expect(problems(checkProtocol(missing))[0]!.reason).toMatch(/effectiveDate/);

    const extra = { ...base(), colour: 'red' };
    expect(problems(checkProtocol(extra))[0]).toMatchObject({
      code: 'schema',
      reason: expect.stringMatching(/colour/),
    });

    const kind = base();
    (kind.series[0]!.rules[0]!.check as unknown as { kind: string }).kind = 'approximately';
    expect(problems(checkProtocol(kind))[0]).toMatchObject({
      code: 'schema',
      path: expect.stringMatching(/^\/series\/0\/rules\/0\/check/),
    });

    const unit = base();
    unit.series[0]!.rules[1]!.check = {
      kind: 'range',
      attribute: 'SliceThickness',
      max: 5,
      unit: 'inch' as 'mm',
    };
    expect(problems(checkProtocol(unit))[0]).toMatchObject({
      code: 'schema',
      path: expect.stringMatching(/^\/series\/0\/rules\/1\/check/),
    });

    const severity = base();
    (severity.series[0]!.rules[0] as unknown as { severity: string }).severity = 'critical';
    expect(problems(checkProtocol(severity))[0]!.path).toBe('/series/0/rules/0/severity');
  });

  it('QC-3: duplicate rule IDs', () => {
    const p = base();
    p.series[0]!.rules[1]!.id = 'CT-1';
    expect(problems(checkProtocol(p))).toEqual([
      {
        code: 'duplicate-rule-id',
        path: '/series/0/rules/1/id',
        reason: 'rule ID CT-1 is also used at /series/0/rules/0/id',
      },
    ]);
  });

  it('QC-4: unknown attribute keyword, nested paths included', () => {
    const p = base();
    p.series[0]!.rules[0]!.check = { kind: 'present', attribute: 'ContrastBolusAgnet' };
    expect(problems(checkProtocol(p))).toEqual([
      {
        code: 'unknown-attribute',
        path: '/series/0/rules/0/check/attribute',
        reason: 'ContrastBolusAgnet is not a DICOM attribute keyword',
      },
    ]);
    const q = base();
    q.series[0]!.rules[0]!.check = {
      kind: 'present',
      attribute: 'RadiopharmaceuticalInformationSequence[0].RadioNuclideDose',
    };
    expect(problems(checkProtocol(q))[0]!.code).toBe('unknown-attribute');
  });

  it('QC-5: impossible ranges', () => {
    const p = base();
    p.series[0]!.rules[1]!.check = {
      kind: 'range',
      attribute: 'SliceThickness',
      min: 6,
      max: 5,
      unit: 'mm',
    };
    expect(problems(checkProtocol(p))).toEqual([
      {
        code: 'impossible-range',
        path: '/series/0/rules/1/check/min',
        reason: 'min 6 is above max 5',
      },
    ]);
    const q = base();
    q.series[0]!.rules[1]!.check = { kind: 'range', attribute: 'SliceThickness', unit: 'mm' };
    expect(problems(checkProtocol(q))[0]!.code).toBe('impossible-range');
    const neg = base();
    neg.series[0]!.rules[1]!.check = {
      kind: 'range',
      attribute: 'SliceThickness',
      max: 5,
      tolerance: -1,
      unit: 'mm',
    };
    expect(problems(checkProtocol(neg))[0]!.code).toBe('schema');
  });

  it('QC-6: unsafe regular expressions', () => {
    for (const bad of [
      '(a+)+$',
      '(a|aa)*',
      '(x*)*y',
      '(\\w+\\s?)+$',
      '(a)\\1',
      '(?=a)b',
      'a+b+c+d+',
      '(unclosed',
    ]) {
      const p = base();
      p.series[0]!.rules[0]!.check = {
        kind: 'regex',
        attribute: 'SeriesDescription',
        pattern: bad,
      };
      const r = problems(checkProtocol(p));
      expect(r.length, bad).toBe(1);
      expect(r[0]).toMatchObject({ code: 'unsafe-regex', path: '/series/0/rules/0/check/pattern' });
    }
    for (const ok of ['CT.?AC|for AC', 'flair|dark.?fluid', '^T1', '(ax|cor) t2', '\\d{1,3} ?mm'])
      expect(unsafePattern(ok), ok).toBeNull();
  });

  it('QC-6: a safe pattern runs on at most REGEX_INPUT_CAP characters', () => {
    const m = safeMatcher('b$', false);
    expect(m('a'.repeat(REGEX_INPUT_CAP - 1) + 'b')).toBe(true);
    expect(m('a'.repeat(REGEX_INPUT_CAP) + 'b')).toBe(false);
  });

  it('QC-7: a refused file yields no protocol at all, only problems', () => {
    const p = base();
    p.series[0]!.rules[1]!.id = 'CT-1';
    const r = checkProtocol(p);
    expect(r.ok).toBe(false);
    expect('protocol' in r).toBe(false);
  });

  it('QC-9: the canonical text and its SHA-256 do not depend on key order or whitespace', () => {
    const a = checkProtocol(base());
    const reordered = Object.fromEntries(Object.entries(base()).reverse());
    const b = parseProtocol(JSON.stringify(reordered, null, 4));
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) {
      expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(b.sha256).toBe(a.sha256);
    }
  });
});
