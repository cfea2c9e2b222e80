// The ledger as a person meets it: an identity on first run, renaming, a new study, an
// invite, the audit trail recording an opened folder, export and in-app verification,
// and the quarantine tab.
import { test, expect, type Page } from '@playwright/test';
import { usePickerFolder, waitForScan, writeOpfs } from './app';
import { smallInstance } from './fixtures';

function ledgerStatus(page: Page) {
  return page.getByRole('status', { name: 'Ledger status' });
}

async function openTab(page: Page, name: string | RegExp) {
  await page.getByRole('tab', { name }).click();
}

test('identity, rename, new study and invite', async ({ page }) => {
  await page.goto('/');
  await openTab(page, 'Study & people');

  const identity = page.getByRole('region', { name: 'Your identity' });
  // Six groups of five digits, as the core derives them from the key.
  await expect(identity.getByLabel(/^Fingerprint \d{5}( \d{5}){5}$/)).toBeVisible();
  await expect(identity).toContainText(/Ed25519|ECDSA P-256/);

  await identity.getByLabel('Display name').fill('Dr Test Reader');
  await identity.getByRole('button', { name: 'Rename' }).click();
  await expect(ledgerStatus(page)).toContainText('Your name is now Dr Test Reader.');
  await expect(page.getByTestId('my-name')).toHaveText('Dr Test Reader');

  const study = page.getByRole('region', { name: 'Study', exact: true });
  await study.getByText('New study').click();
  await study.getByLabel('Study name').fill('TRIAL-7 imaging');
  await study.getByLabel(/^Sites/).fill('S01 North\nS02 South');
  await study.getByRole('button', { name: 'Create study' }).click();
  await expect(ledgerStatus(page)).toContainText(
    'Study TRIAL-7 imaging created; you are its admin.',
  );
  await expect(page.getByTestId('study-name')).toHaveText('TRIAL-7 imaging');
  await expect(study).toContainText('Your role: admin');
  // The anchors an inspector verifies against (LEDGER-21): study id and founding admin.
  await expect(page.getByTestId('study-id')).toHaveText(/^[0-9a-f]{64}$/);
  await expect(page.getByTestId('study-founder')).toHaveText(/^\d{5}( \d{5}){5}$/);

  const members = page.getByRole('table', { name: 'Members' });
  await expect(members).toContainText('Dr Test Reader (you)');
  await expect(members).toContainText('admin');

  await study.getByRole('button', { name: 'Invite', exact: true }).click();
  await expect(ledgerStatus(page)).toContainText('Invite ready');
  await expect(study.getByLabel('Invite link', { exact: true })).toHaveValue(/#join=/);
  const download = page.waitForEvent('download');
  await study.getByRole('link', { name: 'Download invite file' }).click();
  expect((await download).suggestedFilename()).toMatch(
    /^trialbench-invite-[0-9a-f]{8}-\d{8}T\d{6}Z\.json$/,
  );
});

test('the audit trail lists an opened folder; its export verifies intact', async ({ page }) => {
  await usePickerFolder(page, 'audited');
  await page.goto('/');
  await writeOpfs(page, 'audited', [
    {
      path: 'IM1.dcm',
      bytes: smallInstance({
        patientId: 'SUBJ-0007',
        patientName: 'TEST^A',
        series: 1,
        instance: 1,
      }),
    },
  ]);
  await page.getByRole('button', { name: 'Open folder' }).click();
  await waitForScan(page);

  await openTab(page, 'Audit trail');
  const table = page.getByRole('region', { name: 'Audit entries' });
  await expect(table).toContainText('opened folder audited: 1 instances in 1 series');
  // Identifying values never reach the trail.
  await expect(table).not.toContainText('SUBJ-0007');

  await page.getByLabel('Type').selectOption('folder.open');
  await expect(page.getByText('1 entry shown')).toBeVisible();
  await expect(table).not.toContainText('created the study');
  await page.getByLabel('Type').selectOption('');

  // The subject timeline begins at acquisition, from the local index (shown only locally);
  // the subject is its keyed reference, and the folder's opening names it (issue 11 §2).
  const chooser = page.getByLabel('Timeline subject');
  const ref = await chooser
    .locator('option', { hasText: '(SUBJ-0007 on this device)' })
    .getAttribute('value');
  expect(ref).toMatch(/^TB-[0-9A-Z]{6}$/);
  await chooser.selectOption(ref!);
  const timeline = page.getByRole('list', { name: `Timeline of ${ref}` });
  await expect(timeline).toContainText('2024-03-05');
  await expect(timeline).toContainText('acquired CT series 1 Series 1 (1 images)');
  await expect(timeline).toContainText('opened folder audited');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export audit trail' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^trialbench-audit-[0-9a-f]{8}-\d{8}T\d{6}Z\.jsonl$/);
  await expect(ledgerStatus(page)).toContainText('Audit trail exported.');

  // Prefilled with this study's anchors (LEDGER-21): the export's study and its founder.
  const exported = await (await import('node:fs/promises')).readFile(await file.path(), 'utf8');
  const header = JSON.parse(exported.split('\n')[0] ?? '{}') as { study: string };
  await expect(page.getByLabel('Study id (optional)')).toHaveValue(header.study);
  await expect(page.getByLabel('Founding admin fingerprint (optional)')).toHaveValue(
    /^\d{5}( \d{5}){5}$/,
  );
  await page.getByLabel('Export file to verify').setInputFiles(await file.path());
  await expect(ledgerStatus(page)).toContainText(/Chain intact: \d+ entries/);
  await expect(ledgerStatus(page)).toContainText('anchored to the study id and the founding admin');

  // A single flipped character is caught and named by line.
  const text = await (await import('node:fs/promises')).readFile(await file.path(), 'utf8');
  const tampered = text.replace('audited', 'audiTed');
  await page.getByLabel('Export file to verify').setInputFiles({
    name: 'tampered.jsonl',
    mimeType: 'application/x-ndjson',
    buffer: Buffer.from(tampered),
  });
  await expect(ledgerStatus(page)).toContainText(/Verification failed, \d+ problems?: line \d+/);
});

test('the quarantine tab shows its count', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('tab', { name: /^Quarantine \(\d+\)$/ })).toBeVisible();
  await openTab(page, /^Quarantine/);
  await expect(page.getByRole('tabpanel', { name: 'Quarantine' })).toContainText(
    /No rejected entries|Code/,
  );
  // The archive keeps the page's own status region; the ledger's is separate and named.
  await expect(ledgerStatus(page)).toHaveCount(1);
});

