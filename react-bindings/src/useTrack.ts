'use client';

import { useCallback } from 'react';
import { usePulse } from './usePulse.js';

/** `track(name, value?)` of the current client, the same function on every render. */
export function useTrack(): (name: string, value?: number) => void {
  const client = usePulse();
  return useCallback((name: string, value?: number) => client.track(name, value), [client]);
}
