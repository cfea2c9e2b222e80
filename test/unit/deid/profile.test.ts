// DEID-14 (and the refusals of DEID-6, DEID-8, DEID-13): the profile file.
import { describe, expect, test } from 'vitest';
import {
  basicProfile,
  parseProfile,
  serializeProfile,
  type DeidProfile,
  type ProfileErrorReason,
} from '../../../src/core/deid/profile';

function full(): DeidProfile {
  const p = basicProfile('ACME-001 v3');
  p.options.rtnLongModifDatesOpt = true;
  p.options.rtnSafePrivOpt = true;
  p.options.cleanDescOpt = true;
  p.overrides = [{ tag: 0x00081030, action: 'C', reason: 'study description names the site' }];
  p.safePrivate = [
    { creator: 'SIEMENS MR HEADER', group: 0x0019, element: 0x0c, action: 'K' },
    { creator: 'GEMS_ACQU_01', element: 0x1c, action: 'K' },
  ];
  return p;
}

function fileOf(p: DeidProfile): Record<string, unknown> {
  return JSON.parse(serializeProfile(p)) as Record<string, unknown>;
}

function reason(input: unknown): ProfileErrorReason | 'ok' {
  const r = parseProfile(input);
  return r.ok ? 'ok' : r.error.reason;
}

describe('DEID-14 profile file', () => {
  test('DEID-14: parse(serialize(p)) is p, and the file form is readable', () => {
    for (const p of [basicProfile(), full()]) {
      const text = serializeProfile(p);
      expect(parseProfile(text)).toEqual({ ok: true, profile: p });
      expect(parseProfile(JSON.parse(text))).toEqual({ ok: true, profile: p });
    }
    const file = fileOf(full());
    expect(file.overrides).toEqual([
      { tag: '(0008,1030)', action: 'C', reason: 'study description names the site' },
    ]);
    expect((file.safePrivate as { group?: string }[])[0]?.group).toBe('0019');
  });

  test('DEID-14: unknown versions are refused loudly', () => {
    for (const v of [2, 0, '1', undefined, null]) {
      const r = parseProfile({ ...fileOf(basicProfile()), v });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.reason).toBe('unsupported-version');
        expect(r.error.message).toContain('not supported');
      }
    }
  });

  test('DEID-14: malformed files are refused with a closed reason and a path', () => {
    const ok = fileOf(full());
    const options = ok.options as Record<string, boolean>;
    const over = (ok.overrides as object[])[0]!;
    const priv = (ok.safePrivate as object[])[0]!;
    const cases: [unknown, ProfileErrorReason][] = [
      ['{', 'not-json'],
      [[], 'not-an-object'],
      [{ ...ok, extra: 1 }, 'unknown-field'],
      [{ ...ok, name: undefined }, 'missing-field'],
      [{ ...ok, name: 3 }, 'wrong-type'],
      [{ ...ok, overrides: {} }, 'wrong-type'],
      [{ ...ok, options: { ...options, rtnUIDOpt: true } }, 'unknown-option'],
      [{ ...ok, options: { ...options, rtnUIDsOpt: 'yes' } }, 'wrong-type'],
      [{ ...ok, overrides: [{ ...over, tag: '(0010,001)' }] }, 'bad-tag'],
      [{ ...ok, overrides: [{ ...over, action: 'X/Z' }] }, 'bad-action'],
      [{ ...ok, overrides: [{ ...over, extra: true }] }, 'unknown-field'],
      [{ ...ok, safePrivate: [{ ...priv, creator: '' }] }, 'bad-private-creator'],
      [{ ...ok, safePrivate: [{ ...priv, group: '0018' }] }, 'bad-private-group'],
      [{ ...ok, safePrivate: [{ ...priv, element: 0x100 }] }, 'bad-private-element'],
      [{ ...ok, safePrivate: [{ ...priv, action: 'X' }] }, 'bad-action'],
      [{ ...ok, safePrivate: [priv, priv] }, 'duplicate-safe-private'],
    ];
    for (const [input, expected] of cases)
      expect(reason(input), JSON.stringify(input)).toBe(expected);
    const r = parseProfile({ ...ok, overrides: [{ ...over, action: 'Q' }] });
    expect(r.ok ? '' : r.error.path).toBe('overrides[0].action');
  });

  test('DEID-6: Full Dates and Modified Dates together are refused', () => {
    const ok = fileOf(full());
    const options = { ...(ok.options as object), rtnLongFullDatesOpt: true };
    expect(reason({ ...ok, options })).toBe('conflicting-options');
  });

  test('DEID-6: missing options read as off (the Basic Profile)', () => {
    const r = parseProfile({ ...fileOf(basicProfile()), options: { rtnUIDsOpt: true } });
    expect(r.ok && r.profile.options).toMatchObject({ rtnUIDsOpt: true, cleanDescOpt: false });
  });

  test('DEID-8: overrides need a reason and a public, non-structural, unique tag', () => {
    const ok = fileOf(full());
    const over = (tag: string, extra: object = {}) => ({
      ...ok,
      overrides: [{ tag, action: 'K', reason: 'why', ...extra }],
    });
    expect(reason(over('(0010,0010)'))).toBe('ok');
    expect(reason(over('00100010'))).toBe('ok');
    expect(reason(over('(0010,0010)', { reason: '  ' }))).toBe('missing-reason');
    expect(reason(over('(0010,0010)', { reason: undefined }))).toBe('missing-field');
    expect(reason(over('(0019,100C)'))).toBe('override-on-private-tag');
    expect(reason(over('(0002,0003)'))).toBe('override-on-file-meta');
    expect(reason(over('(0008,0000)'))).toBe('override-on-structural-tag');
    expect(reason(over('(FFFE,E000)'))).toBe('override-on-structural-tag');
    const twice = {
      ...ok,
      overrides: [...over('(0010,0010)').overrides, ...over('(0010,0010)').overrides],
    };
    expect(reason(twice)).toBe('duplicate-override');
  });

  test('DEID-13: safe-private rules without Retain Safe Private are refused', () => {
    const ok = fileOf(full());
    const options = { ...(ok.options as object), rtnSafePrivOpt: false };
    expect(reason({ ...ok, options })).toBe('safe-private-without-option');
  });
});
