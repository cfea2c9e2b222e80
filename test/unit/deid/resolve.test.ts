// DEID-2..13, 15..17: the action resolved for a tag under a profile.
import { describe, expect, test } from 'vitest';
import { moreProtective, narrow } from '../../../src/core/deid/actions';
import { basicProfile, type DeidProfile } from '../../../src/core/deid/profile';
import { resolveAction } from '../../../src/core/deid/resolve';

const PatientName = 0x00100010;
const PatientID = 0x00100020;
const PatientSex = 0x00100040;
const StudyInstanceUID = 0x0020000d;
const InstitutionName = 0x00080080;
const AcquisitionDate = 0x00080022;
const SourceImageSequence = 0x00082112;
const Modality = 0x00080060;
const Allergies = 0x00102110;

function withOptions(options: Partial<DeidProfile['options']>): DeidProfile {
  const p = basicProfile('test');
  return { ...p, options: { ...p.options, ...options } };
}
const basic = basicProfile();

describe('combined actions', () => {
  test('DEID-2: a single code is the action', () => {
    expect(resolveAction(basic, PatientName)).toMatchObject({
      action: 'Z',
      source: 'basic',
      ruleId: 'DEID-2',
    });
    expect(resolveAction(basic, StudyInstanceUID)).toMatchObject({ action: 'U', source: 'basic' });
  });

  test('DEID-3: with the IOD type known, the standard reading applies exactly', () => {
    const t = (attributeType: '1' | '2' | '3', tag: number) =>
      resolveAction(basic, tag, { attributeType }).action;
    expect([t('3', AcquisitionDate), t('2', AcquisitionDate), t('1', AcquisitionDate)]).toEqual([
      'X',
      'Z',
      'Z',
    ]);
    expect([t('3', InstitutionName), t('2', InstitutionName), t('1', InstitutionName)]).toEqual([
      'X',
      'Z',
      'D',
    ]);
    expect([t('3', PatientID), t('2', PatientID), t('1', PatientID)]).toEqual(['Z', 'Z', 'D']);
    expect(t('1', SourceImageSequence)).toBe('U');
    expect(t('2', SourceImageSequence)).toBe('Z');
    expect(resolveAction(basic, InstitutionName, { attributeType: '2' }).ruleId).toBe('DEID-3');
  });

  test('DEID-4: rows in no standard composite IOD take the first action', () => {
    expect(narrow('X/Z/D', { inStdCompIod: false })).toEqual({ action: 'X', ruleId: 'DEID-4' });
  });

  test('DEID-5: type unknown -> the action valid for any type (D or U, else Z)', () => {
    const r = (tag: number) => resolveAction(basic, tag);
    expect(r(InstitutionName)).toMatchObject({ action: 'D', ruleId: 'DEID-5' });
    expect(r(AcquisitionDate)).toMatchObject({ action: 'Z', ruleId: 'DEID-5' });
    expect(r(PatientID)).toMatchObject({ action: 'D', ruleId: 'DEID-5' });
    expect(r(SourceImageSequence)).toMatchObject({ action: 'U', ruleId: 'DEID-5' });
    expect(r(0x00181400).action).toBe('D'); // Acquisition Device Processing Description X/D
  });
});

