import type { FastifyServerOptions } from 'fastify';
import type { Registry } from 'prom-client';

/** The SDK builds the collector serves for script tags. */
export type ScriptName = 'pulse.js' | 'pulse.socket.js';

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
  /** Largest accepted beacon body, in bytes. The SDK's keepalive budget is 64 KB. */
  bodyLimit: number;
  /** Most events one beacon may carry; more is rejected as `too_many_events`. */
  maxEventsPerBeacon: number;
  /** Distinct `route` label values kept per app; later ones become `__other__`. */
  routeCap: number;
  /** Distinct custom event / timing `name` label values kept per app. */
  eventNameCap: number;
  /** Distinct `app` label values kept; later apps become `__other__`. */
  appCap: number;
  /** Per-client rate limit of the ingest route, or `false` to turn it off. */
  rateLimit: RateLimitOptions | false;
  /**
   * Trust `X-Forwarded-For` from a reverse proxy, so rate limits apply per real client. Same
   * values as fastify's `trustProxy`: `true`, or the proxies' addresses/CIDRs.
   */
  trustProxy: boolean | string | string[];
  /**
   * Milliseconds a client gets to send a whole request. Protects against slow or never-ending
   * bodies holding sockets open; beacons are tiny, so this can be short.
   */
  requestTimeout: number;
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
   * Files served at `/pulse.js` and `/pulse.socket.js`. Default: the built `@pulse/sdk`.
   */
  scripts: Partial<Record<ScriptName, string>>;
}

/** Defaults of every option; the CLI starts from these too. */
export const defaultCollectorOptions: CollectorOptions = {
  allowOrigins: [],
  bodyLimit: 64 * 1024,
  maxEventsPerBeacon: 500,
  routeCap: 100,
  eventNameCap: 50,
  appCap: 50,
  // A page sends about one beacon per 5 s; 600 a minute per IP leaves room for many tabs
  // behind one NAT while still stopping a single client from flooding the collector.
  rateLimit: { max: 600, timeWindow: '1 minute' },
  trustProxy: false,
  requestTimeout: 10_000,
  logger: false,
  processMetrics: true,
  scripts: {},
};
