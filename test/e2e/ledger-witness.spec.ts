// Witnessed checkpoints across three people (LEDGER-14, LEDGER-15, LEDGER-22): Ada exports
// the trail, which writes a checkpoint; Rex's and Sam's apps co-sign it on sight. Ada's next
// export verifies, anchored to the study, and says two members witnessed the checkpoint;
// the same export cut before that checkpoint fails as truncated.
import { test, expect, type Browser, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';

const relay = `ws://127.0.0.1:${process.env.SIGNAL_PORT ?? 4444}`;
const connect = { timeout: 120_000 };

async function person(browser: Browser): Promise<Page> {
  // Camera/microphone permission makes Chromium offer real local ICE candidates.
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log('[page error]', e.message));
  return page;
}

const ledgerStatus = (page: Page) => page.getByRole('status', { name: 'Ledger status' });
const studyRegion = (page: Page) => page.getByRole('region', { name: 'Study', exact: true });
const openTab = (page: Page, name: string | RegExp) => page.getByRole('tab', { name }).click();

async function rename(page: Page, name: string) {
  await openTab(page, 'Study & people');
  await page.getByLabel('Display name').fill(name);
  await page.getByRole('button', { name: 'Rename' }).click();
  await expect(ledgerStatus(page)).toContainText(`Your name is now ${name}.`);
}

async function exportTrail(page: Page): Promise<string> {
  await openTab(page, 'Audit trail');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export audit trail' }).click();
  const file = await download;
  await expect(ledgerStatus(page)).toContainText('Audit trail exported.');
  return readFile(await file.path(), 'utf8');
}

async function verifyText(page: Page, name: string, text: string) {
  await page.getByLabel('Export file to verify').setInputFiles({
    name,
    mimeType: 'application/x-ndjson',
    buffer: Buffer.from(text),
  });
}

test.describe.configure({ timeout: 900_000 });

test('three people witness a checkpoint; the export verifies, cut before it is truncated', async ({
  browser,
}) => {
  const ada = await person(browser);
  await ada.goto('/');
  await rename(ada, 'Ada Admin');
  const study = studyRegion(ada);
  await study.getByText('New study').click();
  await study.getByLabel('Study name').fill('Witnessed');
  await study.getByRole('button', { name: 'Create study' }).click();
  await expect(ledgerStatus(ada)).toContainText('Study Witnessed created; you are its admin.');
  await study.getByRole('button', { name: 'Edit relays' }).click();
  await study.getByLabel(/^Relay addresses/).fill(relay);
  await study.getByRole('button', { name: 'Save relays' }).click();
  await expect(study.getByRole('listitem').filter({ hasText: relay })).toBeVisible();
  await study.getByRole('button', { name: 'Invite', exact: true }).click();
  const link = await study.getByLabel('Invite link', { exact: true }).inputValue();

  for (const [name, role] of [
    ['Rex Reader', 'reader'],
    ['Mo Monitor', 'monitor'],
  ] as const) {
    const page = await person(browser);
    await page.goto(link);
    await rename(page, name);
    const grant = ada.getByRole('form', { name: `Grant a role to ${name}` });
    await expect(grant).toBeVisible(connect);
    await grant.getByLabel('Role').selectOption(role);
    await grant.getByLabel('Reason').fill('joins the trial');
    await grant.getByRole('button', { name: 'Grant' }).click();
    await expect(studyRegion(page)).toContainText(`Your role: ${role}`, connect);
  }

  // The first export writes Ada's checkpoint; both members' apps witness it.
  await exportTrail(ada);
  const witnessed = ada.getByRole('region', { name: 'Audit entries' }).getByRole('row', {
    name: /witnessed checkpoint/,
  });
  await expect(witnessed).toHaveCount(2, connect);

  const text = await exportTrail(ada);
  await verifyText(ada, 'witnessed.jsonl', text);
  await expect(ledgerStatus(ada)).toContainText(/Chain intact: \d+ entries/);
  await expect(ledgerStatus(ada)).toContainText('anchored to the study id and the founding admin');
  await expect(ledgerStatus(ada)).toContainText('witnessed by 2 members');

  // The same export cut just before the witnessed checkpoint.
  const lines = text.split('\n');
  const at = lines.findIndex(
    (l) => l.includes('"type":"checkpoint"') && !l.includes('"checkpoint.witness"'),
  );
  expect(at).toBeGreaterThan(2);
  await verifyText(ada, 'cut.jsonl', lines.slice(0, at).join('\n') + '\n');
  await expect(ledgerStatus(ada)).toContainText(/Verification failed.*truncated.*LEDGER-22/);
});
