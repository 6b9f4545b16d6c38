/**
 * Why a beacon was refused. The set is fixed and small because it is the `reason` label of
 * `pulse_rejected_total`: unbounded reasons would be a cardinality leak of their own.
 */
export const REJECT_REASONS = [
  /** Body is not JSON, or is empty. */
  'malformed_json',
  /**
   * JSON that does not match the beacon schema: wrong types, unknown fields (`__proto__` and
   * `constructor` among them), unsafe strings in the beacon's own fields (its page-view
   * context), or `events` not an array.
   */
  'schema',
  /**
   * An event that does not match its schema. Counted once per refused event, not per request:
   * the beacon's valid events are still recorded, and only when none is valid is the whole
   * request refused with this reason.
   */
  'event_schema',
  /** Body larger than `bodyLimit`, headers too large, or a body not matching Content-Length. */
  'too_large',
  /** Neither `text/plain` nor `application/json`. */
  'content_type',
  /** A protocol version this collector does not speak. */
  'version',
  /** Ingest key missing or wrong. */
  'ingest_key',
  /** `Origin` not in the allow-list. */
  'origin',
  /** An app outside the collector's allow-list of apps (`--app`). */
  'app',
  /** Client over its request budget. */
  'rate_limited',
  /** More events than `maxEventsPerBeacon`. */
  'too_many_events',
  /** The request (headers and body) did not arrive within `requestTimeout`. */
  'timeout',
  /** Any other client error detected while reading the request. */
  'bad_request',
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];

/** JSON body of every rejection: HTTP status text, the reason label, and a human hint. */
export interface RejectionBody {
  error: string;
  reason: RejectReason;
  message: string;
}

/** A refused request: thrown by hooks and mapped to a 4xx reply by the ingest error handler. */
export class Rejection extends Error {
  /**
   * @param increments what the refusal adds to `pulse_rejected_total{reason}`: 1 for a request,
   *   the number of refused events for `event_schema`.
   */
  constructor(
    readonly statusCode: number,
    readonly reason: RejectReason,
    message: string,
    readonly increments = 1,
  ) {
    super(message);
    this.name = 'Rejection';
  }
}

/** The shape of errors fastify and its plugins throw: a code and a status. */
interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
}

/**
 * fastify's own error codes for unreadable requests, by the reason they count as. The body's
 * parsing and checks are the ingest route's own (beaconJson.ts, ingest.ts) and throw
 * `Rejection`s, so fastify's JSON and validation errors never reach here.
 */
const FASTIFY_CODES: Record<string, RejectReason> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'too_large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'content_type',
};

/**
 * Maps any error raised while handling a beacon to a rejection, or `undefined` when it is not
 * the client's fault (a bug, which must stay a visible 5xx rather than be blamed on input).
 */
export function toRejection(error: unknown): Rejection | undefined {
  if (error instanceof Rejection) return error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode, message = '' } = error as FastifyLikeError;
  const known = code === undefined ? undefined : FASTIFY_CODES[code];
  if (known !== undefined) return new Rejection(statusCode ?? 400, known, message);
  // @fastify/rate-limit throws a plain error with statusCode 429.
  if (statusCode === 429) return new Rejection(429, 'rate_limited', message);
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    return new Rejection(statusCode, 'bad_request', message);
  }
  return undefined;
}
