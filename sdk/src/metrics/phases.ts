import type { INPMetric, LCPMetric } from 'web-vitals';
import type { HandlerSpan } from './handlerSpans.js';

/**
 * Splits `value` at `marks` (ms since the metric's start, in order) into parts that add up
 * exactly to it. Each mark is rounded to whole ms and clamped between the previous mark and the
 * value, so a part is never negative and the sum never exceeds the value, however the browser's
 * timestamps disagree (Event Timing rounds durations to 8 ms; a resource may still be downloading
 * after its element painted). The last part absorbs the rounding and the value's own fraction.
 */
export const splitAt = (value: number, marks: number[]): number[] => {
  let from = 0;
  const parts = marks.map((mark) => {
    const to = Math.min(Math.max(Math.round(mark), from), Math.floor(value));
    const part = to - from;
    from = to;
    return part;
  });
  return [...parts, value - from];
};

/**
 * LCP as `[ttfb, loadDelay, loadDuration, renderDelay]`, as web-vitals' attribution build splits
 * it (onLCP.js), from the entries the SDK has anyway: times count from `activationStart`, so a
 * prerendered page's phases add up to its LCP as web-vitals measures it; the resource is the last
 * one of the LCP element's URL requested before the paint. A text LCP (or an image whose resource
 * entry is gone from the browser's buffer) has no resource: both load parts are 0, and what
 * follows the first byte is render delay. Undefined without an LCP entry (bfcache restores).
 */
export const lcpPhases = ({ value, entries }: LCPMetric): number[] | undefined => {
  const lcp = entries[entries.length - 1];
  if (!lcp) return;
  const { activationStart = 0, responseStart = 0 } =
    performance.getEntriesByType('navigation')[0] || ({} as PerformanceNavigationTiming);
  const resource = lcp.url
    ? performance
        .getEntriesByType('resource')
        .filter((entry) => entry.name == lcp.url && requestStart(entry) <= lcp.startTime)
        .pop()
    : undefined;
  return splitAt(value, [
    responseStart - activationStart,
    resource ? requestStart(resource) - activationStart : 0,
    resource ? resource.responseEnd - activationStart : 0,
  ]);
};

/** Cross-origin resources without Timing-Allow-Origin hide `requestStart` (0): then its start. */
const requestStart = (resource: PerformanceResourceTiming) =>
  resource.requestStart || resource.startTime;

/**
 * INP as `[inputDelay, processing, presentation]`, as web-vitals' attribution build splits it
 * (onINP.js): from the input to the first handler, through the last handler's end, to the next
 * paint (`startTime + duration`). The handlers are those of all the interaction's events
 * (`handlers`, from handlerSpans.ts), else of the entries web-vitals handed over. Undefined
 * without entries (web-vitals' stand-in INP after a bfcache restore).
 */
export const inpPhases = (
  { value, entries }: INPMetric,
  handlers?: HandlerSpan,
): number[] | undefined => {
  const first = entries[0];
  if (!first) return;
  const [processingStart, processingEnd] = handlers || [
    Math.min(...entries.map((entry) => entry.processingStart)),
    Math.max(...entries.map((entry) => entry.processingEnd)),
  ];
  return splitAt(value, [processingStart - first.startTime, processingEnd - first.startTime]);
};
