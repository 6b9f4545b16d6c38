/**
 * The socket.io messages of an app per event name (`SocketEvent.msgs`): delivery times and
 * outcomes of acknowledged emits, and messages in and out (SPEC.md "Realtime beyond the ping").
 *
 * Event names are the app's own strings and come from the internet, so they go through the
 * label model as a ranked label (labels/rankedLabels.ts): per app, the few names with the most
 * messages keep series of their own, on evidence from enough client networks; the rest are
 * `__other__`. Their slots are reserved with the app (seriesHandles.ts `labelCosts`).
 */
import type { MessageStats } from '@pulse/sdk/protocol';
import type { LabelModel, Sighting } from '../labels/labelModel.js';
import type { RankedScope } from '../labels/rankedLabels.js';
import type { PulseMetrics } from '../series/metrics.js';
import type { CounterSeries, HistogramSeries } from '../series/series.js';
import { LazyMap } from './lazyMap.js';

const MS = 1000;

/** `outcome` label values of `pulse_socket_deliveries_total`. */
export const DELIVERY_OUTCOMES = ['delivered', 'failed', 'lost'] as const;
/** `direction` label values of `pulse_socket_messages_total`. */
export const MESSAGE_DIRECTIONS = ['in', 'out'] as const;

/** The series of one event name (or `__other__`) of one app, kept on its slot. */
interface EventSeries {
  /** Made on first use, as the counters: an event never acked has no delivery times. */
  delivery: HistogramSeries | undefined;
  /** In `DELIVERY_OUTCOMES` order, made on first use. */
  outcomes: (CounterSeries | undefined)[];
  /** In `MESSAGE_DIRECTIONS` order, made on first use. */
  directions: (CounterSeries | undefined)[];
}

/** Adds `n` to the counter `kept[i]` (`family`'s series for `values[i]`, made on first use). */
function countInto(
  kept: (CounterSeries | undefined)[],
  i: number,
  n: number,
  family: { labels(...values: (string | undefined)[]): CounterSeries },
  app: string,
  event: string,
  values: readonly string[],
): void {
  if (n > 0) (kept[i] ??= family.labels(app, event, values[i])).inc(n);
}

export class MessageRecorder {
  /** The ranking scope of each app's event names; its slots keep their series. */
  private readonly scopes: LazyMap<string, RankedScope<EventSeries>>;

  constructor(
    private readonly labels: LabelModel,
    private readonly metrics: PulseMetrics,
  ) {
    this.scopes = new LazyMap((app) => labels.scope('event', { app }));
  }

  /** Records one socket window's messages of the admitted `app` (or `__other__`). */
  record(app: string, msgs: readonly MessageStats[], sighting: Sighting): void {
    const scope = this.scopes.get(app);
    const { metrics } = this;
    for (const stats of msgs) {
      const slot = this.labels.ranked(scope, stats.e, stats.in + stats.out, sighting);
      const event = slot.value;
      const series = (slot.handle ??= { delivery: undefined, outcomes: [], directions: [] });
      if (stats.d.length > 0) {
        const delivery = (series.delivery ??= metrics.socketDeliverySeconds.labels(app, event));
        for (const d of stats.d) delivery.observe(d / MS);
      }
      // One call per count rather than arrays of them: this runs for every message name of
      // every socket window.
      const { outcomes, directions } = series;
      const deliveries = metrics.socketDeliveriesTotal;
      const messages = metrics.socketMessagesTotal;
      countInto(outcomes, 0, stats.ok, deliveries, app, event, DELIVERY_OUTCOMES);
      countInto(outcomes, 1, stats.fail, deliveries, app, event, DELIVERY_OUTCOMES);
      countInto(outcomes, 2, stats.lost, deliveries, app, event, DELIVERY_OUTCOMES);
      countInto(directions, 0, stats.in, messages, app, event, MESSAGE_DIRECTIONS);
      countInto(directions, 1, stats.out, messages, app, event, MESSAGE_DIRECTIONS);
    }
  }

  /** Drops the scope of an evicted app (its series were removed with it). */
  forget(app: string): void {
    this.scopes.delete(app);
  }
}
