// Key custody and mapping end to end: key backup export -> a different key imported (both
// fingerprints shown, confirmation required; a wrong passphrase changes nothing) -> the
// original imported back; subject and visit mapping CSVs imported -> run -> output folders
// named by the mapped subject IDs and visits; the re-identification map exported by the
// admin as a CSV download and recorded in the ledger without identifiers; the profile
// exported as a file with its name and version and imported back.
import { readFileSync } from 'node:fs';
import { test, expect, type Download, type Page } from '@playwright/test';
import { demoPlan } from '../../src/core/demo/archive';
import { exportKeyBackup } from '../../src/app/deid/key-backup';
import { keyFingerprint, parseSubjectMapping } from '../../src/core/deid/run';
import { basicProfile, parseProfile, serializeProfile } from '../../src/core/deid/profile';
import { usePickerFolder, waitForScan } from './app';

const plan = demoPlan();
const PASS = 'custody e2e passphrase, long enough';
const OTHER_KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 13 + 5) & 255);
const FP = /^[0-9a-f]{4}(:[0-9a-f]{4}){4}$/;

const custodyStatus = (page: Page) =>
  page.getByRole('status', { name: 'Custody and mapping status' });
const deidStatus = (page: Page) => page.getByRole('status', { name: 'De-identification status' });
const fingerprint = (page: Page) => page.getByLabel('Key fingerprint', { exact: true });

async function download(page: Page, click: () => Promise<void>): Promise<Download> {
  const wait = page.waitForEvent('download');
  await click();
  return wait;
}

async function importBackup(page: Page, name: string, text: string, passphrase: string) {
  await page.getByLabel('Key backup file').setInputFiles({
    name,
    mimeType: 'application/json',
    buffer: Buffer.from(text),
  });
  await page.getByLabel('Passphrase to open the backup').fill(passphrase);
  await page.getByRole('button', { name: 'Import key backup' }).click();
}

/** Top-level subject folders and visit folders under site-101 of an OPFS folder. */
async function outputFolders(page: Page, folder: string) {
  return page.evaluate(async (folder) => {
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder);
    const site = await root.getDirectoryHandle('site-101');
    const out: Record<string, string[]> = {};
    for await (const s of site.values()) {
      if (s.kind !== 'directory') continue;
      out[s.name] = [];
      for await (const v of (s as FileSystemDirectoryHandle).values()) out[s.name]!.push(v.name);
    }
    return out;
  }, folder);
}

