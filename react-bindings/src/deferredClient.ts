import type { MetricUpdate, PulseClient, PulseConfig } from '@pulse/sdk';

/** A client that exists from the provider's first render but starts the SDK only on `start()`. */
export interface DeferredClient extends PulseClient {
  /** Initialises the SDK (once) and replays what was called before. */
  start(): void;
}

/**
 * Lets the provider hand its children a client during render while initialising the SDK only
 * after the first commit, in the browser: render stays free of side effects (StrictMode renders
 * twice, concurrent renders may be thrown away), and by then the children's layout effects have
 * run, so the route template `usePulseRoute` reported can name the very first page view.
 *
 * Calls made before `start()` are replayed in order; `setRoute` before it only sets that template.
 * `routeOfPath` names a path by a route template when the app gave templates (`routes`).
 * Listeners get one forwarding subscription on the SDK client, removed by `stop()`.
 */
export function createDeferredClient(
  config: PulseConfig,
  init: (config: PulseConfig) => PulseClient,
  routeOfPath?: (path: string) => string | undefined,
): DeferredClient {
  let started: PulseClient | undefined;
  /** Latest template from `setRoute`: what the SDK's `route` option answers. */
  let template: string | undefined;
  const pending: ((client: PulseClient) => void)[] = [];
  const listeners = new Set<(update: MetricUpdate) => void>();
  let unsubscribe: (() => void) | undefined;

  const call = (use: (client: PulseClient) => void): void => {
    if (started) use(started);
    else pending.push(use);
  };

  return {
    start() {
      if (started) return;
      // The app's own route option wins; otherwise the template `usePulseRoute` reported, then
      // the provider's `routes` matched against the path, and the SDK's path when none is known.
      started = init(
        config.route
          ? config
          : { ...config, route: () => template ?? routeOfPath?.(location.pathname) },
      );
      const client = started;
      unsubscribe = client.onMetric((update) => listeners.forEach((listener) => listener(update)));
      for (const use of pending.splice(0)) use(client);
    },
    track: (name, value) => call((client) => client.track(name, value)),
    time: (name, ms) => call((client) => client.time(name, ms)),
    setRoute(route) {
      template = route;
      started?.setRoute(route);
    },
    flush: () => call((client) => client.flush()),
    // Before start, the answer waits its turn: the SDK starts with consent pending, then takes it.
    consent: (granted) => call((client) => client.consent(granted)),
    stop() {
      unsubscribe?.();
      unsubscribe = undefined;
      started?.stop();
    },
    onMetric(listener) {
      // A wrapper per subscription, so one function subscribed twice is two subscriptions.
      const subscription = (update: MetricUpdate) => listener(update);
      listeners.add(subscription);
      return () => void listeners.delete(subscription);
    },
    record: (event) => call((client) => client.record(event)),
    emit: (update) => call((client) => client.emit(update)),
    get sampled() {
      // Before start nothing is known; plugins started later see the real answer.
      return started ? started.sampled : true;
    },
  };
}
