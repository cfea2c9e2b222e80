// The viewer's pure rules: spacing and calibration, presets per modality, slice order and the
// geometry problems it names, and the slice a synchronised pane scrolls to.
import { describe, expect, it } from 'vitest';
import {
  autoWindow,
  calibrationOf,
  distanceMm,
  nearestSlice,
  orderSlices,
  presetsFor,
  type SliceGeometry,
} from '../../../src/core/image/viewing';

describe('calibration', () => {
  it('uses PixelSpacing first (row, column)', () => {
    expect(calibrationOf({ pixelSpacing: [0.7, 0.8], imagerPixelSpacing: [0.1, 0.1] })).toEqual({
      kind: 'pixel-spacing',
      rowMm: 0.7,
      colMm: 0.8,
    });
  });
  it('falls back to ImagerPixelSpacing and states it, corrected by a stated magnification', () => {
    const plain = calibrationOf({ imagerPixelSpacing: [0.2, 0.2] });
    expect(plain).toMatchObject({ kind: 'imager-pixel-spacing', rowMm: 0.2, colMm: 0.2 });
    expect(plain.kind === 'imager-pixel-spacing' && plain.note).toMatch(/not corrected/);
    const mag = calibrationOf({ imagerPixelSpacing: [0.2, 0.2], magnification: 1.25 });
    expect(mag).toMatchObject({ kind: 'imager-pixel-spacing', rowMm: 0.16, colMm: 0.16 });
  });
  it('refuses mm with a reason when neither spacing is usable', () => {
    for (const s of [
      {},
      { pixelSpacing: [0, 0.5] },
      { pixelSpacing: [NaN, 1] },
      { pixelSpacing: [1] },
    ]) {
      const c = calibrationOf(s);
      expect(c.kind).toBe('none');
      expect(c.kind === 'none' && c.reason).toMatch(/cannot be measured/);
      expect(distanceMm(c, { x: 0, y: 0 }, { x: 10, y: 0 })).toBeNull();
    }
  });
  it('measures with anisotropic spacing per axis', () => {
    const c = calibrationOf({ pixelSpacing: [2, 0.5] }); // rows 2 mm apart, columns 0.5 mm
    expect(distanceMm(c, { x: 0, y: 0 }, { x: 10, y: 0 })).toBeCloseTo(5);
    expect(distanceMm(c, { x: 0, y: 0 }, { x: 0, y: 10 })).toBeCloseTo(20);
  });
});

describe('window presets', () => {
  it('offers the four CT presets and none for MR or PET (auto from the data)', () => {
    expect(presetsFor('CT').map((p) => [p.id, p.width, p.center])).toEqual([
      ['soft', 400, 40],
      ['lung', 1500, -600],
      ['bone', 2000, 300],
      ['brain', 80, 40],
    ]);
    expect(presetsFor('MR')).toEqual([]);
    expect(presetsFor('PT')).toEqual([]);
    expect(autoWindow(-100, 300)).toEqual({ width: 400, center: 100 });
    expect(autoWindow(5, 5).width).toBe(1);
  });
});

const axial = (key: string, z: number, n: number | null = null): SliceGeometry => ({
  key,
  instanceNumber: n,
  position: [0, 0, z],
  orientation: [1, 0, 0, 0, 1, 0],
  rows: 4,
  columns: 4,
});

describe('slice order and geometry', () => {
  it('orders by position along the normal, not by file or instance number', () => {
    const o = orderSlices([axial('c', 5, 1), axial('a', -5, 3), axial('b', 0, 2)]);
    expect(o.keys).toEqual(['a', 'b', 'c']);
    expect(o.along).toEqual([-5, 0, 5]);
    expect(o.problems).toEqual([]);
  });
  it('names duplicate positions, uneven spacing, mixed orientation and sizes', () => {
    expect(orderSlices([axial('a', 0), axial('b', 0), axial('c', 1)]).problems[0]?.code).toBe(
      'duplicate-position',
    );
    expect(
      orderSlices([axial('a', 0), axial('b', 1), axial('c', 2), axial('d', 5)]).problems[0]?.code,
    ).toBe('uneven-spacing');
    const tilted = { ...axial('t', 3, 1), orientation: [1, 0, 0, 0, 0, -1] };
    const mixed = orderSlices([axial('a', 0, 2), tilted]);
    expect(mixed.problems.map((p) => p.code)).toContain('orientation-differs');
    expect(mixed.keys).toEqual(['t', 'a']); // by instance number
    expect(mixed.along).toEqual([null, null]);
    const big = { ...axial('x', 9), rows: 8 };
    expect(orderSlices([axial('a', 0), big]).problems.map((p) => p.code)).toContain('size-differs');
  });
  it('falls back to instance number without positions', () => {
    const o = orderSlices([
      { ...axial('b', 0, 2), position: null },
      { ...axial('a', 0, 1), position: null },
    ]);
    expect(o.keys).toEqual(['a', 'b']);
    expect(o.problems.map((p) => p.code)).toEqual(['no-position']);
  });
});

describe('synchronised scrolling', () => {
  it('goes to the slice nearest in position, else to the same fraction', () => {
    expect(nearestSlice([0, 5, 10, 15], 11, 0)).toBe(2);
    expect(nearestSlice([0, 5, 10, 15], -40, 0.9)).toBe(0);
    expect(nearestSlice([null, null, null, null, null], 3, 0.5)).toBe(2);
    expect(nearestSlice([0, 5], null, 1)).toBe(1);
  });
});
