// Deflated files in the real browser (DEID-94): Chromium's DecompressionStream refuses bytes
// after the end of a deflate stream, which zlib (and so the CLI) ignores. The app indexes and
// de-identifies such a file as the CLI does, and still refuses a stream cut short.
import { test, expect } from '@playwright/test';
import * as V from '../fixtures/vendor';
import { parseOutcome, waitForScan, writeOpfs } from './app';

test('a deflated file with bytes after its stream is indexed and de-identified', async ({
  page,
}) => {
  // The picker hands out the input folder first, then the output folder.
  await page.addInitScript(() => {
    let calls = 0;
    (
      window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }
    ).showDirectoryPicker = async () =>
      (await navigator.storage.getDirectory()).getDirectoryHandle(
        calls++ === 0 ? 'deflate-in' : 'deflate-out',
        { create: true },
      );
  });
  await page.goto('/');
  await writeOpfs(page, 'deflate-in', [
    { path: 'trailing.dcm', bytes: V.deflatedWithTrailingBytes() },
    { path: 'cut.dcm', bytes: V.deflatedTruncated() },
  ]);
  await page.getByRole('button', { name: 'Open folder' }).click();
  const outcome = parseOutcome(await waitForScan(page));
  expect(outcome).toMatchObject({ total: 2, indexed: 1, problems: 1 });
  await page.getByRole('tab', { name: /Problems/ }).click();
  const problems = page.getByRole('region', { name: 'Files not indexed' });
  await expect(problems.locator('tbody tr')).toHaveCount(1);
  const row = problems.locator('tbody tr', { hasText: 'cut.dcm' });
  await expect(row.locator('td').nth(4)).toHaveText('deflate-corrupt');

  // The viewer draws it (rewritten as explicit VR little endian for Cornerstone's loader).
  await page.getByRole('tab', { name: 'Archive' }).click();
  const tree = page.getByRole('region', { name: /Archive/ });
  await tree.locator('tr[data-kind=series] button').first().click();
  await page.getByRole('button', { name: 'Open in viewer' }).click();
  await expect(page.getByTestId('pane-0-state')).toContainText('rendered', { timeout: 240_000 });

  await page.getByRole('tab', { name: 'De-identify' }).click();
  // The preview reads a deflated file as the run does.
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = page.getByRole('table', { name: 'Attributes before and after' });
  await expect(preview.locator('tr', { hasText: 'PatientName' }).first()).toBeVisible();
  await page.getByRole('button', { name: 'Choose output folder' }).click();
  await expect(page.getByLabel('Output folder')).toHaveText('deflate-out');
  await page.getByLabel(/Folder-to-site rules/).fill('**=101');
  await page.getByRole('button', { name: 'Run de-identification' }).click();
  const status = page.getByRole('status', { name: 'De-identification status' });
  await expect(status).toContainText(/^\s*(De-identified|De-identification failed)/, {
    timeout: 240_000,
  });
  // The fixture is a head CT: it waits for a facial-risk answer.
  await expect(status).toContainText(/De-identified 2 files: 0 written, 1 held back, 1 skipped/);
  const item = page
    .getByRole('region', { name: 'Review queue' })
    .locator('li.series[data-decided=false]')
    .filter({ hasText: 'Facial risk' });
  await expect(item).toHaveCount(1);
  // Its picture is drawn from the inflated pixels, so a reviewer sees what is decided.
  await expect(item.locator('canvas')).toHaveCount(1);
  await expect(item).not.toContainText('No thumbnail');
  await item.getByLabel(/^Facial justification for /).fill('Phantom ramp; no face in the pixels');
  await item.getByRole('button', { name: 'Waive', exact: true }).click();
  await page.getByRole('button', { name: 'Run again with the decisions' }).click();
  await expect(status).toContainText(/De-identified 2 files: 1 written, 0 held back, 1 skipped/);

  // The output is a plain explicit VR little endian file holding the source's pixels.
  const outputs = await page.evaluate(async () => {
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('deflate-out');
    const found: number[][] = [];
    const visit = async (dir: FileSystemDirectoryHandle) => {
      for await (const e of dir.values()) {
        if (e.kind === 'directory') await visit(e as FileSystemDirectoryHandle);
        else if (e.name.endsWith('.dcm'))
          found.push([
            ...new Uint8Array(await (await (e as FileSystemFileHandle).getFile()).arrayBuffer()),
          ]);
      }
    };
    await visit(root);
    return found;
  });
  expect(outputs).toHaveLength(1);
  const pixels = Buffer.from(V.pixels());
  for (const o of outputs) {
    const bytes = Buffer.from(o);
    expect(bytes.includes(Buffer.from(V.EXPLICIT_LE))).toBe(true);
    expect(bytes.includes(pixels)).toBe(true);
  }
});
