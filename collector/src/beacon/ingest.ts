/**
 * `POST /v1/rum`: the public, unauthenticated beacon endpoint.
 *
 * Checks run cheapest first, so hostile traffic costs little: origin (headers only), rate limit,
 * then the body is read under the body limit and parsed, then ingest key, protocol version and
 * event count, then the envelope schema, then each event. Every refusal is a 4xx
 * `{ error, reason, message }` and an increment of `pulse_rejected_total{reason}`; nothing a
 * client sends can produce a 5xx. Invalid events in a beacon with valid ones are dropped and
 * counted (`event_schema`, one per event) while the rest is recorded and answered `204`.
 *
 * The route lives in its own encapsulated context, so its body parser and error handler apply to
 * the beacon endpoint only and leave other plugins' routes alone.
 */
import { STATUS_CODES } from 'node:http';
import rateLimit from '@fastify/rate-limit';
import { Type } from '@sinclair/typebox';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ACCEPTED_PROTOCOL_VERSIONS, type Beacon } from '@pulse/sdk/protocol';
import { parseBeaconJson } from './beaconJson.js';
import { turnBatch } from './turnBatch.js';
import { checkEnvelope, checkEvents, type BeaconEnvelope } from './beaconValidation.js';
import { corsPlugin, originAllowList } from '../http/cors.js';
import { INGEST_KEY_HEADER, REFUSED_EVENTS_HEADER } from '../http/headers.js';
import { secretMatcher } from '../http/secretMatcher.js';
import { Gauge } from 'prom-client';
import type { CollectorOptions } from '../options.js';
import { createRecording } from '../record/recording.js';
import { countryReader } from '../geography/countryHeader.js';
import { clientNetwork } from '../labels/clientNetwork.js';
import type { ErrorGroups } from '../record/errorGroups.js';
import type { PageOrigins } from '../diagnosis/pageOrigins.js';
import { OTHER } from '../series/metrics.js';
import type { ScrapeWatermark } from '../series/scrapeWatermark.js';
import { REJECT_REASONS, Rejection, toRejection, type RejectionBody } from '../http/rejection.js';

/**
 * The beacon endpoint's scope: CORS (and the preflight route it adds) lives under this prefix
 * only, so no other route of the collector carries CORS headers.
 */
const INGEST_PREFIX = '/v1';
const INGEST_ROUTE = '/rum';
/** Path of the beacon endpoint. */
export const INGEST_PATH = `${INGEST_PREFIX}${INGEST_ROUTE}`;

export type IngestPluginOptions = Pick<
  CollectorOptions,
  | 'allowOrigins'
  | 'ingestKey'
  | 'bodyLimit'
  | 'maxEventsPerBeacon'
  | 'appCap'
  | 'routeCap'
  | 'eventNameCap'
  | 'seriesCeiling'
  | 'admitAfterClients'
  | 'evidenceWindow'
  | 'evidenceCapacity'
  | 'labelIdleTimeout'
  | 'apps'
  | 'routes'
  | 'eventNames'
  | 'rateLimit'
  | 'countryHeader'
  | 'trustProxy'
> & {
  /** Counts every answer, so a shutdown can wait until a scrape has read them all. */
  scrapes: ScrapeWatermark;
};

/** How often idle label values are looked for: often enough to free room within minutes. */
const SWEEP_INTERVAL_MS = 60_000;

const RejectionBodySchema = Type.Object({
  error: Type.String(),
  reason: Type.Union(REJECT_REASONS.map((reason) => Type.Literal(reason))),
  message: Type.String(),
});

/** A beacon that passed every check, waiting for the end of its turn (turnBatch.ts). */
interface Accepted {
  beacon: Beacon;
  request: FastifyRequest;
  reply: FastifyReply;
  /** Its client's country, with geography on. */
  country: string | undefined;
}

/** The parsed body before validation: anything JSON can be. */
type UncheckedBody = Partial<Record<keyof Beacon, unknown>> | undefined;

const isAcceptedVersion = (version: unknown) =>
  (ACCEPTED_PROTOCOL_VERSIONS as readonly unknown[]).includes(version);

const asObject = (body: unknown): UncheckedBody =>
  typeof body === 'object' && body !== null && !Array.isArray(body) ? body : undefined;

