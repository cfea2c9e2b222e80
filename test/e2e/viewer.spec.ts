// The viewer over real and generated files: pixel values decoded in the viewer's workers equal
// pydicom's for native, RLE, JPEG-LS and JPEG 2000 files; the CT preset is the window shown;
// a length drawn across a 40.0 mm disc reads within one pixel spacing; undecodable and corrupt
// slices show their reason while the rest of the series scrolls.
import { test, expect, type Page, type Locator } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { usePickerFolder, waitForScan, writeOpfs, type FileSpec } from './app';
import { DISC_40MM, discSeries } from '../fixtures/viewer-phantom';

const CORPUS = process.env.TRIALBENCH_CORPUS ?? '/work/shared/corpus/pydicom/test_files';

function filesUnder(root: string): FileSpec[] {
  const out: FileSpec[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.dcm')) out.push({ path: relative(root, p), bytes: readFileSync(p) });
    }
  };
  walk(root);
  return out;
}

async function openFolder(page: Page, files: FileSpec[]) {
  page.on('pageerror', (e) => console.log('PAGEERR', e.message));
  await usePickerFolder(page, 'viewer-case');
  await page.goto('/');
  await writeOpfs(page, 'viewer-case', files);
  await page.getByRole('button', { name: 'Open folder' }).click();
  await waitForScan(page);
}

async function openSeries(page: Page, name: string | RegExp) {
  await page.getByRole('tab', { name: 'Archive' }).click();
  const tree = page.getByRole('region', { name: /Archive/ });
  await tree.locator('tr[data-kind=series] button', { hasText: name }).first().click();
  await page.getByRole('button', { name: 'Open in viewer' }).click();
  await expect(page.getByTestId('pane-0-state')).toContainText('rendered', { timeout: 240_000 });
}

/**
 * Moves the pointer to a fraction of the centred square the image is fitted into, and reads
 * the viewer's pixel probe: image column, row and value.
 */
async function probeAt(page: Page, canvas: Locator, fx: number, fy: number) {
  const box = (await canvas.boundingBox())!;
  const side = Math.min(box.width, box.height);
  const sx = box.x + box.width / 2 + (fx - 0.5) * side;
  const sy = box.y + box.height / 2 + (fy - 0.5) * side;
  const out = page.getByLabel('Pixel value under the pointer');
  // Leave the image first, so the reading awaited below is the new one.
  await page.mouse.move(1, 1);
  await expect(out).toHaveText('Pixel: –');
  await page.mouse.move(sx, sy, { steps: 2 });
  await expect(out).toContainText(/Pixel \(\d+, \d+\)/);
  const m = /Pixel \((\d+), (\d+)\): (-?[\d.]+)/.exec((await out.textContent()) ?? '')!;
  return { sx, sy, x: Number(m[1]), y: Number(m[2]), value: Number(m[3]) };
}

test('decoded pixel values equal pydicom for native, RLE, JPEG-LS and JPEG 2000', async ({
  page,
}) => {
  if (!existsSync(join(CORPUS, 'MR_small.dcm'))) {
    console.warn(
      `\n*** SKIPPED: the pydicom corpus is absent (${CORPUS}): no codec evidence ***\n`,
    );
    test.skip(true, `SKIPPED: corpus absent at ${CORPUS}`);
  }
  const out = mkdtempSync(join(tmpdir(), 'tb-viewer-ref-'));
  execFileSync('/usr/bin/python3', ['test/fixtures/pydicom_reference.py', CORPUS, out]);
  const ref = JSON.parse(readFileSync(join(out, 'reference.json'), 'utf8')) as Record<
    string,
    { rows: number; columns: number; values: number[]; decodedBy: string }
  >;
  await openFolder(page, filesUnder(out));
  for (const codec of ['native', 'rle', 'jpegls', 'jpeg2000']) {
    const r = ref[codec]!;
    await openSeries(page, `codec ${codec}`);
    const canvas = page.locator('.pane .canvas').first();
    await expect(page.getByTestId('overlay-series')).toContainText(`codec ${codec}`);
    const seen = new Set<string>();
    for (const [fx, fy] of [
      [0.5, 0.5],
      [0.4, 0.45],
      [0.55, 0.35],
      [0.45, 0.6],
      [0.6, 0.58],
    ] as const) {
      const p = await probeAt(page, canvas, fx, fy);
      seen.add(`${p.x},${p.y}`);
      expect(p.value, `${codec} at (${p.x}, ${p.y}) vs ${r.decodedBy}`).toBe(
        r.values[p.y * r.columns + p.x],
      );
    }
    expect(seen.size).toBeGreaterThan(3); // distinct positions, not one pixel five times
  }
});

