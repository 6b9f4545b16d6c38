interface MemoryPerformance {
  memory?: { usedJSHeapSize: number };
  measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }>;
}

/**
 * JS heap size of the page. `measureUserAgentSpecificMemory()` (cross-origin isolated pages
 * only) is the accurate one but resolves late, after a garbage collection, so it is started at
 * each page-view start and its last result kept; `performance.memory` (Chromium) is the
 * synchronous fallback. Elsewhere `read()` returns undefined and the field is left out.
 */
export const createMemory = () => {
  const perf = performance as Performance & MemoryPerformance;
  let measured: number | undefined;
  return {
    /** Starts an accurate measurement where the browser allows one. */
    measure: () => {
      if (globalThis.crossOriginIsolated && perf.measureUserAgentSpecificMemory)
        perf.measureUserAgentSpecificMemory().then(
          (result) => (measured = result.bytes),
          () => {},
        );
    },
    /** The best heap size known now, in bytes. */
    read: (): number | undefined => measured ?? perf.memory?.usedJSHeapSize,
  };
};
