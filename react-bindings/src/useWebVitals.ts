import { useMemo, useSyncExternalStore } from 'react';
import type { VitalName } from '@pulse/sdk';
import { pageScore } from '@pulse/sdk/score';
import { usePulse } from './usePulse.js';
import { EMPTY_VITALS, vitalsStoreOf, type VitalReading } from './vitalsStore.js';

/** Live Core Web Vitals of this page and the page experience score they give. */
export type WebVitals = Partial<Record<VitalName, VitalReading>> & {
  /**
   * Total blocking time so far, in ms, from the long tasks the SDK reports (rounded to whole ms,
   * so it can differ from the page event's TBT by up to 0.5 ms per task).
   */
  TBT: number;
  /**
   * Page experience score 0..100 from `pageScore` of `@pulse/sdk/score`, the same number the
   * collector computes; undefined until a first vital is reported.
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
    const hasVitals = Object.keys(values).length > 0;
    if (hasVitals) values.TBT = tbt;
    return { ...vitals, TBT: tbt, score: hasVitals ? pageScore(values) : undefined };
  }, [vitals, tbt]);
}
