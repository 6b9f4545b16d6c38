import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';

/**
 * `launchChromium()` with the back/forward cache on. Playwright passes
 * `--disable-back-forward-cache` by default (so that `goBack()` always reloads and can be
 * intercepted); headless Chromium otherwise restores pages from the cache like a desktop one.
 */
export function launchChromiumWithBfcache(): Promise<Browser> {
  return launchChromium({ ignoreDefaultArgs: ['--disable-back-forward-cache'] });
}
