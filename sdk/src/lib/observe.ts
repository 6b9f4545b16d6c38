import { safe } from './safe.js';

/**
 * Observes one performance entry type, buffered so entries from before the SDK loaded count too.
 * Returns the disconnect function, or nothing where the browser lacks the type or
 * PerformanceObserver altogether (Safari has no `longtask`, old browsers no observer).
 */
export const observe = (
  type: string,
  handler: (entries: PerformanceEntry[]) => void,
): (() => void) | undefined => {
  try {
    if (PerformanceObserver.supportedEntryTypes.includes(type)) {
      const observer = new PerformanceObserver(safe((list) => handler(list.getEntries())));
      observer.observe({ type, buffered: true });
      return () => observer.disconnect();
    }
  } catch {
    // No PerformanceObserver: this source simply reports nothing.
  }
};