describe('options and overrides', () => {
  test('DEID-6: enabled options replace the basic action, and name themselves', () => {
    expect(resolveAction(withOptions({ rtnUIDsOpt: true }), StudyInstanceUID)).toMatchObject({
      action: 'K',
      source: 'rtnUIDsOpt',
      ruleId: 'DEID-6',
    });
    expect(resolveAction(withOptions({ rtnInstIdOpt: true }), InstitutionName).action).toBe('K');
    expect(resolveAction(withOptions({ rtnPatCharsOpt: true }), PatientSex).action).toBe('K');
    expect(resolveAction(withOptions({ rtnLongModifDatesOpt: true }), AcquisitionDate)).toEqual(
      expect.objectContaining({ action: 'C', source: 'rtnLongModifDatesOpt' }),
    );
    expect(resolveAction(withOptions({ rtnLongFullDatesOpt: true }), AcquisitionDate).action).toBe(
      'K',
    );
    // An option without an entry in the row changes nothing.
    expect(resolveAction(withOptions({ rtnUIDsOpt: true }), PatientName).action).toBe('Z');
    // The pixel options act on pixels, not attributes.
    const pix = withOptions({ cleanPixelDataOpt: true, cleanRecogVisFeatOpt: true });
    expect(resolveAction(pix, PatientName)).toEqual(resolveAction(basic, PatientName));
  });

  test('DEID-7: options that disagree -> the more protective action', () => {
    expect(moreProtective('K', 'C')).toBe('C');
    expect(moreProtective('U', 'X')).toBe('X');
    expect(moreProtective('Z', 'D')).toBe('Z');
    const both = withOptions({ rtnPatCharsOpt: true, cleanDescOpt: true });
    expect(resolveAction(both, Allergies)).toMatchObject({ action: 'C', ruleId: 'DEID-6' });
  });

  test('DEID-8: an override beats table and options, and carries its row', () => {
    const p: DeidProfile = {
      ...withOptions({ rtnUIDsOpt: true }),
      overrides: [
        { tag: PatientName, action: 'K', reason: 'negative control for the leak check' },
        { tag: StudyInstanceUID, action: 'U', reason: 'remap even when retaining UIDs' },
        { tag: Modality, action: 'X', reason: 'test' },
      ],
    };
    expect(resolveAction(p, PatientName)).toMatchObject({ action: 'K', source: 'override' });
    expect(resolveAction(p, PatientName).row?.keyword).toBe('PatientName');
    expect(resolveAction(p, StudyInstanceUID)).toMatchObject({ action: 'U', ruleId: 'DEID-8' });
    expect(resolveAction(p, Modality).action).toBe('X');
  });
});

describe('structure, file meta, repeating groups', () => {
  test('DEID-9: curves and overlays only in even groups 00..1E', () => {
    expect(resolveAction(basic, 0x60003000).action).toBe('X');
    expect(resolveAction(withOptions({ cleanGraphOpt: true }), 0x60023000).action).toBe('C');
    expect(resolveAction(basic, 0x60000010)).toMatchObject({ action: 'K', ruleId: 'DEID-16' });
    expect(resolveAction(basic, 0x60200010)).toMatchObject({ action: 'X', ruleId: 'DEID-9' });
    expect(resolveAction(basic, 0x50000005).action).toBe('X');
    expect(resolveAction(withOptions({ cleanGraphOpt: true }), 0x501e3000).action).toBe('C');
    expect(resolveAction(withOptions({ cleanGraphOpt: true }), 0x50203000)).toMatchObject({
      action: 'X',
      source: 'unknown',
    });
  });

  test('DEID-10: items are structure; group lengths are removed', () => {
    expect(resolveAction(basic, 0xfffee000)).toMatchObject({ action: 'K', source: 'structural' });
    expect(resolveAction(basic, 0x00080000)).toMatchObject({ action: 'X', ruleId: 'DEID-10' });
    expect(resolveAction(basic, 0x00000000).action).toBe('X');
  });

  test('DEID-11: file meta kept only where the writer needs it; group 0004 dropped', () => {
    expect(resolveAction(basic, 0x00020002).action).toBe('K');
    expect(resolveAction(basic, 0x00020010).action).toBe('K');
    expect(resolveAction(basic, 0x00020003)).toMatchObject({ action: 'U', ruleId: 'DEID-11' });
    const keepUids = withOptions({ rtnUIDsOpt: true });
    expect(resolveAction(keepUids, 0x00020003).action).toBe('K');
    for (const tag of [0x00020000, 0x00020012, 0x00020013, 0x00020016, 0x00020100, 0x00020102]) {
      expect(resolveAction(basic, tag)).toMatchObject({ action: 'X', source: 'fileMeta' });
    }
    expect(resolveAction(basic, 0x00041511)).toMatchObject({ action: 'X', source: 'fileMeta' });
  });
});

