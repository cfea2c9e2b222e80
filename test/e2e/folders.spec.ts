// Opening a real folder (OPFS through the File System Access API), rescanning after files
// are added and removed, reloading, the upload fallback, and the Problems list.
import { test, expect } from '@playwright/test';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parseOutcome,
  removeOpfs,
  status,
  totals,
  usePickerFolder,
  waitForScan,
  writeOpfs,
} from './app';
import { smallInstance } from './fixtures';

/** Writes files into a new folder on disk, for the <input webkitdirectory> upload. */
function diskFolder(name: string, specs: Array<{ path: string; bytes: Uint8Array }>): string {
  const root = join(mkdtempSync(join(tmpdir(), 'tb-upload-')), name);
  for (const f of specs) {
    mkdirSync(join(root, f.path, '..'), { recursive: true });
    writeFileSync(join(root, f.path), f.bytes);
  }
  return root;
}

const files = [
  ...[1, 2, 3].map((n) => ({
    path: `series1/IM${n}.dcm`,
    bytes: smallInstance({
      patientId: 'SUBJ-0042',
      patientName: 'TEST^ALPHA',
      series: 1,
      instance: n,
    }),
  })),
  ...[1, 2].map((n) => ({
    path: `series2/IM${n}.dcm`,
    bytes: smallInstance({
      patientId: 'SUBJ-0042',
      patientName: 'TEST^ALPHA',
      series: 2,
      instance: n,
      modality: 'MR',
      description: 'FLAIR <b>bold</b>',
    }),
  })),
  { path: 'notes.txt', bytes: new TextEncoder().encode('These are notes, not DICOM. '.repeat(10)) },
];

test('open a folder, rescan after changes, reload and find the index intact', async ({ page }) => {
  await usePickerFolder(page, 'case1');
  await page.goto('/');
  await writeOpfs(page, 'case1', files);

  await page.getByRole('button', { name: 'Open folder' }).click();
  const first = parseOutcome(await waitForScan(page));
  expect(first).toMatchObject({ total: 6, read: 6, indexed: 5, problems: 1 });
  expect(await totals(page)).toEqual({ instances: 5, series: 2, files: 6, problems: 1 });
  await expect(page.getByRole('region', { name: /Archive/ })).toContainText('SUBJ-0042');
  // Text from the file is shown as text, never as markup.
  await expect(page.getByRole('button', { name: '2: FLAIR <b>bold</b>' })).toBeVisible();

  // Add one file, remove one, then Rescan: only the new file is read; the removed one is missing.
  await writeOpfs(page, 'case1', [
    {
      path: 'series1/IM4.dcm',
      bytes: smallInstance({
        patientId: 'SUBJ-0042',
        patientName: 'TEST^ALPHA',
        series: 1,
        instance: 4,
      }),
    },
  ]);
  await removeOpfs(page, 'case1', 'series2/IM1.dcm');
  await page.getByRole('button', { name: 'Rescan case1' }).click();
  await expect(status(page)).toContainText('Indexed case1: 1 of 1 files read');
  const second = parseOutcome(await waitForScan(page));
  expect(second).toMatchObject({ read: 1, indexed: 1, unchanged: 5, missing: 1 });
  await expect(page.getByRole('region', { name: /Archive/ })).toContainText('(1 missing)');

  // Reload: the index and the folder are still there, and the folder rescans with nothing new.
  await page.reload();
  await expect(status(page)).toContainText('Index loaded: 5 instances in 2 series, 1 problems');
  await expect(page.getByRole('button', { name: 'Rescan case1' })).toBeVisible();
  await page.getByRole('button', { name: 'Rescan case1' }).click();
  await expect(status(page)).toContainText('Indexed case1: 0 of 0 files read');

  // The Problems list names the file and why.
  await page.getByRole('tab', { name: /Problems/ }).click();
  const problems = page.getByRole('region', { name: 'Files not indexed' });
  await expect(problems).toContainText('notes.txt');
  await expect(problems).toContainText('not-dicom');
});

