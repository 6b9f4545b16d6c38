import type { FastifyServerOptions } from 'fastify';
import type { Registry } from 'prom-client';
import type { PrometheusQueryOptions } from './dashboard/promqlClient.js';
import type { TrustProxy } from './http/trustProxy.js';

/** The SDK builds the collector serves for script tags. */
export type ScriptName =
  'pulse.js' | 'pulse.socket.js' | 'pulse.webrtc.js' | 'pulse.websocket.js' | 'pulse.delivery.js';

/** Per-client request budget of `POST /v1/rum` (see @fastify/rate-limit). */
export interface RateLimitOptions {
  /** Requests allowed per client (IP address) per window. */
  max: number;
  /** Window length: milliseconds, or a duration string such as `'1 minute'` or `'30s'`. */
  timeWindow: number | string;
}

/** Everything `createCollector()` and the `pulse-collector` CLI can be configured with. */
export interface CollectorOptions {
  /**
   * Origins (`https://shop.example.com`, scheme + host + port) whose pages may send beacons.
   * Empty allows any origin. Requests without an `Origin` header (curl, servers) are always
   * allowed: the header is a browser's statement, not a credential.
   */
  allowOrigins: string[];
  /** When set, every beacon must carry this key (`key` field or `x-pulse-key` header). */
  ingestKey?: string;
  /**
   * When set, every request to the admin side (dashboard, `/api/*`, `/metrics`) must present it:
   * `Authorization: Bearer <token>`, or as the password of HTTP Basic authentication.
   */
  adminToken?: string;
  /**
   * How long a finished `/metrics` render is served to later scrapes, in ms: concurrent and
   * looping scrapers share one render instead of each paying for their own.
   */
  metricsRenderMaxAge: number;
  /** Largest accepted beacon body, in bytes. The SDK's keepalive budget is 64 KB. */
  bodyLimit: number;
  /** Most events one beacon may carry; more is rejected as `too_many_events`. */
  maxEventsPerBeacon: number;
  /** Distinct `route` label values admitted per app at once; others become `__other__`. */
  routeCap: number;
  /** Distinct custom event / timing `name` label values admitted per app at once. */
  eventNameCap: number;
  /** Distinct `app` label values admitted at once; others become `__other__`. */
  appCap: number;
  /**
   * Most series the admitted label values may make together, counted as Prometheus counts them
   * (each histogram bucket is one). Bounds the collector's memory and `/metrics` whatever
   * clients send (labelModel.ts, docs/SECURITY.md).
   */
  seriesCeiling: number;
  /**
   * Distinct client networks (an IPv4 address, an IPv6 /64) that must send a new app, route or
   * name within `evidenceWindow` before it gets series of its own. Pinned values need none.
   */
  admitAfterClients: number;
  /** Milliseconds within which a new value's client networks must be seen. */
  evidenceWindow: number;
  /** New values waiting for evidence, kept at most. */
  evidenceCapacity: number;
  /** Milliseconds after its last sighting an admitted (not pinned) value is evicted. */
  labelIdleTimeout: number;
  /**
   * Apps pinned by the operator: admitted from the start, never evicted. When not empty, it is
   * an allow-list: beacons of other apps are refused (`403`, reason `app`).
   */
  apps: string[];
  /** Route templates pinned for every admitted app (`/products/:id`). */
  routes: string[];
  /** Custom event and timing names pinned for every admitted app. */
  eventNames: string[];
  /** Per-client rate limit of the ingest route, or `false` to turn it off. */
  rateLimit: RateLimitOptions | false;
  /**
   * Reverse proxies whose `X-Forwarded-For` is believed, so rate limits apply per real client:
   * their addresses or CIDRs (an array, or a comma-separated string), or `false` for none.
   * `true` (any peer) is refused: every client could then pick the address it is counted as.
   */
  trustProxy: TrustProxy;
  /**
   * Opt-in geography: the request header in which a proxy or CDN in front of the collector names
   * the client's country (`cf-ipcountry`, `cloudfront-viewer-country`, docs/GEOGRAPHY.md). Page
   * views, page scores and vital ratings then carry a `country` label: an assigned ISO 3166-1
   * alpha-2 code, or `__unknown__`. The header is believed only from a direct peer listed in
   * `trustProxy` (which must then name the proxies); the client's address is never kept. Unset,
   * those series have no `country` label.
   */
  countryHeader?: string;
  /**
   * Milliseconds a client gets to send a whole request. Protects against slow or never-ending
   * bodies holding sockets open; beacons are tiny, so this can be short.
   */
  requestTimeout: number;
  /** Milliseconds a client gets to send a request's headers; at most `requestTimeout`. */
  headersTimeout: number;
  /**
   * Milliseconds an idle keep-alive connection stays open between requests (Node closes it
   * about a second later). Behind a load balancer that reuses connections, make it longer than
   * the balancer's idle timeout.
   */
  keepAliveTimeout: number;
  /**
   * Open connections at most; at the cap an idle or unfinished one is closed to make room
   * (connectionLimits.ts). Default: the open-files soft limit less 128, at most 65,536; 1,000
   * where the limit cannot be read.
   */
  maxConnections?: number;
  /** Open connections per client address at most; `trustProxy` proxies are exempt. */
  maxConnectionsPerAddress: number;
  /** fastify's logger: `false`, `true`, or pino options such as `{ level: 'info' }`. */
  logger: FastifyServerOptions['logger'];
  /**
   * A prom-client Registry to register the Pulse series in (e.g. the app's own). A new one per
   * collector when absent.
   */
  registry?: Registry;
  /**
   * Also export Node.js process metrics (CPU, heap, event-loop lag) for collector health
   * panels. Only applies to the collector's own registry: a supplied `registry` is left alone.
   */
  processMetrics: boolean;
  /**
   * Files served at `/pulse.js`, `/pulse.socket.js` and `/pulse.webrtc.js`. Default: the built `@pulse/sdk`.
   */
  scripts: Partial<Record<ScriptName, string>>;
  /**
   * A Prometheus-compatible query API (Prometheus, VictoriaMetrics, Mimir, Thanos) that scrapes
   * every replica: the dashboard and `/api/v1/summary` then show the whole fleet from PromQL.
   * Unset, they show this collector's own registry.
   */
  prometheus?: PrometheusQueryOptions;
  /**
   * A directory where the dashboard keeps its local history (without `prometheus`), so that its
   * 1 h and 24 h ranges survive a restart. Unset, the history lives in memory only.
   */
  dataDir?: string;
}

