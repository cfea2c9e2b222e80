// Page model for the archive: how a person (or a screen reader) meets the app.
import { expect, type Page } from '@playwright/test';

export interface FileSpec {
  path: string;
  bytes: Uint8Array;
}

/** Replaces the folder picker with an OPFS folder, as the real picker cannot run headless. */
export async function usePickerFolder(page: Page, folder: string): Promise<void> {
  await page.addInitScript((name) => {
    (
      window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }
    ).showDirectoryPicker = async () =>
      (await navigator.storage.getDirectory()).getDirectoryHandle(name, { create: true });
  }, folder);
}

/** Writes files into an OPFS folder from the test (real File System Access writes). */
export async function writeOpfs(page: Page, folder: string, files: FileSpec[]): Promise<void> {
  const payload = files.map((f) => ({
    path: f.path,
    b64: Buffer.from(f.bytes).toString('base64'),
  }));
  await page.evaluate(
    async ({ folder, payload }) => {
      const root = await (
        await navigator.storage.getDirectory()
      ).getDirectoryHandle(folder, {
        create: true,
      });
      for (const { path, b64 } of payload) {
        const parts = path.split('/');
        let dir = root;
        for (const part of parts.slice(0, -1))
          dir = await dir.getDirectoryHandle(part, { create: true });
        const handle = await dir.getFileHandle(parts.at(-1)!, { create: true });
        const w = await handle.createWritable();
        await w.write(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
        await w.close();
      }
    },
    { folder, payload },
  );
}

export async function removeOpfs(page: Page, folder: string, path: string): Promise<void> {
  await page.evaluate(
    async ({ folder, path }) => {
      let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder);
      const parts = path.split('/');
      for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
      await dir.removeEntry(parts.at(-1)!);
    },
    { folder, path },
  );
}

export function status(page: Page) {
  return page.getByRole('status');
}

/** Waits for a scan to finish and returns the status sentence. */
export async function waitForScan(
  page: Page,
  outcome: RegExp = /^(Indexed|Cancelled|Failed|Could not)/,
): Promise<string> {
  await expect(status(page)).toContainText(outcome, {
    timeout: 240_000,
  });
  return (await status(page).textContent()) ?? '';
}

export function parseOutcome(sentence: string) {
  const m =
    /(\d+) of (\d+) files read; (\d+) indexed, (\d+) problems, (\d+) unchanged, (\d+) missing/.exec(
      sentence,
    );
  if (!m) throw new Error(`not a scan outcome: ${sentence}`);
  const n = m.slice(1).map(Number);
  return {
    read: n[0]!,
    total: n[1]!,
    indexed: n[2]!,
    problems: n[3]!,
    unchanged: n[4]!,
    missing: n[5]!,
  };
}

export async function totals(page: Page) {
  const text = ((await page.getByLabel('Index totals').textContent()) ?? '').replace(/\s+/g, ' ');
  const m =
    /(\d+) instances · (\d+) series · (\d+) files: \d+ indexed, (\d+) problems, (\d+) DICOMDIR, (\d+) missing/.exec(
      text,
    );
  if (!m) throw new Error(`no totals in: ${text}`);
  const n = m.slice(1).map(Number);
  const t = { instances: n[0]!, series: n[1]!, files: n[2]!, problems: n[3]! };
  // Every file is accounted for exactly once.
  expect(t.instances + t.problems + n[4]! + n[5]!).toBe(t.files);
  return t;
}
