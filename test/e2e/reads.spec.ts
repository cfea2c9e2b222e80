// A RECIST 1.1 read end to end on the demo archive: assign, a baseline with two targets
// and a lymph node, a follow-up; the response shown equals the one computed by hand; the
// submitted read is locked; its DICOM SR export reads back with the same lesions and values.
// Measurements are typed (the labelled manual entry) until the viewer is wired in.
import { readFileSync } from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import { decodeSr } from '../../src/adapters/sr/dcmjs-sr';
import { lesionsFromSr } from '../../src/core/reading/sr';
import { assignReads, demoAdjudicator } from './reading';

async function fill(page: Page, label: string, value: string) {
  await page.getByRole('textbox', { name: label, exact: true }).fill(value);
}

test('baseline and follow-up read: computed response, locked after signing, SR loads back', async ({
  page,
  context,
}) => {
  const me = await demoAdjudicator(page, context);
  const { subjectRef, timepoints } = await assignReads(page, me, (tps) => ['TP0', tps.at(-1)!]);
  // Subjects are named by keyed reference, never by the demo's patient IDs (RECIST-26).
  expect(subjectRef).toMatch(/^TB-[0-9A-Z]{6}$/);
  expect(timepoints[0]).toBe('TP0');
  const followUpTp = timepoints.at(-1)!;

  // Baseline: liver 42.5 mm, lung 25 mm, a node 24 x 18 mm (short axis counts).
  await page.getByRole('button', { name: `Open read of ${subjectRef} TP0` }).click();
  const live = page.getByRole('status', { name: 'Computed response' });
  await page.getByRole('button', { name: 'Add target lesion' }).click();
  await page.getByRole('button', { name: 'Add target lesion' }).click();
  await page.getByRole('button', { name: 'Add target lymph node' }).click();
  await fill(page, 'T1 organ', 'liver');
  await fill(page, 'T1 long axis mm', '42.5');
  await fill(page, 'T2 organ', 'lung');
  await fill(page, 'T2 long axis mm', '9');
  // The form enforces measurability with the rule ID.
  await expect(page.getByRole('list', { name: 'Problems with this read' })).toContainText(
    'RECIST-4',
  );
  await expect(page.getByRole('button', { name: 'Sign and submit read' })).toBeDisabled();
  await fill(page, 'T2 long axis mm', '25');
  await fill(page, 'N1 long axis mm', '24');
  await fill(page, 'N1 short axis mm', '18');
  const baseSum = 42.5 + 25 + 18;
  await expect(live).toHaveText(
    `Baseline sum of diameters: ${baseSum.toFixed(1)} mm over 3 target lesions.`,
  );
  await page.getByRole('button', { name: 'Sign and submit read' }).click();
  await expect(page.getByRole('status', { name: 'Reads status' })).toContainText(
    'it is now locked',
  );
  const baseline = page.getByRole('region', { name: `Submitted read of ${subjectRef} TP0` });
  await expect(baseline).toContainText('Locked');
  await expect(baseline).toContainText('adjudication');

  // Follow-up: 20 mm, 12 mm, node 13 x 9 mm.
  await page.getByRole('button', { name: `Open read of ${subjectRef} ${followUpTp}` }).click();
  await fill(page, 'T1 long axis mm', '20');
  await fill(page, 'T2 long axis mm', '12');
  await fill(page, 'N1 long axis mm', '13');
  await fill(page, 'N1 short axis mm', '9');
  // By hand: sum 20 + 12 + 9 (node short axis) = 41 mm; (41 - 85.5) / 85.5 = -52.0 %,
  // at least 30 % below baseline -> PR; the liver lesion is still there, so not CR; no
  // non-targets and no new lesions -> overall PR (table 1).
  const sum = 20 + 12 + 9;
  const change = ((sum - baseSum) / baseSum) * 100;
  const byHand = change <= -30 ? 'PR' : 'SD';
  expect(byHand).toBe('PR');
  await expect(live).toContainText(`Sum of diameters: ${sum.toFixed(1)} mm.`);
  await expect(live).toContainText(
    `From baseline ${baseSum.toFixed(1)} mm: ${change.toFixed(1)} %.`,
  );
  await expect(live).toContainText(`Overall response: ${byHand}.`);
  await page.getByRole('button', { name: 'Sign and submit read' }).click();
  const fu = page.getByRole('region', { name: `Submitted read of ${subjectRef} ${followUpTp}` });
  await expect(fu).toContainText('Locked');
  await expect(fu.getByRole('status', { name: 'Submitted response' })).toContainText(
    `Overall response: ${byHand}.`,
  );
  // Locked: no editable fields; reopening shows the signed read, not the form.
  await expect(page.getByRole('textbox', { name: 'T1 long axis mm' })).toHaveCount(0);
  await page.getByRole('button', { name: `Open read of ${subjectRef} ${followUpTp}` }).click();
  await expect(page.getByRole('textbox', { name: 'T1 long axis mm' })).toHaveCount(0);
  await expect(fu).toContainText('Signed at (UTC)');

  // The SR export loads back: same lesions, values and response.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    fu.getByRole('button', { name: 'Export DICOM SR' }).click(),
  ]);
  const back = lesionsFromSr(decodeSr(new Uint8Array(readFileSync((await download.path())!))));
  expect(back.subject).toBe(subjectRef);
  expect(back.overall).toBe(byHand);
  expect(back.sumMm).toBe(sum);
  expect(
    back.lesions.map((l) => [l.id, l.nodal, l.measurements.map((m) => [m.longMm, m.shortMm])]),
  ).toEqual([
    ['T1', false, [[20, null]]],
    ['T2', false, [[12, null]]],
    ['N1', true, [[13, 9]]],
  ]);
  expect(
    back.lesions.every((l) => l.measurements.every((m) => /^2\.25\.\d+$/.test(m.sopInstanceUid!))),
  ).toBe(true);
});