/** Defaults of every option; the CLI starts from these too. */
export const defaultCollectorOptions: CollectorOptions = {
  allowOrigins: [],
  bodyLimit: 64 * 1024,
  maxEventsPerBeacon: 500,
  routeCap: 100,
  eventNameCap: 50,
  appCap: 50,
  // About 5 MB of /metrics: for example one app with 100 routes and 50 custom names (~37,000),
  // or several smaller ones. A route can make up to ~350 series (every vital on every device).
  seriesCeiling: 50_000,
  // One client, or a handful, cannot admit anything; a route that real browsers use gets its
  // own series within its first few page views.
  admitAfterClients: 5,
  evidenceWindow: 10 * 60_000,
  evidenceCapacity: 20_000,
  labelIdleTimeout: 60 * 60_000,
  apps: [],
  routes: [],
  eventNames: [],
  // A page sends about one beacon per 5 s; 600 a minute per IP leaves room for many tabs
  // behind one NAT while still stopping a single client from flooding the collector.
  rateLimit: { max: 600, timeWindow: '1 minute' },
  trustProxy: false,
  requestTimeout: 10_000,
  // Browsers send a request's head in one packet; 5 s allows for retransmissions on a poor link.
  headersTimeout: 5000,
  // A page sends a beacon every few seconds at most while visible; longer idle connections
  // only hold file descriptors.
  keepAliveTimeout: 5000,
  // A browser opens up to 6 connections per host; 64 leaves room for a NAT of several.
  maxConnectionsPerAddress: 64,
  metricsRenderMaxAge: 1000,
  logger: false,
  processMetrics: true,
  scripts: {},
};
