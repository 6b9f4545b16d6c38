import { PROTOCOL_VERSION } from './protocol.js';
import type { Beacon, NavigationType, PageEvent, PulseEvent } from './protocol.js';
import type { MetricUpdate, PulseClient, PulseConfig } from './types.js';
import { connectionType } from './lib/connectionType.js';
import { log, setDebug } from './lib/debug.js';
import { deviceClass } from './lib/deviceClass.js';
import { listen } from './lib/listen.js';
import { navigationType } from './lib/navigationType.js';
import { randomId } from './lib/randomId.js';
import { currentRoute, normaliseRoute } from './lib/route.js';
import { safe } from './lib/safe.js';
import { tabSession } from './lib/tabSession.js';
import { watchHistory } from './lib/watchHistory.js';
import { observeErrors } from './metrics/errors.js';
import { observeLongTasks } from './metrics/longTasks.js';
import { createMemory } from './metrics/memory.js';
import { observeVitals } from './metrics/vitals.js';
import { createBatcher } from './transport/batcher.js';
import { createRetryQueue } from './transport/retryQueue.js';
import { createSender } from './transport/sender.js';

/** The same error (fingerprint) counts at most this often per page view: an error loop cannot flood. */
const MAX_SAME_ERROR = 10;

/** Blocking time of a long task: the part beyond 50 ms (Lighthouse's TBT definition). */
const BLOCKING_THRESHOLD = 50;

/** Names of the client's methods: wrapped with `safe` in a live client, no-ops in an inert one. */
const METHODS = [
  'track',
  'time',
  'setRoute',
  'flush',
  'stop',
  'onMetric',
  'record',
  'emit',
] as const;

/** Does nothing and returns itself, so it also serves as `onMetric`'s unsubscribe. */
type Noop = () => Noop;
const noop: Noop = () => noop;

/** The client of a session that was not sampled (or could not start): records nothing. */
const inertClient = () =>
  ({
    ...Object.fromEntries(METHODS.map((name) => [name, noop])),
    sampled: false,
  }) as unknown as PulseClient;

/** Values from app code must be what the collector accepts, or the whole beacon is refused. */
const isAmount = (value: unknown): value is number =>
  typeof value == 'number' && value >= 0 && value < Infinity;

const start = (config: PulseConfig): PulseClient => {
  setDebug(!!config.debug);
  const rate = config.sampleRate ?? 1;
  const session = tabSession(rate >= 0 ? rate : 1);
  if (!session.sampled) return inertClient();

  const url = config.endpoint ?? (config.collector ?? '').replace(/\/+$/, '') + '/v1/rum';
  const queue = createRetryQueue(createSender(url), config.maxQueuedEvents ?? 200);
  const batcher = createBatcher(
    queue.push,
    config.maxBatchEvents ?? 20,
    config.maxBatchBytes ?? 16384,
    config.flushInterval ?? 5000,
  );
  const memory = createMemory();
  const listeners = new Set<(update: MetricUpdate) => void>();
  const disposers: (() => void)[] = [];
  const routeOf = () => currentRoute(config.route);

  // Page-view state. The context is serialised once per page view and prefixes every beacon
  // of that view.
  let route = '';
  let header = '';
  let vitals: PageEvent['vitals'] = {};
  let tbt = 0;
  let ended = false;
  let errorCounts: Record<string, number> = {};
  let stopped = false;
  let manualRoutes = false;

  const emit = (update: MetricUpdate) => listeners.forEach((listener) => safe(listener)(update));

  const record = (event: PulseEvent) => {
    if (stopped) return;
    if (event.k == 'error') {
      const count = (errorCounts[event.fp] = (errorCounts[event.fp] ?? 0) + 1);
      if (count > MAX_SAME_ERROR) return;
      if (!config.captureErrorMessages) delete event.msg;
    }
    emit(event);
    batcher.add(header, JSON.stringify(event));
  };

  const startView = (nav: NavigationType, newRoute: string) => {
    route = newRoute;
    const context: Omit<Beacon, 'events' | 'dropped'> = {
      v: PROTOCOL_VERSION,
      app: config.app,
      release: config.release,
      key: config.key,
      session: session.id,
      page: randomId(),
      route,
      nav,
      device: deviceClass(),
      ect: connectionType(),
    };
    header = JSON.stringify(context).slice(0, -1);
    vitals = {};
    tbt = 0;
    ended = false;
    errorCounts = {};
    memory.measure();
    record({ k: 'view' });
  };

  /** Ends the page view once, with its final values: the event the collector scores. */
  const endView = () => {
    if (!ended) {
      ended = true;
      record({ k: 'page', vitals, tbt, heap: memory.read() });
    }
  };

  const softNavigation = (newRoute: string) => {
    if (newRoute != route) {
      endView();
      startView('soft', newRoute);
    }
  };

  const hide = () => {
    endView();
    batcher.flush(true);
  };

  startView(navigationType(), routeOf());

  disposers.push(
    // Registered before web-vitals' own pageshow handlers (and capturing, as theirs do) so the
    // new page view exists before web-vitals reports the restored page's first values.
    listen<PageTransitionEvent>(
      window,
      'pageshow',
      (event) => event.persisted && startView('back-forward-cache', routeOf()),
      true,
    ),
  );

  // web-vitals finalises INP and CLS in a capturing `visibilitychange` listener on window; ours
  // is on document, so it always runs after theirs and the page event carries final values.
  // Reports after stop() are ignored: web-vitals offers no way to unsubscribe.
  observeVitals((name, value) => {
    if (stopped) return;
    emit({ k: 'vital', name, value: value.value, rating: value.rating });
    if (!ended) vitals[name] = value;
  });

  disposers.push(
    listen(document, 'visibilitychange', () => document.visibilityState == 'hidden' && hide()),
    // pagehide covers browsers that skip visibilitychange on unload, and bfcache entry. Never
    // `unload`/`beforeunload`: they keep pages out of the back/forward cache.
    listen(window, 'pagehide', hide),
    ...observeErrors(record),
    watchHistory(() => !manualRoutes && softNavigation(routeOf())),
  );
  for (const dispose of observeLongTasks((kind, duration) => {
    if (kind == 'longtask') tbt += Math.max(0, duration - BLOCKING_THRESHOLD);
    record({ k: 'long', kind, d: Math.round(duration) });
  }))
    if (dispose) disposers.push(dispose);

  const client: Omit<PulseClient, 'sampled'> = {
    track: (name, value) => {
      if (value === undefined || isAmount(value)) record({ k: 'event', name, value });
    },
    time: (name, ms) => {
      if (isAmount(ms)) record({ k: 'timing', name, d: ms });
    },
    setRoute: (route) => {
      // An app that reports routes itself knows better than the URL: stop guessing from history.
      manualRoutes = true;
      softNavigation(normaliseRoute(route));
    },
    flush: () => batcher.flush(),
    stop: () => {
      if (stopped) return;
      endView();
      batcher.flush(true);
      stopped = true;
      batcher.stop();
      queue.stop();
      disposers.forEach((dispose) => dispose());
      listeners.clear();
    },
    onMetric: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    record,
    emit,
  };
  for (const name of METHODS) client[name] = safe(client[name] as () => void) as never;
  return { ...client, sampled: true };
};

/**
 * Starts Pulse: records vitals, long tasks, memory, errors and page views, and sends them to the
 * collector. Never throws: if anything fails at start, the returned client is inert.
 */
export const init = (config: PulseConfig): PulseClient => {
  try {
    return start(config);
  } catch (error) {
    log(error);
    return inertClient();
  }
};
