import { randomId } from './randomId.js';

/**
 * The tab session: a random id followed by the sampling decision (`1` recorded, `0` not), kept
 * in sessionStorage so every page of the tab agrees (no cookies, nothing shared across tabs).
 * The decision is made once, on the first page, so a session is recorded whole or not at all.
 * Where storage throws (privacy modes, sandboxed iframes) each page decides alone.
 */
export const tabSession = (sampleRate = 1): [id: string, sampled: boolean] => {
  // Written so that a rate that is not a number (a typo in data-sample-rate) records everything.
  let stored = randomId() + +!(Math.random() >= sampleRate);
  try {
    stored = sessionStorage['pulse.s'] ||= stored;
  } catch {
    // Storage blocked: this page's own decision stands.
  }
  return [stored.slice(0, -1), stored.endsWith('1')];
};
