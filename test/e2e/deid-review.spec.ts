// The review queue end to end: the demo archive plus a generated ultrasound series (text
// burned into its pixels) and a secondary capture -> the De-identify tab lists every series
// at burned-in or facial risk with a thumbnail -> exclude the capture, mask the ultrasound
// with a typed and a drawn rectangle, waive facial risk on one brain series -> the answers
// survive a reload -> run -> the excluded series is held as 'excluded', the masked pixels
// are blank in the output, unwaived brain series are held, and every answer is in the audit
// trail without the series UID.
import { test, expect, type Page } from '@playwright/test';
import { parseDicomBytes } from '../../src/core/dicom/file';
import { writePart10, type DataElement } from '../../src/core/dicom/writer';
import { dcmcjpegExtended12, encodeFrame, hasDcmcjpeg } from '../fixtures/codecs';
import { status, usePickerFolder, waitForScan, writeOpfs } from './app';

const US_SOP = '1.2.840.10008.5.1.4.1.1.6.1';
const SC_SOP = '1.2.840.10008.5.1.4.1.1.7';
const ROWS = 64;
const COLUMNS = 96;
/** Burned-in "text": a bright band in the top rows. */
const TEXT = { x0: 4, y0: 2, x1: 60, y1: 10 };

function pixels(): Uint8Array {
  const px = new Uint8Array(ROWS * COLUMNS);
  for (let y = 0; y < ROWS; y++)
    for (let x = 0; x < COLUMNS; x++) {
      const inText = x >= TEXT.x0 && x < TEXT.x1 && y >= TEXT.y0 && y < TEXT.y1;
      px[y * COLUMNS + x] = inText ? 255 : 20 + ((x + y) % 80);
    }
  return px;
}

