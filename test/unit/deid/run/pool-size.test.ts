// The per-file pool's size, shared by the CLI's threads and the app's Web Workers (DEID-92):
// one per core but one, at least 1, at most 4; an unknown core count counts as 2.
import { describe, expect, it } from 'vitest';
import { poolSize } from '../../../../src/core/deid/run';

describe('poolSize', () => {
  it('keeps one core for the run and stays within 1 to 4', () => {
    expect([1, 2, 3, 4, 5, 8, 64].map(poolSize)).toEqual([1, 1, 2, 3, 4, 4, 4]);
  });
  it('treats an unknown or fractional core count safely', () => {
    expect(poolSize(undefined)).toBe(1);
    expect(poolSize(0)).toBe(1);
    expect(poolSize(3.9)).toBe(2);
  });
});
