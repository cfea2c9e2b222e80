// Recognisable phantom images, so a viewer shows "a body", "a brain" or "hot spots" and
// follow-up lesions visibly shrink. Coordinates are normalised: x, y in [-1, 1] across the
// image, z in [0, 1] from the first slice to the last. Values are stored pixel values
// (unsigned 16 bit); CT stores HU + 1024.

interface Shape {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  value: number;
}

function paint(rows: number, columns: number, background: number, shapes: Shape[]): Uint16Array {
  const px = new Uint16Array(rows * columns).fill(background);
  for (const s of shapes) {
    if (s.rx <= 0 || s.ry <= 0) continue;
    // Only the bounding box of each shape is visited: 512x512 slices stay cheap.
    const y0 = Math.max(0, Math.floor(((s.cy - s.ry + 1) / 2) * rows));
    const y1 = Math.min(rows - 1, Math.ceil(((s.cy + s.ry + 1) / 2) * rows));
    const x0 = Math.max(0, Math.floor(((s.cx - s.rx + 1) / 2) * columns));
    const x1 = Math.min(columns - 1, Math.ceil(((s.cx + s.rx + 1) / 2) * columns));
    for (let y = y0; y <= y1; y++) {
      const dy = ((((y + 0.5) / rows) * 2 - 1 - s.cy) / s.ry) ** 2;
      if (dy > 1) continue;
      const row = y * columns;
      for (let x = x0; x <= x1; x++) {
        const dx = ((((x + 0.5) / columns) * 2 - 1 - s.cx) / s.rx) ** 2;
        if (dx + dy <= 1) px[row + x] = s.value;
      }
    }
  }
  return px;
}

const circle = (cx: number, cy: number, r: number, value: number): Shape => ({
  cx,
  cy,
  rx: r,
  ry: r,
  value,
});
const band = (z: number, from: number, to: number): boolean => z >= from && z <= to;
/** A radius that swells and fades over a z range, like an organ through slices. */
const swell = (z: number, from: number, to: number, r: number): number =>
  band(z, from, to) ? r * Math.sin(((z - from) / (to - from)) * Math.PI) ** 0.5 : 0;

export interface PhantomOptions {
  contrast?: boolean;
  /** Lesion size relative to baseline: 1 at baseline, smaller when responding. */
  lesion?: number;
}

/** Chest-abdomen-pelvis CT, head at z = 0. */
export function ctPhantom(
  rows: number,
  columns: number,
  z: number,
  o: PhantomOptions = {},
): Uint16Array {
  const hu = (v: number): number => v + 1024;
  const c = o.contrast ?? false;
  const lesion = o.lesion ?? 1;
  return paint(rows, columns, hu(-1000), [
    { cx: 0, cy: 0.05, rx: 0.88, ry: 0.62, value: hu(-90) }, // subcutaneous fat
    { cx: 0, cy: 0.05, rx: 0.8, ry: 0.55, value: hu(40) }, // soft tissue
    { cx: -0.38, cy: -0.05, rx: swell(z, 0, 0.4, 0.3), ry: swell(z, 0, 0.4, 0.4), value: hu(-850) },
    { cx: 0.38, cy: -0.05, rx: swell(z, 0, 0.4, 0.3), ry: swell(z, 0, 0.4, 0.4), value: hu(-850) },
    circle(0.05, -0.1, swell(z, 0.1, 0.3, 0.2), hu(c ? 180 : 45)), // heart
    {
      cx: -0.3,
      cy: 0,
      rx: swell(z, 0.3, 0.6, 0.38),
      ry: swell(z, 0.3, 0.6, 0.3),
      value: hu(c ? 110 : 60),
    }, // liver
    circle(-0.3, 0.05, swell(z, 0.38, 0.52, 0.12 * lesion), hu(c ? 70 : 40)), // liver lesion
    circle(0.35, 0.05, swell(z, 0.35, 0.55, 0.14), hu(c ? 120 : 45)), // spleen
    circle(-0.28, 0.3, swell(z, 0.45, 0.68, 0.1), hu(c ? 190 : 35)), // kidneys
    circle(0.28, 0.3, swell(z, 0.45, 0.68, 0.1), hu(c ? 190 : 35)),
    circle(0, 0.08, swell(z, 0.85, 1, 0.16), hu(8)), // bladder
    circle(0.08, 0.18, 0.045, hu(c ? 320 : 42)), // aorta
    circle(0, 0.42, 0.085, hu(700)), // vertebra
    circle(0, 0.42, 0.04, hu(260)),
  ]);
}