describe('private and unknown', () => {
  const safe: DeidProfile = {
    ...withOptions({ rtnSafePrivOpt: true }),
    safePrivate: [
      { creator: 'SIEMENS MR HEADER', group: 0x0019, element: 0x0c, action: 'K' },
      { creator: 'GEMS_ACQU_01', element: 0x1c, action: 'C' },
    ],
  };

  test('DEID-12: private tags removed by default, whatever the creator', () => {
    const ctx = { privateCreator: 'SIEMENS MR HEADER' };
    expect(resolveAction(basic, 0x0019100c, ctx)).toMatchObject({
      action: 'X',
      source: 'private',
      ruleId: 'DEID-12',
    });
    expect(resolveAction(basic, 0x00190010, ctx).action).toBe('X');
    expect(resolveAction(safe, 0x0019100c).action).toBe('X'); // no creator found
    expect(resolveAction(safe, 0x0019100d, ctx).action).toBe('X'); // not on the list
    expect(resolveAction(safe, 0x0029100c, ctx).action).toBe('X'); // other group
    expect(resolveAction(safe, 0x00190005, ctx).action).toBe('X'); // 0001-000F
    expect(resolveAction(safe, 0x00190500, ctx).action).toBe('X'); // 0100-0FFF
    expect(resolveAction(safe, 0x00070010, ctx).action).toBe('X'); // illegal group
    expect(resolveAction(safe, 0x00190000, ctx).action).toBe('X'); // group length
  });

  test('DEID-13: safe-private rules keep listed elements and their creators', () => {
    const ctx = { privateCreator: 'SIEMENS MR HEADER ' };
    expect(resolveAction(safe, 0x0019100c, ctx)).toMatchObject({
      action: 'K',
      source: 'private',
      ruleId: 'DEID-13',
    });
    expect(resolveAction(safe, 0x0019200c, ctx).action).toBe('K'); // block 20
    expect(resolveAction(safe, 0x00190010, ctx).action).toBe('K'); // the creator element
    expect(resolveAction(safe, 0x00290010, ctx).action).toBe('X'); // no rule in 0029
    const ge = { privateCreator: 'GEMS_ACQU_01' };
    expect(resolveAction(safe, 0x0019101c, ge).action).toBe('C');
    expect(resolveAction(safe, 0x0043101c, ge).action).toBe('C'); // any group
    // The option off: the same list keeps nothing.
    const off = { ...safe, options: { ...safe.options, rtnSafePrivOpt: false } };
    expect(resolveAction(off, 0x0019100c, ctx).action).toBe('X');
  });

  test('DEID-15: a PN attribute outside the table is removed (stricter than the standard)', () => {
    expect(resolveAction(basic, 0x00142006)).toMatchObject({ action: 'X', source: 'policy' });
    expect(resolveAction(basic, 0x00140104).ruleId).toBe('DEID-15');
  });

  test('DEID-16: other dictionary attributes outside the table are kept', () => {
    expect(resolveAction(basic, Modality)).toMatchObject({
      action: 'K',
      source: 'basic',
      ruleId: 'DEID-16',
    });
    expect(resolveAction(basic, 0x00280010).action).toBe('K'); // Rows
    expect(resolveAction(basic, 0x7fe00010).action).toBe('K'); // Pixel Data
  });

  test('DEID-17: tags in neither table nor dictionary are removed', () => {
    expect(resolveAction(basic, 0x00089999)).toMatchObject({
      action: 'X',
      source: 'unknown',
      ruleId: 'DEID-17',
    });
    expect(resolveAction(basic, 0x00000100).action).toBe('X');
    const kept: DeidProfile = {
      ...basic,
      overrides: [{ tag: 0x00089999, action: 'K', reason: 'site-specific, checked' }],
    };
    expect(resolveAction(kept, 0x00089999).source).toBe('override');
  });
});
