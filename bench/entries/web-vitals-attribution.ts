// What Pulse's diagnosis would cost built on web-vitals' attribution build: the five metrics
// with the LCP and INP phases and the INP's longest script, batched and sent with sendBeacon on
// hide, as bench/entries/web-vitals.ts does without attribution.
import {
  onCLS,
  onFCP,
  onINP,
  onLCP,
  onTTFB,
  type INPMetricWithAttribution,
  type LCPMetricWithAttribution,
  type MetricWithAttribution,
} from 'web-vitals/attribution';

const queue: object[] = [];
const add = ({ name, value, rating, id }: MetricWithAttribution) =>
  void queue.push({ name, value, rating, id });
const send = () => {
  if (queue.length === 0) return;
  navigator.sendBeacon('/analytics', JSON.stringify(queue.splice(0)));
};

onCLS(add);
onFCP(add);
onINP(({ name, value, rating, id, attribution: a }: INPMetricWithAttribution) =>
  queue.push({
    name,
    value,
    rating,
    id,
    ph: [a.inputDelay, a.processingDuration, a.presentationDelay],
    script: a.longestScript?.entry.sourceURL,
  }),
);
onLCP(({ name, value, rating, id, attribution: a }: LCPMetricWithAttribution) =>
  queue.push({
    name,
    value,
    rating,
    id,
    ph: [a.timeToFirstByte, a.resourceLoadDelay, a.resourceLoadDuration, a.elementRenderDelay],
  }),
);
onTTFB(add);
addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && send());
