// The study-first shell (issue 11): a coordinator, a site staff member and a reader, each a
// browser context of their own syncing through the relay, land on their own views and cannot
// reach the others' (the address included); joining waits for a role with a fingerprint to
// read aloud; the admin sees a badge; the personal workspace's folder is brought into the
// study as one entry; every main view passes axe with no serious or critical violation.
// SCREENSHOTS=1 (npm run screenshots) also saves each main view at 1280x800 into docs/.
import { test, expect, type Browser, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { request } from 'node:http';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { smallInstance } from './fixtures';
import { usePickerFolder, waitForScan, writeOpfs } from './app';

const relay = `ws://127.0.0.1:${process.env.SIGNAL_PORT ?? 4444}`;
const connect = { timeout: 120_000 };
const shots = process.env.SCREENSHOTS === '1';
const viewport = { width: 1280, height: 800 };

/** A person; `named: false` starts without the test build's skip of the name question. */
async function person(browser: Browser, named = true): Promise<Page> {
  const context = await browser.newContext({
    viewport,
    permissions: ['camera', 'microphone'],
    ...(named ? {} : { storageState: { cookies: [], origins: [] } }),
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log('[page error]', e.message));
  return page;
}

const tabs = (page: Page) => page.getByRole('tablist', { name: 'Views' }).getByRole('tab');
const ledgerStatus = (page: Page) => page.getByRole('status', { name: 'Ledger status' });
const studyRegion = (page: Page) => page.getByRole('region', { name: 'Study', exact: true });
const hash = (page: Page) => new URL(page.url()).hash;

/** Serious or critical axe violations of the page as it is now ([] when clean). */
async function axe(page: Page, view: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  if (shots) {
    mkdirSync('docs', { recursive: true });
    await page.screenshot({ path: `docs/view-${view}.png` });
  }
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${view}: ${v.id} (${v.nodes.length}) ${v.nodes[0]?.target.join(' ')}`);
}

/** Opens every tab by keyboard (arrow keys from the selected one) and runs axe on each. */
async function walkViews(page: Page, role: string, skipAxe: string[] = []): Promise<string[]> {
  const names = await tabs(page).allTextContents();
  const problems: string[] = [];
  // Into the tab list from the keyboard: the last tab clicked, then Home to the first.
  await tabs(page).last().click();
  await page.keyboard.press('Home');
  for (let i = 0; i < names.length; i++) {
    if (i > 0) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    const tab = tabs(page).nth(i);
    await expect(tab).toBeFocused();
    await expect(tab).toHaveAttribute('aria-selected', 'true');
    // The tab names the panel it controls, and that panel is shown.
    const panel = await tab.getAttribute('aria-controls');
    expect(panel).toBeTruthy();
    await expect(page.locator(`[id="${panel}"]`)).toBeVisible();
    // Focus is visible: the focus ring is drawn.
    expect(await tab.evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe('none');
    const view = hash(page).slice(2);
    if (!skipAxe.includes(view)) problems.push(...(await axe(page, `${role}-${view}`)));
  }
  return problems;
}

test('three roles land on their own views, cannot reach the others, and pass axe', async ({
  browser,
}) => {
  // Three people and axe on some twenty views: slow on a loaded 2-core machine, not stuck.
  const ada = await person(browser, false);
  await ada.goto('/');
  // A newcomer starts in the personal workspace, alone, without any bold "offline".
  const bar = ada.getByRole('banner');
  await expect(bar).toContainText('Personal workspace: nothing here is shared');
  const sync = ada.getByRole('region', { name: 'Sync status' });
  await expect(sync).toContainText('working alone, no relay');
  await expect(sync).not.toContainText('offline');
  expect(hash(ada)).toBe('#/archive');
  const axeProblems = await walkViews(ada, 'workspace');

  // Work before any study: a folder, opened after the one name question.
  await usePickerFolder(ada, 'ws-folder');
  await ada.reload();
  await writeOpfs(ada, 'ws-folder', [
    {
      path: 'a.dcm',
      bytes: smallInstance({
        patientId: 'WS-1',
        patientName: 'WORK^SPACE',
        series: 1,
        instance: 1,
      }),
    },
  ]);
  await tabs(ada).filter({ hasText: 'Archive' }).click();
  await ada.getByRole('button', { name: 'Open folder' }).click();
  const ask = ada.getByRole('dialog', { name: 'Your name first' });
  await expect(ask).toBeVisible();
  axeProblems.push(...(await axe(ada, 'name-question')));
  await ask.getByLabel('Your name').fill('Ada Admin');
  await ask.getByRole('button', { name: 'Save name and continue' }).click();
  await expect(ask).toBeHidden();
  await waitForScan(ada);
  await expect(bar).toContainText('Ada Admin');
  await expect(bar).toContainText('admin');

  // A new study: the workspace's folder is offered, and brought in as one entry.
  await tabs(ada).filter({ hasText: 'Study & people' }).click();
  await studyRegion(ada).getByText('New study').click();
  await studyRegion(ada).getByLabel('Study name').fill('Trial Shell');
  await studyRegion(ada)
    .getByLabel(/^Sites/)
    .fill('S01 Leeds');
  await studyRegion(ada).getByRole('button', { name: 'Create study' }).click();
  const offer = ada.getByRole('dialog', { name: 'Bring your workspace into Trial Shell?' });
  await expect(offer).toContainText('Folder ws-folder');
  await offer.getByRole('button', { name: 'Bring them in' }).click();
  await expect(
    ada.getByText('Brought 1 folder and 0 de-identification runs into Trial Shell.'),
  ).toBeVisible();
  await expect(bar).toContainText('Study Trial Shell');

  // Relays, and the invite.
  await studyRegion(ada).getByRole('button', { name: 'Edit relays' }).click();
  await studyRegion(ada)
    .getByLabel(/^Relay addresses/)
    .fill(relay);
  await studyRegion(ada).getByRole('button', { name: 'Save relays' }).click();
  await studyRegion(ada).getByRole('button', { name: 'Invite', exact: true }).click();
  const link = await studyRegion(ada).getByLabel('Invite link', { exact: true }).inputValue();
  await tabs(ada).filter({ hasText: 'Audit trail' }).click();
  await expect(ada.getByRole('region', { name: 'Audit entries' })).toContainText(
    'Ada Admin brought 1 folder and 0 de-identification runs in from their personal workspace',
  );

  // Rex and Sam ask to join: each waits, with the fingerprint to read aloud.
  const rex = await person(browser);
  const sam = await person(browser);
  for (const [page, name] of [
    [rex, 'Rex Reader'],
    [sam, 'Sam Site'],
  ] as const) {
    await page.goto(link);
    await expect(
      page.getByRole('heading', {
        name: 'You asked to join Trial Shell; waiting for Ada Admin to give you a role',
      }),
    ).toBeVisible(connect);
    expect(hash(page)).toBe('#/waiting');
    await expect(page.getByLabel('Your fingerprint')).toHaveText(/(\d{5}\s*){6}/);
    await tabs(page).filter({ hasText: 'Study & people' }).click();
    await page.getByLabel('Display name').fill(name);
    await page.getByRole('button', { name: 'Rename' }).click();
    await expect(ledgerStatus(page)).toContainText(`Your name is now ${name}.`);
  }
  axeProblems.push(...(await walkViews(rex, 'waiting', ['audit', 'quarantine'])));

  // Ada: a badge on People, and the two at the top of it.
  await expect(tabs(ada).filter({ hasText: 'Study & people' })).toContainText('2 waiting', connect);
  await tabs(ada).filter({ hasText: 'Study & people' }).click();
  const asking = ada.getByRole('list', { name: 'Asking to join' });
  await expect(asking).toContainText('Rex Reader');
  await expect(asking).toContainText('Sam Site');
  const grant = async (name: string, role: string, site?: string) => {
    const form = ada.getByRole('form', { name: `Grant a role to ${name}` });
    await form.getByRole('combobox').first().selectOption(role);
    if (site) await form.getByRole('combobox').nth(1).selectOption(site);
    await form.getByLabel('Reason').fill('shell test');
    await form.getByRole('button', { name: 'Grant' }).click();
    await expect(ledgerStatus(ada)).toContainText(`to ${name}`);
  };
  await grant('Rex Reader', 'reader');
  await grant('Sam Site', 'site', 'S01');

  // Each lands on what their role does, and sees nothing else.
  await expect(tabs(rex)).toHaveText(['Reading queue', 'Study & people'], connect);
  await rex.goto('/');
  await expect.poll(() => hash(rex)).toBe('#/queue');
  await expect(tabs(sam)).toHaveText(
    ['Archive', /^Problems/, 'De-identify', 'Viewer', 'Study & people'],
    connect,
  );
  await sam.goto('/');
  await expect.poll(() => hash(sam)).toBe('#/archive');
  await ada.goto('/');
  await expect(tabs(ada).first()).toHaveText('Dashboard');
  expect(hash(ada)).toBe('#/dashboard');

  // The address cannot take a role to another's view.
  for (const [page, asked, home, role] of [
    [rex, 'archive', 'queue', 'reader'],
    [rex, 'deid', 'queue', 'reader'],
    [rex, 'audit', 'queue', 'reader'],
    // The viewer lists the archive's unblinded series: never a reader's.
    [rex, 'viewer', 'queue', 'reader'],
    [sam, 'audit', 'archive', 'site staff (S01)'],
    [sam, 'dashboard', 'archive', 'site staff (S01)'],
  ] as const) {
    await page.goto(`/#/${asked}`);
    await expect(page.getByRole('alert')).toContainText(`view is not open to you (${role})`);
    await expect.poll(() => hash(page)).toBe(`#/${home}`);
    await expect(page.getByRole('tab', { selected: true })).toHaveText(
      home === 'queue' ? 'Reading queue' : 'Archive',
    );
  }

  // Views already checked in the workspace walk are walked by keyboard, without axe again.
  const seen = [
    'archive',
    'problems',
    'deid',
    'qc',
    'protocols',
    'reads',
    'viewer',
    'timeline',
    'audit',
    'quarantine',
  ];
  axeProblems.push(...(await walkViews(rex, 'reader', ['people'])));
  axeProblems.push(...(await walkViews(sam, 'site', [...seen, 'people'])));
  axeProblems.push(...(await walkViews(ada, 'admin', seen)));
  expect(axeProblems).toEqual([]);
  for (const p of [ada, rex, sam]) await p.context().close();
});

test('the static server serves the build and nothing beside it', async ({ baseURL }) => {
  const dist = process.env.E2E_DIST ?? 'dist';
  // A sibling whose name starts with the build folder's (scripts/serve.js served it).
  const secret = `${dist}-secret-shell`;
  mkdirSync(secret, { recursive: true });
  writeFileSync(`${secret}/x.txt`, 'SECRET-OUTSIDE-THE-BUILD');
  const get = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const u = new URL(baseURL!);
      const req = request({ host: u.hostname, port: u.port, path }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  try {
    expect((await get('/')).body).toContain('<div id="app">');
    for (const path of [
      `/..%2F${secret}/x.txt`,
      `/../${secret}/x.txt`,
      `/%2e%2e/${secret}/x.txt`,
      `/%2e%2e%2f${secret}%2fx.txt`,
      `/..%5C${secret}%5Cx.txt`,
      '/..%2Fpackage.json',
      '/../package.json',
    ]) {
      const r = await get(path);
      expect(r.body, path).not.toContain('SECRET-OUTSIDE-THE-BUILD');
      expect(r.body, path).not.toContain('"devDependencies"');
    }
  } finally {
    rmSync(secret, { recursive: true, force: true });
  }
});
