/**
 * The built-in dashboard page counts the polls it has finished in `<body data-updates>`. The e2e
 * test and the bench both wait on that count.
 */
import type { Page } from 'playwright-core';

/** Polls the page has finished so far. */
export const pollsOf = (page: Page) =>
  page.evaluate(() => Number(document.body.dataset.updates ?? 0));

/**
 * Waits for the page to finish `count` more polls, and returns how many it finished meanwhile.
 * `polling` as Playwright's: every animation frame by default, or every so many ms (which, unlike
 * the default, leaves a page that is being measured free of extra frames).
 */
export async function waitForPolls(
  page: Page,
  count: number,
  { timeout = 60_000, polling }: { timeout?: number; polling?: number } = {},
): Promise<number> {
  const before = await pollsOf(page);
  await page.waitForFunction(
    (n) => Number(document.body.dataset.updates ?? 0) >= n,
    before + count,
    { timeout, ...(polling === undefined ? {} : { polling }) },
  );
  return (await pollsOf(page)) - before;
}
