/**
 * The beacon endpoint's body parser: plain `JSON.parse`, with a leading byte-order mark ignored.
 *
 * fastify's default JSON parser also scans the whole text twice with regular expressions for
 * `__proto__` and `constructor` keys, which at tens of thousands of beacons a second costs more
 * than recording them. The beacon does not need that scan: `JSON.parse` makes such keys plain own
 * properties (it never sets a prototype), nothing reads the body before validation except a few
 * named fields, and every object of the beacon schema is closed (`additionalProperties: false`),
 * so a body carrying either key is refused by the schema before anything copies or merges it.
 */
import type { FastifyRequest } from 'fastify';
import { Rejection } from '../http/rejection.js';

const BYTE_ORDER_MARK = 0xfeff;

/** A fastify content-type parser (`parseAs: 'string'`) for beacon bodies. */
export function parseBeaconJson(
  _request: FastifyRequest,
  body: string,
  done: (error: Error | null, value?: unknown) => void,
): void {
  const text = body.charCodeAt(0) === BYTE_ORDER_MARK ? body.slice(1) : body;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    done(
      new Rejection(
        400,
        'malformed_json',
        text === '' ? 'the body is empty' : 'the body is not JSON',
      ),
    );
    return;
  }
  done(null, value);
}
