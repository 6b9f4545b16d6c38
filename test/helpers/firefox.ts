/**
 * How Pulse drives Firefox: Debian's firefox-esr, headless, over WebDriver BiDi with
 * puppeteer-core. Playwright drives only its own patched Firefox builds (its Juggler protocol),
 * which it cannot download here; puppeteer speaks the W3C protocol stock Firefox ships.
 *
 * puppeteer-core is pinned at 24.43.1, the last release that runs on Node 20: 25.0 and later
 * declare `engines: { node: ">=22.12.0" }`, while 24.43.1 declares `>=18` (as do its
 * @puppeteer/browsers 2.13.2 and chromium-bidi 14). Bump it with the project's Node.
 */
import puppeteer, { type Browser, type LaunchOptions } from 'puppeteer-core';

/** Debian's Firefox ESR by default; PULSE_FIREFOX points elsewhere (e.g. a Firefox release). */
export const FIREFOX_PATH = process.env.PULSE_FIREFOX ?? '/usr/bin/firefox-esr';

/**
 * Headless Firefox with puppeteer's test profile (no updates, telemetry or first-run pages, no
 * slow-script dialog). `options` adds to it.
 */
export function launchFirefox(options: LaunchOptions = {}): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    ...options,
  });
}
