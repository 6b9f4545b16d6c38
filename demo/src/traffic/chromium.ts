import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium by default; PULSE_CHROMIUM points elsewhere (e.g. a Chrome install). */
export const CHROMIUM_PATH = process.env.PULSE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * The flags the project's e2e tests use too: a closed network, running as root, and no
 * background traffic to Google's hosts.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Headless Chromium for the traffic generator. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}
