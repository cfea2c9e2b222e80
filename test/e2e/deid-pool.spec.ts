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

// A worker of the pool works on several files at once, so when it crashes or hangs the pool
// cannot tell which file did it. It must not hold the innocent ones: each is tried again
// alone, and only the file that kills its own worker again is held, with the reason.
test('a crash or a hang in the pool holds that file alone; every other file is written', async ({
  page,
}) => {
  await page.goto('/bench.html');
  await page.waitForFunction(() => 'trialbenchDeid' in window);
  // 20 s per file: far beyond what one 64x64 file takes, however loaded the machine.
  const [pool, inThread] = await page.evaluate(() => window.trialbenchDeid.poolFailures(20_000));
  console.log(
    `pool failures: pool wrote ${pool!.written} of ${pool!.inputs}, held ${pool!.held.length}; ` +
      `in the run's own worker wrote ${inThread!.written}`,
  );
  // The run's own worker injects nothing: every generated file is written there.
  expect(inThread!.inputs).toBe(63);
  expect(inThread!.written).toBe(63);
  expect(inThread!.held).toEqual([]);
  // The pool holds exactly the three files, each with its own reason.
  expect(pool!.inputs).toBe(63);
  expect(pool!.written).toBe(60);
  const folder = (h: { path: string }) => h.path.split('/')[0]!;
  const held = [...pool!.held].sort((a, b) => (folder(a) < folder(b) ? -1 : 1));
  expect(held.map(folder)).toEqual([
    'trialbench-test-crash',
    'trialbench-test-crash-staged',
    'trialbench-test-hang',
  ]);
  expect(held[0]!.reasons.join(' ')).toMatch(/crashed; nothing written/);
  expect(held[1]!.reasons.join(' ')).toMatch(/crashed; nothing written/);
  expect(held[2]!.reasons.join(' ')).toMatch(/stopped answering; nothing written/);
  // What the pool wrote is byte for byte what the run's own worker wrote for those files,
  // and the temporary the staged crash left is gone.
  expect(pool!.dicom).toHaveLength(60);
  for (const line of pool!.dicom) expect(inThread!.dicom).toContain(line);
  expect(pool!.temporaries).toEqual([]);
});

// The output stage does not cut a temporary before writing it (a round trip to the browser
// saved per file): its read-back, which asks for one byte more than it wrote, must catch a
// longer temporary left under the same name, cut it, and prove the file again.
test('a longer temporary left under the same name is cut, and the output proven', async ({
  page,
}) => {
  await page.goto('/bench.html');
  await page.waitForFunction(() => 'trialbenchDeid' in window);
  const r = await page.evaluate(() => window.trialbenchDeid.stageOverStale());
  expect(r.answer.kind).toBe('ok');
  expect(r.files).toEqual(['a.dcm 3000']);
  expect(r.same).toBe(true);
});
