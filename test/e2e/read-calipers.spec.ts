// Issue 12's evidence, end to end with the real calipers: on the demo archive a reader
// measures two target lesions and a lymph node with Cornerstone3D's Length and Bidirectional
// tools (mouse drags on the canvas), at baseline and at follow-up, with a non-target lesion
// assessed. The response the app computes equals the one this test computes by hand from
// the values it reads back from the form (RECIST 1.1: sum of diameters with the node's short
// axis, change from baseline and from the nadir, target category, table 1); the submitted
// read is locked and is a signed ledger entry (hash and signature checked here); its DICOM
// SR loads back through our reader and through the Cornerstone3D SR adapter OHIF uses, with
// the same lesions, labels and measurements.
import { readFileSync } from 'node:fs';
import dcmjs from 'dcmjs';
import { test, expect, type Locator, type Page } from '@playwright/test';
import { decodeSr } from '../../src/adapters/sr/dcmjs-sr';
import { fromBase64url } from '../../src/adapters/crypto/identity';
import { webCryptoVerifier } from '../../src/adapters/crypto/verifier';
import { hashText, signingBytesOfText } from '../../src/core/ledger/entry';
import type { AuthorKey, Entry } from '../../src/core/ledger/types';
import { lesionsFromSr } from '../../src/core/reading/sr';
import { assignReads, demoAdjudicator } from './reading';

/**
 * A drag on the shown image between two points given as fractions of the image (the image is
 * fitted into the canvas's centred square; the demo CT is 500 mm across, so 0.1 = 50 mm).
 */
async function drag(page: Page, canvas: Locator, from: [number, number], to: [number, number]) {
  // The mouse acts in the viewport: the image must be in view (the read form is long).
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  const side = Math.min(box.width, box.height);
  const at = ([fx, fy]: [number, number]) => [
    box.x + box.width / 2 + (fx - 0.5) * side,
    box.y + box.height / 2 + (fy - 0.5) * side,
  ];
  const [x0, y0] = at(from);
  const [x1, y1] = at(to);
  await page.mouse.move(x0!, y0!);
  await page.mouse.down();
  await page.mouse.move((x0! + x1!) / 2, (y0! + y1!) / 2, { steps: 4 });
  await page.mouse.move(x1!, y1!, { steps: 4 });
  await page.mouse.up();
}

