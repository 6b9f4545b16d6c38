import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: playwright cannot download its own browser on these machines. */
export const CHROMIUM_PATH = process.env.PULSE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags for a closed network and running as root: without the background-networking ones,
 * Chromium keeps trying to reach Google's hosts and fills the run with refused connections.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Launches real headless Chromium for e2e tests. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}
