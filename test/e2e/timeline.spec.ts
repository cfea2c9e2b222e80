// The whole subject timeline, measured (issue 11 §2): a randomly chosen demo subject (the
// seed is printed; TIMELINE_SEED repeats a run), the actions a team takes on it in the app
// (index the demo archive, a de-identification review decision on one of its series, a QC
// review, a de-identification run), then its timeline: every action the test took is a line,
// in time order, each with who, role, when (UTC and local), what and the entry's hash;
// acquisitions come from the DICOM dates; the time between steps is said in words. The audit
// trail's subject filter finds the same entries, and the timeline prints as one document.
import { test, expect, type Page } from '@playwright/test';
import { demoPlan } from '../../src/core/demo/archive';
import { DEMO_PROTOCOL } from '../../src/core/demo/protocol';
import { usePickerFolder, waitForScan } from './app';

const seed = Number(process.env.TIMELINE_SEED ?? Date.now() % 1_000_000);

/** mulberry32: a small seeded generator, so a failing pick can be repeated. */
function random(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Action {
  type: string;
  /** Words the line's "What" must contain. */
  what: RegExp;
  step: string;
  before: number;
  after: number;
}

/** Runs an action and notes when, so the entry's time can be checked against it. */
async function act(
  actions: Action[],
  a: Omit<Action, 'before' | 'after'>,
  run: () => Promise<void>,
): Promise<void> {
  const before = Date.now();
  await run();
  actions.push({ ...a, before, after: Date.now() });
}

interface Line {
  utc: string;
  local: string;
  after: string;
  who: string;
  role: string;
  what: string;
  hash: string;
}

async function timelineLines(page: Page, ref: string): Promise<Line[]> {
  const table = page.getByRole('region', { name: `Timeline of ${ref}` }).locator('table');
  return table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((r) => {
      const cells = [...r.querySelectorAll('td')];
      const text = (i: number) => (cells[i]?.textContent ?? '').trim();
      return {
        utc: cells[0]?.querySelector('time')?.getAttribute('datetime') ?? '',
        local: text(1),
        after: text(2),
        who: text(3),
        role: text(4),
        what: text(5),
        hash: text(6),
      };
    }),
  );
}

