import type { NavigationType } from '../protocol.js';

/**
 * How the document was loaded, as web-vitals reports it: the Navigation Timing type with
 * `back_forward` spelt `back-forward`, and `prerender` when the page was prerendered (still
 * prerendering, or activated after a prerender: activationStart > 0). Without a navigation
 * entry (older browsers) it is `navigate`, as in web-vitals.
 */
export const navigationType = (): NavigationType => {
  const entry = performance.getEntriesByType('navigation')[0] as
    (PerformanceNavigationTiming & { activationStart?: number }) | undefined;
  return !entry
    ? 'navigate'
    : (document as { prerendering?: boolean }).prerendering || (entry.activationStart as number) > 0
      ? 'prerender'
      : (entry.type.replace('_', '-') as NavigationType);
};
