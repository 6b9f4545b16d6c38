'use client';

import { useContext } from 'react';
import type { PulseClient } from '@pulse/sdk';
import { PulseContext } from './PulseContext.js';
import { inertClient } from './inertClient.js';
import { isBrowser } from './isBrowser.js';

/**
 * The client to use given the nearest provider's: outside a provider, the script tag's
 * `window.Pulse`, and otherwise (and on the server) a client that records nothing.
 */
export function clientOrFallback(provided: PulseClient | null): PulseClient {
  if (provided) return provided;
  if (isBrowser()) {
    const scriptTagClient = (window as { Pulse?: PulseClient }).Pulse;
    if (scriptTagClient) return scriptTagClient;
  }
  return inertClient;
}

/**
 * The Pulse client of the nearest `<PulseProvider>`. Outside a provider it falls back to the
 * script tag's `window.Pulse`, and otherwise (and on the server) to a client that records nothing,
 * so components using Pulse render anywhere.
 */
export function usePulse(): PulseClient {
  return clientOrFallback(useContext(PulseContext));
}