export const ingestPlugin = fp(
  async (app: FastifyInstance, options: IngestPluginOptions) => {
    const { metrics } = app.pulse;
    const { labels, recorder, pageOrigins } = createRecording(
      metrics,
      {
        ...options,
        pinnedApps: options.apps,
        pinnedRoutes: options.routes,
        pinnedNames: options.eventNames,
      },
      options.allowOrigins,
    );
    app.decorate('pulseDiagnosis', { errorGroups: recorder.errorGroups, pageOrigins });
    const sweep = setInterval(
      () => labels.sweep(Date.now()),
      Math.min(SWEEP_INTERVAL_MS, options.labelIdleTimeout / 4),
    );
    sweep.unref();
    const budget = new Gauge({
      name: 'pulse_series_reserved',
      help: 'Series reserved by the admitted label values, against the series ceiling (pulse_series_ceiling).',
      registers: [],
      collect() {
        this.set(labels.reserved);
      },
    });
    const ceiling = new Gauge({
      name: 'pulse_series_ceiling',
      help: 'Most series the admitted label values may make together (--series-ceiling).',
      registers: [],
    });
    ceiling.set(options.seriesCeiling);
    for (const gauge of [budget, ceiling]) app.pulse.registry.registerMetric(gauge);
    app.addHook('onClose', async () => {
      clearInterval(sweep);
      for (const name of ['pulse_series_reserved', 'pulse_series_ceiling']) {
        app.pulse.registry.removeSingleMetric(name);
      }
    });
    const isOriginAllowed = originAllowList(options.allowOrigins);
    // Undefined with geography off: beacons are then recorded without a country.
    const countryOf = countryReader(options);
    const isKeyValid =
      options.ingestKey === undefined ? undefined : secretMatcher(options.ingestKey);

    // The checks return their refusal rather than throw it, so the origin check can run as a
    // callback-style hook (no promise per beacon) and the handler can take the first refusal.
    const checkOrigin = (request: FastifyRequest) =>
      isOriginAllowed(request.headers.origin)
        ? undefined
        : new Rejection(403, 'origin', 'this origin may not send beacons here');

    const checkIngestKey = (request: FastifyRequest, body: UncheckedBody) => {
      if (isKeyValid === undefined) return undefined;
      const header = request.headers[INGEST_KEY_HEADER];
      const fromHeader = Array.isArray(header) ? header[0] : header;
      const fromBody = body?.key;
      const key = fromHeader ?? (typeof fromBody === 'string' ? fromBody : undefined);
      if (key === undefined) return new Rejection(401, 'ingest_key', 'an ingest key is required');
      if (!isKeyValid(key)) return new Rejection(403, 'ingest_key', 'the ingest key is not valid');
      return undefined;
    };

    // Checked before the schema so a newer SDK gets a precise answer rather than `schema`.
    const checkVersion = (body: UncheckedBody) => {
      if (body === undefined || !('v' in body) || isAcceptedVersion(body.v)) return undefined;
      const sent = typeof body.v === 'number' ? `version ${body.v}` : 'this version';
      return new Rejection(
        400,
        'version',
        `${sent} is not supported; expected one of ${ACCEPTED_PROTOCOL_VERSIONS.join(', ')}`,
      );
    };

    const checkApp = (envelope: BeaconEnvelope) =>
      labels.accepts(envelope.app)
        ? undefined
        : new Rejection(403, 'app', 'this app is not accepted by this collector');

    const checkBeaconEnvelope = (body: unknown) => {
      const problem = checkEnvelope(body);
      return problem === undefined ? undefined : new Rejection(400, 'schema', problem);
    };

    const checkEventCount = (body: UncheckedBody) => {
      const events = body?.events;
      if (Array.isArray(events) && events.length > options.maxEventsPerBeacon) {
        return new Rejection(
          413,
          'too_many_events',
          `at most ${options.maxEventsPerBeacon} events per beacon`,
        );
      }
      return undefined;
    };

    // Once the collector is closing, answers end their connection: fastify closes the listener
    // (and its idle connections) before the turn's answers go out, and a connection kept alive
    // after them would hold the close open until its keep-alive timeout ran out.
    let closing = false;
    app.addHook('preClose', (done) => {
      closing = true;
      done();
    });
    // Accepted beacons are recorded and answered once per turn of the event loop (turnBatch.ts).
    const recordAndAnswer = turnBatch((batch: readonly Accepted[]) => {
      const now = Date.now();
      for (const { beacon, request, reply, country } of batch) {
        try {
          const recordedAs = recorder.record(beacon, request, now, country);
          if (recordedAs !== OTHER) pageOrigins.see(recordedAs, request.headers.origin);
          options.scrapes.answered();
          if (closing) reply.header('connection', 'close');
          reply.code(204).send();
        } catch (error) {
          // A fault of the collector's own: this beacon is answered 500 by the error handler,
          // as a throw in the handler would be, and the others of the turn are still answered.
          reply.send(error instanceof Error ? error : new Error(String(error)));
        }
      }
    });

    await app.register(
      async (scope) => {
        await scope.register(corsPlugin, { allowOrigins: options.allowOrigins });
        // Only JSON, sent as `text/plain` (sendBeacon's CORS-safelisted type, no preflight) or
        // `application/json`.
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser(
          ['application/json', 'text/plain'],
          { parseAs: 'string' },
          parseBeaconJson,
        );

        scope.setErrorHandler((error, request, reply: FastifyReply) => {
          const rejection = toRejection(error);
          if (rejection === undefined) throw error;
          metrics.rejectedTotal.inc({ reason: rejection.reason }, rejection.increments);
          options.scrapes.answered();
          request.log.debug({ reason: rejection.reason, err: error }, 'beacon rejected');
          const body: RejectionBody = {
            error: STATUS_CODES[rejection.statusCode] ?? 'Bad Request',
            reason: rejection.reason,
            message: rejection.message,
          };
          return reply.code(rejection.statusCode).send(body);
        });

        scope.addHook('onRequest', (request, _reply, done) => done(checkOrigin(request)));
        if (options.rateLimit !== false) {
          await scope.register(rateLimit, {
            max: options.rateLimit.max,
            timeWindow: options.rateLimit.timeWindow,
            // Per client network, not address: an IPv6 client usually holds a whole /64, and
            // would otherwise get the limit 2^64 times over (labels/clientNetwork.ts).
            keyGenerator: (request) => clientNetwork(request.ip),
            // No x-ratelimit-* headers on accepted beacons: CORS does not expose them, so no page
            // can read them, and they would ride on every 204. A 429 keeps them and Retry-After.
            addHeadersOnExceeding: {
              'x-ratelimit-limit': false,
              'x-ratelimit-remaining': false,
              'x-ratelimit-reset': false,
            },
          });
        }

        // The body checks run in the handler itself, in order, rather than as a fastify hook and
        // validator: at tens of thousands of beacons a second, fastify's hook and validation steps
        // cost more than the checks. A synchronous handler also spares every beacon a promise.
        scope.post(
          INGEST_ROUTE,
          {
            bodyLimit: options.bodyLimit,
            // Beacons arrive by the thousand; per-request info logs would drown everything else.
            logLevel: 'warn',
            schema: { response: { '4xx': RejectionBodySchema } },
          },
          (request, reply) => {
            const body = asObject(request.body);
            const refusal =
              checkIngestKey(request, body) ??
              checkVersion(body) ??
              checkEventCount(body) ??
              checkBeaconEnvelope(request.body);
            if (refusal !== undefined) throw refusal;
            const envelope = request.body as BeaconEnvelope;
            const appRefusal = checkApp(envelope);
            if (appRefusal !== undefined) throw appRefusal;
            const { accepted, refused, firstProblem } = checkEvents(envelope.events);
            if (refused > 0) {
              const message = `${firstProblem} (${refused} of ${envelope.events.length} events refused)`;
              // Nothing worth keeping: refuse the beacon, so a client knows not to send it again.
              if (accepted.length === 0) throw new Rejection(400, 'event_schema', message, refused);
              metrics.rejectedTotal.inc({ reason: 'event_schema' }, refused);
              request.log.debug({ reason: 'event_schema', refused }, message);
              reply.header(REFUSED_EVENTS_HEADER, refused);
            }
            // Until an event is refused, the accepted events are the beacon's own array.
            const beacon = (refused > 0 ? { ...envelope, events: accepted } : envelope) as Beacon;
            const country = countryOf === undefined ? undefined : countryOf(request);
            recordAndAnswer({ beacon, request, reply, country });
          },
        );
      },
      { prefix: INGEST_PREFIX },
    );
  },
  { fastify: '5.x', name: 'pulse-ingest', dependencies: ['pulse-metrics'] },
);

/** What the diagnosis keeps beside the series, for the read side's diagnosis API. */
export interface DiagnosisState {
  errorGroups: ErrorGroups;
  pageOrigins: PageOrigins;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Error groups and page origins, read by the diagnosis API on the admin side. */
    pulseDiagnosis: DiagnosisState;
  }
}
