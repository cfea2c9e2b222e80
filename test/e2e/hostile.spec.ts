// Bad input in the real browser: every file ends indexed or under Problems with a reason,
// the batch finishes, and hostile strings are shown as inert text.
import { test, expect } from '@playwright/test';
import { hostileCases } from '../fixtures/hostile';
import { parseOutcome, usePickerFolder, waitForScan, writeOpfs } from './app';
import { smallInstance } from './fixtures';

// No '=' here: in a person name it separates the alphabetic, ideographic and phonetic forms.
const MARKUP_NAME = '<svg/onload alert(1)>^<b>JANE</b>';
const MARKUP_SERIES = '<script>alert(2)</script>';

test('every hostile file is accounted for and nothing in it runs', async ({ page }) => {
  const cases = hostileCases();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await usePickerFolder(page, 'hostile');
  await page.goto('/');
  await writeOpfs(page, 'hostile', [
    ...cases.map((c) => ({ path: `${c.name}.dcm`, bytes: c.bytes })),
    {
      path: 'markup.dcm',
      bytes: smallInstance({
        patientId: 'X-1',
        patientName: MARKUP_NAME,
        series: 1,
        instance: 1,
        description: MARKUP_SERIES,
      }),
    },
  ]);
  await page.getByRole('button', { name: 'Open folder' }).click();
  const outcome = parseOutcome(await waitForScan(page));
  const expectInstance = cases.filter((c) => [c.expect].flat().every((e) => e === 'instance'));
  const files = cases.length + 1;
  expect(outcome.total).toBe(files);
  expect(outcome.read).toBe(files);
  expect(outcome.indexed + outcome.problems).toBe(files);
  expect(outcome.indexed).toBeGreaterThanOrEqual(expectInstance.length + 1);

  // Each rejected file is listed with a reason the catalogue allows.
  await page.getByRole('tab', { name: /Problems/ }).click();
  const problems = page.getByRole('region', { name: 'Files not indexed' });
  const find = page.getByRole('searchbox', { name: 'Find a problem' });
  for (const c of cases) {
    const allowed = [c.expect].flat().filter((e) => e !== 'instance');
    if (allowed.length === 0) continue;
    await find.fill(`${c.name}.dcm`);
    const row = problems.locator('tbody tr', { hasText: `${c.name}.dcm` });
    if ([c.expect].flat().includes('instance') && (await row.count()) === 0) continue;
    const code = (await row.locator('td').nth(4).textContent())?.trim();
    expect(allowed, `${c.name}`).toContain(code);
  }
  await find.fill('');

  // Markup in DICOM strings is text: the search finds it and no element or script appears.
  await page.getByRole('tab', { name: 'Archive' }).click();
  const tree = page.getByRole('region', { name: /Archive/ });
  await expect(tree).toContainText('<svg/onload alert(1)>, <b>JANE</b>');
  await expect(tree).toContainText(MARKUP_SERIES);
  expect(await page.locator('main img, main script, main svg, main b').count()).toBe(0);
  expect(dialogs).toEqual([]);
});
