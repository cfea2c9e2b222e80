// PET quantitation in the viewer: on the demo archive's FDG PET, an ellipse drawn over the
// tumour with Cornerstone3D's own tool (mouse events on the canvas) says SUVmax and SUVmean
// (body weight) in words, in the status line and the measurement list; SUVmax equals the
// hand computation from the series' own header (regenerated here, read by dicom-parser):
// the tumour's stored value 9000 x RescaleSlope 5 = 45,000 Bq/ml, times weight over the dose
// decayed from injection to the series start (DecayCorrection START).
import { test, expect } from '@playwright/test';
import dicomParser from 'dicom-parser';
import { demoArchive } from '../../src/core/demo/archive';
import { waitForScan } from './app';

/** Seconds since midnight of a DICOM TM value (HHMMSS[.frac]). */
const seconds = (tm: string) =>
  Number(tm.slice(0, 2)) * 3600 + Number(tm.slice(2, 4)) * 60 + Number(tm.slice(4));

test('an ellipse on PET reads SUVmax and SUVmean (body weight), equal to the hand computation', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Open demo archive' }).click();
  await waitForScan(page);

  await page.getByRole('tab', { name: 'Archive', exact: true }).click();
  await page.getByRole('combobox', { name: 'Modality' }).selectOption('PT');
  const tree = page.getByRole('region', { name: /Archive/ });
  await tree.locator('tr[data-kind=series] button').first().click();
  const from = page.getByText(/^\(from .+\)$/);
  await expect(from).toBeVisible();
  const path = /^\(from (.+)\)$/.exec((await from.textContent())!.trim())![1]!;

  // The hand computation, from the same file made again here and parsed independently.
  const file = [...demoArchive()].find((f) => path.endsWith(f.path))!;
  expect(file, path).toBeTruthy();
  const ds = dicomParser.parseDicom(file.bytes, { untilTag: 'x7fe00010' });
  const radio = ds.elements.x00540016!.items![0]!.dataSet!;
  const weightG = Number(ds.string('x00101030')) * 1000;
  const doseBq = Number(radio.string('x00181074'));
  const halfLife = Number(radio.string('x00181075'));
  const elapsed = seconds(ds.string('x00080031')!) - seconds(radio.string('x00181072')!);
  expect(ds.string('x00541102')).toBe('START');
  expect(Number(ds.string('x00281053'))).toBe(5);
  const factor = weightG / (doseBq * Math.pow(2, -elapsed / halfLife));
  const maxBqml = 9000 * 5;
  const suvMax = maxBqml * factor;

  await page.getByRole('button', { name: 'Open in viewer' }).click();
  const viewer = page.getByRole('region', { name: 'Image viewer' });
  const state = page.getByTestId('pane-0-state');
  await expect(state).toContainText('rendered', { timeout: 240_000 });
  const slice = (await state.textContent())!.trim();
  const canvas = page.locator('.pane .canvas').first();
  await canvas.focus();
  await page.keyboard.press('e');
  await expect(viewer.getByRole('button', { name: 'Ellipse ROI' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );

  // The tumour sits at 39 % across and 52 % down the image (the demo's PET phantom); the
  // image is fitted into the centred square of the canvas. Corner to corner around it.
  const box = (await canvas.boundingBox())!;
  const side = Math.min(box.width, box.height);
  const at = (fx: number, fy: number) => ({
    x: box.x + box.width / 2 + (fx - 0.5) * side,
    y: box.y + box.height / 2 + (fy - 0.5) * side,
  });
  const a = at(0.28, 0.41);
  const b = at(0.5, 0.63);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
  await page.mouse.move(b.x, b.y, { steps: 4 });
  await page.mouse.up();

  // The ellipse lies on the slice first shown: the stack's loading never moved the view.
  await expect(state).toHaveText(slice);

  // The viewer's status line (the pixel probe is a status output too).
  const said = viewer.getByRole('status').filter({ hasNotText: /^Pixel/ });
  await expect(said).toContainText(/SUVmax \d+\.\d\d, SUVmean \d+\.\d\d \(body weight\)/);
  const text = (await said.textContent())!;
  const max = Number(/, max (-?[\d.]+);/.exec(text)![1]);
  const shownMax = Number(/SUVmax (\d+\.\d\d)/.exec(text)![1]);
  const shownMean = Number(/SUVmean (\d+\.\d\d)/.exec(text)![1]);
  // The region's maximum is the tumour's centre, in Bq/ml (not stored values, not SUV).
  expect(text).toContain('Bq/ml');
  expect(max).toBe(maxBqml);
  expect(shownMax).toBeCloseTo(suvMax, 2);
  // The mean of the region (tumour, liver, body) lies under its maximum, over the body's.
  expect(shownMean).toBeLessThan(shownMax);
  expect(shownMean).toBeGreaterThan(900 * 5 * factor * 0.99);
  // The measurement list says the same.
  await expect(viewer.getByTestId('measure-suv').first()).toHaveText(
    `SUVmax ${shownMax.toFixed(2)}, SUVmean ${shownMean.toFixed(2)} (body weight)`,
  );
});
