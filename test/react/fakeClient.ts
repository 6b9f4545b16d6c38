import type { MetricUpdate, PulseClient, PulseEvent } from '@pulse/sdk';

/** A PulseClient that remembers every call, for the React bindings' unit tests. */
export interface FakeClient extends PulseClient {
  tracked: [name: string, value: number | undefined][];
  timed: [name: string, ms: number][];
  routes: string[];
  recorded: PulseEvent[];
  /** How many times `stop()` was called. */
  stops: number;
  /** onMetric listeners currently subscribed: zero once everything using the client unmounted. */
  listenerCount(): number;
}

/** Records calls; `record` and `emit` reach listeners the way the SDK's do. */
export function createFakeClient(): FakeClient {
  const listeners = new Set<(update: MetricUpdate) => void>();
  const notify = (update: MetricUpdate) => {
    for (const listener of [...listeners]) listener(update);
  };
  const client: FakeClient = {
    tracked: [],
    timed: [],
    routes: [],
    recorded: [],
    stops: 0,
    sampled: true,
    track: (name, value) => void client.tracked.push([name, value]),
    time: (name, ms) => void client.timed.push([name, ms]),
    setRoute: (route) => void client.routes.push(route),
    flush: () => {},
    consent: () => {},
    stop: () => {
      client.stops += 1;
    },
    onMetric(listener) {
      // A wrapper per call, so subscribing the same function twice counts twice, as in the SDK.
      const subscription = (update: MetricUpdate) => listener(update);
      listeners.add(subscription);
      return () => void listeners.delete(subscription);
    },
    record(event) {
      client.recorded.push(event);
      notify(event);
    },
    emit: notify,
    listenerCount: () => listeners.size,
  };
  return client;
}
