import { PROTOCOL_VERSION } from './protocol.js';
import type { Beacon, NavigationType, PageEvent, PulseEvent } from './protocol.js';
import type { MetricUpdate, PulseClient, PulseConfig } from './types.js';
import { connectionType } from './lib/connectionType.js';
import { explainRefusal, log, setDebug, warn } from './lib/debug.js';
import { deviceClass } from './lib/deviceClass.js';
import { engine } from './lib/engine.js';
import { listen } from './lib/listen.js';
import { navigationType } from './lib/navigationType.js';
import { supports } from './lib/observe.js';
import { randomId } from './lib/randomId.js';
import { currentRoute, normaliseRoute } from './lib/route.js';
import { safe } from './lib/safe.js';
import { tabSession } from './lib/tabSession.js';
import { watchHistory } from './lib/watchHistory.js';
import { observeErrors } from './metrics/errors.js';
import { observeLongTasks } from './metrics/longTasks.js';
import { heapSize, measureMemory } from './metrics/memory.js';
import { navigationOf, observeVitals } from './metrics/vitals.js';
import { createBatcher } from './transport/batcher.js';
import { createRetryQueue } from './transport/retryQueue.js';
import { blockedByPolicy, createSender } from './transport/sender.js';

/** The same error (fingerprint) counts at most this often per page view: an error loop cannot flood. */
const MAX_SAME_ERROR = 10;

/** Blocking time of a long task: the part beyond 50 ms (Lighthouse's TBT definition). */
const BLOCKING_THRESHOLD = 50;

/**
 * Values from app code must be finite and non-negative (counters only grow, durations are
 * positive), or the collector refuses the whole beacon they travel in.
 */
const isAmount = (value: number) => value >= 0 && value < Infinity;

/**
 * Starts Pulse: records vitals, long tasks, memory, errors and page views, and sends them to the
 * collector. Never throws. A session that is not sampled, or where anything fails at start (no
 * app, or a browser too old: said once in the console, debug or not), gets an inert client
 * (`sampled: false`): every method is safe to call and does nothing.
 *
 * With `consent: 'pending'` nothing is stored or sent until `consent(true)`: the tab session,
 * which lives in sessionStorage, is read or made only then. Until then beacons are recorded as
 * usual under a stand-in session id and wait in the retry queue as if the collector were
 * unreachable: in memory, at most `maxQueuedEvents` events, the oldest dropped and counted. On
 * consent they go at once, the stand-in replaced by the tab session's id; `consent(false)` drops
 * them and sends nothing more.
 */
