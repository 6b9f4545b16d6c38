import { onCLS, onFCP, onINP, onLCP, onTTFB, type MetricType } from 'web-vitals';
import type { VitalName, VitalValue } from '../protocol.js';
import { safe } from '../lib/safe.js';
import { selector } from '../lib/selector.js';

/**
 * Compact attribution from the metric's own entries. The web-vitals attribution build would give
 * more, but costs ~2.4 KB brotli more than the whole Pulse budget allows; the element of the LCP
 * entry, the target and event type of the INP interaction and the first node of the largest
 * layout shift answer "what was slow / what moved" for a dashboard.
 */
const attribute = (metric: MetricType): Pick<VitalValue, 'target' | 'type'> => {
  if (metric.name == 'LCP')
    return { target: selector(metric.entries[metric.entries.length - 1]?.element) };
  if (metric.name == 'INP') {
    const entry = metric.entries[0];
    return { target: selector(entry?.target), type: entry?.name };
  }
  if (metric.name == 'CLS') {
    const largest = metric.entries.reduce<LayoutShift | undefined>(
      (max, entry) => (max && max.value >= entry.value ? max : entry),
      undefined,
    );
    return { target: selector(largest?.sources.find((source) => source.node)?.node) };
  }
  return {};
};

/**
 * Reports each of the five vitals every time its value changes (`reportAllChanges`), so live
 * listeners see LCP grow and INP/CLS worsen; the page event later keeps only the last value.
 * Values are rounded: milliseconds to integers, CLS to four decimals.
 */
export const observeVitals = (report: (name: VitalName, value: VitalValue) => void): void => {
  const onReport = safe((metric: MetricType) =>
    report(metric.name, {
      value: metric.name == 'CLS' ? +metric.value.toFixed(4) : Math.round(metric.value),
      rating: metric.rating,
      ...attribute(metric),
    }),
  );
  for (const on of [onLCP, onINP, onCLS, onFCP, onTTFB]) on(onReport, { reportAllChanges: true });
};
