/**
 * `POST /v1/rum`: the public, unauthenticated beacon endpoint.
 *
 * Checks run cheapest first, so hostile traffic costs little: origin (headers only), rate limit,
 * then the body is read under the body limit and parsed, then ingest key, protocol version and
 * event count, then the full schema. Every refusal is a 4xx `{ error, reason, message }` and
 * one increment of `pulse_rejected_total{reason}`; nothing a client sends can produce a 5xx.
 *
 * The route lives in its own encapsulated context, so its body parsers, validator and error
 * handler apply to the beacon endpoint only and leave other plugins' routes alone.
 */
import { STATUS_CODES } from 'node:http';
import rateLimit from '@fastify/rate-limit';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Type } from '@sinclair/typebox';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PROTOCOL_VERSION, type Beacon } from '@pulse/sdk/protocol';
import { originAllowList } from './cors.js';
import { ingestKeyMatcher } from './ingestKey.js';
import { createLabelCaps } from './labels.js';
import type { RateLimitOptions } from './options.js';
import { recordBeacon } from './record.js';
import { REJECT_REASONS, Rejection, toRejection, type RejectionBody } from './rejection.js';
import { BeaconSchema, PulseEventSchema } from './schema.js';

/** Path of the beacon endpoint. */
export const INGEST_PATH = '/v1/rum';
/** Header alternative to the beacon's `key` field, for senders that can set headers. */
export const INGEST_KEY_HEADER = 'x-pulse-key';

export interface IngestPluginOptions {
  allowOrigins: readonly string[];
  ingestKey?: string;
  bodyLimit: number;
  maxEventsPerBeacon: number;
  appCap: number;
  routeCap: number;
  eventNameCap: number;
  rateLimit: RateLimitOptions | false;
}

const RejectionBodySchema = Type.Object({
  error: Type.String(),
  reason: Type.Union(REJECT_REASONS.map((reason) => Type.Literal(reason))),
  message: Type.String(),
});

/** The parsed body before validation: anything JSON can be. */
type UncheckedBody = Partial<Record<keyof Beacon, unknown>> | undefined;

const asObject = (body: unknown): UncheckedBody =>
  typeof body === 'object' && body !== null && !Array.isArray(body) ? body : undefined;

/** Validates the beacon with TypeBox's compiled checker; reports the first problem found. */
const beaconValidator = TypeCompiler.Compile(BeaconSchema);
/** Per-kind checkers: "expected union value" for a bad event becomes the field at fault. */
const eventValidators = new Map(
  PulseEventSchema.anyOf.map((schema) => [schema.properties.k.const, TypeCompiler.Compile(schema)]),
);

function firstProblem(data: unknown): string {
  const first = beaconValidator.Errors(data).First();
  if (first === undefined) return 'body: not a beacon';
  const eventIndex = /^\/events\/(\d+)$/.exec(first.path)?.[1];
  if (eventIndex !== undefined) {
    const event = (data as { events: unknown[] }).events[Number(eventIndex)];
    const kind = (event as { k?: unknown } | null)?.k;
    const precise = eventValidators
      .get(kind as never)
      ?.Errors(event)
      .First();
    if (precise !== undefined) return `body${first.path}${precise.path}: ${precise.message}`;
    return `body${first.path}/k: expected one of ${[...eventValidators.keys()].join(', ')}`;
  }
  return `body${first.path}: ${first.message}`;
}

function validateBeacon(data: unknown): { value: unknown } | { error: Error } {
  if (beaconValidator.Check(data)) return { value: data };
  return { error: new Error(firstProblem(data)) };
}

export const ingestPlugin = fp(
  async (app: FastifyInstance, options: IngestPluginOptions) => {
    const { metrics } = app.pulse;
    const labels = createLabelCaps(options, (label) => metrics.labelOverflowTotal.inc({ label }));
    const isOriginAllowed = originAllowList(options.allowOrigins);
    const isKeyValid =
      options.ingestKey === undefined ? undefined : ingestKeyMatcher(options.ingestKey);

    const checkOrigin = async (request: FastifyRequest) => {
      if (!isOriginAllowed(request.headers.origin)) {
        throw new Rejection(403, 'origin', 'this origin may not send beacons here');
      }
    };

    const checkIngestKey = async (request: FastifyRequest) => {
      if (isKeyValid === undefined) return;
      const header = request.headers[INGEST_KEY_HEADER];
      const fromHeader = Array.isArray(header) ? header[0] : header;
      const fromBody = asObject(request.body)?.key;
      const key = fromHeader ?? (typeof fromBody === 'string' ? fromBody : undefined);
      if (key === undefined) throw new Rejection(401, 'ingest_key', 'an ingest key is required');
      if (!isKeyValid(key)) throw new Rejection(403, 'ingest_key', 'the ingest key is not valid');
    };

    // Checked before the schema so a newer SDK gets a precise answer rather than `schema`.
    const checkVersion = async (request: FastifyRequest) => {
      const body = asObject(request.body);
      if (body === undefined || !('v' in body) || body.v === PROTOCOL_VERSION) return;
      const sent = typeof body.v === 'number' ? `version ${body.v}` : 'this version';
      throw new Rejection(400, 'version', `${sent} is not supported; expected ${PROTOCOL_VERSION}`);
    };

    const checkEventCount = async (request: FastifyRequest) => {
      const events = asObject(request.body)?.events;
      if (Array.isArray(events) && events.length > options.maxEventsPerBeacon) {
        throw new Rejection(
          413,
          'too_many_events',
          `at most ${options.maxEventsPerBeacon} events per beacon`,
        );
      }
    };

    await app.register(async (scope) => {
      // Only JSON, sent as `text/plain` (sendBeacon's CORS-safelisted type, no preflight) or
      // `application/json`. The default parser refuses `__proto__` / `constructor` poisoning.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(
        ['application/json', 'text/plain'],
        { parseAs: 'string' },
        scope.getDefaultJsonParser('error', 'error'),
      );

      scope.setErrorHandler((error, request, reply: FastifyReply) => {
        const rejection = toRejection(error);
        if (rejection === undefined) throw error;
        metrics.rejectedTotal.inc({ reason: rejection.reason });
        request.log.debug({ reason: rejection.reason, err: error }, 'beacon rejected');
        const body: RejectionBody = {
          error: STATUS_CODES[rejection.statusCode] ?? 'Bad Request',
          reason: rejection.reason,
          message: rejection.message,
        };
        return reply.code(rejection.statusCode).send(body);
      });

      scope.addHook('onRequest', checkOrigin);
      if (options.rateLimit !== false) {
        await scope.register(rateLimit, {
          max: options.rateLimit.max,
          timeWindow: options.rateLimit.timeWindow,
        });
      }

      scope.post(
        INGEST_PATH,
        {
          bodyLimit: options.bodyLimit,
          // Beacons arrive by the thousand; per-request info logs would drown everything else.
          logLevel: 'warn',
          schema: {
            body: BeaconSchema,
            response: { '4xx': RejectionBodySchema },
          },
          validatorCompiler: () => validateBeacon,
          preValidation: [checkIngestKey, checkVersion, checkEventCount],
        },
        async (request, reply) => {
          recordBeacon(metrics, labels, request.body as Beacon);
          return reply.code(204).send();
        },
      );
    });
  },
  { fastify: '5.x', name: 'pulse-ingest', dependencies: ['pulse-metrics'] },
);
