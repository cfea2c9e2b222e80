// Amending a protocol: a version may not take effect before the one it supersedes (QC-56),
// visit windows are validated like ranges (QC-58), and the diff names every part of the file
// in words: header and source, mandatory fields, series requirements, rules, manual items,
// visit rules, normalisation (QC-50).
import { describe, expect, it } from 'vitest';
import { DEMO_PROTOCOL } from '../../../src/core/demo/protocol';
import { checklist, visitWords } from '../../../src/core/protocol/describe';
import { diffProtocols } from '../../../src/core/protocol/diff';
import type { Protocol, VisitRule } from '../../../src/core/protocol/types';
import {
  checkProtocol,
  MAX_PROTOCOL_BYTES,
  parseProtocol,
  publishProblems,
  supersedeProblems,
  type ParsedProtocol,
  type ProtocolProblemCode,
} from '../../../src/core/protocol/validate';

const demo = (): Protocol => JSON.parse(JSON.stringify(DEMO_PROTOCOL)) as Protocol;
const problems = (r: ParsedProtocol) => (r.ok ? [] : r.problems);
const window = (over: Partial<VisitRule> = {}): VisitRule => ({
  id: 'W-1',
  severity: 'minor',
  text: 'First follow-up 6 to 10 weeks after baseline.',
  visit: 'followup',
  kind: 'window',
  minDays: 42,
  maxDays: 70,
  ...over,
});

describe('a version may not take effect before the one it supersedes (QC-56)', () => {
  const v1 = demo();
  const v2 = { ...demo(), version: 2, effectiveDate: '2024-06-01' };

  it('refuses an earlier date with the code, the path and both dates', () => {
    const early = { ...demo(), version: 3, effectiveDate: '2024-05-31' };
    expect(supersedeProblems([v1, v2], early)).toEqual([
      {
        code: 'effective-before-superseded',
        path: '/effectiveDate',
        reason: expect.stringMatching(
          /2024-05-31 is before 2024-06-01, when version 2 .* 2024-06-01 or later/,
        ),
      },
    ]);
  });

  it('accepts the same day or later, a first version, and ignores other protocols', () => {
    expect(supersedeProblems([v1, v2], { ...v2, version: 3 })).toEqual([]);
    expect(supersedeProblems([], v1)).toEqual([]);
    expect(supersedeProblems([{ ...v2, id: 'other' }], { ...v1, version: 2 })).toEqual([]);
    // Only the version it supersedes counts (the highest lower number), not a later one.
    expect(supersedeProblems([v1, { ...v2, version: 5 }], { ...v1, version: 2 })).toEqual([]);
  });
});

describe('visit windows (QC-58)', () => {
  it('a window needs no series; a window with a bound is valid', () => {
    const p = { ...demo(), visits: [window(), window({ id: 'W-2', minDays: undefined })] };
    expect(problems(checkProtocol(JSON.parse(JSON.stringify(p))))).toEqual([]);
  });

  it('refuses a window with no bound, or its first day after its last', () => {
    const none = { ...demo(), visits: [window({ minDays: undefined, maxDays: undefined })] };
    expect(problems(checkProtocol(JSON.parse(JSON.stringify(none))))).toEqual([
      { code: 'impossible-range', path: '/visits/0', reason: expect.stringMatching(/first day/) },
    ]);
    const inverted = { ...demo(), visits: [window({ minDays: 70, maxDays: 42 })] };
    expect(problems(checkProtocol(inverted))).toEqual([
      { code: 'impossible-range', path: '/visits/0/minDays', reason: 'day 70 is after day 42' },
    ]);
  });

  it('a series rule of a visit still names its series (schema), and a known one', () => {
    const p = demo();
    delete p.visits![0]!.series;
    expect(problems(checkProtocol(p)).map((x) => [x.code, x.path])).toContainEqual([
      'schema',
      '/visits/0',
    ]);
  });

  it('is printed on every checklist page, in words', () => {
    const p = { ...demo(), visits: [window()] };
    expect(visitWords(window())).toBe('followup visit days 42–70 after baseline');
    expect(visitWords(window({ maxDays: undefined }))).toBe(
      'followup visit day 42 or later after baseline',
    );
    for (const page of checklist(p))
      expect(page.sections.at(-1)!.items.map((i) => i.id)).toEqual(['W-1']);
  });
});

