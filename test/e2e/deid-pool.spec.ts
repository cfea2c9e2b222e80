// The browser run's per-file pool (DEID-92): the demo archive (three sites, held and broken
// files) de-identified in the run's own worker, by a pool of one worker and by a pool of
// three, with the same key and settings, gives the same output folder byte for byte (only
// the record's start and end times differ): the run loop alone orders results, journals
// and writes the documents, wherever the per-file work ran.
import { test, expect } from '@playwright/test';

test('outputs, manifest, journal and documents are identical for pool sizes 0, 1 and 3', async ({
  page,
}) => {
  await page.goto('/bench.html');
  await page.waitForFunction(() => 'trialbenchDeid' in window);
  const runs = await page.evaluate(() => window.trialbenchDeid.outputs([0, 1, 3]));
  const [inThread, one, three] = runs;
  // Something of each kind happened, so the comparison is not of empty folders.
  expect(inThread!.written).toBeGreaterThan(1000);
  expect(inThread!.held).toBeGreaterThan(0);
  expect(inThread!.files.some((f) => f.startsWith('journal '))).toBe(true);
  expect(inThread!.files.some((f) => f.startsWith('manifest.json '))).toBe(true);
  expect(one!.files).toEqual(inThread!.files);
  expect(three!.files).toEqual(inThread!.files);
  // No temporary left by any of them.
  for (const r of runs) expect(r.files.filter((f) => /\.tmp /.test(f))).toEqual([]);
});
