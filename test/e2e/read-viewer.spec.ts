// Measuring a read on the images: the read form shows the timepoint's series in the viewer,
// blinded as the read is (no site or date on the overlay, and the reader cannot unblind it),
// and a length drawn there is recorded on the chosen lesion with its image.
import { test, expect } from '@playwright/test';
import { assignReads, demoAdjudicator } from './reading';

test('calipers drawn in the read viewer fill the lesion; the overlay is blinded', async ({
  page,
  context,
}) => {
  const me = await demoAdjudicator(page, context);
  const { subjectRef } = await assignReads(page, me, () => ['TP0']);
  await page.getByRole('button', { name: `Open read of ${subjectRef} TP0` }).click();
  await page.getByRole('button', { name: 'Add target lesion' }).click();
  await page.getByRole('textbox', { name: 'T1 organ', exact: true }).fill('liver');
  await expect(page.getByRole('combobox', { name: 'Lesion to measure' })).toHaveValue('T1');

  await page.getByRole('button', { name: 'Show images' }).click();
  await expect(page.getByTestId('pane-0-state')).toContainText('rendered', { timeout: 120_000 });
  // The read is blinded (the form's default): no site or date, and no way to show them.
  await expect(page.getByTestId('overlay-series')).toBeVisible();
  await expect(page.getByTestId('overlay-site')).toHaveCount(0);
  await expect(page.getByLabel(/Blinded overlay/)).toBeDisabled();

  const canvas = page.locator('.pane .canvas').first();
  await canvas.focus();
  await page.keyboard.press('l');
  await expect(page.getByRole('button', { name: 'Length' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  const box = (await canvas.boundingBox())!;
  const y = box.y + box.height / 2;
  const x0 = box.x + box.width / 2 - 80;
  await page.mouse.move(x0, y);
  await page.mouse.down();
  await page.mouse.move(x0 + 80, y, { steps: 4 });
  await page.mouse.move(x0 + 160, y, { steps: 4 });
  await page.mouse.up();

  const shown = page.getByTestId('measure-long').first();
  await expect(shown).toHaveText(/\d/);
  const mm = await shown.textContent();
  await expect(page.getByRole('textbox', { name: 'T1 long axis mm', exact: true })).toHaveValue(
    mm!,
  );
  await expect(page.getByRole('status', { name: 'Reads status' })).toContainText(
    `T1: ${mm} mm recorded from the viewer`,
  );
  await expect(page.getByRole('textbox', { name: 'T1 image number', exact: true })).toHaveValue(
    /^\d+$/,
  );
});