// The two-person flow (invite through the relay, grant, revoke with confirmation, forged
// entries, tabs, export/import) lives in ledger-peers.spec.ts: peers of the built app
// connect once the contexts expose real local ICE candidates (camera/microphone permission).

test('identity export refuses short or differing passphrases; import restores the key', async ({
  browser,
}) => {
  const one = await (await browser.newContext()).newPage();
  const two = await (await browser.newContext()).newPage();
  await one.goto('/');
  await openTab(one, 'Study & people');
  const fp = one.getByRole('region', { name: 'Your identity' }).getByLabel(/^Fingerprint /);
  const label = (await fp.getAttribute('aria-label'))!;

  await one.getByText('Move to another device').click();
  await one.getByLabel(/^Passphrase \(at least/).fill('short');
  await one.getByLabel('Passphrase again').fill('short');
  await one.getByRole('button', { name: 'Export identity' }).click();
  await expect(ledgerStatus(one)).toContainText('Failed: the passphrase needs at least');
  await one.getByLabel(/^Passphrase \(at least/).fill('correct horse battery');
  await one.getByLabel('Passphrase again').fill('correct horse batterx');
  await one.getByRole('button', { name: 'Export identity' }).click();
  await expect(ledgerStatus(one)).toContainText('Failed: the two passphrases differ.');
  await one.getByLabel('Passphrase again').fill('correct horse battery');
  const download = one.waitForEvent('download');
  await one.getByRole('button', { name: 'Export identity' }).click();
  const file = await (await download).path();
  await expect(ledgerStatus(one)).toContainText('Identity exported.');

  await two.goto('/');
  await openTab(two, 'Study & people');
  await two.getByText('Move to another device').click();
  await two.getByLabel('Identity file').setInputFiles(file);
  await two.getByLabel('Passphrase of that file').fill('wrong passphrase!!');
  await two.getByRole('button', { name: 'Import identity' }).click();
  await expect(ledgerStatus(two)).toContainText('Failed:');
  await two.getByLabel('Passphrase of that file').fill('correct horse battery');
  await two.getByRole('button', { name: 'Import identity' }).click();
  await expect(ledgerStatus(two)).toContainText('Identity imported');
  await expect(two.getByRole('region', { name: 'Your identity' }).getByLabel(label)).toBeVisible();
  await one.context().close();
  await two.context().close();
});
