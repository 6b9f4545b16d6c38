import { useEffect, useLayoutEffect } from 'react';
import { isBrowser } from './isBrowser.js';

/**
 * useLayoutEffect in the browser (runs child-first, before any passive effect), useEffect on the
 * server, where neither runs but React 18 warns about the layout one.
 */
export const useIsomorphicLayoutEffect = isBrowser() ? useLayoutEffect : useEffect;
