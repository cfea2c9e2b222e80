// QC at intake end to end: the admin publishes the demo study protocol, opens the demo
// archive, and the QC view lists exactly the planted deviations with their rule IDs; a QC
// review signs a fail; a second version applies to later visits and the subject view says
// which version applied; the printed checklist is one page per modality (QC-45, QC-49, QC-51).
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { demoPlan } from '../../src/core/demo/archive';
import { DEMO_PROTOCOL, demoQcExpectations } from '../../src/core/demo/protocol';
import { EXAMPLES } from '../../src/core/protocol/examples';
import { checklist } from '../../src/core/protocol/describe';
import type { Protocol } from '../../src/core/protocol/types';
import { waitForScan } from './app';

const qcStatus = (page: Page) => page.getByRole('status', { name: 'QC status' });
const protocolStatus = (page: Page) => page.getByRole('status', { name: 'Protocol status' });

async function publish(page: Page, text: string, expected: RegExp) {
  await page.getByRole('tab', { name: 'Protocols' }).click();
  await page.getByLabel('Protocol JSON').fill(text);
  await page.getByRole('button', { name: 'Publish this version' }).click();
  await expect(protocolStatus(page)).toHaveText(expected);
}

/** Serious or critical axe violations of the page as it is now ([] when clean). */
const axeSerious = async (page: Page): Promise<string[]> =>
  (await new AxeBuilder({ page }).analyze()).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes[0]?.html ?? ''}`);

/** Pages in a PDF: page objects, not the page tree node. */
const pdfPages = (pdf: Buffer) =>
  (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;

async function printedPages(page: Page, key: string): Promise<number> {
  await page.getByRole('tab', { name: 'Protocols' }).click();
  await page.getByRole('combobox', { name: 'Version', exact: true }).selectOption(key);
  await expect(page.locator('.checklist .page').first()).toBeVisible();
  return pdfPages(await page.pdf({ format: 'A4' }));
}

test('publish, QC of the demo archive flags exactly the planted deviations, review, second version', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByRole('tab', { name: 'Protocols' })).toBeVisible();

  // A refused file applies nothing.
  await publish(page, '{"format": "trialbench-protocol/1"', /^Refused: 1 problem/);
  await expect(page.getByLabel('Protocol problems')).toContainText('not valid JSON');

  await publish(
    page,
    JSON.stringify(DEMO_PROTOCOL, null, 2),
    /^Published demo-onc-imaging version 1\.$/,
  );

  await page.getByRole('tab', { name: 'Archive' }).click();
  await page.getByRole('button', { name: 'Open demo archive' }).click();
  expect(await waitForScan(page)).toMatch(/^Indexed/);

  await page.getByRole('tab', { name: /^QC/ }).click();
  const expected = demoQcExpectations(demoPlan());
  await expect(qcStatus(page)).toHaveText(
    new RegExp(
      `^QC of \\d+ series: ${expected.length} major, 0 minor, 0 not checkable, \\d+ pass\\.$`,
    ),
  );
  const majors = page.locator('table[aria-label="QC results"] tbody tr[data-status="major"]');
  await expect(majors).toHaveCount(expected.length);
  const shown: string[] = [];
  for (const row of await majors.all())
    shown.push(
      await row
        .locator('li[data-rule]')
        .evaluateAll((els) =>
          [...new Set(els.map((e) => e.getAttribute('data-rule')))].sort().join(','),
        ),
    );
  expect(shown.sort()).toEqual(expected.map((e) => e.rules.join(',')).sort());
  await expect(
    page.locator('table[aria-label="QC results"] tbody tr[data-status="minor"]'),
  ).toHaveCount(0);

  // Completeness: every number has its list, with and without the field; the button's name
  // holds its visible text (axe: label-content-name-mismatch).
  const cell = page
    .getByRole('button', { name: /^(\d+)\/\1: PatientID at .*, \1 of \1; list/ })
    .first();
  await cell.click();
  const behind = page.getByRole('list', { name: 'Series behind the number' }).getByRole('listitem');
  await expect(behind).toHaveCount(0);
  await page.getByRole('button', { name: 'With it' }).click();
  const [, n] = /, (\d+) of/.exec((await cell.getAttribute('aria-label')) ?? '') ?? [];
  await expect(behind).toHaveCount(Number(n));

  // A QC review signs a fail (this workspace's admin may author qc.review).
  await page.getByRole('combobox', { name: 'Rule' }).selectOption('CT-1');
  await expect(majors).toHaveCount(1);
  await majors.first().getByRole('button', { name: 'Review' }).click();
  await expect(
    page.getByRole('img', { name: /^Middle slice: frame 1 of 1, 64 x 64/ }),
  ).toBeVisible();
  await page.getByRole('checkbox', { name: /^CTM-1:/ }).check();
  await page.getByRole('radio', { name: 'Fail' }).check();
  await page
    .getByRole('textbox', { name: 'Reason' })
    .fill('No contrast: the liver is not enhanced.');
  await page.getByRole('button', { name: 'Sign review' }).click();
  await expect(page.getByRole('status', { name: 'Review status' })).toHaveText(/^Signed fail/);
  await page.getByRole('combobox', { name: 'Rule' }).selectOption('');

  // A second version from 2024-04-15: follow-ups fall under it, baselines before it do not.
  const v2: Protocol = { ...DEMO_PROTOCOL, version: 2, effectiveDate: '2024-04-15' };
  await publish(page, JSON.stringify(v2), /^Published demo-onc-imaging version 2\.$/);
  await expect(page.getByLabel('Protocol differences')).toHaveText(
    'effective date 2024-01-01 → 2024-04-15',
  );
  await page.getByRole('tab', { name: /^QC/ }).click();
  await expect(qcStatus(page)).toHaveText(
    new RegExp(`^QC of \\d+ series: ${expected.length} major`),
  );
  const versions = page.getByRole('table', { name: 'Protocol version per visit' });
  await expect(versions.locator('tr[data-visit="followup-1"] .version').first()).toHaveText('v2');
  await expect(versions.locator('tr[data-visit="baseline"] .version').first()).toHaveText('v1');

  // The printed checklist: one page per modality.
  expect(await printedPages(page, 'demo-onc-imaging@2')).toBe(checklist(v2).length);
});

/** Publishes the demo protocol as version 1 and opens its amendment, version 2, as the draft. */
async function amendDemo(page: Page) {
  await page.goto('/');
  await publish(
    page,
    JSON.stringify(DEMO_PROTOCOL, null, 2),
    /^Published demo-onc-imaging version 1\.$/,
  );
  await page.getByRole('button', { name: 'Amend demo-onc-imaging v1' }).click();
  await expect(protocolStatus(page)).toHaveText(/^Valid: demo-onc-imaging version 2,/);
}

test('the shipped examples print one checklist page per modality', async ({ page }) => {
  await page.goto('/');
  for (const e of EXAMPLES) {
    const p = e.data as Protocol;
    await publish(page, JSON.stringify(p), new RegExp(`^Published ${p.id} version 1\\.$`));
    expect(await printedPages(page, `${p.id}@1`), e.name).toBe(checklist(p).length);
  }
});

test('the rule editor checks a rule as it is typed, saves it into the draft, and an amendment lists its changes', async ({
  page,
}) => {
  await amendDemo(page);

  const first = DEMO_PROTOCOL.series[0]!;
  await page.getByRole('button', { name: 'Add a rule' }).click();
  const form = page.getByRole('form', { name: 'New rule' });
  await form.getByLabel('Series requirement').selectOption(first.id);
  await form.getByLabel('Rule ID').fill(first.rules[0]!.id);
  await form.getByLabel('Sentence for the site').fill('Tube voltage between 100 and 140 kV.');
  await form.getByRole('combobox', { name: 'Check', exact: true }).selectOption('range');
  await form.getByLabel('Attribute keyword').fill('KVP');
  await form.getByLabel('Maximum').fill('140 kV');
  const problems = form.getByRole('list', { name: 'Rule problems' });
  await expect(problems).toContainText('max “140 kV” is not a number');
  await form.getByLabel('Maximum').fill('140');
  await form.getByRole('combobox', { name: 'Unit', exact: true }).selectOption('kV');
  await expect(problems).toContainText(`rule ID ${first.rules[0]!.id} is also used at`);
  await expect(form.getByRole('button', { name: 'Save rule' })).toBeDisabled();
  await form.getByLabel('Rule ID').fill('CT-90');
  await expect(problems.getByRole('listitem')).toHaveCount(0);
  await form.getByRole('button', { name: 'Save rule' }).click();
  await expect(page.getByRole('status', { name: 'Editor status' })).toHaveText(
    'CT-90 added in the draft.',
  );
  await expect(
    page.getByRole('table', { name: 'Draft rules' }).locator('tr[data-rule="CT-90"]'),
  ).toHaveCount(1);
  await page.getByRole('button', { name: `Remove ${first.rules[0]!.id}` }).click();

  const changes = page.getByRole('list', { name: 'Draft changes' }).getByRole('listitem');
  await expect(changes).toHaveCount(3);
  await expect(changes.filter({ hasText: /^CT-90 added to / })).toHaveCount(1);
  await expect(
    changes.filter({ hasText: new RegExp(`^${first.rules[0]!.id} removed from `) }),
  ).toHaveCount(1);
  await page.getByRole('button', { name: 'Publish this version' }).click();
  await expect(protocolStatus(page)).toHaveText('Published demo-onc-imaging version 2.');
});

test('the editor amends visit rules, mandatory fields and the date; the diff names them; QC shows the values a passing series was checked with', async ({
  page,
}) => {
  await amendDemo(page);

  // An effective date before version 1's is refused, with its code, as it is entered.
  const date = page.getByLabel('Effective date');
  await date.fill('2023-06-01');
  const header = page.getByRole('list', { name: 'Header problems' });
  await expect(header).toContainText('effective 2023-06-01 is before 2024-01-01');
  await expect(header).toContainText('(effective-before-superseded)');
  await expect(protocolStatus(page)).toHaveText(/^Refused: 1 problem/);
  await date.fill('2024-04-15');
  await expect(header.getByRole('listitem')).toHaveCount(0);
  await expect(protocolStatus(page)).toHaveText(/^Valid: demo-onc-imaging version 2,/);

  // A mandatory field: a missing StudyDate now rejects the series.
  await page.getByRole('button', { name: 'Edit MAN-2' }).click();
  const man = page.getByRole('form', { name: 'Edit mandatory field MAN-2' });
  await man.getByLabel('Attribute keyword').fill('StudyDat');
  await expect(man.getByRole('list', { name: 'Mandatory field problems' })).toContainText(
    'StudyDat is not a DICOM attribute keyword',
  );
  await expect(man.getByRole('button', { name: 'Save mandatory field' })).toBeDisabled();
  await man.getByLabel('Attribute keyword').fill('StudyDate');
  await man.getByLabel('When missing').selectOption('reject');
  await man.getByRole('button', { name: 'Save mandatory field' }).click();
  await expect(page.getByRole('status', { name: 'Mandatory field status' })).toHaveText(
    'Mandatory field MAN-2 changed in the draft.',
  );

  // A visit rule: the slice thickness tolerance, and a new visit window.
  await page.getByRole('button', { name: 'Edit V-3' }).click();
  const v3 = page.getByRole('form', { name: 'Edit visit rule V-3' });
  await v3.getByLabel('Tolerance').fill('1');
  await v3.getByRole('button', { name: 'Save visit rule' }).click();
  await page.getByRole('button', { name: 'Add a visit rule' }).click();
  const win = page.getByRole('form', { name: 'New visit rule' });
  await win.getByLabel('Rule ID').fill('V-5');
  await win.getByLabel('Kind').selectOption('window');
  await win.getByLabel('First day after baseline').fill('six weeks');
  const winProblems = win.getByRole('list', { name: 'Visit rule problems' });
  await expect(winProblems).toContainText('first day “six weeks” is not a whole number of days');
  await win.getByLabel('First day after baseline').fill('70');
  await win.getByLabel('Last day after baseline').fill('42');
  await win.getByLabel('Sentence for the site').fill('Follow-up 6 to 10 weeks after baseline.');
  await expect(winProblems).toContainText('day 70 is after day 42');
  expect(await axeSerious(page)).toEqual([]);
  await win.getByLabel('First day after baseline').fill('28');
  await win.getByLabel('Last day after baseline').fill('120');
  await expect(winProblems.getByRole('listitem')).toHaveCount(0);
  await win.getByRole('button', { name: 'Save visit rule' }).click();
  await expect(page.getByRole('status', { name: 'Visit rule status' })).toHaveText(
    'Visit rule V-5 added in the draft.',
  );

  const sentences = [
    'effective date 2024-01-01 → 2024-04-15',
    'mandatory field MAN-2 changed: action flag → reject',
    'visit rule V-3 changed: CT-CAP SliceThickness as at baseline (± 0.5) → CT-CAP SliceThickness as at baseline (± 1)',
    'visit rule V-5 added (major): followup visit days 28–120 after baseline: “Follow-up 6 to 10 weeks after baseline.”',
  ];
  await expect(page.getByRole('list', { name: 'Draft changes' }).getByRole('listitem')).toHaveText(
    sentences,
  );
  await page.getByRole('button', { name: 'Publish this version' }).click();
  await expect(protocolStatus(page)).toHaveText('Published demo-onc-imaging version 2.');
  await expect(
    page.getByRole('list', { name: 'Protocol differences' }).getByRole('listitem'),
  ).toHaveText(sentences);

  // QC: a passing CT series shows what each rule compared beside the file's value.
  await page.getByRole('tab', { name: 'Archive' }).click();
  await page.getByRole('button', { name: 'Open demo archive' }).click();
  expect(await waitForScan(page)).toMatch(/^Indexed/);
  await page.getByRole('tab', { name: /^QC/ }).click();
  await expect(qcStatus(page)).toHaveText(/^QC of \d+ series: /);
  const pass = page
    .locator('table[aria-label="QC results"] tbody tr[data-status="pass"]')
    .filter({ hasText: 'CT-CAP' })
    .first();
  await pass.getByText('Values checked', { exact: true }).click();
  const values = pass.getByRole('table', { name: /^Values checked for / });
  const kernel = values.locator('tr[data-rule="CT-8"]');
  await expect(kernel.locator('.value')).toHaveText('soft');
  await expect(kernel.locator('.original')).toHaveText(/^(Br40|STANDARD)$/);
  await expect(values.locator('tr[data-rule="CT-2"] .value')).toHaveText(/^\d+(\.\d+)? mm$/);
  await expect(values.locator('tr[data-outcome="pass"]')).toHaveCount(
    await values.locator('tbody tr').count(),
  );
  // The disclosure, the editors and the completeness buttons pass axe.
  expect(await axeSerious(page)).toEqual([]);
});
