import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

/** Debian's Chromium by default; PULSE_CHROMIUM points elsewhere (e.g. a Chrome install). */
export const CHROMIUM_PATH = process.env.PULSE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags for a closed network and running as root: without the background-networking ones,
 * Chromium keeps trying to reach Google's hosts and fills the run with refused connections.
 * The e2e tests, benchmarks and traffic generator all launch Chromium through launchChromium.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/**
 * Headless Debian Chromium (playwright cannot download its own browser on these machines).
 * `options` adds to the defaults: its `args` come after the project's flags.
 */
export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    ...options,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}