test('a random demo subject: every action on it is a timeline line, in order, and the audit filter finds them', async ({
  page,
}) => {
  const plan = demoPlan();
  const pick = random(seed);
  const subject = plan.subjects[Math.floor(pick() * plan.subjects.length)]!;
  const mrn = subject.identity.mrn;
  console.log(`timeline: seed ${seed} (TIMELINE_SEED=${seed} repeats it), subject ${subject.id}`);
  const actions: Action[] = [];
  await usePickerFolder(page, 'timeline-out');
  await page.goto('/');

  // A protocol, so QC at intake runs (its automatic pass is recorded too).
  await page.getByRole('tab', { name: 'Protocols' }).click();
  await page.getByLabel('Protocol JSON').fill(JSON.stringify(DEMO_PROTOCOL));
  await page.getByRole('button', { name: 'Publish this version' }).click();
  await expect(page.getByRole('status', { name: 'Protocol status' })).toHaveText(/^Published/);

  // 1. Index the demo archive.
  await page.getByRole('tab', { name: 'Archive', exact: true }).click();
  await act(
    actions,
    { type: 'folder.open', what: /opened folder Demo archive/, step: 'indexed' },
    async () => {
      await page.getByRole('button', { name: 'Open demo archive' }).click();
      expect(await waitForScan(page)).toMatch(/^Indexed/);
    },
  );

  // 2. A de-identification review decision on one of the subject's brain series.
  await page.getByRole('tab', { name: 'De-identify' }).click();
  const summary = page.getByRole('status', { name: 'Review summary' });
  await expect(summary).toHaveText(/^0 of \d+ series decided$/);
  const queue = page.getByRole('region', { name: 'Review queue' });
  const theirs = queue.getByRole('listitem', { name: new RegExp(`^Review ${mrn} · .* · MR · `) });
  const brain = theirs.nth(Math.floor(pick() * (await theirs.count())));
  await brain.getByLabel(/Facial justification/).fill('Phantom data; the charter allows it');
  await act(
    actions,
    {
      type: 'deid.review',
      what: /reviewed a series for facial risk: waive/,
      step: 'reviewed for de-identification',
    },
    async () => {
      await brain.getByRole('button', { name: 'Waive', exact: true }).click();
      await expect(summary).toHaveText(/^1 of \d+ series decided$/);
    },
  );

  // 3. A QC review of one of the subject's series.
  await page.getByRole('tab', { name: /^QC/ }).click();
  await expect(page.getByRole('status', { name: 'QC status' })).toHaveText(/^QC of \d+ series/);
  const row = page.locator('table[aria-label="QC results"] tbody tr', { hasText: mrn }).first();
  await row.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('radio', { name: 'Pass' }).check();
  await page.getByRole('textbox', { name: 'Reason' }).fill('Checked by eye: complete coverage.');
  await act(
    actions,
    { type: 'qc.review', what: /signed a QC review: pass/, step: 'QC reviewed' },
    async () => {
      await page.getByRole('button', { name: 'Sign review' }).click();
      await expect(page.getByRole('status', { name: 'Review status' })).toHaveText(/^Signed pass/);
    },
  );

  // 4. A de-identification run over the archive.
  await page.getByRole('tab', { name: 'De-identify' }).click();
  await page.getByRole('button', { name: 'Choose output folder' }).click();
  await expect(page.getByLabel('Output folder')).toHaveText('timeline-out');
  await page.getByLabel(/Folder-to-site rules/).fill('**=101');
  await act(
    actions,
    { type: 'deid.run', what: /de-identified files: \d+ written/, step: 'de-identified' },
    async () => {
      await page.getByRole('button', { name: 'Run de-identification' }).click();
      await expect(page.getByRole('status', { name: 'De-identification status' })).toContainText(
        /^\s*De-identified \d+ files/,
      );
    },
  );

  // The timeline: the subject by its keyed reference, resolved on this device.
  await page.getByRole('tab', { name: 'Subject timeline' }).click();
  const chooser = page.getByRole('combobox', { name: 'Subject' });
  const option = chooser.locator('option', { hasText: `(${mrn} on this device)` });
  await expect(option).toHaveCount(1);
  const ref = (await option.getAttribute('value')) ?? '';
  expect(ref).toMatch(/^TB-[0-9A-Z]{6}$/);
  expect(ref).not.toContain(mrn);
  await chooser.selectOption(ref);
  await expect(page.getByRole('status', { name: 'Timeline summary' })).toContainText(`for ${ref}`);
  const lines = await timelineLines(page, ref);
  console.log(`timeline of ${subject.id}: ${lines.length} lines`);

  // Acquisitions from the DICOM dates: one line per series of the subject, on its visit's date.
  const series = subject.visits.flatMap((v) =>
    v.studies.flatMap((s) =>
      s.series.map(() => `${v.date.slice(0, 4)}-${v.date.slice(4, 6)}-${v.date.slice(6)}`),
    ),
  );
  const acquired = lines.filter((l) => !l.hash);
  expect(acquired.map((l) => l.utc).sort()).toEqual(series.sort());
  for (const l of acquired) expect(l.what).toMatch(/^acquired (CT|MR|PT) series \d+/);

  // Every action the test took is a line, in the order taken, with who, role, when and hash.
  // Who: the person as the study bar names them.
  const me = ((await page.locator('.me strong').textContent()) ?? '').trim();
  expect(me.length).toBeGreaterThan(0);
  const entries = lines.filter((l) => l.hash);
  const found: Line[] = [];
  for (const a of actions) {
    const l = entries.find(
      (e) =>
        a.what.test(e.what) &&
        Date.parse(e.utc) >= a.before - 2_000 &&
        Date.parse(e.utc) <= a.after + 2_000 &&
        !found.includes(e),
    );
    expect(l, `${a.type} is on the timeline`).toBeDefined();
    found.push(l!);
    expect(l!.who).toBe(me);
    expect(l!.role).toBe('admin');
    expect(l!.hash).toMatch(/^[0-9a-f]{64}$/);
    // Local time is the same moment in the reader's zone.
    const local = await page.evaluate(
      (utc) =>
        new Date(utc).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }),
      l!.utc,
    );
    expect(l!.local).toBe(local);
  }
  const order = found.map((l) => lines.indexOf(l));
  expect(order).toEqual([...order].sort((a, b) => a - b));
  // The whole timeline is in time order, and each line after the first says how long after.
  const times = lines.map((l) => l.utc);
  expect(times).toEqual([...times].sort());
  for (const l of lines.slice(1))
    expect(l.after).toMatch(/^(under a minute|\d+ (d|h|min)( \d+ (h|min))?)$/);

  // The time between steps, in words: from acquisition to de-identification among them.
  const gaps = page.getByRole('list', { name: 'Time between steps' });
  await expect(gaps).toContainText(/acquired -> indexed: \d+ d/);
  await expect(gaps).toContainText(/acquired -> de-identified: \d+ d( \d+ h)?/);
  for (const a of actions) await expect(gaps).toContainText(a.step);

  // The audit trail's subject filter finds every entry of the timeline, and only those.
  await page.getByRole('tab', { name: 'Audit trail' }).click();
  await page.getByRole('form', { name: 'Audit filters' }).getByLabel('Subject').selectOption(ref);
  await expect(
    page.getByText(`${entries.length} ${entries.length === 1 ? 'entry' : 'entries'} shown`),
  ).toBeVisible();
  const audit = page.getByRole('region', { name: 'Audit entries' });
  // The audit shows the reason in its own column; the timeline adds it to the sentence.
  for (const e of entries)
    await expect(audit).toContainText(e.what.replace(/ \(reason: .*\)$/, ''));
  expect((await audit.textContent()) ?? '').not.toContain(mrn);

  // Printed: one document, the timeline alone with the verification summary it cites.
  await page.getByRole('tab', { name: 'Subject timeline' }).click();
  await page.getByRole('combobox', { name: 'Subject' }).selectOption(ref);
  await expect(page.getByRole('status', { name: 'Timeline summary' })).toContainText(`for ${ref}`);
  await page.emulateMedia({ media: 'print' });
  const printed = await page.evaluate(() => {
    // What prints: text whose every element up to the root is displayed and visible.
    const shown = (el: Element | null): boolean => {
      for (let e = el; e; e = e.parentElement) {
        const css = getComputedStyle(e);
        if (css.display === 'none') return false;
      }
      return !!el && getComputedStyle(el).visibility === 'visible';
    };
    const text: string[] = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode())
      if (n.textContent?.trim() && shown(n.parentElement)) text.push(n.textContent.trim());
    return {
      tabsHidden: [...document.querySelectorAll('[role=tab]')].every((t) => !shown(t)),
      text: text.join(' '),
    };
  });
  expect(printed.tabsHidden).toBe(true);
  expect(printed.text).toContain(`Subject timeline: ${ref}`);
  expect(printed.text).toMatch(
    new RegExp(`${entries.length} ledger entr(y|ies) cited, each accepted`),
  );
  for (const e of entries) expect(printed.text).toContain(e.hash);
  expect(printed.text).not.toContain('Print timeline');
  expect(printed.text).not.toContain('choose a subject');
  expect(printed.text).not.toContain('Open demo archive');
  const pdf = await page.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  await page.emulateMedia({ media: 'screen' });
});
