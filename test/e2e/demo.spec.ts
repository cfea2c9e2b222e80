// A newcomer's first minute: open the demo archive, browse it, find its problems, come back
// tomorrow (reload) and offline, with nothing fetched from any other origin.
import { test, expect } from '@playwright/test';
import { demoArchiveSummary } from '../../src/core/demo/archive';
import { parseOutcome, status, totals, waitForScan } from './app';

const expected = demoArchiveSummary();

test('the demo archive indexes, browses, lists its problems and survives reload and offline', async ({
  page,
  context,
  baseURL,
}) => {
  const foreign: string[] = [];
  const cspViolations: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(baseURL!) && !r.url().startsWith('blob:')) foreign.push(r.url());
  });
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text());
  });

  await page.goto('/');
  await expect(status(page)).toContainText('No archive open yet');
  await page.getByRole('button', { name: 'Open demo archive' }).click();
  const outcome = parseOutcome(await waitForScan(page));
  expect(outcome).toMatchObject({
    total: expected.files,
    read: expected.files,
    indexed: expected.instances,
    problems: expected.broken.length,
  });
  expect(await totals(page)).toEqual({
    instances: expected.instances,
    series: expected.series,
    files: expected.files,
    problems: expected.broken.length,
  });

  // Browse: the tree lists subjects; a modality filter narrows it to PET series only.
  const tree = page.getByRole('region', { name: /Archive/ });
  await expect(tree).toContainText(/MRN\d+/);
  await page.getByRole('combobox', { name: 'Modality' }).selectOption('PT');
  const shown = async () =>
    Number((await page.getByText(/\d+ series shown/).textContent())!.split(' ')[0]);
  await expect.poll(shown).toBeLessThan(expected.series);
  expect(await shown()).toBeGreaterThan(0);
  await expect(tree.locator('tr[data-kind=series] td:nth-child(3)').first()).toHaveText('PT');

  // Names: typed as the table shows one ("Family, Given") finds what "family given" finds.
  await page.getByRole('combobox', { name: 'Modality' }).selectOption('');
  await expect.poll(shown).toBe(expected.series);
  const subject = tree.locator('tr[data-kind=subject] td').first();
  const id = (await subject.locator('strong').textContent())!.trim();
  const asShown = (await subject.textContent())!.replace(id, '').trim();
  expect(asShown).toMatch(/^[^,]+, \S/);
  const search = page.getByRole('searchbox', { name: 'Search' });
  await search.fill(asShown);
  await expect.poll(shown).toBeLessThan(expected.series);
  const byName = await shown();
  expect(byName).toBeGreaterThan(0);
  // No match says so, with a way back.
  await search.fill('no-such-subject-zz');
  await expect(page.getByText('No series match "no-such-subject-zz".')).toBeVisible();
  await search.fill(asShown.replace(',', ' ').toLowerCase());
  await expect.poll(shown).toBe(byName);
  await search.fill('no-such-subject-zz');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect.poll(shown).toBe(expected.series);
  await expect(search).toHaveValue('');
  await page.getByRole('combobox', { name: 'Modality' }).selectOption('PT');
  await expect.poll(shown).toBeLessThan(expected.series);

  // A PET series shows its radiopharmaceutical in the detail.
  await tree.locator('tr[data-kind=series] button').first().click();
  const attributes = page.getByRole('region', { name: 'Indexed attributes' });
  await expect(attributes).toContainText('RadiopharmaceuticalInformationSequence');
  await expect(attributes).toContainText(/Fluorodeoxyglucose/i);

  // Every planted broken file is listed under Problems with its reason.
  await page.getByRole('tab', { name: /Problems/ }).click();
  const problems = page.getByRole('region', { name: 'Files not indexed' });
  for (const broken of expected.broken) {
    const row = problems.locator('tr', { hasText: broken.path });
    await expect(row).toContainText(broken.expect);
  }
  await expect(problems).toContainText(/truncated at byte \d+/);

  // Tomorrow: reload, and the index is there; the address kept the view.
  await page.reload();
  await expect(page.getByRole('tab', { name: /Problems/ })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  expect(new URL(page.url()).hash).toBe('#/problems');
  await page.getByRole('tab', { name: 'Archive', exact: true }).click();
  await expect(status(page)).toContainText(
    `Index loaded: ${expected.instances} instances in ${expected.series} series`,
  );

  // Offline: the service worker serves the app; the index is still there.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await context.setOffline(true);
  await page.reload();
  await expect(status(page)).toContainText(`Index loaded: ${expected.instances} instances`);
  await expect(page.getByRole('button', { name: 'Open demo archive' })).toBeVisible();
  await context.setOffline(false);

  expect(foreign).toEqual([]);
  expect(cspViolations).toEqual([]);
});

test('Cancel stops the demo while it is generated, and it can be opened again', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Open demo archive' }).click();
  // Preparation counts the files it has generated of the total.
  await expect(status(page)).toContainText(
    new RegExp(`Preparing the demo archive: \\d+ of ${expected.files} files generated`),
  );
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(status(page)).toContainText('Cancelled after the demo archive');
  await expect(page.getByRole('button', { name: 'Open demo archive' })).toBeEnabled();
  await page.getByRole('button', { name: 'Open demo archive' }).click();
  // The status still says "Cancelled…" until the new run's first progress; wait for the
  // new run's own outcome, not the old one.
  const outcome = parseOutcome(await waitForScan(page, /^Indexed/));
  expect(outcome).toMatchObject({ indexed: expected.instances, problems: expected.broken.length });
});
