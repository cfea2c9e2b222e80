// De-identification end to end: demo archive -> preview -> de-identify into an OPFS folder
// -> facial-risk series held until waived -> the output opened as a new folder holds none
// of the planted identifiers -> one deid.run ledger entry per run -> a negative control
// (a profile that keeps PatientName) is caught by the leak check.
import { test, expect, type Page } from '@playwright/test';
import { demoPlan } from '../../src/core/demo/archive';
import { basicProfile, serializeProfile } from '../../src/core/deid/profile';
import { usePickerFolder, waitForScan } from './app';

const plan = demoPlan();
/** Every planted identifier a de-identified output must not contain. */
const planted = [
  ...new Set(
    plan.subjects.flatMap((s) => [
      s.identity.mrn,
      s.identity.otherId,
      s.identity.nameText,
      s.identity.address,
      s.identity.phone,
      s.site.institution,
      s.site.address,
      ...s.site.physicians,
      s.referring,
      s.operator,
    ]),
  ),
].filter((v) => v.length >= 4);

const deidStatus = (page: Page) => page.getByRole('status', { name: 'De-identification status' });

function counts(sentence: string) {
  const m =
    /De-identified (\d+) files: (\d+) written, (\d+) held back, (\d+) skipped; leak check: (\d+) checked, (\d+) held/.exec(
      sentence,
    );
  if (!m) throw new Error(`not a run outcome: ${sentence}`);
  const n = m.slice(1).map(Number);
  return {
    total: n[0]!,
    written: n[1]!,
    held: n[2]!,
    skipped: n[3]!,
    checked: n[4]!,
    leakHeld: n[5]!,
  };
}

async function runAndWait(page: Page) {
  await page
    .getByRole('button', { name: /Run de-identification|Apply decisions and re-run/ })
    .first()
    .click();
  await expect(deidStatus(page)).toContainText(/^\s*(De-identified|De-identification failed)/, {
    timeout: 240_000,
  });
  const text = (await deidStatus(page).textContent()) ?? '';
  expect(text).not.toContain('failed');
  return counts(text);
}

/** Every file under an OPFS folder: path and text (Latin-1 and UTF-8 decodings), upper-cased. */
async function opfsHits(page: Page, folder: string, needles: string[]) {
  return page.evaluate(
    async ({ folder, needles }) => {
      const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder);
      const hits: string[] = [];
      const paths: string[] = [];
      const up = needles.map((n) => n.toUpperCase());
      const visit = async (dir: FileSystemDirectoryHandle, prefix: string) => {
        for await (const e of dir.values()) {
          if (e.kind === 'directory')
            await visit(e as FileSystemDirectoryHandle, `${prefix}${e.name}/`);
          else {
            paths.push(prefix + e.name);
            const bytes = new Uint8Array(
              await (await (e as FileSystemFileHandle).getFile()).arrayBuffer(),
            );
            const texts = [
              new TextDecoder('latin1').decode(bytes).toUpperCase(),
              new TextDecoder('utf-8').decode(bytes).toUpperCase(),
            ];
            for (const [i, n] of up.entries())
              if (texts.some((t) => t.includes(n))) hits.push(`${prefix}${e.name}: ${needles[i]}`);
          }
        }
      };
      await visit(root, '');
      return { hits, paths };
    },
    { folder, needles },
  );
}

