// Narrow windows (issue 11 §3, "wide tables are cut off"): at 700 px wide no view makes the
// page itself scroll sideways; a wide table scrolls inside its own region instead.
import { test, expect, type Page } from '@playwright/test';
import { waitForScan } from './app';

test.use({ viewport: { width: 700, height: 900 } });

/** The outermost elements that stick out past the window's right edge, for the message. */
const culprits = (page: Page) =>
  page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const out: string[] = [];
    for (const el of document.body.querySelectorAll('*')) {
      if (el.getBoundingClientRect().right <= w + 0.5) continue;
      if (el.parentElement && el.parentElement.getBoundingClientRect().right > w + 0.5) continue;
      out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`);
    }
    return out.slice(0, 5).join(', ');
  });

/** How far the page itself is wider than the window (0 when it fits). */
const pageOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test('at 700 px no view overflows the page; the archive table scrolls inside itself', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Open demo archive' }).click();
  expect(await waitForScan(page)).toMatch(/^Indexed/);

  const table = page.getByRole('region', { name: 'Archive: subjects, studies and series' });
  await expect(table.locator('tr[data-kind=series]').first()).toBeVisible();
  expect(await pageOverflow(page)).toBe(0);
  // The table is wider than its region, and the region scrolls it sideways.
  const sizes = await table.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  expect(sizes.scroll).toBeGreaterThan(sizes.client);
  const box = (await table.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(700);
  await table.evaluate((el) => el.scrollBy({ left: 200 }));
  expect(await table.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);

  // Every other view of the workspace, as it first shows, fits the window too.
  const tabs = page.getByRole('tablist', { name: 'Views' }).getByRole('tab');
  const names = await tabs.allTextContents();
  const overflowing: string[] = [];
  for (let i = 0; i < names.length; i++) {
    await tabs.nth(i).click();
    await expect(tabs.nth(i)).toHaveAttribute('aria-selected', 'true');
    const over = await pageOverflow(page);
    if (over > 0) overflowing.push(`${names[i]!.trim()}: ${over} px (${await culprits(page)})`);
  }
  expect(overflowing).toEqual([]);
});