describe('the diff names every part of the file (QC-50)', () => {
  it('header, source, mandatory fields, requirements, rules, manual items, visits, normalisation', () => {
    const a = demo();
    const b = demo();
    b.version = 2;
    b.title = 'Demo trial, amended';
    b.source = { citation: 'Amendment 1', url: 'https://example.org/a1' };
    b.mandatory![1]!.action = 'reject';
    b.mandatory!.push({
      id: 'MAN-4',
      attribute: 'ClinicalTrialTimePointID',
      action: 'flag',
      text: 'Every file names its time point.',
    });
    b.series[1]!.title = 'CT CAP, portal venous';
    b.series[1]!.rules[1]!.source = 'RECIST 1.1 §3.2';
    b.series[1]!.manual!.pop();
    b.visits = [...(b.visits ?? []), window()];
    b.visits[0]!.severity = b.visits[0]!.severity === 'major' ? 'minor' : 'major';
    b.normalisation = {
      ...b.normalisation,
      manufacturer: { ...b.normalisation?.manufacturer, 'acme med': 'Acme' },
    };
    const d = diffProtocols(a, b);
    const texts = d.map((c) => c.text);
    const areas = new Set(d.map((c) => c.area));
    expect([...areas].sort()).toEqual([
      'mandatory',
      'manual',
      'normalisation',
      'protocol',
      'requirement',
      'rule',
      'source',
      'visit',
    ]);
    expect(texts).toContain(`title “${a.title}” → “Demo trial, amended”`);
    expect(texts).toContain(`source citation “${a.source.citation}” → “Amendment 1”`);
    expect(texts).toContain('source URL added “https://example.org/a1”');
    expect(texts).toContain('mandatory field MAN-2 changed: action flag → reject');
    expect(texts).toContainEqual(
      expect.stringMatching(
        /^mandatory field MAN-4 added \(flag\): ClinicalTrialTimePointID is filled: /,
      ),
    );
    expect(texts).toContain(
      `series requirement CT-CAP changed: title “${a.series[1]!.title}” → “CT CAP, portal venous”`,
    );
    expect(texts).toContain(
      `${a.series[1]!.rules[1]!.id} changed: source “${a.series[1]!.rules[1]!.source}” → “RECIST 1.1 §3.2”`,
    );
    expect(texts).toContainEqual(expect.stringMatching(/^manual item CTM-3 removed from CT-CAP: /));
    expect(texts).toContain(
      'visit rule W-1 added (minor): followup visit days 42–70 after baseline: “First follow-up 6 to 10 weeks after baseline.”',
    );
    expect(texts).toContainEqual(
      expect.stringMatching(new RegExp(`^visit rule ${a.visits![0]!.id} changed: severity `)),
    );
    expect(texts).toContain('normalisation manufacturer entry “acme med” added (read as Acme)');
    // Only real changes: the version number alone is not one.
    expect(diffProtocols(a, { ...a, version: 2 })).toEqual([]);
  });

  it('normalisation entries changed and removed, requirements added and removed', () => {
    const a = demo();
    a.normalisation = { kernel: { fc07: 'soft', fc30: 'sharp' } };
    const b = demo();
    b.normalisation = { kernel: { fc07: 'lung' } };
    b.series.push({ id: 'MR-T1', modality: 'MR', title: 'T1 post-contrast', rules: [] });
    b.series.splice(0, 1);
    const texts = diffProtocols(a, b).map((c) => c.text);
    expect(texts).toContain('normalisation kernel entry “fc07” changed: read as soft → lung');
    expect(texts).toContain('normalisation kernel entry “fc30” removed (was read as sharp)');
    expect(texts).toContain(
      'series requirement MR-T1 added (MR: T1 post-contrast), for every MR series',
    );
    expect(texts).toContainEqual(
      expect.stringMatching(/^series requirement PETCT-AC removed \(CT: /),
    );
  });
});

describe('every refusal code is reached (the closed list, QC-1..QC-7, QC-56)', () => {
  const edited = (f: (p: Protocol) => void): ParsedProtocol => {
    const p = demo();
    f(p);
    return checkProtocol(p);
  };
  // A Record over the code union: a new code without a case here does not compile.
  const cases: Record<ProtocolProblemCode, () => ParsedProtocol> = {
    'too-large': () => parseProtocol(' '.repeat(MAX_PROTOCOL_BYTES + 1)),
    'invalid-json': () => parseProtocol('{'),
    schema: () => edited((p) => (p.version = 0)),
    'duplicate-rule-id': () => edited((p) => (p.mandatory![1]!.id = 'MAN-1')),
    'unknown-attribute': () => edited((p) => (p.mandatory![0]!.attribute = 'PatientId')),
    'impossible-range': () => edited((p) => (p.visits = [window({ minDays: 9, maxDays: 1 })])),
    'unsafe-regex': () =>
      edited(
        (p) =>
          (p.series[0]!.select = [
            { kind: 'regex', attribute: 'SeriesDescription', pattern: '(a+)+' },
          ]),
      ),
    'unknown-series': () => edited((p) => (p.visits![0]!.series = 'CT-NONE')),
    'effective-before-superseded': () => ({
      ok: false,
      problems: supersedeProblems([demo()], { ...demo(), version: 2, effectiveDate: '2023-12-31' }),
    }),
    // LEDGER-26, said before signing: the version already published, or an older one.
    'version-not-newer': () => ({
      ok: false,
      problems: publishProblems(
        [{ protocol: demo().id, version: 2, effectiveDate: demo().effectiveDate }],
        demo(),
      ),
    }),
  };
  it.each(Object.entries(cases))('%s', (code, make) => {
    expect(problems(make()).map((p) => p.code)).toContain(code);
  });
});
