interface MemoryPerformance extends Performance {
  memory?: { usedJSHeapSize: number };
  measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }>;
}

/** Last result of measureUserAgentSpecificMemory(), once one has resolved. */
let measured: number | undefined;

/**
 * Starts an accurate heap measurement where the browser allows one: measureUserAgentSpecificMemory()
 * needs a cross-origin isolated page and resolves late (after a garbage collection), so it is
 * started at each page-view start and its last result kept for the page event.
 */
export const measureMemory = (): void => {
  if (globalThis.crossOriginIsolated)
    (performance as MemoryPerformance).measureUserAgentSpecificMemory?.().then(
      (result) => (measured = result.bytes),
      () => {},
    );
};

/**
 * JS heap size in bytes: the accurate measurement if one resolved, else `performance.memory`
 * (Chromium). Elsewhere undefined, and the page event leaves the field out.
 */
export const heapSize = (): number | undefined =>
  measured ?? (performance as MemoryPerformance).memory?.usedJSHeapSize;