/** Picks the demo's chest-abdomen-pelvis CT (series 3, 24 slices) for a lesion's row. */
async function ctSeries(page: Page, lesion: string) {
  const select = page.getByRole('combobox', { name: `${lesion} series`, exact: true });
  const labels = await select.locator('option').allTextContents();
  await select.selectOption({ label: labels.find((l) => /^CT series 3 \(/.test(l))! });
}

const value = async (page: Page, label: string) =>
  page.getByRole('textbox', { name: label, exact: true }).inputValue();

/**
 * Measures the lesions with the viewer's tools: each drag is recorded on the lesion chosen
 * in "Lesion to measure", and the form's field shows what the viewer measured.
 */
async function measure(
  page: Page,
  plan: {
    id: string;
    tool: 'Length' | 'Bidirectional';
    from: [number, number];
    to: [number, number];
  }[],
) {
  const canvas = page.locator('.pane .canvas').first();
  const reads = page.getByRole('status', { name: 'Reads status' });
  for (const m of plan) {
    await page.getByRole('combobox', { name: 'Lesion to measure' }).selectOption(m.id);
    await page.getByRole('button', { name: m.tool, exact: true }).click();
    await expect(page.getByRole('button', { name: m.tool, exact: true })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await drag(page, canvas, m.from, m.to);
    await expect(reads).toContainText(
      new RegExp(`^${m.id}: [\\d.]+ mm.* recorded from the viewer`),
    );
    await expect(
      page.getByRole('textbox', { name: `${m.id} long axis mm`, exact: true }),
    ).toHaveValue(/^\d+\.\d$/);
  }
}

/** A diameter as the form shows it (mm, one decimal) in integer tenths of a millimetre. */
const tenths = (mm: string) => Math.round(Number(mm) * 10);
const mmText = (t: number) => `${(t / 10).toFixed(1)} mm`;
const pctText = (delta: number, of: number) => {
  const permille = Math.round((delta * 1000) / of);
  return `${permille > 0 ? '+' : ''}${(permille / 10).toFixed(1)} %`;
};

test('calipers on baseline and follow-up: the computed response equals the hand computation; locked, signed; the SR loads back', async ({
  page,
  context,
}) => {
  const me = await demoAdjudicator(page, context);
  const { subjectRef, timepoints } = await assignReads(page, me, (tps) => ['TP0', tps.at(-1)!]);
  const followUpTp = timepoints.at(-1)!;

  // ---- Baseline: liver and lung targets (Length), a node (Bidirectional), a bone non-target.
  await page.getByRole('button', { name: `Open read of ${subjectRef} TP0` }).click();
  await page.getByRole('button', { name: 'Add target lesion' }).click();
  await page.getByRole('button', { name: 'Add target lesion' }).click();
  await page.getByRole('button', { name: 'Add target lymph node' }).click();
  await page.getByRole('button', { name: 'Add non-target lesion' }).click();
  await page.getByRole('textbox', { name: 'T1 organ', exact: true }).fill('liver');
  await page.getByRole('textbox', { name: 'T1 location', exact: true }).fill('segment VII');
  await page.getByRole('textbox', { name: 'T2 organ', exact: true }).fill('lung');
  await page.getByRole('textbox', { name: 'N1 location', exact: true }).fill('subcarinal');
  await page.getByRole('textbox', { name: 'NT1 organ', exact: true }).fill('bone');
  for (const id of ['T1', 'T2', 'N1', 'NT1']) await ctSeries(page, id);
  await page.getByRole('button', { name: 'Show images' }).click();
  await expect(page.getByTestId('pane-0-state')).toContainText('rendered', { timeout: 240_000 });
  // About 50 and 40 mm, and a node of 30 x 20 mm (the tool's short axis starts at two thirds
  // of the long), on three rows of the image, so no drag starts on an earlier caliper.
  await measure(page, [
    { id: 'T1', tool: 'Length', from: [0.4, 0.35], to: [0.5, 0.35] },
    { id: 'T2', tool: 'Length', from: [0.4, 0.5], to: [0.48, 0.5] },
    { id: 'N1', tool: 'Bidirectional', from: [0.4, 0.65], to: [0.46, 0.65] },
  ]);
  const b = {
    T1: await value(page, 'T1 long axis mm'),
    T2: await value(page, 'T2 long axis mm'),
    N1: await value(page, 'N1 long axis mm'),
    N1short: await value(page, 'N1 short axis mm'),
  };
  // RECIST 1.1 by hand: targets count their long axis, a node its short axis.
  const baseSum = tenths(b.T1) + tenths(b.T2) + tenths(b.N1short);
  const live = page.getByRole('status', { name: 'Computed response' });
  await expect(live).toHaveText(
    `Baseline sum of diameters: ${mmText(baseSum)} over 3 target lesions.`,
  );
  // Measurable as drawn (no rule is broken), so the read can be signed.
  await expect(page.getByRole('list', { name: 'Problems with this read' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Sign and submit read' }).click();
  await expect(page.getByRole('status', { name: 'Reads status' })).toContainText(
    'it is now locked',
  );

  // ---- Follow-up: the same lesions, drawn smaller (about 25, 25 and 18 x 12 mm); the
  // non-target present, no new lesion.
  await page.getByRole('button', { name: `Open read of ${subjectRef} ${followUpTp}` }).click();
  for (const id of ['T1', 'T2', 'N1']) await ctSeries(page, id);
  await expect(page.getByRole('combobox', { name: 'NT1 assessment' })).toHaveValue('non-CR/non-PD');
  await page.getByRole('button', { name: 'Show images beside the baseline' }).click();
  await expect(page.getByTestId('pane-0-state')).toContainText('rendered', { timeout: 240_000 });
  // Beside it, the baseline series T1 was measured on: the same protocol, not the PET/CT's CT.
  await expect(page.getByTestId('pane-1-state')).toContainText('rendered', { timeout: 240_000 });
  const overlays = page.getByTestId('overlay-series');
  await expect(overlays).toHaveCount(2);
  await expect(overlays.nth(1)).toHaveText((await overlays.nth(0).textContent())!);
  await measure(page, [
    { id: 'T1', tool: 'Length', from: [0.4, 0.35], to: [0.45, 0.35] },
    { id: 'T2', tool: 'Length', from: [0.4, 0.5], to: [0.45, 0.5] },
    { id: 'N1', tool: 'Bidirectional', from: [0.4, 0.65], to: [0.436, 0.65] },
  ]);
  const f = {
    T1: await value(page, 'T1 long axis mm'),
    T2: await value(page, 'T2 long axis mm'),
    N1: await value(page, 'N1 long axis mm'),
    N1short: await value(page, 'N1 short axis mm'),
  };
  const sum = tenths(f.T1) + tenths(f.T2) + tenths(f.N1short);
  const nadir = baseSum; // the first follow-up: the smallest sum so far is the baseline's
  // Target response (RECIST 1.1 §4.3.1): CR needs every non-nodal target gone and every node
  // under 10 mm; PD is +20 % over the nadir and +5 mm; PR is -30 % from baseline; else SD.
  const cr = tenths(f.T1) === 0 && tenths(f.T2) === 0 && tenths(f.N1short) < 100;
  const target = cr
    ? 'CR'
    : sum * 100 >= nadir * 120 && sum - nadir >= 50
      ? 'PD'
      : sum * 10 <= baseSum * 7
        ? 'PR'
        : 'SD';
  // Table 1: non-target non-CR/non-PD and no new lesion: CR becomes PR, the rest stand.
  const overall = target === 'CR' ? 'PR' : target;
  expect(overall, 'the drags were sized for a partial response').toBe('PR');
  test.info().annotations.push({
    type: 'measured (mm)',
    description: `baseline ${JSON.stringify(b)} sum ${mmText(baseSum)}; follow-up ${JSON.stringify(f)} sum ${mmText(sum)}; ${pctText(sum - baseSum, baseSum)} -> ${overall}`,
  });
  await expect(live).toHaveText(
    [
      `Sum of diameters: ${mmText(sum)}.`,
      `From baseline ${mmText(baseSum)}: ${pctText(sum - baseSum, baseSum)}.`,
      `From nadir ${mmText(nadir)}: ${pctText(sum - nadir, nadir)} (${sum - nadir >= 0 ? '+' : ''}${mmText(sum - nadir)}).`,
      `Target response: ${target}. Non-target response: non-CR/non-PD. New lesions: none.`,
      `Overall response: ${overall}.`,
    ].join(' '),
  );
  await page.getByRole('button', { name: 'Sign and submit read' }).click();

  // ---- Locked and signed.
  const fu = page.getByRole('region', { name: `Submitted read of ${subjectRef} ${followUpTp}` });
  await expect(fu).toContainText('Locked');
  await expect(fu).toContainText('Signed at (UTC)');
  await expect(fu.getByRole('status', { name: 'Submitted response' })).toContainText(
    `Sum of diameters: ${mmText(sum)}. Target response: ${target}.`,
  );
  await expect(fu.getByRole('status', { name: 'Submitted response' })).toContainText(
    `Overall response: ${overall}.`,
  );
  await expect(page.getByRole('textbox', { name: 'T1 long axis mm' })).toHaveCount(0);
  await page.getByRole('button', { name: `Open read of ${subjectRef} ${followUpTp}` }).click();
  await expect(page.getByRole('textbox', { name: 'T1 long axis mm' })).toHaveCount(0);

  const [jsonDownload] = await Promise.all([
    page.waitForEvent('download'),
    fu.getByRole('button', { name: 'Export JSON' }).click(),
  ]);
  const doc = JSON.parse(readFileSync((await jsonDownload.path())!, 'utf8')) as {
    entry: string;
    state: string;
    signature: { author: string; meaning: string };
  };
  expect(doc).toMatchObject({ state: 'locked', signature: { author: me } });
  // The read is the ledger entry itself, as stored: its id hashes its text, its author's key
  // signed it, and it is a read.submit of this read.
  const stored = await page.evaluate(
    (id) =>
      new Promise<string | null>((resolve, reject) => {
        const open = indexedDB.open('trialbench-ledger');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('entries').objectStore('entries').get(id);
          get.onsuccess = () =>
            resolve((get.result as { text?: string } | undefined)?.text ?? null);
          get.onerror = () => reject(get.error);
        };
      }),
    doc.entry,
  );
  expect(stored).not.toBeNull();
  const entry = JSON.parse(stored!) as Entry;
  expect(entry.type).toBe('read.submit');
  expect(entry.author).toBe(me);
  expect(hashText(stored!)).toBe(doc.entry);
  expect(
    await webCryptoVerifier(globalThis.crypto.subtle).verify(
      entry.author as AuthorKey,
      fromBase64url(entry.sig),
      signingBytesOfText(stored!, entry.sig),
    ),
  ).toBe(true);

  // ---- The DICOM SR: our reader, then the Cornerstone3D SR adapter.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    fu.getByRole('button', { name: 'Export DICOM SR' }).click(),
  ]);
  const ds = decodeSr(new Uint8Array(readFileSync((await download.path())!)));
  const back = lesionsFromSr(ds);
  expect(back).toMatchObject({
    subject: subjectRef,
    timepoint: followUpTp,
    criteria: 'RECIST 1.1',
    overall,
    sumMm: sum / 10,
  });
  expect(
    back.lesions.map((l) => [
      l.id,
      l.label,
      l.nodal,
      l.status,
      l.measurements.map((m) => [m.longMm, m.shortMm, m.points.length]),
    ]),
  ).toEqual([
    ['T1', 'T1 liver, segment VII', false, 'measured', [[Number(f.T1), null, 4]]],
    ['T2', 'T2 lung', false, 'measured', [[Number(f.T2), null, 4]]],
    ['N1', 'N1 lymph node, subcarinal', true, 'measured', [[Number(f.N1), Number(f.N1short), 8]]],
    ['NT1', 'NT1 bone', false, 'non-target:non-CR/non-PD', []],
  ]);
  const sops = back.lesions.flatMap((l) => l.measurements.map((m) => m.sopInstanceUid!));
  expect(sops.every((s) => /^2\.25\.\d+$/.test(s))).toBe(true);

  const log = console.log;
  console.log = () => {}; // the adapter logs every measurement it hydrates
  let tools: Record<string, { sopInstanceUid: string; description: string; annotation: unknown }[]>;
  try {
    tools = dcmjs.adapters.Cornerstone3D.MeasurementReport.generateToolState(
      ds,
      Object.fromEntries(sops.map((s) => [s, `wadouri:${s}`])),
      (_id: string, [x, y]: [number, number]) => [x, y, 0],
      { get: () => ({ frameOfReferenceUID: '2.25.99' }) },
    );
  } finally {
    console.log = log;
  }
  const stats = (t: { annotation: unknown }) =>
    Object.values(
      (
        t.annotation as {
          data: { cachedStats: Record<string, { length: number; width?: number }> };
        }
      ).data.cachedStats,
    )[0];
  expect(tools.Length!.map((t) => [t.description, stats(t)])).toEqual([
    ['Lesion T1', { length: Number(f.T1) }],
    ['Lesion T2', { length: Number(f.T2) }],
  ]);
  expect(tools.Bidirectional!.map((t) => [t.description, stats(t)])).toEqual([
    ['Lesion N1', { length: Number(f.N1), width: Number(f.N1short) }],
  ]);
});