export const init = (config: PulseConfig): PulseClient => {
  setDebug(config.debug);
  // Without an app there is nothing to send, and the page would never learn why. A name the
  // collector refuses is not checked here (its pattern would cost every download ~60 B): its
  // first refusal says why, with debug on (explainRefusal).
  const named = !!config.app;
  if (!named) warn('not started: no app');
  // Anything but 'granted' waits: a typo in data-consent must not send before consent.
  let pending = (config.consent || 'granted') != 'granted';
  // While consent is pending the session id is a stand-in, replaced in every body sent.
  const [standIn, sampled] =
    named && !pending ? tabSession(config.sampleRate) : [randomId(), named];
  let session = standIn;
  // Unset limits take the defaults of the transport's own parameters (documented in PulseConfig).
  const endpoint = config.endpoint || (config.collector || '') + '/v1/rum';
  const send = createSender(endpoint);
  const [push, stopQueue] = createRetryQueue(
    (body, hiding) =>
      pending
        ? // Failing as a 503 with a Retry-After of 2,000,000 s does (under the 2^31 ms that
          // timers take): the queue holds the body (bounded, counted) and does not try again
          // on its own; consent sends everything held at once (a hide meanwhile fails alike).
          Promise.reject(2e6)
        : // With debug on, the collector's reason for a refused beacon reaches the console.
          send(body.replace(standIn, session), hiding).then(explainRefusal),
    config.maxQueuedEvents,
  );
  const [add, flush, stopBatcher] = createBatcher(
    push,
    config.maxBatchEvents,
    config.maxBatchBytes,
    config.flushInterval,
  );
  const listeners = new Set<(update: MetricUpdate) => void>();
  const routeOf = () => currentRoute(config.route);
  /** What stop() undoes: listeners (one AbortSignal), observers, history wrappers, timers. */
  const disposers = [stopBatcher, stopQueue];

  // State of the current page view. Its context is serialised once, when the view starts, and
  // prefixes every beacon of that view.
  let route: string;
  let header: string;
  /** The navigation whose vitals this page view takes (navigationOf in metrics/vitals.ts). */
  let navigation: string | false;
  /** The page event being filled in; undefined once sent (the page view ended). */
  let page: PageEvent | undefined;
  let errorCounts: Record<string, number>;
  // An unsampled session is a client stopped from the start.
  let stopped = !sampled;
  let manualRoutes = false;
  // Without the Long Tasks API a page view's blocking time is unknown, and it is sent absent:
  // a 0 would read as a perfectly responsive page.
  const measuresTbt = supports('longtask');

  const emit = (update: MetricUpdate) =>
    stopped || listeners.forEach((listener) => safe(listener)(update));

  const record = (event: PulseEvent) => {
    if (stopped) return;
    if (event.k == 'error') {
      if ((errorCounts[event.fp] = (errorCounts[event.fp] || 0) + 1) > MAX_SAME_ERROR) return;
      if (!config.captureErrorMessages) delete event.msg;
    }
    // Batched before the page's own listeners run: a hide handler that the browser cuts short
    // in one of them (at unload) has the event in the batcher already, for the next flush.
    add(header, JSON.stringify(event));
    emit(event);
  };

  const startView = (nav: NavigationType, newRoute: string) => {
    const context: Omit<Beacon, 'events' | 'dropped'> = {
      v: PROTOCOL_VERSION,
      app: config.app,
      release: config.release,
      key: config.key,
      session,
      page: randomId(),
      route: (route = newRoute),
      nav,
      device: deviceClass(),
      engine: engine(),
      ect: connectionType(),
    };
    header = JSON.stringify(context).slice(0, -1);
    navigation = navigationOf(nav);
    page = measuresTbt ? { k: 'page', vitals: {}, tbt: 0 } : { k: 'page', vitals: {} };
    errorCounts = {};
    measureMemory();
    record({ k: 'view' });
  };

  /**
   * Ends the page view once, with its final values: the event the collector scores. The view is
   * over before its event is recorded, so a hide handler cut short while the event is handed on
   * (a batch that fills up goes out at once) cannot leave it to a later hide to record again.
   */
  const endView = (ended = page) => {
    if (ended) {
      ended.heap = heapSize();
      page = undefined;
      record(ended);
    }
  };

  const softNavigation = (newRoute: string) => {
    if (!stopped && newRoute != route) {
      endView();
      startView('soft', newRoute);
    }
  };

  const client: Omit<PulseClient, 'sampled'> = {
    track: (name, value) => {
      if (isAmount(value ?? 0)) record({ k: 'event', name, value });
    },
    time: (name, ms) => {
      if (isAmount(ms)) record({ k: 'timing', name, d: ms });
    },
    setRoute: (newRoute) => {
      // An app that reports routes itself knows better than the URL: stop guessing from history.
      manualRoutes = true;
      softNavigation(normaliseRoute(newRoute));
    },
    flush: () => flush(),
    consent: (granted = true) => {
      if (granted) {
        // Already granted, refused for good, or stopped: nothing changes.
        if (!pending || stopped) return;
        pending = false;
        const [id, inSample] = tabSession(config.sampleRate);
        // Everything held goes now (as at a hide: the queue may be waiting out a backoff).
        if (inSample) return ((session = id), flush(true));
      }
      // Refused, or granted to a session that is not sampled: nothing is sent, ever. The queue
      // stops first, so stop()'s final flush goes nowhere.
      stopQueue();
      client.stop();
      // Refused, or withdrawn after a grant: no identifier stays behind in the tab either. Last,
      // since blocked storage throws here (caught by safe(), like every method's errors).
      if (!granted) delete sessionStorage['pulse.s'];
    },
    stop: () => {
      if (!stopped) {
        endView();
        flush(true);
        stopped = true;
        disposers.forEach((dispose) => dispose());
        listeners.clear();
      }
    },
    onMetric: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    record,
    emit,
  };
  let name: keyof typeof client;
  for (name in client) client[name] = safe(client[name] as () => void) as never;

  if (!stopped)
    try {
      // Every DOM listener of this client goes with this one signal.
      const lifetime = new AbortController();
      const signal = lifetime.signal;
      disposers.push(() => lifetime.abort());

      startView(navigationType(), routeOf());

      // Registered before web-vitals' own pageshow handlers (and capturing, as theirs are) so the
      // restored page view exists before web-vitals reports its first values.
      listen<PageTransitionEvent>(
        signal,
        window,
        'pageshow',
        (event) => event.persisted && startView('back-forward-cache', routeOf()),
        true,
      );

      // web-vitals finalises INP and CLS in a capturing `visibilitychange` listener on window;
      // ours is on document, so it runs after theirs and the page event carries final values.
      // Reports after stop() are ignored: web-vitals offers no way to unsubscribe. A report of
      // another navigation than the view's (the previous view's last values, reported after
      // its route change) is nobody's now: its view has ended.
      disposers.push(
        observeVitals((name, value, from) => {
          if (from == navigation) {
            emit({ k: 'vital', name, ...value });
            if (page) page.vitals[name] = value;
          }
        }),
      );

      // The page view ends at the hide, with final values: web-vitals finalises INP and CLS in
      // its own (earlier) visibilitychange listener. Not at pagehide: Chromium and Firefox fire
      // it while the page is still visible, before that visibilitychange.
      listen(
        signal,
        document,
        'visibilitychange',
        () => document.hidden && (endView(), flush(true)),
      );
      // pagehide sends only where no visibilitychange follows it: on a page already hidden (a
      // background tab closed, a hidden page entering the back/forward cache), what was recorded
      // since the hide. On a visible page, HTML's unload steps fire visibilitychange right after
      // pagehide in the same task, and that one sends everything, the page event with it:
      // sending here too would spread the page's last sends over two handlers, each of which
      // the browser may cut short at unload. Never `unload`/`beforeunload`: they keep pages out
      // of the back/forward cache.
      listen(signal, window, 'pagehide', () => document.hidden && flush(true));
      // A Content-Security-Policy that blocks the collector blocks every retry as well, each one
      // an error in the page's console: the first violation that names it ends all sending for
      // the page's life. Blocked requests only reject (or, by sendBeacon, even succeed), so the
      // violation event is the one reliable signal; it comes a task later, so the requests
      // already started are blocked too, but nothing after.
      listen<SecurityPolicyViolationEvent>(
        signal,
        document,
        'securitypolicyviolation',
        (event) =>
          blockedByPolicy(event, endpoint) &&
          stopQueue() &&
          log('CSP blocks', endpoint, '- sending stops'),
      );
      observeErrors(signal, record);
      disposers.push(
        watchHistory(signal, () => manualRoutes || softNavigation(routeOf())),
        observeLongTasks((kind, duration, scripts) => {
          // Rounded once, so the page's TBT is exactly the sum over the tasks it sent.
          duration = Math.round(duration);
          if (kind == 'longtask' && page)
            page.tbt = (page.tbt || 0) + Math.max(0, duration - BLOCKING_THRESHOLD);
          record({ k: 'long', kind, d: duration, s: scripts });
        }),
      );
    } catch (error) {
      // A browser too old for what is above: undo what started, stay inert, and say so once.
      warn('not started:', error);
      stopped = true;
      disposers.forEach((dispose) => dispose());
    }
  return { ...client, sampled: !stopped };
};
