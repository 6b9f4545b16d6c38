import { createContext } from 'react';
import type { PulseClient } from '@pulse/sdk';

/** The client of the nearest `<PulseProvider>`; null outside any provider. */
export const PulseContext = createContext<PulseClient | null>(null);
PulseContext.displayName = 'PulseContext';
