// The structured editors of a protocol draft end to end (QC-54): a series requirement added
// by keyboard, a rule put into it with the mouse, a manual QC item, a selection check that
// narrows which series a requirement applies to; each problem shown beside its field in words
// (the field's accessible description), then the amendment published, its changes read back
// in the diff between versions and the exported file; then an edited old version refused.
import { readFile } from 'node:fs/promises';
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { DEMO_PROTOCOL } from '../../src/core/demo/protocol';
import type { Protocol } from '../../src/core/protocol/types';

const protocolStatus = (page: Page) => page.getByRole('status', { name: 'Protocol status' });

test('a series requirement, a rule in it, a manual item and a selection check, edited in forms, published and diffed', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('tab', { name: 'Protocols' }).click();
  await page.getByLabel('Protocol JSON').fill(JSON.stringify(DEMO_PROTOCOL, null, 2));
  await page.getByRole('button', { name: 'Publish this version' }).click();
  await expect(protocolStatus(page)).toHaveText('Published demo-onc-imaging version 1.');
  await page.getByRole('button', { name: 'Amend demo-onc-imaging v1' }).click();
  await expect(protocolStatus(page)).toHaveText(/^Valid: demo-onc-imaging version 2,/);

  // Keyboard: open the form, type an ID the schema refuses, read why, correct it, submit.
  await page.getByRole('button', { name: 'Add a series requirement' }).focus();
  await page.keyboard.press('Enter');
  const req = page.getByRole('form', { name: 'New series requirement' });
  const reqId = req.getByLabel('Requirement ID');
  await expect(req.getByLabel('Title')).toHaveAccessibleDescription('give the requirement a title');
  await reqId.focus();
  await page.keyboard.type('ct chest');
  await page.keyboard.press('Tab'); // to Modality
  await page.keyboard.press('Tab'); // to Title
  await page.keyboard.type('Chest CT');
  await expect(reqId).toHaveAccessibleDescription(/letters, digits, dots, dashes or underscores/);
  await expect(reqId).toHaveAttribute('aria-invalid', 'true');
  await expect(req.getByRole('button', { name: 'Save series requirement' })).toBeDisabled();
  expect(
    (await new AxeBuilder({ page }).include('form').analyze()).violations.filter(
      (v) => v.impact === 'serious' || v.impact === 'critical',
    ),
  ).toEqual([]);
  await reqId.focus();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('CT-CHEST');
  await expect(reqId).toHaveAccessibleDescription('');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status', { name: 'Series requirement status' })).toHaveText(
    'Series requirement CT-CHEST added in the draft.',
  );

  // Mouse: a numeric range with its unit, the number first typed with its unit.
  await page.getByRole('button', { name: 'Add a rule' }).click();
  const rule = page.getByRole('form', { name: 'New rule' });
  await rule.getByLabel('Series requirement').selectOption('CT-CHEST');
  await rule.getByLabel('Rule ID').fill('CHEST-1');
  await rule.getByLabel('Sentence for the site').fill('Slices of 5 mm or thinner.');
  await rule.getByRole('combobox', { name: 'Check', exact: true }).selectOption('range');
  await rule.getByLabel('Attribute keyword').fill('SliceThickness');
  await rule.getByLabel('Maximum').fill('5 mm');
  await expect(rule.getByLabel('Maximum')).toHaveAccessibleDescription(
    'max “5 mm” is not a number',
  );
  await rule.getByLabel('Maximum').fill('5');
  await rule.getByLabel('Minimum').fill('6');
  await expect(rule.getByLabel('Minimum')).toHaveAccessibleDescription('min 6 is above max 5');
  await rule.getByLabel('Minimum').fill('');
  await rule.getByRole('button', { name: 'Save rule' }).click();
  await expect(page.getByRole('status', { name: 'Editor status' })).toHaveText(
    'CHEST-1 added in the draft.',
  );

  await page.getByRole('button', { name: 'Add a manual item' }).click();
  const manual = page.getByRole('form', { name: 'New manual item' });
  await manual.getByLabel('Series requirement').selectOption('CT-CHEST');
  await manual.getByLabel('Item ID').fill('CHM-1');
  await manual.getByLabel('What the reviewer checks').fill('No breathing artefact.');
  await manual.getByRole('button', { name: 'Save manual item' }).click();
  await expect(page.getByRole('status', { name: 'Manual item status' })).toHaveText(
    'Manual item CHM-1 added in the draft.',
  );

  // A selection check narrows CT-CAP to portal-venous series, in the rule form's check
  // fields: an unsafe pattern is named beside its field, then corrected.
  await page.getByRole('button', { name: 'Add a selection check' }).click();
  const sel = page.getByRole('form', { name: 'New selection check' });
  await sel.getByLabel('Series requirement').selectOption('CT-CAP');
  await sel.getByRole('combobox', { name: 'Check', exact: true }).selectOption('regex');
  await sel.getByLabel('Attribute keyword').fill('SeriesDescription');
  await sel.getByRole('textbox', { name: 'Regular expression' }).fill('(ven+)+$');
  await expect(
    sel.getByRole('textbox', { name: 'Regular expression' }),
  ).toHaveAccessibleDescription('a repeated group contains a repetition or alternation');
  await expect(sel.getByRole('button', { name: 'Save selection check' })).toBeDisabled();
  await sel.getByRole('textbox', { name: 'Regular expression' }).fill('ven|portal');
  await sel.getByLabel('Ignore case').check();
  await expect(
    sel.getByRole('textbox', { name: 'Regular expression' }),
  ).toHaveAccessibleDescription('');
  await sel.getByRole('button', { name: 'Save selection check' }).click();
  await expect(page.getByRole('status', { name: 'Selection check status' })).toHaveText(
    'Selection check of CT-CAP added in the draft.',
  );
  // In words, in the selection table and in the requirement's row.
  const selRow = page
    .getByRole('table', { name: 'Draft selection checks' })
    .getByRole('row')
    .filter({ hasText: 'CT-CAP#' });
  await expect(selRow).toHaveCount(1);
  await expect(selRow).toContainText('SeriesDescription matches /ven|portal/i');
  await expect(
    selRow.getByRole('button', { name: /^Edit selection check \d+ of CT-CAP$/ }),
  ).toBeVisible();
  await expect(
    page.getByRole('table', { name: 'Draft series requirements' }).getByRole('row').filter({
      hasText: 'applies to series where SeriesDescription matches /ven|portal/i',
    }),
  ).toHaveCount(1);
  await expect(protocolStatus(page)).toHaveText(/^Valid: demo-onc-imaging version 2,/);

  const added = [
    /^series requirement CT-CHEST added \(CT: Chest CT\)/,
    /^CHEST-1 added to CT-CHEST/,
    /^manual item CHM-1 added/,
    /^series requirement CT-CAP changed: applies to every CT series → SeriesDescription matches \/ven\|portal\/i/,
  ];
  const changes = page.getByRole('list', { name: 'Draft changes' }).getByRole('listitem');
  for (const a of added) await expect(changes.filter({ hasText: a })).toHaveCount(1);
  await page.getByRole('button', { name: 'Publish this version' }).click();
  await expect(protocolStatus(page)).toHaveText('Published demo-onc-imaging version 2.');
  const diff = page.getByRole('list', { name: 'Protocol differences' }).getByRole('listitem');
  for (const a of added) await expect(diff.filter({ hasText: a })).toHaveCount(1);
  // The published file holds the selection the form made.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export demo-onc-imaging v2' }).click();
  const file = JSON.parse(await readFile(await (await download).path(), 'utf8')) as Protocol;
  expect(file.series.find((x) => x.id === 'CT-CAP')?.select).toEqual([
    { kind: 'regex', attribute: 'SeriesDescription', pattern: 'ven|portal', ignoreCase: true },
  ]);

  // A version is never edited, only superseded (LEDGER-26): the app refuses, in words, what
  // the ledger would refuse, before anything is signed.
  await page
    .getByLabel('Protocol JSON')
    .fill(JSON.stringify({ ...DEMO_PROTOCOL, title: 'Edited after publication' }, null, 2));
  await page.getByRole('button', { name: 'Publish this version' }).click();
  await expect(protocolStatus(page)).toHaveText('Refused: 1 problem(s); nothing was applied.');
  await expect(page.getByRole('list', { name: 'Protocol problems' })).toContainText(
    'demo-onc-imaging version 1 is not newer than version 2, already published',
  );
  await expect(
    page.getByRole('table', { name: 'Protocol versions' }).locator('tbody tr'),
  ).toHaveCount(2);
});