test('key backup and import with confirmation, mapping into the run, re-identification map, profile file', async ({
  page,
}) => {
  await usePickerFolder(page, 'custody-out');
  await page.goto('/');
  await page.getByRole('button', { name: 'Open demo archive' }).click();
  expect(await waitForScan(page)).toMatch(/^Indexed/);
  await page.getByRole('tab', { name: 'De-identify' }).click();
  await expect(fingerprint(page)).toHaveText(FP);
  const original = (await fingerprint(page).textContent())!;

  // 1. Export the key backup: passphrases must match; the file is named by the fingerprint.
  await page.getByLabel('Backup passphrase').fill(PASS);
  await expect(page.getByLabel('Passphrase strength')).toHaveText('Strong.');
  await page.getByLabel('Confirm the same passphrase').fill(`${PASS}x`);
  await page.getByRole('button', { name: 'Export key backup' }).click();
  await expect(custodyStatus(page)).toContainText('the two passphrases differ');
  await page.getByLabel('Confirm the same passphrase').fill(PASS);
  const backup = await download(page, () =>
    page.getByRole('button', { name: 'Export key backup' }).click(),
  );
  expect(backup.suggestedFilename()).toBe(
    `trialbench-deid-key-${original.replace(/:/g, '-')}.json`,
  );
  const backupText = readFileSync((await backup.path())!, 'utf8');
  expect(JSON.parse(backupText)).toMatchObject({
    format: 'trialbench-deid-key',
    kdf: { iterations: 600_000 },
    fingerprint: original,
  });
  await expect(custodyStatus(page)).toContainText('Key backup exported');

  // 2. A different key: a wrong passphrase changes nothing; the right one shows both
  // fingerprints and changes nothing until confirmed.
  const otherFp = keyFingerprint(OTHER_KEY);
  const otherText = await exportKeyBackup(OTHER_KEY, PASS, 100_000);
  await importBackup(page, 'other.json', otherText, 'not the passphrase at all');
  await expect(custodyStatus(page)).toContainText('Wrong passphrase');
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  await expect(fingerprint(page)).toHaveText(original);
  await importBackup(page, 'other.json', otherText, PASS);
  const dialog = page.getByRole('alertdialog', { name: 'Replace the pseudonym key' });
  await expect(dialog.getByLabel('Key in use')).toHaveText(original);
  await expect(dialog.getByLabel('Key in the backup')).toHaveText(otherFp);
  await expect(dialog).toContainText('different pseudonyms and UIDs');
  await expect(fingerprint(page)).toHaveText(original);
  await dialog.getByRole('button', { name: 'Replace the key' }).click();
  await expect(fingerprint(page)).toHaveText(otherFp);
  await expect(custodyStatus(page)).toContainText(`Key replaced: ${original} → ${otherFp}`);

  // 3. The original back from its own backup.
  await importBackup(page, backup.suggestedFilename(), backupText, PASS);
  await expect(dialog.getByLabel('Key in the backup')).toHaveText(original);
  await dialog.getByRole('button', { name: 'Replace the key' }).click();
  await expect(fingerprint(page)).toHaveText(original);

  // 4. Subject mapping (one bad line, reported by its line number) and visit mapping.
  const subjects = plan.subjects.map((s, i) => ({
    mrn: s.identity.mrn,
    subject: `TRIAL-${String(i + 1).padStart(3, '0')}`,
  }));
  const mappingCsv = [
    'patient_id,subject_id',
    ...subjects.map((s) => `${s.mrn},${s.subject}`),
    'ONLY-ONE-FIELD',
  ].join('\n');
  await page.getByLabel('Subject mapping CSV').setInputFiles({
    name: 'subjects.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(mappingCsv),
  });
  await expect(page.getByLabel('Subject mapping summary')).toContainText(
    `subjects.csv: ${subjects.length} patients mapped, 1 line(s) not used`,
  );
  await expect(page.getByLabel('Subject mapping errors')).toContainText(
    `line ${subjects.length + 2}: expected 2 fields, got 1`,
  );
  const visitRows = plan.subjects.flatMap((s) =>
    s.visits.flatMap((v) => v.studies.map((st) => `${st.accession},${v.label}`)),
  );
  await page.getByLabel('Visit mapping CSV').setInputFiles({
    name: 'visits.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(['accession,visit', ...visitRows].join('\n')),
  });
  await expect(page.getByLabel('Visit mapping summary')).toContainText(
    `visits.csv: ${visitRows.length} rules`,
  );
  await expect(page.getByLabel('Pseudonyms in use')).toHaveText(
    `The next run uses subject IDs from subjects.csv (${subjects.length} patients); visits from visits.csv (${visitRows.length} rules).`,
  );
  await expect(page.getByLabel('Pseudonym prefix')).toBeDisabled();

  await page.getByRole('button', { name: 'Choose output folder' }).click();
  await expect(page.getByLabel('Output folder')).toHaveText('custody-out');
  // The mapping has no site column, so one rule places the whole folder (DEID-81).
  await page.getByLabel(/Folder-to-site rules/).fill('**=site-101');
  await page.getByRole('button', { name: 'Run de-identification' }).click();
  await expect(deidStatus(page)).toContainText(/^\s*(De-identified|De-identification failed)/, {
    timeout: 120_000,
  });
  await expect(deidStatus(page)).not.toContainText('failed');
  await expect(deidStatus(page)).not.toContainText(/ 0 written/);
  const folders = await outputFolders(page, 'custody-out');
  const mapped = new Set(subjects.map((s) => s.subject));
  expect(Object.keys(folders).length).toBeGreaterThan(0);
  for (const s of Object.keys(folders)) expect(mapped.has(s), s).toBe(true);
  const labels = new Set(plan.subjects.flatMap((s) => s.visits.map((v) => v.label)));
  for (const visits of Object.values(folders))
    for (const v of visits) expect(labels.has(v), v).toBe(true);

  // 5. The re-identification map: the admin acknowledges, downloads, and it is recorded.
  const exportMap = page.getByRole('button', { name: 'Export re-identification map' });
  await expect(exportMap).toBeDisabled();
  await page.getByLabel('I understand this file identifies patients').check();
  const map = await download(page, () => exportMap.click());
  expect(map.suggestedFilename()).toMatch(/^trialbench-reidentification-map-site-101-.*\.csv$/);
  const mapText = readFileSync((await map.path())!, 'utf8');
  const back = parseSubjectMapping(mapText);
  expect(back.errors).toEqual([]);
  expect(back.bySitePatient.size).toBe(subjects.length);
  for (const s of subjects) expect(back.bySitePatient.get(`site-101\0${s.mrn}`)).toBe(s.subject);
  await expect(custodyStatus(page)).toContainText(
    `Re-identification map exported: ${subjects.length} patients`,
  );
  await expect(page.getByLabel('I understand this file identifies patients')).not.toBeChecked();

  // 6. The profile as a file: name and version travel in it; importing it brings them back.
  await page.getByLabel('Profile name').fill('Trial X imaging');
  await page.getByLabel('Profile version').fill('3');
  const profile = await download(page, () =>
    page.getByRole('button', { name: 'Export profile' }).click(),
  );
  const profileText = readFileSync((await profile.path())!, 'utf8');
  const parsed = parseProfile(profileText);
  expect(parsed.ok && parsed.profile.name).toBe('Trial X imaging (version 3)');
  expect(parsed.ok && parsed.profile.options.rtnLongModifDatesOpt).toBe(true);
  await page.getByLabel('Profile name').fill('something else');
  await page.getByLabel('Study profile file').setInputFiles({
    name: profile.suggestedFilename(),
    mimeType: 'application/json',
    buffer: Buffer.from(profileText),
  });
  await expect(deidStatus(page)).toContainText('Profile "Trial X imaging (version 3)" imported');
  await expect(page.getByLabel('Profile name')).toHaveValue('Trial X imaging');
  await expect(page.getByLabel('Profile version')).toHaveValue('3');
  await expect(page.getByRole('table', { name: 'Profile overrides' })).toHaveCount(0);
  const withOverride = basicProfile('Overrides shown');
  withOverride.overrides.push({ tag: 0x00081030, action: 'K', reason: 'study description vetted' });
  await page.getByLabel('Study profile file').setInputFiles({
    name: 'override.json',
    mimeType: 'application/json',
    buffer: Buffer.from(serializeProfile(withOverride)),
  });
  await expect(page.getByRole('table', { name: 'Profile overrides' })).toContainText(
    '(0008,1030)Kstudy description vetted',
  );

  // 7. The audit trail: key export, two key imports, one map export, with no patient ID.
  await page.getByRole('tab', { name: 'Audit trail' }).click();
  const audit = page.getByRole('region', { name: 'Audit entries' });
  for (const [type, n, words] of [
    ['deid.key.export', 1, `exported an encrypted backup of the pseudonym key ${original}`],
    ['deid.key.import', 2, `replaced the pseudonym key ${original} with ${otherFp}`],
    ['deid.reidmap.export', 1, `exported the re-identification map: ${subjects.length} patients`],
  ] as const) {
    await page.getByLabel('Type').selectOption(type);
    await expect(page.getByText(`${n} ${n === 1 ? 'entry' : 'entries'} shown`)).toBeVisible();
    await expect(audit).toContainText(words);
    const text = (await audit.textContent()) ?? '';
    for (const s of subjects) expect(text).not.toContain(s.mrn);
  }
});

