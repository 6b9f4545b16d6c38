import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium by default; PULSE_CHROMIUM points elsewhere (e.g. a Chrome install). */
export const CHROMIUM_PATH = process.env.PULSE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags for a closed network and running as root: without the background-networking ones,
 * Chromium keeps trying to reach Google's hosts and fills the run with refused connections.
 * The e2e tests and benchmarks launch Chromium with these same flags.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Headless Debian Chromium (playwright cannot download its own browser on these machines). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}
