'use client';

import { useCallback } from 'react';
import { usePulse } from './usePulse.js';

/** `time(name, ms)` of the current client, the same function on every render. */
export function useTiming(): (name: string, ms: number) => void {
  const client = usePulse();
  return useCallback((name: string, ms: number) => client.time(name, ms), [client]);
}
