'use client';

import { useMemo, useSyncExternalStore } from 'react';
import type { VitalName } from '@pulse/sdk';
import { pageViewScore } from '@pulse/sdk/score';
import { usePulse } from './usePulse.js';
import { EMPTY_VITALS, vitalsStoreOf, type VitalReading } from './vitalsStore.js';

/** Live Core Web Vitals of this page and the page experience score they give. */
export type WebVitals = Partial<Record<VitalName, VitalReading>> & {
  /**
   * Total blocking time so far, in ms, from the long tasks the SDK reports (rounded to whole ms,
   * so it can differ from the page event's TBT by up to 0.5 ms per task). Undefined where the
   * browser has no Long Tasks API: unknown, not zero.
   */
  TBT: number | undefined;
  /**
   * Page experience score 0..100 from `pageViewScore` of `@pulse/sdk/score`, the same number the
   * collector computes; undefined until LCP, INP or CLS is reported.
   */
  score: number | undefined;
};

const serverSnapshot = () => EMPTY_VITALS;

/**
 * Live LCP, INP, CLS, FCP and TTFB with their ratings, re-rendering as the SDK reports them.
 * Values are the latest the browser reported (LCP and CLS grow until the first interaction or
 * page hide), so they are final only once the page is hidden.
 */
export function useWebVitals(): WebVitals {
  const store = vitalsStoreOf(usePulse());
  const { vitals, tbt } = useSyncExternalStore(store.subscribe, store.getSnapshot, serverSnapshot);
  return useMemo(() => {
    const values: Partial<Record<VitalName | 'TBT', number>> = {};
    for (const [name, reading] of Object.entries(vitals)) values[name as VitalName] = reading.value;
    if (tbt !== undefined) values.TBT = tbt;
    return { ...vitals, TBT: tbt, score: pageViewScore(values) };
  }, [vitals, tbt]);
}
