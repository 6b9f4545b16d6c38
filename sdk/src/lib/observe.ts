import { safe } from './safe.js';

/** Whether the browser can observe this performance entry type (false without PerformanceObserver). */
export const supports = (type: string): boolean => {
  try {
    return PerformanceObserver.supportedEntryTypes.includes(type);
  } catch {
    return false;
  }
};

/**
 * Observes the given performance entry types with one observer, buffered so entries from before
 * the SDK loaded count too. Types the browser lacks are skipped (observing them would print a
 * console warning into the host page), and so is everything where PerformanceObserver itself is
 * missing. `durationThreshold` concerns `event` entries only (the browser's default is 104 ms).
 * Returns the disconnect function.
 */
export const observe = (
  types: string[],
  handler: (entry: PerformanceEntry) => void,
  durationThreshold?: number,
): (() => void) => {
  try {
    const observer = new PerformanceObserver(safe((list) => list.getEntries().forEach(handler)));
    for (const type of types)
      if (supports(type)) observer.observe({ type, buffered: true, durationThreshold });
    return () => observer.disconnect();
  } catch {
    return () => {};
  }
};