test('de-identify the demo archive into a folder, hold facial risk until waived, leave nothing identifying', async ({
  page,
}) => {
  // Three runs of the whole demo archive: on a loaded 2-core machine this takes minutes.
  await usePickerFolder(page, 'deid-out');
  page.on('dialog', (d) => void d.accept());
  await page.goto('/');
  await page.getByRole('button', { name: 'Open demo archive' }).click();
  expect(await waitForScan(page)).toMatch(/^Indexed/);

  await page.getByRole('tab', { name: 'De-identify' }).click();
  await expect(page.getByLabel('Key fingerprint')).toHaveText(/^[0-9a-f]{4}(:[0-9a-f]{4}){4}$/);
  await expect(page.getByLabel('Input folder')).toContainText('Demo archive');
  await expect(
    page.getByLabel('Retain Longitudinal Temporal Information with Modified Dates'),
  ).toBeChecked();

  // Preview: every attribute with its action, before and after; the name is replaced.
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = page.getByRole('table', { name: 'Attributes before and after' });
  const nameRow = preview.locator('tr', { hasText: 'PatientName' }).first();
  await expect(nameRow).toBeVisible();
  const before = (await nameRow.locator('td').nth(3).textContent()) ?? '';
  const after = (await nameRow.locator('td').nth(4).textContent()) ?? '';
  expect(before).not.toBe('');
  expect(after).not.toBe(before);

  await page.getByRole('button', { name: 'Choose output folder' }).click();
  await expect(page.getByLabel('Output folder')).toHaveText('deid-out');
  // No default site (DEID-81): three sites' folders, one rule each.
  await page
    .getByLabel(/Folder-to-site rules/)
    .fill('site-101/**=101\nsite-102/**=102\nsite-103/**=103');
  const first = await runAndWait(page);
  console.log(`first run: ${await page.getByLabel('Run speed').textContent()}`);
  expect(first.written).toBeGreaterThan(0);
  expect(first.skipped).toBeGreaterThan(0); // the planted broken files
  expect(first.leakHeld).toBe(0);
  const held = page.getByRole('region', { name: 'Held back files' });
  const facialRows = held.locator('tr[data-category=facial]');
  const filesIn = async (rows: ReturnType<Page['locator']>) =>
    (await rows.evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-files'))))).reduce(
      (a, b) => a + b,
      0,
    );
  // One row per series (DEID-90), with its file count.
  const facialHeld = await filesIn(facialRows);
  expect(facialHeld).toBeGreaterThan(await facialRows.count());
  expect(first.held).toBe(
    await filesIn(held.locator('tr[data-category]:not([data-category=skipped])')),
  );
  await expect(held.getByLabel(/Justification to waive/)).toHaveCount(0);

  // Decisions are made in the review queue only (DEID-89): one answer applied to all similar
  // series, recorded per series.
  const queue = page.getByRole('region', { name: 'Review queue' });
  let clicks = 0;
  for (;;) {
    const open = queue.locator('li.series[data-decided=false]').filter({ hasText: 'Facial risk' });
    if ((await open.count()) === 0) break;
    const item = open.first();
    await item
      .getByLabel(/^Facial justification for /)
      .fill('Phantom data; defacing not required by the imaging charter');
    const all = item.getByRole('button', { name: /^Waive: this and \d+ similar series$/ });
    if (await all.count()) await all.click();
    else await item.getByRole('button', { name: 'Waive', exact: true }).click();
    clicks++;
    await expect(queue.getByRole('status', { name: 'Review status' })).toContainText(/waive/);
  }
  const series = await queue.locator('li.series').count();
  expect(clicks).toBeLessThan(series);
  const second = await runAndWait(page);
  expect(await facialRows.count()).toBe(0);
  expect(second.written).toBe(first.written + facialHeld);
  expect(second.leakHeld).toBe(0);

  // The output: no planted identifier anywhere, in any file; the manifest names no source.
  const { hits, paths } = await opfsHits(page, 'deid-out', planted);
  expect(hits).toEqual([]);
  expect(paths).toContain('manifest.json');
  expect(paths).toContain('DEIDENTIFICATION.md');
  expect(paths).toContain('DEIDENTIFICATION.json');
  const manifest = await page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('deid-out');
    return (await (await dir.getFileHandle('manifest.json')).getFile()).text();
  });
  const files = (JSON.parse(manifest) as { files: Array<{ path: string }> }).files;
  expect(files.length).toBe(second.written);
  for (const f of plan.subjects.map((s) => s.site.label)) expect(manifest).not.toContain(f);
  expect(manifest).not.toMatch(/SUBJ-|MRN/);
  for (const f of files) expect(f.path).toMatch(/^10[123]\/TB-[0-9A-Z]+\//);
  expect(new Set(files.map((f) => f.path.slice(0, 3)))).toEqual(new Set(['101', '102', '103']));

  // The audit trail: one deid.run entry per run.
  await page.getByRole('tab', { name: 'Audit trail' }).click();
  await page.getByLabel('Type').selectOption('deid.run');
  await expect(page.getByText('2 entries shown')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Audit entries' })).toContainText(
    /de-identified files: \d+ written, \d+ held back/,
  );
  await page.getByLabel('Type').selectOption('');

  // Never into the input folder: the input itself and a folder inside it are refused.
  await page.getByRole('tab', { name: 'De-identify' }).click();
  for (const inside of [false, true]) {
    await page.evaluate(async (inside) => {
      const demo = await (
        await navigator.storage.getDirectory()
      ).getDirectoryHandle('trialbench-demo');
      const target = inside ? await demo.getDirectoryHandle('site-101') : demo;
      (
        window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }
      ).showDirectoryPicker = async () => target;
    }, inside);
    await page.getByRole('button', { name: 'Choose output folder' }).click();
    await page.getByRole('button', { name: 'Run de-identification' }).click();
    await expect(deidStatus(page)).toContainText(
      inside
        ? 'Refused: the output folder is inside the input folder'
        : 'Refused: the output folder is the input folder',
    );
  }

  // Negative control: a profile that keeps PatientName; the leak check must hold files.
  await page.getByRole('tab', { name: 'De-identify' }).click();
  await page.evaluate(() => {
    (
      window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }
    ).showDirectoryPicker = async () =>
      (await navigator.storage.getDirectory()).getDirectoryHandle('deid-neg', { create: true });
  });
  await page.getByRole('button', { name: 'Choose output folder' }).click();
  await expect(page.getByLabel('Output folder')).toHaveText('deid-neg');
  const keep = basicProfile('Negative control: keeps PatientName');
  keep.overrides.push({
    tag: 0x00100010,
    action: 'K',
    reason: 'negative control for the leak check',
  });
  await page.getByLabel('Study profile file').setInputFiles({
    name: 'keep-name.json',
    mimeType: 'application/json',
    buffer: Buffer.from(serializeProfile(keep)),
  });
  await expect(deidStatus(page)).toContainText('imported (1 override(s))');
  const negative = await runAndWait(page);
  expect(negative.leakHeld).toBeGreaterThan(0);
  await expect(held.locator('tr[data-category=leak]').first()).toContainText('leak check');
  const neg = await opfsHits(page, 'deid-neg', planted);
  expect(neg.hits.filter((h) => h.endsWith('.dcm'))).toEqual([]);

  // Open the output as a new archive folder: its index holds none of the identifiers.
  await page.evaluate(() => {
    (
      window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }
    ).showDirectoryPicker = async () =>
      (await navigator.storage.getDirectory()).getDirectoryHandle('deid-out', { create: true });
  });
  await page.getByRole('tab', { name: 'Archive', exact: true }).click();
  await page.getByRole('button', { name: 'Remove Demo archive from the index' }).click();
  await page.getByRole('button', { name: 'Open folder' }).click();
  expect(await waitForScan(page)).toMatch(/^Indexed/);
  const tree = page.getByRole('region', { name: /Archive/ });
  await expect(tree).toContainText(/TB-[0-9A-Z]+/);
  const treeText = ((await tree.textContent()) ?? '').toUpperCase();
  for (const p of planted) expect(treeText).not.toContain(p.toUpperCase());
  expect(treeText).not.toMatch(/MRN\d/);
});
