// DEID-21: dummy values (action D) are valid for their VR.
import { describe, expect, test } from 'vitest';
import { dummyValue } from '../../../src/core/deid/engine';

describe('DEID-21 dummy values', () => {
  test('DEID-21 text, date/time, age and number VRs get valid dummies', () => {
    expect(dummyValue('PN')).toBe('ANONYMOUS');
    expect(dummyValue('DA')).toBe('19000101');
    expect(dummyValue('TM')).toBe('000000');
    expect(dummyValue('DT')).toBe('19000101000000');
    expect(dummyValue('AS')).toBe('000Y');
    expect(dummyValue('IS')).toBe('0');
    expect(dummyValue('US')).toBe(0);
    for (const vr of ['CS', 'SH', 'AE'])
      expect(String(dummyValue(vr)).length).toBeLessThanOrEqual(16);
    expect(String(dummyValue('CS'))).toMatch(/^[A-Z0-9 _]*$/);
    expect(dummyValue('OB')).toEqual(new Uint8Array(0));
  });
});
