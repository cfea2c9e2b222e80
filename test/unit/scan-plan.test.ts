import { describe, expect, it } from 'vitest';
import { planScan } from '../../src/core/scan/plan';
import { fileRecord } from './helpers/rows';

describe('planScan', () => {
  it('reads new and changed files, skips unchanged, marks vanished', () => {
    const known = [
      fileRecord({ id: 'f:a', size: 10, mtime: 1 }),
      fileRecord({ id: 'f:b', size: 10, mtime: 1 }),
      fileRecord({ id: 'f:c', size: 10, mtime: 1 }),
      fileRecord({ id: 'f:gone', size: 10, mtime: 1, status: 'missing' }),
      fileRecord({ id: 'f:back', size: 10, mtime: 1, status: 'missing' }),
    ];
    const plan = planScan(known, [
      { path: 'a', size: 10, mtime: 1 },
      { path: 'b', size: 11, mtime: 1 },
      { path: 'new', size: 1, mtime: 1 },
      { path: 'back', size: 10, mtime: 1 },
    ]);
    expect(plan.toRead.map((f) => f.path)).toEqual(['b', 'new', 'back']);
    expect(plan.unchanged).toBe(1);
    expect(plan.vanished.map((f) => f.path)).toEqual(['c']);
  });

  it('treats a changed mtime as a change even at the same size', () => {
    const plan = planScan(
      [fileRecord({ id: 'f:a', size: 10, mtime: 1 })],
      [{ path: 'a', size: 10, mtime: 2 }],
    );
    expect(plan.toRead).toHaveLength(1);
  });
});
