// DEID-19, DEID-20: per-subject date offset and shifting by VR.
import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { shiftDateValue, subjectDayOffset } from '../../../src/core/deid/dates';

const key = new Uint8Array(randomBytes(32));

describe('DEID-19 subject day offset', () => {
  test('deterministic per key and PatientID, inside the range, never 0', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const d = subjectDayOffset(key, `PID-${i}`);
      expect(Number.isInteger(d)).toBe(true);
      expect(d).toBeGreaterThanOrEqual(-365);
      expect(d).toBeLessThanOrEqual(-1);
      expect(subjectDayOffset(key, `PID-${i}`)).toBe(d);
      seen.add(d);
    }
    expect(seen.size).toBeGreaterThan(100);
    for (let i = 0; i < 500; i++) {
      expect(subjectDayOffset(key, `P${i}`, { min: -2, max: 2 })).not.toBe(0);
    }
    expect(() => subjectDayOffset(key, 'x', { min: 0, max: 0 })).toThrow(RangeError);
    expect(() => subjectDayOffset(key, 'x', { min: 3, max: 1 })).toThrow(RangeError);
  });
  test('another key gives another offset for most subjects', () => {
    const other = new Uint8Array(randomBytes(32));
    let differ = 0;
    for (let i = 0; i < 50; i++) {
      if (subjectDayOffset(key, `S${i}`) !== subjectDayOffset(other, `S${i}`)) differ++;
    }
    expect(differ).toBeGreaterThan(40);
  });
});

describe('DEID-20 shifting by VR', () => {
  test('DA, across month/year and leap days, multi-valued', () => {
    expect(shiftDateValue('20240301', 'DA', -1)).toEqual({ value: '20240229' });
    expect(shiftDateValue('20230101', 'DA', -1)).toEqual({ value: '20221231' });
    expect(shiftDateValue('20240101\\20240110 ', 'DA', -10)).toEqual({
      value: '20231222\\20231231',
    });
    expect(shiftDateValue('', 'DA', -10)).toEqual({ value: '' });
  });
  test('DA partial or invalid forms are removed with a reason', () => {
    for (const v of ['2024', '202403', '2024.03.01', '20240230', '20240101-20240201', 'abc']) {
      const r = shiftDateValue(v, 'DA', -5);
      expect(r).toHaveProperty('remove');
      if ('remove' in r) expect(r.remove).toContain(v);
    }
    expect(shiftDateValue('20240101\\2024', 'DA', -5)).toHaveProperty('remove');
  });
  test('DT shifts the date part and keeps time and UTC offset', () => {
    expect(shiftDateValue('20240301123456.123456+0100', 'DT', -1)).toEqual({
      value: '20240229123456.123456+0100',
    });
    expect(shiftDateValue('20240301', 'DT', -1)).toEqual({ value: '20240229' });
    expect(shiftDateValue('2024', 'DT', -1)).toHaveProperty('remove');
  });
  test('TM is unchanged', () => {
    expect(shiftDateValue('101500.5\\235959', 'TM', -200)).toEqual({ value: '101500.5\\235959' });
  });
});
