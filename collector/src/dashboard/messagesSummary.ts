/**
 * The _Messages_ section of the summary: an app's socket.io message delivery per event name
 * (docs/REALTIME.md) from the `pulse_socket_delivery_seconds`, `pulse_socket_deliveries_total`
 * and `pulse_socket_messages_total` series of a reading (either source's, grouped as
 * summaryGrouping.ts says).
 */
import { quantiles } from './histogramFigures.js';
import {
  seriesKey,
  sumHistograms,
  sumScalars,
  totalHistogram,
  type RegistryReading,
} from './registryReading.js';
import { SERIES } from './seriesNames.js';
import type { MessageSummary } from './summarySchema.js';

/** What the counters of one event add up to. */
type Counts = Pick<
  MessageSummary['events'][number],
  'event' | 'delivered' | 'failed' | 'lost' | 'in' | 'out'
>;

/** Events listed, busiest first; the totals count every event. */
const EVENTS_SHOWN = 10;

const undeliveredShare = (counts: { delivered: number; failed: number; lost: number }) => {
  const acked = counts.delivered + counts.failed + counts.lost;
  return acked > 0 ? (counts.failed + counts.lost) / acked : null;
};

export function messagesSummary(reading: RegistryReading, app: string): MessageSummary {
  const outcomes = sumScalars(reading, SERIES.socketDeliveries, ['event', 'outcome'], { app });
  const directions = sumScalars(reading, SERIES.socketMessages, ['event', 'direction'], { app });
  const delivery = sumHistograms(reading, SERIES.socketDelivery, ['event'], { app });
  const events = new Map<string, Counts>();
  const entry = (event: string): Counts => {
    let found = events.get(event);
    if (found === undefined) {
      found = { event, delivered: 0, failed: 0, lost: 0, in: 0, out: 0 };
      events.set(event, found);
    }
    return found;
  };
  for (const series of outcomes.values()) {
    const outcome = series.labels.outcome;
    if (outcome === 'delivered' || outcome === 'failed' || outcome === 'lost') {
      entry(series.labels.event ?? '')[outcome] += series.value;
    }
  }
  for (const series of directions.values()) {
    const direction = series.labels.direction;
    if (direction === 'in' || direction === 'out') {
      entry(series.labels.event ?? '')[direction] += series.value;
    }
  }
  const rows = [...events.values()].map((row) => {
    const time = quantiles(delivery.get(seriesKey({ event: row.event }, ['event'])));
    return { ...row, p75: time.p75, p95: time.p95, undeliveredShare: undeliveredShare(row) };
  });
  const total = (key: 'delivered' | 'failed' | 'lost' | 'in' | 'out') =>
    rows.reduce((sum, row) => sum + row[key], 0);
  const totals = {
    delivered: total('delivered'),
    failed: total('failed'),
    lost: total('lost'),
  };
  const all = quantiles(totalHistogram(reading, SERIES.socketDelivery, { app }));
  return {
    ...totals,
    in: total('in'),
    out: total('out'),
    p75: all.p75,
    p95: all.p95,
    undeliveredShare: undeliveredShare(totals),
    events: rows
      .sort(
        (a, b) =>
          b.delivered + b.failed + b.lost - (a.delivered + a.failed + a.lost) ||
          b.in + b.out - (a.in + a.out) ||
          a.event.localeCompare(b.event),
      )
      .slice(0, EVENTS_SHOWN),
  };
}
