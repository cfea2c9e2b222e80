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
  // A long name makes a long sentence: the trail must show it whole, not cut off.
  const name = 'Dr Test Reader of the North Regional Imaging Core Laboratory';
  await openTab(page, 'Study & people');
  await page.getByRole('region', { name: 'Your identity' }).getByLabel('Display name').fill(name);
  await page.getByRole('button', { name: 'Rename' }).click();
  await expect(ledgerStatus(page)).toContainText(`Your name is now ${name}.`);
  await openTab(page, 'Archive');
  await page.getByRole('button', { name: 'Open folder' }).click();
  await waitForScan(page);

  await openTab(page, 'Audit trail');
  const table = page.getByRole('region', { name: 'Audit entries' });
  await expect(table).toContainText('opened folder audited: 1 instances in 1 series');
  // Identifying values never reach the trail.
  await expect(table).not.toContainText('SUBJ-0007');

  // The What column reads as a sentence: whole, wrapped, not cut off with an ellipsis.
  const opened = table.locator('tr', { hasText: 'opened folder audited' });
  const what = opened.getByRole('cell').nth(3);
  const sentence = `${name} opened folder audited: 1 instances in 1 series, 0 problems`;
  await expect(what).toHaveText(sentence);
  expect(await what.evaluate((td) => td.scrollWidth <= td.clientWidth + 1)).toBe(true);
  expect(await what.evaluate((td) => td.getBoundingClientRect().height)).toBeGreaterThan(30);
  await expect(opened.getByRole('cell').nth(4)).not.toContainText('{');

  // Its details: a disclosure button, by keyboard, showing the signed entry and its hash.
  const details = opened.getByRole('button', { name: /^Details of the entry by / });
  await expect(details).toHaveAttribute('aria-expanded', 'false');
  await details.focus();
  await page.keyboard.press('Enter');
  await expect(details).toHaveAttribute('aria-expanded', 'true');
  const shown = page.locator(`[id="${await details.getAttribute('aria-controls')}"]`);
  await expect(shown).toContainText('Hash (SHA-256 of the signed entry):');
  const hash = (await shown.locator('code').textContent()) ?? '';
  expect(hash).toMatch(/^[0-9a-f]{64}$/);
  const signed = JSON.parse((await shown.locator('pre').textContent()) ?? '') as {
    type: string;
    sig: string;
    body: { label: string };
  };
  expect(signed.type).toBe('folder.open');
  expect(signed.body.label).toBe('audited');
  expect(signed.sig.length).toBeGreaterThan(40);
  await page.keyboard.press('Space');
  await expect(details).toHaveAttribute('aria-expanded', 'false');
  await expect(shown).toHaveCount(0);

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

test('a long trail of wrapped rows scrolls end to end with no gap', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('trialbench.testHooks', '1'));
  await page.goto('/');
  type Hooks = { ready(): Promise<void>; record(t: string, b: object): Promise<string> };
  const results = await page.evaluate(async () => {
    const hooks = (window as unknown as { __trialbenchTest: Hooks }).__trialbenchTest;
    await hooks.ready();
    const out: string[] = [];
    // Labels of varied length, so rows wrap to one, two or three lines.
    for (let i = 1; i <= 300; i++) {
      const label = `Scans ${i}` + ' re-exported after the scanner upgrade'.repeat(i % 4);
      out.push(await hooks.record('folder.remove', { folder: `f${i}`, label, reason: 'test' }));
    }
    return out;
  });
  expect(results.filter((r) => r !== 'ok')).toEqual([]);

  await openTab(page, 'Audit trail');
  const table = page.getByRole('region', { name: 'Audit entries' });
  await expect(page.getByText(/^30\d entries shown$/)).toBeVisible();
  // Wherever the table is scrolled, rows fill what it shows: the spacers follow the measured
  // heights, not a fixed row height.
  for (const at of [0.25, 0.5, 0.75]) {
    await table.evaluate((el, f) => (el.scrollTop = f * (el.scrollHeight - el.clientHeight)), at);
    await expect(table.locator('tbody[data-row]').first()).toBeAttached();
    await expect
      .poll(() =>
        table.evaluate((el) => {
          const box = el.getBoundingClientRect();
          const rows = [...el.querySelectorAll('tbody[data-row] tr')].map((r) =>
            r.getBoundingClientRect(),
          );
          // The middle of the region is covered by a real row (not a spacer).
          const mid = box.top + box.height / 2;
          return rows.some((r) => r.top <= mid && r.bottom >= mid);
        }),
      )
      .toBe(true);
  }
  // Walked through from top to bottom, every row measured: the table is then exactly as tall
  // as its rows, so the scroll bar tells the truth and nothing jumps (a fixed row height
  // would be off by the difference for every row out of view).
  const extent = await table.evaluate(async (el) => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const heights = new Map<number, number>();
    el.scrollTop = 0;
    for (let at = 0; at <= el.scrollHeight; at += 150) {
      el.scrollTop = at;
      await frame();
      for (const t of el.querySelectorAll<HTMLElement>('tbody[data-row]'))
        heights.set(Number(t.dataset.row), t.getBoundingClientRect().height);
    }
    await frame();
    const head = el.querySelector('thead')!.getBoundingClientRect().height;
    const rows = [...heights.values()].reduce((a, b) => a + b, 0);
    return { rows: heights.size, height: el.scrollHeight, sum: head + rows };
  });
  expect(extent.rows).toBeGreaterThan(300);
  expect(Math.abs(extent.height - extent.sum), JSON.stringify(extent)).toBeLessThan(4);
  // Scrolled to the end (again, as measuring the last rows may grow the table), the last
  // entry lies inside the region's visible box.
  await expect
    .poll(() =>
      table.evaluate((el) => {
        el.scrollTop = el.scrollHeight;
        const box = el.getBoundingClientRect();
        const row = [...el.querySelectorAll('tbody[data-row] tr')].find((r) =>
          /removed folder Scans 300$/.test(r.children[3]?.textContent ?? ''),
        );
        const r = row?.getBoundingClientRect();
        return !!r && r.bottom <= box.bottom + 1 && r.top >= box.top;
      }),
    )
    .toBe(true);
});