/** Axial brain MR, vertex at z = 0. */
export function mrPhantom(
  rows: number,
  columns: number,
  z: number,
  weighting: 't1c' | 'flair',
  o: PhantomOptions = {},
): Uint16Array {
  const t1 = weighting === 't1c';
  const head = Math.sqrt(Math.max(0, 1 - (1 - z * 1.2) ** 2)) * 0.8 + 0.12;
  const lesion = o.lesion ?? 1;
  return paint(rows, columns, 0, [
    { cx: 0, cy: 0, rx: head * 0.78, ry: head, value: t1 ? 900 : 300 }, // scalp
    { cx: 0, cy: 0, rx: head * 0.7, ry: head * 0.9, value: t1 ? 120 : 60 }, // skull
    { cx: 0, cy: 0.02, rx: head * 0.64, ry: head * 0.84, value: t1 ? 620 : 520 }, // grey matter
    { cx: 0, cy: 0.02, rx: head * 0.5, ry: head * 0.68, value: t1 ? 820 : 430 }, // white matter
    {
      cx: -0.1,
      cy: 0,
      rx: swell(z, 0.35, 0.7, 0.07),
      ry: swell(z, 0.35, 0.7, 0.25),
      value: t1 ? 180 : 40,
    },
    {
      cx: 0.1,
      cy: 0,
      rx: swell(z, 0.35, 0.7, 0.07),
      ry: swell(z, 0.35, 0.7, 0.25),
      value: t1 ? 180 : 40,
    },
    circle(0.28, -0.22, swell(z, 0.35, 0.65, 0.13 * lesion), t1 ? 1500 : 1100), // lesion (rim on T1c)
    circle(0.28, -0.22, swell(z, 0.35, 0.65, 0.07 * lesion), t1 ? 500 : 1300),
  ]);
}

/** Whole-body FDG PET, skull base at z = 0; stored units of 5 Bq/ml. */
export function petPhantom(
  rows: number,
  columns: number,
  z: number,
  o: PhantomOptions = {},
): Uint16Array {
  const lesion = o.lesion ?? 1;
  return paint(rows, columns, 0, [
    { cx: 0, cy: 0.05, rx: 0.62, ry: 0.45, value: 900 }, // body background, ~SUV 1
    circle(0, 0, swell(z, 0, 0.15, 0.3), 7000), // brain
    circle(0.05, -0.08, swell(z, 0.2, 0.35, 0.15), 4000), // myocardium
    { cx: -0.22, cy: 0, rx: swell(z, 0.35, 0.6, 0.28), ry: swell(z, 0.35, 0.6, 0.22), value: 2000 }, // liver
    circle(-0.2, 0.2, swell(z, 0.5, 0.68, 0.07), 3000), // kidneys
    circle(0.2, 0.2, swell(z, 0.5, 0.68, 0.07), 3000),
    circle(0, 0.05, swell(z, 0.85, 1, 0.13), 12000), // bladder
    circle(-0.22, 0.04, swell(z, 0.4, 0.55, 0.09 * lesion), Math.round(9000 * lesion)), // tumour
    circle(0.3, -0.2, swell(z, 0.2, 0.32, 0.05 * lesion), Math.round(6000 * lesion)), // lung node
  ]);
}

/** One fixed pattern, for corpora where pixel content does not matter. */
export function flatPhantom(rows: number, columns: number): Uint16Array {
  return paint(rows, columns, 24, [{ cx: 0, cy: 0, rx: 0.8, ry: 0.6, value: 1064 }]);
}