test('CT preset window, calipers on a 40.0 mm disc, and bad slices explained', async ({ page }) => {
  const P = DISC_40MM;
  await openFolder(page, discSeries(P));
  await openSeries(page, P.description);
  const overlay = page.getByTestId('overlay-window');
  // CT opens on the soft-tissue preset (W 400 L 40); the lung preset is then the window shown.
  await expect(overlay).toContainText('W 400 L 40');
  await page.getByRole('button', { name: 'Lung' }).click();
  await expect(overlay).toContainText('W 1500 L -600');
  await expect(page.getByTestId('overlay-spacing')).toContainText('Pixel spacing 0.700 × 0.700 mm');
  await expect(page.getByTestId('overlay-site')).toContainText('Phantom Site Hospital');
  await page.getByLabel('Blinded overlay').check();
  await expect(page.getByTestId('overlay-site')).toHaveCount(0);

  // Image coordinates from the probe at two far-apart points give the screen mapping.
  const canvas = page.locator('.pane .canvas').first();
  const a = await probeAt(page, canvas, 0.3, 0.3);
  const b = await probeAt(page, canvas, 0.7, 0.7);
  const kx = (b.sx - a.sx) / (b.x - a.x);
  const ky = (b.sy - a.sy) / (b.y - a.y);
  const toScreen = (x: number, y: number) => ({
    x: a.sx + (x - a.x) * kx,
    y: a.sy + (y - a.y) * ky,
  });
  const c = (P.columns - 1) / 2;
  const r = P.diameterMm / 2 / P.spacing;
  // The probe confirms the disc is where its edges are expected.
  const inside = await probeAt(page, canvas, 0.5, 0.5);
  expect(inside.value).toBe(P.inside);

  await canvas.focus();
  await page.keyboard.press('l');
  await expect(page.getByRole('button', { name: 'Length' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  const from = toScreen(c - r, c);
  const to = toScreen(c + r, c);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, from.y, { steps: 4 });
  await page.mouse.move(to.x, to.y, { steps: 4 });
  await page.mouse.up();
  const shown = page.getByTestId('measure-long').first();
  await expect(shown).toHaveText(/\d/);
  const mm = Number(await shown.textContent());
  console.log(`caliper: ${mm} mm across a ${P.diameterMm} mm disc at ${P.spacing} mm spacing`);
  expect(Math.abs(mm - P.diameterMm)).toBeLessThanOrEqual(P.spacing);

  // Slice 5 is MPEG-2 (no image codec), slice 6 a corrupt JPEG-LS frame: each shows why, and
  // scrolling back reaches good images again.
  await page.keyboard.press('w');
  await canvas.focus();
  await page.keyboard.press('End');
  await expect(page.getByTestId('overlay-slice')).toContainText('Image 6/6');
  await expect(page.getByRole('alert')).toContainText('Image 6 cannot be shown');
  await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('overlay-slice')).toContainText('Image 5/6');
  await expect(page.getByRole('alert')).toContainText('Image 5 cannot be shown');
  await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('overlay-slice')).toContainText('Image 4/6');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('pane-0-state')).toContainText('rendered 4');
});
