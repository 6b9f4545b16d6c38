import {
  canObserve,
  type MetricUpdate,
  type PulseClient,
  type Rating,
  type VitalName,
} from '@pulse/sdk';

/** One live Core Web Vital reading. */
export interface VitalReading {
  /** Milliseconds for LCP, INP, FCP and TTFB; unitless for CLS. */
  value: number;
  /** The web-vitals rating of `value`. */
  rating: Rating;
}

/** What the page has reported so far. Replaced, never mutated, so React can compare it. */
export interface VitalsSnapshot {
  vitals: Readonly<Partial<Record<VitalName, VitalReading>>>;
  /**
   * Total blocking time so far, ms: sum over long tasks of (duration − 50 ms). Undefined where
   * the browser has no Long Tasks API (Firefox, WebKit): unknown, not zero.
   */
  tbt: number | undefined;
}

export interface VitalsStore {
  subscribe(listener: () => void): () => void;
  getSnapshot(): VitalsSnapshot;
}

/** Nothing reported yet; also the snapshot on the server. */
export const EMPTY_VITALS: VitalsSnapshot = Object.freeze({ vitals: Object.freeze({}), tbt: 0 });

/** Blocking part of a task: the time beyond 50 ms during which input would have waited. */
const BLOCKING_THRESHOLD_MS = 50;

const stores = new WeakMap<PulseClient, VitalsStore>();

/**
 * The live vitals of `client`, shared by every hook and the provider. It listens to the client
 * only while someone subscribes, and keeps its last snapshot in between so a component mounted
 * later (a new route) still shows the values reported before it existed.
 */
export function vitalsStoreOf(client: PulseClient): VitalsStore {
  let store = stores.get(client);
  if (!store) {
    store = createVitalsStore(client);
    stores.set(client, store);
  }
  return store;
}

function createVitalsStore(client: PulseClient): VitalsStore {
  let snapshot: VitalsSnapshot = canObserve('longtask')
    ? EMPTY_VITALS
    : { ...EMPTY_VITALS, tbt: undefined };
  const listeners = new Set<() => void>();
  let unsubscribe: (() => void) | undefined;

  const onUpdate = (update: MetricUpdate): void => {
    if (update.k === 'vital') {
      const known = snapshot.vitals[update.name];
      if (known?.value === update.value && known.rating === update.rating) return;
      const reading = { value: update.value, rating: update.rating };
      snapshot = { ...snapshot, vitals: { ...snapshot.vitals, [update.name]: reading } };
    } else if (update.k === 'long' && update.kind === 'longtask') {
      // Long animation frames overlap the long tasks they contain; TBT counts tasks only.
      if (update.d <= BLOCKING_THRESHOLD_MS) return;
      snapshot = { ...snapshot, tbt: (snapshot.tbt ?? 0) + update.d - BLOCKING_THRESHOLD_MS };
    } else {
      return;
    }
    for (const listener of listeners) listener();
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      unsubscribe ??= client.onMetric(onUpdate);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && unsubscribe) {
          unsubscribe();
          unsubscribe = undefined;
        }
      };
    },
    getSnapshot: () => snapshot,
  };
}