function capture(
  sop: string,
  modality: string,
  series: number,
  instance: number,
  /** Compressed pixel data instead of native: the transfer syntax and its one fragment. */
  encoded?: { ts: string; fragment: Uint8Array },
  /** 12 bits stored in 16 allocated (native only): the same picture, times 16. */
  twelveBit = false,
): Uint8Array {
  const study = '2.25.77001';
  const ds: DataElement[] = [
    { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 100' },
    // The capture has no ImageType: a blacklist pixel rule rejects such images outright.
    ...(modality === 'US'
      ? [{ tag: 0x00080008, vr: 'CS' as const, value: ['ORIGINAL', 'PRIMARY'] }]
      : []),
    { tag: 0x00080016, vr: 'UI', value: sop },
    { tag: 0x00080018, vr: 'UI', value: `${study}.${series}.${instance}` },
    { tag: 0x00080020, vr: 'DA', value: '20240305' },
    { tag: 0x00080060, vr: 'CS', value: modality },
    { tag: 0x00081030, vr: 'LO', value: 'Review fixture' },
    { tag: 0x0008103e, vr: 'LO', value: modality === 'US' ? 'Liver US' : 'Screen capture' },
    { tag: 0x00100010, vr: 'PN', value: 'Reviewfixture^Patricia' },
    { tag: 0x00100020, vr: 'LO', value: 'REVIEW-0001' },
    { tag: 0x0020000d, vr: 'UI', value: study },
    { tag: 0x0020000e, vr: 'UI', value: `${study}.${series}` },
    { tag: 0x00200011, vr: 'IS', value: String(series) },
    { tag: 0x00200013, vr: 'IS', value: String(instance) },
    { tag: 0x00280002, vr: 'US', value: 1 },
    { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: ROWS },
    { tag: 0x00280011, vr: 'US', value: COLUMNS },
    { tag: 0x00280100, vr: 'US', value: twelveBit ? 16 : 8 },
    { tag: 0x00280101, vr: 'US', value: twelveBit ? 12 : 8 },
    { tag: 0x00280102, vr: 'US', value: twelveBit ? 11 : 7 },
    { tag: 0x00280103, vr: 'US', value: 0 },
    {
      tag: 0x7fe00010,
      vr: twelveBit ? 'OW' : 'OB',
      value: encoded
        ? { fragments: [encoded.fragment] }
        : twelveBit
          ? Uint16Array.from(pixels(), (v) => v * 16)
          : pixels(),
    },
  ];
  return writePart10(ds, encoded ? { transferSyntaxUid: encoded.ts } : {});
}

const deidStatus = (page: Page) => page.getByRole('status', { name: 'De-identification status' });
const summary = (page: Page) => page.getByRole('status', { name: 'Review summary' });
const queue = (page: Page) => page.getByRole('region', { name: 'Review queue' });

/** Non-blank canvas: how many distinct grey levels the thumbnail shows. */
async function levels(page: Page, name: RegExp): Promise<number> {
  const canvas = queue(page).getByLabel(name).first();
  return canvas.evaluate((c) => {
    const el = c as HTMLCanvasElement;
    const d = el.getContext('2d')!.getImageData(0, 0, el.width, el.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < d.length; i += 4) seen.add(d[i]!);
    return seen.size;
  });
}

test('review queue: thumbnails, exclude, mask with rectangles, waive facial, then run', async ({
  page,
}) => {
  await usePickerFolder(page, 'review-out');
  await page.goto('/');
  await page.getByRole('button', { name: 'Open demo archive' }).click();
  expect(await waitForScan(page)).toMatch(/^Indexed/);
  await writeOpfs(page, 'trialbench-demo', [
    { path: 'review-extra/us/1.dcm', bytes: capture(US_SOP, 'US', 901, 1) },
    { path: 'review-extra/us/2.dcm', bytes: capture(US_SOP, 'US', 901, 2) },
    { path: 'review-extra/sc/1.dcm', bytes: capture(SC_SOP, 'OT', 902, 1) },
  ]);
  await page.getByRole('button', { name: 'Rescan Demo archive' }).click();
  await expect(status(page)).toContainText('Indexed Demo archive: 3 of 3 files read');

  await page.getByRole('tab', { name: 'De-identify' }).click();
  await expect(summary(page)).toHaveText(/^0 of \d+ series decided$/, { timeout: 240_000 });
  const items = queue(page)
    .getByRole('listitem')
    .filter({ has: page.locator('h4') });
  const total = await items.count();
  await expect(summary(page)).toHaveText(`0 of ${total} series decided`);
  const us = queue(page).getByRole('listitem', {
    name: /Review REVIEW-0001 · series 901 · .* · US · 2 images · #[0-9a-f]{6}$/,
  });
  const sc = queue(page).getByRole('listitem', {
    name: /Review REVIEW-0001 · series 902 · .* · OT · 1 image · #[0-9a-f]{6}$/,
  });
  const mr = queue(page).getByRole('listitem', { name: /^Review .* · MR · / });
  await expect(us).toContainText('modality US often carries burned-in text');
  await expect(sc).toContainText('secondary capture image');
  const mrCount = await mr.count();
  expect(mrCount).toBeGreaterThan(0);
  expect(total).toBe(mrCount + 2); // the demo's CT and PET are not at risk
  await expect(mr.first()).toContainText('MR with BodyPartExamined BRAIN');

  // Thumbnails are drawn and described: the ultrasound's gradient, the phantom's tissues.
  expect(await levels(page, /Thumbnail of REVIEW-0001 · series 901 ·/)).toBeGreaterThan(20);
  expect(await levels(page, /Thumbnail of .* · MR · /)).toBeGreaterThanOrEqual(3);
  await expect(us.getByLabel(/Thumbnail of REVIEW-0001 · series 901 ·/)).toHaveAttribute(
    'aria-label',
    /96×64 stored pixels/,
  );

  // Exclude the capture: the button waits for a justification.
  const scExclude = sc.getByRole('button', { name: 'Exclude', exact: true });
  await expect(scExclude).toBeDisabled();
  await expect(sc).toContainText('Write a justification first.');
  await sc.getByLabel(/Burned-in justification/).fill('Screen capture of the worklist; not needed');
  await expect(sc.getByRole('button', { name: 'Mask', exact: true })).toBeDisabled();
  await expect(sc).toContainText(/Missing ImageType .* rejects this image outright/);
  await scExclude.click();
  await expect(summary(page)).toHaveText(`1 of ${total} series decided`);
  await expect(sc).toContainText(/Decided: burned-in excluded by .+: Screen capture/);

  // Mask the ultrasound: no pixel rule matches, so a rectangle is needed first.
  await us.getByLabel(/Burned-in justification/).fill('Operator text in the top band');
  await expect(us.getByRole('button', { name: 'Mask', exact: true })).toBeDisabled();
  await expect(us).toContainText('draw or enter a rectangle to mask first');
  await us.getByLabel('x0').fill(String(TEXT.x0));
  await us.getByLabel('y0').fill(String(TEXT.y0));
  await us.getByLabel('x1').fill('30');
  await us.getByLabel('y1').fill(String(TEXT.y1));
  await us.getByRole('button', { name: 'Add rectangle' }).click();
  // The rest of the band drawn on the picture, scaled back to stored pixels.
  const svg = us.locator('svg');
  const box = (await svg.boundingBox())!;
  const at = (x: number, y: number) =>
    [box.x + (x / COLUMNS) * box.width, box.y + (y / ROWS) * box.height] as const;
  await page.mouse.move(...at(29.6, 1.6));
  await page.mouse.down();
  await page.mouse.move(...at(45, 6), { steps: 4 });
  await page.mouse.move(...at(TEXT.x1 + 0.4, TEXT.y1 + 0.4), { steps: 4 });
  await page.mouse.up();
  const drawn = us.getByRole('list', { name: 'Drawn rectangles' }).getByRole('listitem');
  await expect(drawn).toHaveCount(2);
  await expect(drawn.nth(0)).toContainText('4,2–30,10');
  await expect(drawn.nth(1)).toContainText('30,2–60,10');
  await us.getByRole('button', { name: 'Mask', exact: true }).click();
  await expect(summary(page)).toHaveText(`2 of ${total} series decided`);
  await expect(us).toContainText('burned-in masked (2 drawn rectangle(s))');

  // Waive facial risk on one brain series; defaced needs a tool name.
  const brain = mr.first();
  const brainImages = Number(/· (\d+) images? ·/.exec((await brain.textContent()) ?? '')![1]);
  await brain.getByLabel(/Facial justification/).fill('Phantom data; charter allows');
  await expect(brain.getByRole('button', { name: 'Defaced by external tool' })).toBeDisabled();
  await expect(brain).toContainText('Name the defacing tool and version first.');
  // Similar brain series are offered the same answer in one go; here only this one.
  await expect(
    brain.getByRole('button', { name: /^Waive: this and \d+ similar series$/ }),
  ).toBeVisible();
  await brain.getByRole('button', { name: 'Waive', exact: true }).click();
  await expect(summary(page)).toHaveText(`3 of ${total} series decided`);

  // A reload keeps the answers.
  await page.reload();
  await page.getByRole('tab', { name: 'De-identify' }).click();
  await expect(summary(page)).toHaveText(`3 of ${total} series decided`, { timeout: 240_000 });
  await expect(
    queue(page).getByRole('listitem', {
      name: /Review REVIEW-0001 · series 901 · .* · US · 2 images · #[0-9a-f]{6}$/,
    }),
  ).toContainText('burned-in masked (2 drawn rectangle(s))');

  // Run.
  await page.getByRole('button', { name: 'Choose output folder' }).click();
  await expect(page.getByLabel('Output folder')).toHaveText('review-out');
  await page.getByLabel(/Folder-to-site rules/).fill('**=101');
  await page.getByRole('button', { name: 'Run de-identification' }).click();
  await expect(deidStatus(page)).toContainText(/^\s*(De-identified|De-identification failed)/, {
    timeout: 120_000,
  });
  const outcome = (await deidStatus(page).textContent()) ?? '';
  expect(outcome).toMatch(/De-identified \d+ files: \d+ written, \d+ held back/);
  const held = page.getByRole('region', { name: 'Held back files' });
  const excluded = held.locator('tr[data-category=excluded]');
  await expect(excluded).toHaveCount(1);
  await expect(excluded).toContainText('excluded');
  await expect(excluded).toContainText('Screen capture of the worklist');
  // Every brain image is held for facial risk except the waived series'.
  const mrImages = (await mr.allTextContents())
    .map((t) => Number(/· (\d+) images? ·/.exec(t)![1]))
    .reduce((a, b) => a + b, 0);
  // One row per series, with its file count (DEID-90).
  const facialHeld = (
    await held
      .locator('tr[data-category=facial]')
      .evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-files'))))
  ).reduce((a, b) => a + b, 0);
  expect(facialHeld).toBe(mrImages - brainImages);
  await expect(held.locator('tr[data-category=burned-in]')).toHaveCount(0);

  // The masked ultrasound: the rectangles are blank, the rest untouched.
  const outputs = await page.evaluate(async (sop) => {
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('review-out');
    const found: string[] = [];
    const visit = async (dir: FileSystemDirectoryHandle) => {
      for await (const e of dir.values()) {
        if (e.kind === 'directory') await visit(e as FileSystemDirectoryHandle);
        else if (e.name.endsWith('.dcm')) {
          const bytes = new Uint8Array(
            await (await (e as FileSystemFileHandle).getFile()).arrayBuffer(),
          );
          if (new TextDecoder('latin1').decode(bytes.subarray(0, 2048)).includes(sop))
            found.push(btoa(String.fromCharCode(...bytes)));
        }
      }
    };
    await visit(root);
    return found;
  }, US_SOP);
  expect(outputs).toHaveLength(2);
  const source = pixels();
  for (const b64 of outputs) {
    const parsed = parseDicomBytes(Uint8Array.from(Buffer.from(b64, 'base64')));
    if (parsed.kind !== 'parsed') throw new Error(parsed.kind);
    const px = parsed.dicom.datasetBytes.subarray(parsed.dicom.pixelData!.valueOffset);
    for (let y = 0; y < ROWS; y++)
      for (let x = 0; x < COLUMNS; x++) {
        const inText = x >= TEXT.x0 && x < TEXT.x1 && y >= TEXT.y0 && y < TEXT.y1;
        expect(px[y * COLUMNS + x], `${x},${y}`).toBe(inText ? 0 : source[y * COLUMNS + x]);
      }
  }
  console.log(
    `review run: ${outcome.trim()}; ${facialHeld} facial files held, ${brainImages} waived`,
  );

  // The audit trail: one deid.review entry per answer, naming no series UID.
  await page.getByRole('tab', { name: 'Audit trail' }).click();
  await page.getByLabel('Type').selectOption('deid.review');
  await expect(page.getByText('3 entries shown')).toBeVisible();
  const audit = page.getByRole('region', { name: 'Audit entries' });
  await expect(audit).toContainText('reviewed a series for facial risk: waive');
  await expect(audit).toContainText('reviewed a series for burned-in risk: mask');
  expect((await audit.textContent()) ?? '').not.toContain('2.25.77001');
});

test('review queue: a JPEG series shows its picture; one that cannot be decoded offers only mask or exclude', async ({
  page,
}) => {
  const jpeg = await encodeFrame('jpeg-baseline', {
    width: COLUMNS,
    height: ROWS,
    bits: 8,
    components: 1,
    samples: pixels(),
  });
  // A JPEG 2000 stream cut after its first markers: no codec can draw it.
  const broken = Uint8Array.from([0xff, 0x4f, 0xff, 0x51, 0, 0x29, 0, 0, 1, 2, 3, 4]);
  await page.goto('/');
  await page.getByRole('button', { name: 'Open demo archive' }).click();
  expect(await waitForScan(page)).toMatch(/^Indexed/);
  await writeOpfs(page, 'trialbench-demo', [
    {
      path: 'review-codecs/jpeg/1.dcm',
      bytes: capture(US_SOP, 'US', 903, 1, { ts: '1.2.840.10008.1.2.4.50', fragment: jpeg }),
    },
    {
      path: 'review-codecs/j2k/1.dcm',
      bytes: capture(US_SOP, 'US', 904, 1, { ts: '1.2.840.10008.1.2.4.90', fragment: broken }),
    },
  ]);
  await page.getByRole('button', { name: 'Rescan Demo archive' }).click();
  await expect(status(page)).toContainText('Indexed Demo archive: 2 of 2 files read');

  await page.getByRole('tab', { name: 'De-identify' }).click();
  await expect(summary(page)).toHaveText(/^0 of \d+ series decided$/);
  const shown = queue(page).getByRole('listitem', { name: /· series 903 · .* · US · 1 image · #/ });
  const unseen = queue(page).getByRole('listitem', {
    name: /· series 904 · .* · US · 1 image · #/,
  });

  // The JPEG series is drawn by the viewer's codec in the thumbnail worker.
  const picture = shown.getByLabel(/^Thumbnail of REVIEW-0001 · series 903 ·/);
  await expect(picture).toHaveAttribute('aria-label', /decoded from JPEG Baseline/);
  expect(await levels(page, /Thumbnail of REVIEW-0001 · series 903 ·/)).toBeGreaterThan(20);
  await shown.getByLabel(/Burned-in justification/).fill('No text in the picture');
  await expect(shown.getByRole('button', { name: 'Confirm clean', exact: true })).toBeEnabled();

  // The undecodable series: no picture, the reason in words, and no 'Confirm clean' at all.
  await expect(unseen).toContainText(/No thumbnail: JPEG 2000 could not be decoded/);
  await expect(unseen.getByRole('note')).toContainText(
    'a reviewer may confirm only what was shown, so mask or exclude it',
  );
  await expect(unseen.getByRole('button', { name: /Confirm clean/ })).toHaveCount(0);
  await unseen.getByLabel(/Burned-in justification/).fill('Cannot be viewed; leave it out');
  await expect(unseen.getByRole('button', { name: 'Exclude', exact: true })).toBeEnabled();
  await unseen.getByRole('button', { name: 'Exclude', exact: true }).click();
  await expect(unseen).toContainText(/Decided: burned-in excluded by /);

  await shown.getByRole('button', { name: 'Confirm clean', exact: true }).click();
  await expect(shown).toContainText(/Decided: burned-in confirmed clean by /);
});

test('review queue: a JPEG Extended 12-bit series shows its picture and offers Confirm clean', async ({
  page,
}) => {
  // No encoder in node_modules writes 12-bit JPEG: DCMTK's dcmcjpeg +ee makes it here.
  test.skip(!hasDcmcjpeg, 'SKIPPED: dcmcjpeg (DCMTK) is not installed; 12-bit JPEG untested');
  const twelve = dcmcjpegExtended12(capture(US_SOP, 'US', 905, 1, undefined, true));
  const parsed = parseDicomBytes(twelve);
  if (parsed.kind !== 'parsed') throw new Error('dcmcjpeg wrote a file that does not parse');
  expect(parsed.dicom.transferSyntaxUid).toBe('1.2.840.10008.1.2.4.51');
  await page.goto('/');
  await page.getByRole('button', { name: 'Open demo archive' }).click();
  expect(await waitForScan(page)).toMatch(/^Indexed/);
  await writeOpfs(page, 'trialbench-demo', [{ path: 'review-12bit/1.dcm', bytes: twelve }]);
  await page.getByRole('button', { name: 'Rescan Demo archive' }).click();
  await expect(status(page)).toContainText('Indexed Demo archive: 1 of 1 files read');

  await page.getByRole('tab', { name: 'De-identify' }).click();
  const item = queue(page).getByRole('listitem', { name: /· series 905 · .* · US · 1 image · #/ });
  const picture = item.getByLabel(/^Thumbnail of REVIEW-0001 · series 905 ·/);
  await expect(picture).toHaveAttribute('aria-label', /decoded from JPEG/);
  await expect(item).not.toContainText('No thumbnail');
  expect(await levels(page, /Thumbnail of REVIEW-0001 · series 905 ·/)).toBeGreaterThan(20);
  await item.getByLabel(/Burned-in justification/).fill('No text in the picture');
  await expect(item.getByRole('button', { name: 'Confirm clean', exact: true })).toBeEnabled();
  await item.getByRole('button', { name: 'Confirm clean', exact: true }).click();
  await expect(item).toContainText(/Decided: burned-in confirmed clean by /);
});
