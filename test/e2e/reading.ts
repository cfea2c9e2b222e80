// Page model for the Reads view: the set-up the read specs share. One person opens the demo
// archive and is granted the study's adjudicator role (who may assign reads and read them),
// so one browser suffices; the signature's meaning is then "adjudication".
import { expect, type BrowserContext, type Page } from '@playwright/test';
import { waitForScan } from './app';

interface Hooks {
  ready(): Promise<void>;
  me(): Promise<{ author: string }>;
  grant(author: string, role: string, reason: string): Promise<string>;
}
type W = { __trialbenchTest: Hooks };

/** Opens the demo archive with the test hooks on; returns my key, granted adjudicator. */
export async function demoAdjudicator(page: Page, context: BrowserContext): Promise<string> {
  await context.addInitScript(() => localStorage.setItem('trialbench.testHooks', '1'));
  await page.goto('/');
  await page.getByRole('button', { name: 'Open demo archive' }).click();
  await waitForScan(page);
  await page.waitForFunction(() => '__trialbenchTest' in window);
  await page.evaluate(() => (window as unknown as W).__trialbenchTest.ready());
  const me = await page.evaluate(() => (window as unknown as W).__trialbenchTest.me());
  expect(
    await page.evaluate(
      (k) =>
        (window as unknown as W).__trialbenchTest.grant(k, 'adjudicator', 'e2e: one person reads'),
      me.author,
    ),
  ).toBe('ok');
  return me.author;
}

/**
 * In the Reading queue, assigns the first subject's reads at the timepoints `pick` chooses
 * from the subject's list to `reader`, and waits until each is offered to open. Returns the
 * subject's reference and the whole timepoint list.
 */
export async function assignReads(
  page: Page,
  reader: string,
  pick: (timepoints: string[]) => string[],
): Promise<{ subjectRef: string; timepoints: string[] }> {
  await page.getByRole('tab', { name: 'Reading queue' }).click();
  const assign = page.getByRole('form', { name: 'Assign a read' });
  const subject = assign.getByRole('combobox', { name: 'Subject' });
  await expect(subject.locator('option')).not.toHaveCount(1);
  const subjectRef = (await subject.locator('option').nth(1).getAttribute('value'))!;
  await subject.selectOption(subjectRef);
  const tp = assign.getByRole('combobox', { name: 'Timepoint' });
  const timepoints = await tp
    .locator('option')
    .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
  await assign.getByRole('combobox', { name: 'Reader' }).selectOption(reader);
  for (const t of pick(timepoints)) {
    await tp.selectOption(t);
    await assign.getByRole('button', { name: 'Assign' }).click();
    await expect(
      page.getByRole('button', { name: `Open read of ${subjectRef} ${t}` }),
    ).toBeVisible();
  }
  return { subjectRef, timepoints };
}
