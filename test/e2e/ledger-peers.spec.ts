// Two people are two browser contexts of the built app, syncing through our relay with the
// room password; a modified client is simulated with the test-only hook in main.ts
// (window.__trialbenchTest, enabled by a localStorage flag set before the page loads).
import { test, expect, type Browser, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';

const relay = `ws://127.0.0.1:${process.env.SIGNAL_PORT ?? 4444}`;
const connect = { timeout: 120_000 };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface TestHooks {
  ready(): Promise<void>;
  me(): Promise<{ author: string; fingerprint: string } | null>;
  forge(type: string, body: { [key: string]: Json }): Promise<string>;
  record(type: string, body: { [key: string]: Json }): Promise<string>;
  grant(author: string, role: string, reason: string): Promise<string>;
}
declare global {
  interface Window {
    __trialbenchTest: TestHooks;
  }
}

/** A person: a context of their own, with real local ICE candidates (STACK-NOTES.md). */
async function person(browser: Browser, opts: { webrtc?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext(
    opts.webrtc === false ? {} : { permissions: ['camera', 'microphone'] },
  );
  await context.addInitScript(() => localStorage.setItem('trialbench.testHooks', '1'));
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log('[page error]', e.message));
  return page;
}

const ledgerStatus = (page: Page) => page.getByRole('status', { name: 'Ledger status' });
const studyRegion = (page: Page) => page.getByRole('region', { name: 'Study', exact: true });
const trail = (page: Page) => page.getByRole('region', { name: 'Audit entries' });
const syncStatus = (page: Page) => page.getByRole('region', { name: 'Sync status' });
const openTab = (page: Page, name: string | RegExp) => page.getByRole('tab', { name }).click();
const me = (page: Page) => page.evaluate(() => window.__trialbenchTest.me());

async function rename(page: Page, name: string) {
  await openTab(page, 'Study & people');
  await page.getByLabel('Display name').fill(name);
  await page.getByRole('button', { name: 'Rename' }).click();
  await expect(ledgerStatus(page)).toContainText(`Your name is now ${name}.`);
}

/** Ada creates a study that lists `relays` and returns its invite link. */
async function adminWithStudy(page: Page, name: string, relays: string[]): Promise<string> {
  await page.goto('/');
  await rename(page, 'Ada Admin');
  const study = studyRegion(page);
  await study.getByText('New study').click();
  await study.getByLabel('Study name').fill(name);
  await study.getByRole('button', { name: 'Create study' }).click();
  await expect(ledgerStatus(page)).toContainText(`Study ${name} created; you are its admin.`);
  if (relays.length) {
    await study.getByRole('button', { name: 'Edit relays' }).click();
    await study.getByLabel(/^Relay addresses/).fill(relays.join('\n'));
    await study.getByRole('button', { name: 'Save relays' }).click();
    for (const r of relays)
      await expect(study.getByRole('listitem').filter({ hasText: r })).toBeVisible();
  }
  await study.getByRole('button', { name: 'Invite', exact: true }).click();
  return study.getByLabel('Invite link', { exact: true }).inputValue();
}

/** Rewrites the invite in a link's #join= fragment (the admin's fingerprint still matches). */
function editInvite(link: string, edit: (p: Record<string, unknown>) => void): string {
  const [base, b64] = link.split('#join=') as [string, string];
  const payload = JSON.parse(Buffer.from(b64, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  edit(payload);
  return `${base}#join=${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
}

async function joinAs(page: Page, link: string, name: string, study: string) {
  await page.goto(link);
  await page.waitForFunction(() => '__trialbenchTest' in window);
  await page.evaluate(() => window.__trialbenchTest.ready());
  await rename(page, name);
  await expect(page.getByTestId('study-name')).toHaveText(study);
  await expect(studyRegion(page)).toContainText('Your role: none yet');
}

/** Ada and Rex in one study through the relay; Ada grants Rex 'reader'. */
async function adaGrantsRex(browser: Browser, studyName: string) {
  const ada = await person(browser);
  const rex = await person(browser);
  const link = await adminWithStudy(ada, studyName, [relay]);
  await joinAs(rex, link, 'Rex Reader', studyName);
  const rexKey = (await me(rex))!;

  // Rex asks to join: Ada sees him with the key his presence signature proved.
  const waiting = ada.getByRole('list', { name: 'Waiting for a role' });
  await expect(waiting).toContainText('Rex Reader', connect);
  await expect(waiting).toContainText(rexKey.fingerprint);
  await expect(syncStatus(ada)).toContainText('Rex Reader (no role, ✓ verified key');
  const grant = ada.getByRole('form', { name: 'Grant a role to Rex Reader' });
  await grant.getByLabel('Role').selectOption('reader');
  await grant.getByLabel('Reason').fill('blinded reader for the trial');
  await grant.getByRole('button', { name: 'Grant' }).click();
  await expect(ledgerStatus(ada)).toContainText('Granted reader to Rex Reader.');
  await expect(studyRegion(rex)).toContainText('Your role: reader', connect);
  await expect(syncStatus(ada)).toContainText('Rex Reader (reader, ✓ verified key');
  return { ada, rex, link, rexKey };
}

async function quarantineRows(page: Page) {
  await openTab(page, /^Quarantine/);
  return page.getByRole('tabpanel', { name: 'Quarantine' });
}

test.describe.configure({ timeout: 900_000 });

test('invite, verified key, grant with reason in both trails; a wrong room secret hears nothing', async ({
  browser,
}) => {
  const { ada, rex, link } = await adaGrantsRex(browser, 'Two people');

  // A reader has no audit trail view (issue 11: a reader sees their reading queue only); the
  // grant reached him, as his own role shows (adaGrantsRex).
  await expect(rex.getByRole('tab', { name: 'Audit trail' })).toHaveCount(0);
  for (const page of [ada]) {
    await openTab(page, 'Audit trail');
    const row = trail(page).getByRole('row').filter({ hasText: 'granted reader to Rex Reader' });
    await expect(row).toHaveCount(1);
    // Who, their role, when (UTC) and why.
    await expect(row).toContainText('Ada Admin');
    await expect(row).toContainText('admin');
    await expect(row).toContainText(/\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d/);
    await expect(row).toContainText('blinded reader for the trial');
    await expect(trail(page)).toContainText('created the study');
  }

  // Same study, same relay, but a secret that is not the room's: the password keeps it out.
  const eve = await person(browser);
  const forged = editInvite(link, (p) => {
    p.secret = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
  });
  await eve.goto(forged);
  await eve.waitForFunction(() => '__trialbenchTest' in window);
  await eve.evaluate(() => window.__trialbenchTest.ready());
  await openTab(eve, 'Study & people');
  await expect(eve.getByTestId('study-name')).toHaveText('Two people');
  await expect(syncStatus(eve)).toContainText('1 of 1 relay', connect);
  // Rex connected within seconds; give Eve ten times the usual connect time.
  await eve.waitForTimeout(8_000);
  await openTab(eve, 'Audit trail');
  await expect(eve.getByText('0 entries shown')).toBeVisible();
  await expect(trail(eve)).not.toContainText('granted');
  await expect(syncStatus(eve)).toContainText('online: nobody else');
  await expect(syncStatus(ada)).not.toContainText('Unnamed user');
  await openTab(ada, 'Study & people');
  await expect(ada.getByRole('list', { name: 'Waiting for a role' })).toHaveCount(0);
  for (const p of [ada, rex, eve]) await p.context().close();
});

test("a reader may not grant roles or edit the study: refused locally, and forged entries are quarantined on the admin's peer", async ({
  browser,
}) => {
  const { ada, rex, rexKey } = await adaGrantsRex(browser, 'Reader limits');

  // The UI offers a reader no admin controls; the service refuses with the fold's reason.
  await openTab(rex, 'Study & people');
  await expect(rex.getByRole('button', { name: 'Edit relays' })).toHaveCount(0);
  await expect(rex.getByRole('button', { name: /^Revoke / })).toHaveCount(0);
  const grantRefused = await rex.evaluate(
    (key) => window.__trialbenchTest.grant(key, 'admin', 'promote myself'),
    rexKey.author,
  );
  expect(grantRefused).toMatch(/^Not recorded: .*reader may not write member\.grant/);
  const updateRefused = await rex.evaluate(() =>
    window.__trialbenchTest.record('study.update', {
      field: 'name',
      previous: 'Reader limits',
      next: 'Hijacked',
      reason: 'because I can',
    }),
  );
  expect(updateRefused).toMatch(/^Not recorded: .*reader may not write study\.update/);
  console.log(`local refusals: ${grantRefused} | ${updateRefused}`);

  // A modified client signs and publishes them anyway.
  await openTab(ada, 'Study & people');
  const members = ada.getByRole('table', { name: 'Members' });
  const before = await members.innerText();
  await rex.evaluate(
    (key) =>
      window.__trialbenchTest.forge('member.grant', {
        key,
        name: 'Rex Reader',
        boxKey: null,
        role: 'admin',
        site: null,
        previous: { role: 'reader', site: null },
        reason: 'promote myself',
      }),
    rexKey.author,
  );
  await rex.evaluate(() =>
    window.__trialbenchTest.forge('study.update', {
      field: 'name',
      previous: 'Reader limits',
      next: 'Hijacked',
      reason: 'because I can',
    }),
  );
  await expect(ada.getByRole('tab', { name: 'Quarantine (2)' })).toBeVisible(connect);
  const q = await quarantineRows(ada);
  for (const type of ['member.grant', 'study.update']) {
    const row = q.getByRole('row').filter({ hasText: type });
    await expect(row).toContainText('not-authorised');
    await expect(row).toContainText(`a reader may not write ${type}`);
    await expect(row).toContainText('Rex Reader');
    await expect(row).toContainText('webrtc');
  }
  await openTab(ada, 'Study & people');
  expect(await members.innerText()).toBe(before);
  await expect(ada.getByTestId('study-name')).toHaveText('Reader limits');
  await expect(members.getByRole('row').filter({ hasText: 'Rex Reader' })).toContainText('reader');
  await openTab(ada, 'Audit trail');
  await expect(trail(ada)).not.toContainText('Hijacked');
  for (const p of [ada, rex]) await p.context().close();
});

test("revocation cuts a peer off: he misses what follows, and his later writes are quarantined as 'revoked'", async ({
  browser,
}) => {
  const { ada, rex } = await adaGrantsRex(browser, 'Revocation');

  await openTab(ada, 'Study & people');
  await ada.getByRole('button', { name: 'Revoke Rex Reader' }).click();
  const revoke = ada.getByRole('form', { name: 'Revoke Rex Reader' });
  await revoke.getByLabel('Reason for revoking').fill('left the trial');
  await revoke.getByRole('button', { name: 'Revoke…' }).click();
  await expect(revoke).toContainText('for good?');
  await revoke.getByRole('button', { name: 'Yes, revoke' }).click();
  await expect(ledgerStatus(ada)).toContainText('Revoked Rex Reader');
  await expect(ada.getByRole('table', { name: 'Members' })).toContainText('revoked');
  // The old room still carries the revocation itself to Rex.
  await expect(studyRegion(rex)).toContainText('Your role: none: your access was revoked', connect);

  // Ada's next entry goes to the new room only, whose secret was sealed for members only.
  await rename(ada, 'Ada Afterwards');
  await openTab(ada, 'Audit trail');
  await expect(trail(ada)).toContainText('Ada Afterwards');
  await rex.waitForTimeout(5_000);
  await openTab(rex, 'Audit trail');
  await expect(trail(rex)).toContainText('left the trial');
  await expect(trail(rex)).not.toContainText('Ada Afterwards');

  // Rex's modified client writes anyway; Ada still listens on the old room and rejects it.
  await rex.evaluate(() =>
    window.__trialbenchTest.forge('member.rename', { previous: 'Rex Reader', next: 'Rex Again' }),
  );
  await expect(ada.getByRole('tab', { name: 'Quarantine (1)' })).toBeVisible(connect);
  const q = await quarantineRows(ada);
  const row = q.getByRole('row').filter({ hasText: 'member.rename' });
  await expect(row).toContainText('revoked');
  await openTab(ada, 'Audit trail');
  await expect(trail(ada)).not.toContainText('Rex Again');
  for (const p of [ada, rex]) await p.context().close();
});

test('two tabs of one person sync over BroadcastChannel, without any relay', async ({
  browser,
}) => {
  const one = await person(browser, { webrtc: false });
  await one.goto('/');
  await openTab(one, 'Study & people');
  // The personal workspace lists no relay: only this person's tabs share it.
  await expect(syncStatus(one)).toContainText('no relay');
  const two = await one.context().newPage();
  await two.goto('/');
  await openTab(two, 'Study & people');
  await expect(syncStatus(two)).toContainText('no relay');

  await rename(one, 'Tab One Person');
  await openTab(two, 'Audit trail');
  await expect(trail(two)).toContainText('Tab One Person', connect);
  await one.context().close();
});

test('export/import updates between two contexts that never connect; a tampered file changes nothing', async ({
  browser,
}) => {
  const ada = await person(browser, { webrtc: false });
  const cleo = await person(browser, { webrtc: false });
  // No relay at all: the only way between them is the file.
  const link = await adminWithStudy(ada, 'Air gap', []);
  await rename(ada, 'Ada Offline');
  const offline = editInvite(link, (p) => {
    p.relays = [];
  });
  await joinAs(cleo, offline, 'Cleo Courier', 'Air gap');
  await expect(syncStatus(cleo)).toContainText('no relay');

  const exportFrom = async () => {
    await openTab(ada, 'Audit trail');
    const download = ada.waitForEvent('download');
    await ada.getByRole('button', { name: 'Export updates' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^trialbench-updates-[0-9a-f]{8}-.*\.jsonl$/);
    return readFile(await file.path(), 'utf8');
  };
  const importInto = async (text: string, name: string) => {
    await openTab(cleo, 'Audit trail');
    await cleo.getByLabel('Import updates').setInputFiles({
      name,
      mimeType: 'application/x-ndjson',
      buffer: Buffer.from(text),
    });
  };

  // Genesis, Ada's rename (in the workspace, not this study) ... count what the file holds.
  const first = await exportFrom();
  const n = first.split('\n').filter((l) => l.includes('"sig"')).length;
  expect(n).toBeGreaterThan(0);
  await importInto(first, 'first.jsonl');
  await expect(ledgerStatus(cleo)).toContainText(
    `Updates imported: ${n} accepted, 0 already known, 0 quarantined`,
  );
  await expect(trail(cleo)).toContainText('created the study');
  await expect(cleo.getByText(`${n} ${n === 1 ? 'entry' : 'entries'} shown`)).toBeVisible();

  // One more entry at Ada; its copy is altered on the way.
  await rename(ada, 'Ada Renamed');
  const second = await exportFrom();
  expect(second).toContain('Ada Renamed');
  const tampered = second.replace('Ada Renamed', 'Ada Renamex');
  await importInto(tampered, 'tampered.jsonl');
  await expect(ledgerStatus(cleo)).toContainText(
    `Updates imported: 0 accepted, ${n} already known, 1 quarantined`,
  );
  await expect(cleo.getByText(`${n} ${n === 1 ? 'entry' : 'entries'} shown`)).toBeVisible();
  await expect(trail(cleo)).not.toContainText('Ada Renamex');
  await expect(cleo.getByRole('tab', { name: 'Quarantine (1)' })).toBeVisible();

  // The untouched file still goes in.
  await importInto(second, 'second.jsonl');
  await expect(ledgerStatus(cleo)).toContainText(
    `Updates imported: 1 accepted, ${n} already known, 0 quarantined`,
  );
  await expect(trail(cleo)).toContainText('Ada Renamed');
  for (const p of [ada, cleo]) await p.context().close();
});
