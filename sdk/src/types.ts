import type { PulseEvent, Rating, SocketTransport, VitalName } from './protocol.js';

/** Options of `init()`; the script tag maps its `data-*` attributes onto these. */
export interface PulseConfig {
  /** Application name, the `app` label of every series. Required. */
  app: string;
  /** Collector origin, e.g. `https://rum.example.com`. The script tag defaults it to its own origin. */
  collector?: string;
  /**
   * Full ingest URL or a same-origin path (first-party proxy, survives ad blockers).
   * Defaults to `${collector}/v1/rum`.
   */
  endpoint?: string;
  /** Release or version of the app. */
  release?: string;
  /** Share of sessions recorded, 0..1, decided once per tab session. Default 1. */
  sampleRate?: number;
  /**
   * How the route is found: `'path'` (location.pathname, default), `'hash'` (hash routers), or a
   * function returning the current route template (e.g. `/products/:id`).
   */
  route?: 'path' | 'hash' | (() => string | undefined);
  /** Ingest key, if the collector requires one (`data-key`). */
  key?: string;
  /**
   * `'pending'`: store nothing (not even the tab session in sessionStorage) and send nothing until
   * `consent(true)`; meanwhile page views are recorded in memory (at most `maxQueuedEvents`
   * events) and sent on consent, or dropped by `consent(false)`. Default `'granted'`; any other
   * value waits as `'pending'` does. As Datadog's `trackingConsent`.
   */
  consent?: 'pending' | 'granted';
  /** Log SDK diagnostics to the console. Off by default: the SDK never logs otherwise. */
  debug?: boolean;
  /** Send error messages (truncated) with error counts. Off by default. */
  captureErrorMessages?: boolean;
  /** Flush when this many events are queued. Default 20. */
  maxBatchEvents?: number;
  /** Flush when the queued body reaches this many bytes. Default 16 KB. */
  maxBatchBytes?: number;
  /** Flush at least this often, in ms. Default 5000. */
  flushInterval?: number;
  /**
   * Most events held for retry while the collector is unreachable, and held while consent is
   * pending; oldest dropped beyond. Default 200.
   */
  maxQueuedEvents?: number;
}

/** A live vital value, reported as it changes (not only at page hide). For hooks and dashboards. */
export interface VitalUpdate {
  k: 'vital';
  name: VitalName;
  value: number;
  rating: Rating;
}

/** A live per-probe socket reading, for hooks such as `useSocketQuality`. */
export interface ProbeUpdate {
  k: 'probe';
  /** This probe's RTT in ms, or null if it was lost. */
  rtt: number | null;
  /** Smoothed RTT, jitter (ms) and loss share (0..1) so far in the window. */
  srtt: number;
  jitter: number;
  loss: number;
  transport: SocketTransport;
}

/** What `onMetric` listeners receive: every recorded event plus live-only updates. */
export type MetricUpdate = PulseEvent | VitalUpdate | ProbeUpdate;

/** The API returned by `init()` and exposed as `window.Pulse` by the script tag. */
export interface PulseClient {
  /** Count a business event; `value` (default 1) is added to the counter. */
  track(name: string, value?: number): void;
  /** Record a custom timing in ms (component render, user-flow step). */
  time(name: string, ms: number): void;
  /** Report an SPA route change: ends the current page view and starts a `soft` one. */
  setRoute(route: string): void;
  /** Send what is queued now. */
  flush(): void;
  /**
   * The visitor's answer, for a client started with `consent: 'pending'` (as New Relic's
   * `consent()`). `true` (the default) reads or makes the tab session (sessionStorage) and sends
   * what was held, then records as usual; `false` drops what was held and sends nothing for the
   * rest of the page's life (also after an earlier `true`: consent withdrawn). A refusal is final
   * for the page: a later `true` changes nothing. `false` also removes the tab session an earlier
   * consent stored; a client started with consent pending never writes one before `true`.
   */
  consent(granted?: boolean): void;
  /** Stop recording: removes every listener and timer, sends what is queued. */
  stop(): void;
  /** Subscribe to live values; returns the unsubscribe function. */
  onMetric(listener: (update: MetricUpdate) => void): () => void;
  /**
   * Queue an event for the collector and notify listeners. Used by plugins (socket monitor,
   * React bindings); apps should prefer `track` and `time`.
   */
  record(event: PulseEvent): void;
  /** Notify listeners of a live-only update without sending it. Used by plugins. */
  emit(update: MetricUpdate): void;
  /**
   * False when this session was not sampled or the client could not start: then nothing is
   * recorded or sent. True while consent is pending (sampling is decided at consent).
   */
  readonly sampled: boolean;
}
