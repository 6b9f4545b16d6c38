import { randomId } from './randomId.js';

const KEY = 'pulse.s';

/**
 * The tab session: a random id and the sampling decision, both kept in sessionStorage so every
 * page of the tab agrees (no cookies, nothing shared across tabs). The decision is made once, on
 * the first page, so a session is either recorded whole or not at all. Where storage throws
 * (privacy modes, sandboxed iframes) each page decides alone.
 */
export const tabSession = (sampleRate: number): { id: string; sampled: boolean } => {
  let stored: string | null = null;
  try {
    stored = sessionStorage.getItem(KEY);
  } catch {
    // Storage blocked: fall through to a fresh decision.
  }
  if (!stored) {
    stored = randomId() + (Math.random() < sampleRate ? '1' : '0');
    try {
      sessionStorage.setItem(KEY, stored);
    } catch {
      // Not persisted: the next page decides again.
    }
  }
  return { id: stored.slice(0, -1), sampled: stored.endsWith('1') };
};
