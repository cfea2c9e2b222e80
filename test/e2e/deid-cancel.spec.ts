// De-identification progress and Cancel (issue 11 §3): while the demo archive is
// de-identified the status says files done of the total, held so far, speed and time left;
// Cancel stops the run between files, and every file of the output folder then agrees: the
// documents say interrupted, the counts add up to the inputs, each written file is in the
// manifest with its hash, and the audit trail's entry says it stopped.
import { test, expect, type Page } from '@playwright/test';
import { demoArchiveSummary } from '../../src/core/demo/archive';
import { usePickerFolder, waitForScan } from './app';

const OUT = 'deid-cancel-out';
const deidStatus = (page: Page) => page.getByRole('status', { name: 'De-identification status' });
const live =
  /(\d+) of (\d+) files done, (\d+) held back so far; (measuring speed|[\d.]+ MB\/s, about \d+ (s|min)( \d+ min)? left)/;

/** Every file of the OPFS output folder: path, text, and SHA-256 of its bytes. */
async function readOutput(page: Page) {
  return page.evaluate(async (folder) => {
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder);
    const out: Array<{ path: string; text: string; sha256: string }> = [];
    const hex = (b: ArrayBuffer) =>
      Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');
    const visit = async (dir: FileSystemDirectoryHandle, prefix: string) => {
      for await (const e of dir.values()) {
        if (e.kind === 'directory')
          await visit(e as FileSystemDirectoryHandle, `${prefix}${e.name}/`);
        else {
          const bytes = await (await (e as FileSystemFileHandle).getFile()).arrayBuffer();
          out.push({
            path: prefix + e.name,
            text: e.name.endsWith('.dcm') ? '' : new TextDecoder().decode(bytes),
            sha256: hex(await crypto.subtle.digest('SHA-256', bytes)),
          });
        }
      }
    };
    await visit(root, '');
    return out;
  }, OUT);
}

test('the run shows its counts live, and Cancel leaves an output that says interrupted and adds up', async ({
  page,
}) => {
  const demo = demoArchiveSummary();
  await usePickerFolder(page, OUT);
  await page.goto('/');
  await page.getByRole('button', { name: 'Open demo archive' }).click();
  expect(await waitForScan(page)).toMatch(/^Indexed/);
  await page.getByRole('tab', { name: 'De-identify' }).click();
  await expect(page.getByLabel('Input folder')).toContainText('Demo archive');
  await page.getByRole('button', { name: 'Choose output folder' }).click();
  await expect(page.getByLabel('Output folder')).toHaveText(OUT);
  await page
    .getByLabel(/Folder-to-site rules/)
    .fill('site-101/**=101\nsite-102/**=102\nsite-103/**=103');

  const panel = page.getByRole('region', { name: 'De-identification' });
  await page.getByRole('button', { name: 'Run de-identification' }).click();
  // Live, not only at the end: a line with some but not all files done, then a later one.
  await expect(deidStatus(page)).toHaveText(live, { timeout: 240_000 });
  await expect
    .poll(
      async () => {
        const m = live.exec((await deidStatus(page).textContent()) ?? '');
        return m ? Number(m[1]) : -1;
      },
      { timeout: 240_000 },
    )
    .toBeGreaterThan(0);
  const first = live.exec((await deidStatus(page).textContent()) ?? '');
  expect(first, 'the run ended before Cancel could be pressed').not.toBeNull();
  console.log(`while running: ${first![0]}`);
  expect(Number(first![2])).toBe(demo.files);
  expect(Number(first![1])).toBeLessThan(demo.files);

  await panel.getByRole('button', { name: 'Cancel' }).click();
  await expect(deidStatus(page)).toContainText(/^\s*Cancelled after/, { timeout: 240_000 });
  const said = (await deidStatus(page).textContent()) ?? '';
  console.log(`after Cancel: ${said.trim()}`);
  const m =
    /Cancelled after (\d+) of (\d+) files: (\d+) written, (\d+) held back, (\d+) skipped.*; (\d+) not processed/.exec(
      said,
    );
  expect(m, said).not.toBeNull();
  const [done, inputs, written, held, skipped, notReached] = m!.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  expect(inputs).toBe(demo.files);
  expect(notReached).toBeGreaterThan(0);
  expect(done + notReached).toBe(inputs);
  expect(written + held + skipped).toBeLessThanOrEqual(done);
  await expect(panel.getByRole('button', { name: 'Cancel' })).toHaveCount(0);

  // Every file of the output folder.
  const files = await readOutput(page);
  const byPath = new Map(files.map((f) => [f.path, f]));
  const manifest = JSON.parse(byPath.get('manifest.json')!.text) as {
    complete?: boolean;
    stopped?: { code: string; inputs: number; notReached: number };
    files: Array<{ path: string; sha256: string }>;
  };
  const record = JSON.parse(byPath.get('DEIDENTIFICATION.json')!.text) as {
    stopped?: { code: string };
    counts: {
      written: number;
      held: Record<string, number>;
      skipped: number;
      duplicate: number;
      notReached: number;
      inputs: number;
    };
  };
  const md = byPath.get('DEIDENTIFICATION.md')!.text;
  expect(manifest.complete).toBe(false);
  expect(manifest.stopped).toMatchObject({ code: 'interrupted', inputs, notReached });
  expect(record.stopped?.code).toBe('interrupted');
  const c = record.counts;
  const heldAll = Object.values(c.held).reduce((a, b) => a + b, 0);
  expect(c.written + heldAll + c.skipped + c.duplicate + c.notReached).toBe(c.inputs);
  expect(c).toMatchObject({ inputs, notReached, written, skipped });
  expect(heldAll).toBe(held);
  expect(md).toMatch(/STOPPED before the end: interrupted: cancelled before the end/);
  expect(md).toContain(`${notReached} of ${inputs} input(s) not processed`);
  expect(md).toContain(`- Not reached: ${notReached}`);
  // What was written stays valid: each image is in the manifest, with its hash; no temporaries.
  const images = files.filter((f) => f.path.endsWith('.dcm'));
  expect(images.map((f) => f.path).sort()).toEqual(manifest.files.map((f) => f.path).sort());
  expect(images.length).toBe(written);
  for (const f of manifest.files) expect(byPath.get(f.path)?.sha256).toBe(f.sha256);
  expect(files.filter((f) => /\.tmp/.test(f.path))).toEqual([]);

  // The signed audit entry says the run stopped, and how many inputs it left.
  await page.getByRole('tab', { name: 'Audit trail' }).click();
  await page.getByLabel('Type').selectOption('deid.run');
  await expect(page.getByRole('region', { name: 'Audit entries' })).toContainText(
    `stopped before the end (interrupted), ${notReached} not reached`,
  );
});
