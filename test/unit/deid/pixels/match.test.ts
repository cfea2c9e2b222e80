// DEID-41, DEID-42: matching rules against attributes; user rules in the same format.
import { describe, expect, test } from 'vitest';
import {
  PIXEL_RULES,
  checkUserRules,
  evaluate,
  matchRules,
  regionsToMask,
  type PixelRule,
  type RuleExpr,
} from '../../../../src/core/deid/pixels';

const t = (
  op: 'contains' | 'equals' | 'missing' | 'empty' | 'present',
  field: string,
  ...values: string[]
): RuleExpr => ({
  kind: 'term',
  op,
  field,
  values,
});

describe('DEID-41 conditions', () => {
  test('DEID-41: contains is case-insensitive and literal, equals trims, missing/empty/present', () => {
    const a = {
      Modality: 'us',
      Manufacturer: 'SOMATOM Definition AS+ ',
      Rows: ' 512',
      Empty: '  ',
    };
    expect(evaluate(t('contains', 'Modality', 'CT', 'US'), a)).toBe(true);
    expect(evaluate(t('contains', 'Manufacturer', 'definition as+'), a)).toBe(true);
    // A regex reading of 'AS+' would also accept 'ASS'; ours is literal.
    expect(evaluate(t('contains', 'Manufacturer', 'AS+S'), a)).toBe(false);
    expect(evaluate(t('equals', 'Rows', '512'), a)).toBe(true);
    expect(evaluate(t('equals', 'Rows', '51'), a)).toBe(false);
    expect(evaluate(t('contains', 'Absent', 'x'), a)).toBe(false);
    expect(evaluate(t('missing', 'Absent'), a)).toBe(true);
    expect(evaluate(t('missing', 'Empty'), a)).toBe(false);
    expect(evaluate(t('empty', 'Empty'), a)).toBe(true);
    expect(evaluate(t('empty', 'Absent'), a)).toBe(false);
    expect(evaluate(t('present', 'Empty'), a)).toBe(false);
    expect(evaluate(t('present', 'Modality'), a)).toBe(true);
  });

  test('DEID-41: the generated LightSpeed dose rule needs model, CT and (screen save or Dose)', () => {
    const base = { Modality: 'CT', ManufacturerModelName: 'LightSpeed VCT', Manufacturer: 'ACME' };
    const labels = (a: Record<string, string>) =>
      matchRules(a, PIXEL_RULES).map((m) => m.rule.label);
    expect(labels({ ...base, ImageType: 'DERIVED\\SECONDARY\\SCREEN SAVE' })).toContain(
      'LightSpeed Dose Report',
    );
    expect(labels({ ...base, SeriesDescription: 'Dose Info' })).toContain('LightSpeed Dose Report');
    expect(labels({ ...base, ImageType: 'ORIGINAL\\PRIMARY\\AXIAL' })).not.toContain(
      'LightSpeed Dose Report',
    );
    expect(labels({ ...base, Modality: 'MR', SeriesDescription: 'Dose' })).not.toContain(
      'LightSpeed Dose Report',
    );
    const m = matchRules({ ...base, SeriesDescription: 'Dose' }, PIXEL_RULES);
    const { regions } = regionsToMask(m);
    expect(regions).toContainEqual({ x0: 0, y0: 0, x1: 512, y1: 121 });
  });

  test('DEID-41: a Siemens S2000 ultrasound 1024x768 gets its top band; 800x600 does not', () => {
    const us = { Modality: 'US', Manufacturer: 'SIEMENS', ManufacturerModelName: 'ACUSON S2000' };
    const hit = matchRules({ ...us, Rows: '768', Columns: '1024' }, PIXEL_RULES, ['graylist']);
    expect(hit.map((m) => m.rule.label)).toContain('SIEMMENS');
    expect(regionsToMask(hit).regions).toContainEqual({ x0: 0, y0: 0, x1: 1024, y1: 60 });
    const miss = matchRules({ ...us, Rows: '600', Columns: '800' }, PIXEL_RULES, ['graylist']);
    expect(miss.map((m) => m.rule.label)).not.toContain('SIEMMENS');
  });

  test('DEID-41: lists filter; whitelist and blacklist matches carry no regions to mask', () => {
    const a = { BurnedInAnnotation: 'NO', Modality: 'OT', ImageType: 'DERIVED\\SECONDARY' };
    const all = matchRules(a, PIXEL_RULES);
    expect(all.some((m) => m.rule.list === 'whitelist')).toBe(true);
    expect(all.some((m) => m.rule.list === 'blacklist')).toBe(true);
    expect(matchRules(a, PIXEL_RULES, ['graylist']).every((m) => m.rule.list === 'graylist')).toBe(
      true,
    );
    const onlyWB = all.filter((m) => m.rule.list !== 'graylist');
    expect(regionsToMask(onlyWB)).toEqual({ regions: [], keep: [] });
  });
});

describe('DEID-42 user rules', () => {
  const good = [
    {
      label: 'Site US console',
      when: {
        kind: 'and',
        of: [t('equals', 'Modality', 'US'), t('contains', 'Manufacturer', 'Acme')],
      },
      regions: [{ x0: 0, y0: 0, x1: 640, y1: 40 }],
    },
  ];

  test('DEID-42: a valid user rule is accepted, sourced "user", and matches like a generated one', () => {
    const r = checkUserRules(good);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const rule: PixelRule = r.rules[0]!;
    expect(rule).toMatchObject({ source: 'user', line: 1, list: 'graylist', keep: [] });
    const m = matchRules({ Modality: 'US', Manufacturer: 'ACME corp' }, [
      ...PIXEL_RULES,
      ...r.rules,
    ]);
    expect(m.map((x) => x.rule.label)).toContain('Site US console');
  });

  test.each([
    ['not a list', {}, /must be a list/],
    ['no label', [{ ...good[0], label: ' ' }], /label/],
    [
      'unknown op',
      [{ ...good[0], when: { kind: 'term', op: 'regex', field: 'Modality', values: ['x'] } }],
      /unknown op/,
    ],
    ['contains without value', [{ ...good[0], when: t('contains', 'Modality') }], /needs a value/],
    ['missing with value', [{ ...good[0], when: t('missing', 'Modality', 'x') }], /takes no value/],
    ['empty and', [{ ...good[0], when: { kind: 'and', of: [] } }], /needs conditions/],
    ['bad region', [{ ...good[0], regions: [{ x0: 10, y0: 0, x1: 5, y1: 5 }] }], /empty/],
    [
      'negative region',
      [{ ...good[0], regions: [{ x0: -1, y0: 0, x1: 5, y1: 5 }] }],
      /whole numbers/,
    ],
    ['bad list', [{ ...good[0], list: 'purple' }], /unknown list/],
  ])('DEID-42: refused: %s', (_name, input, reason) => {
    const r = checkUserRules(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});