test('without the admin role the re-identification map is disabled and the reason is given', async ({
  browser,
}) => {
  const admin = await (await browser.newContext()).newPage();
  await admin.goto('/');
  await admin.getByRole('tab', { name: 'Study & people' }).click();
  const study = admin.getByRole('region', { name: 'Study', exact: true });
  await study.getByText('New study').click();
  await study.getByLabel('Study name').fill('Custody trial');
  await study.getByLabel(/^Sites/).fill('site-101 North');
  await study.getByRole('button', { name: 'Create study' }).click();
  await expect(study).toContainText('Your role: admin');
  await study.getByRole('button', { name: 'Invite', exact: true }).click();
  const link = await study.getByLabel('Invite link', { exact: true }).inputValue();

  // Joined, not yet granted a role.
  const member = await (await browser.newContext()).newPage();
  await member.goto(link);
  await member.getByRole('tab', { name: 'Study & people' }).click();
  await expect(member.getByTestId('study-name')).toHaveText('Custody trial');
  // Without a role the shell does not offer de-identification at all (issue 11: views hide
  // what a role may not do), not even by its address.
  await expect(member.getByRole('tab', { name: 'De-identify' })).toHaveCount(0);
  await member.goto(new URL('#/deid', member.url()).href);
  await expect(member.getByRole('alert')).toContainText('De-identify view is not open to you');
  await expect(member.getByRole('button', { name: 'Export re-identification map' })).toHaveCount(0);

  // The admin of the same study may (after the acknowledgement).
  await admin.getByRole('tab', { name: 'De-identify' }).click();
  await expect(admin.getByLabel('Why the map cannot be exported')).toHaveCount(0);
  await expect(admin.getByLabel('I understand this file identifies patients')).toBeEnabled();
  await admin.context().close();
  await member.context().close();
});