test('series detail lists indexed attributes and files; filters narrow the tree', async ({
  page,
}) => {
  await usePickerFolder(page, 'case2');
  await page.goto('/');
  await writeOpfs(page, 'case2', [
    ...files,
    {
      path: 'other/IM1.dcm',
      bytes: smallInstance({
        patientId: 'SUBJ-0077',
        patientName: 'ÅNGSTRÖM^BJÖRK',
        series: 5,
        instance: 1,
        studyDate: '20250610',
      }),
    },
  ]);
  await page.getByRole('button', { name: 'Open folder' }).click();
  await waitForScan(page);
  const tree = page.getByRole('region', { name: /Archive/ });
  await expect(tree).toContainText('ÅNGSTRÖM, BJÖRK');

  await page.getByRole('combobox', { name: 'Modality' }).selectOption('MR');
  await expect(page.getByText(/\d+ series shown/)).toHaveText('1 series shown');
  await expect(tree).not.toContainText('SUBJ-0077');
  await page.getByRole('combobox', { name: 'Modality' }).selectOption('');

  await page.getByLabel('Study date from').fill('2025-01-01');
  await expect(page.getByText(/\d+ series shown/)).toHaveText('1 series shown');
  await expect(tree).toContainText('SUBJ-0077');
  await page.getByLabel('Study date from').fill('');

  await page.getByRole('searchbox', { name: 'Search' }).fill('angstr');
  await expect(page.getByText(/\d+ series shown/)).toHaveText('0 series shown');
  await page.getByRole('searchbox', { name: 'Search' }).fill('ångström');
  await expect(page.getByText(/\d+ series shown/)).toHaveText('1 series shown');
  await page.getByRole('searchbox', { name: 'Search' }).fill('');
  await expect(page.getByText(/\d+ series shown/)).toHaveText('3 series shown');

  await page.getByRole('button', { name: '1: Series 1' }).click();
  const attributes = page.getByRole('region', { name: 'Indexed attributes' });
  await expect(attributes).toContainText('(0008,0060)');
  await expect(attributes).toContainText('SOPInstanceUID');
  const seriesFiles = page.getByRole('region', { name: 'Files of this series' });
  await expect(seriesFiles).toContainText('series1/IM3.dcm');
});

test('several folders: upload fallback beside a picked folder, filter by folder, remove one', async ({
  page,
}) => {
  await usePickerFolder(page, 'case3');
  await page.goto('/');
  await writeOpfs(page, 'case3', [
    {
      path: 'IM1.dcm',
      bytes: smallInstance({
        patientId: 'SUBJ-0300',
        patientName: 'PICKED^ONE',
        series: 9,
        instance: 1,
      }),
    },
  ]);
  await page.getByRole('button', { name: 'Open folder' }).click();
  await waitForScan(page);

  const root = diskFolder('uploaded', files);
  await page.getByLabel(/upload a folder/i).setInputFiles(root);
  await expect(status(page)).toContainText('Indexed uploaded');
  const outcome = parseOutcome(await waitForScan(page));
  expect(outcome).toMatchObject({ total: 6, indexed: 5, problems: 1 });
  const folders = page.getByRole('region', { name: 'Open folders' });
  await expect(folders).toContainText('case3');
  await expect(folders).toContainText('uploaded');
  expect(await totals(page)).toMatchObject({ instances: 6, series: 3 });

  await page.getByRole('combobox', { name: 'Folder' }).selectOption({ label: 'uploaded' });
  await expect(page.getByText(/\d+ series shown/)).toHaveText('2 series shown');
  await page.getByRole('combobox', { name: 'Folder' }).selectOption({ label: 'All folders' });

  // Removing a folder drops it from the index only; its files stay where they are.
  await page.getByRole('button', { name: 'Remove case3 from the index' }).click();
  await expect(status(page)).toContainText('Folder removed from the index');
  expect(await totals(page)).toMatchObject({ instances: 5, series: 2 });
  const stillThere = await page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('case3');
    return (await (await dir.getFileHandle('IM1.dcm')).getFile()).size;
  });
  expect(stillThere).toBeGreaterThan(0);
});
