// What the viewer says of a drawn region, without Cornerstone: sizes in mm from image
// points, an ellipse's statistics in modality values (HU, Bq/ml) with SUV on PET, the SUV
// lines of its text box, and stored values recovered from a pre-scaled decode.
import { describe, expect, it } from 'vitest';
import type { Calibration } from '../../../src/core/image/measurement';
import type { SuvResult } from '../../../src/core/qc/suv';
import {
  frameOfImageId,
  measurementSizes,
  roiStatsOf,
  suvTextLines,
} from '../../../src/adapters/viewer/roi';
import { modalityScale, storedValuesOf } from '../../../src/adapters/viewer/modality-values';

const spacing: Calibration = { kind: 'pixel-spacing', rowMm: 2, colMm: 0.5 };

describe('measurement sizes', () => {
  it('length: the distance in mm, rows and columns scaled by their own spacing', () => {
    const pts = [
      { x: 0, y: 0 },
      { x: 6, y: 2 },
    ];
    expect(measurementSizes('length', pts, spacing)).toEqual({ longMm: 5 });
  });

  it('bidirectional: the longer pair is the long axis whichever comes first', () => {
    const pts = [
      { x: 0, y: 0 },
      { x: 0, y: 1 }, // 2 mm
      { x: 0, y: 0 },
      { x: 8, y: 0 }, // 4 mm
    ];
    expect(measurementSizes('bidirectional', pts, spacing)).toEqual({ longMm: 4, shortMm: 2 });
  });

  it('ellipse: axes and the area pi * a * b / 4', () => {
    const pts = [
      { x: 0, y: 0 },
      { x: 0, y: 5 }, // 10 mm
      { x: 0, y: 0 },
      { x: 8, y: 0 }, // 4 mm
    ];
    const s = measurementSizes('ellipse', pts, spacing);
    expect(s).toMatchObject({ longMm: 10, shortMm: 4 });
    expect(s.areaMm2).toBeCloseTo(Math.PI * 10, 12);
  });

  it('missing points measure 0; no calibration, no millimetres', () => {
    expect(measurementSizes('bidirectional', [{ x: 1, y: 1 }], spacing)).toEqual({
      longMm: 0,
      shortMm: 0,
    });
    const none: Calibration = { kind: 'none', reason: 'no spacing' };
    expect(
      measurementSizes(
        'length',
        [
          { x: 0, y: 0 },
          { x: 9, y: 9 },
        ],
        none,
      ),
    ).toEqual({
      longMm: 0,
    });
  });
});

describe('ROI statistics in modality values', () => {
  const cs = { mean: 10, stdDev: 2, min: -4, max: 30, count: 12 };

  it('CT: stored values through slope and intercept, in HU; sd scales by |slope|', () => {
    const r = roiStatsOf(cs, { slope: -2, intercept: -1000 }, 'CT', null);
    expect(r).toEqual({ mean: -1020, sd: 4, min: -992, max: -1060, count: 12, unit: 'HU' });
  });

  it('no mean yet: nothing; missing or non-finite numbers read as 0', () => {
    expect(roiStatsOf({ mean: NaN }, { slope: 1, intercept: 0 }, 'CT', null)).toBeUndefined();
    expect(roiStatsOf({ mean: 3, max: Infinity }, { slope: 1, intercept: 0 }, 'MR', null)).toEqual({
      mean: 3,
      sd: 0,
      min: 0,
      max: 0,
      count: 0,
      unit: '',
    });
  });

  it('PET with SUV: Bq/ml and SUVbw = Bq/ml x factor', () => {
    const suv: SuvResult = { computable: true, factor: 0.001 };
    const r = roiStatsOf(cs, { slope: 100, intercept: 0 }, 'PT', suv);
    expect(r?.unit).toBe('Bq/ml');
    expect(r?.suv).toEqual({ computable: true, mean: 1, max: 3, factor: 0.001 });
    expect(suvTextLines(r!.suv!)).toEqual(['SUVmax 3.00 (bw)', 'SUVmean 1.00']);
  });

  it('PET without SUV: no unit claimed, and the text box says why', () => {
    const suv: SuvResult = {
      computable: false,
      code: 'dose',
      reason: 'RadionuclideTotalDose empty',
    };
    const r = roiStatsOf(cs, { slope: 1, intercept: 0 }, 'PT', suv);
    expect(r?.unit).toBe('');
    expect(r?.suv).toEqual({ computable: false, code: 'dose', reason: suv.reason });
    expect(suvTextLines(r!.suv!)).toEqual([
      'SUV not computable: the injected dose is missing (RadionuclideTotalDose empty).',
    ]);
  });
});

describe('modality values of a decoded image', () => {
  it('applies slope and intercept unless the loader pre-scaled the pixels', () => {
    expect(modalityScale({ slope: 2, intercept: -1024 })).toEqual({ slope: 2, intercept: -1024 });
    expect(modalityScale({ slope: 2, intercept: -1024, preScale: { scaled: true } })).toEqual({
      slope: 1,
      intercept: 0,
    });
    expect(modalityScale(undefined)).toEqual({ slope: 1, intercept: 0 });
  });

  it('stored values: the pre-scaling undone, or the pixels as they are', () => {
    const px = new Int16Array([-1024, 0, 976]);
    expect(storedValuesOf({ slope: 2, intercept: -1024 }, px)).toBe(px);
    expect(
      storedValuesOf({ slope: 2, intercept: -1024, preScale: { scaled: true } }, [-1024, 0, 976]),
    ).toEqual([0, 512, 1000]);
  });
});

it('frame of an image id: its frame parameter, else 0', () => {
  expect(frameOfImageId('dicomfile:3?frame=7')).toBe(7);
  expect(frameOfImageId('dicomfile:3')).toBe(0);
});
