/**
 * Which browser origins may send beacons. @fastify/cors answers preflights and adds
 * `Access-Control-Allow-Origin` for allowed origins; the ingest route additionally refuses
 * beacons from other origins outright (a `text/plain` sendBeacon needs no preflight, so CORS
 * headers alone would not keep anything out).
 */
import cors from '@fastify/cors';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { INGEST_KEY_HEADER, REFUSED_EVENTS_HEADER } from './headers.js';

/** Origins compare as scheme://host[:port], lower-case, without a trailing slash. */
const normaliseOrigin = (origin: string) => origin.trim().replace(/\/+$/, '').toLowerCase();

/**
 * A predicate for the `Origin` header. An empty list, or a `*` entry, allows any origin.
 * A missing header (curl, server-side senders) is allowed: it proves nothing either way.
 */
export function originAllowList(allowOrigins: readonly string[]): (origin?: string) => boolean {
  const allowed = new Set(allowOrigins.map(normaliseOrigin));
  if (allowed.size === 0 || allowed.has('*')) return () => true;
  return (origin) => origin === undefined || allowed.has(normaliseOrigin(origin));
}

export interface CorsPluginOptions {
  allowOrigins: readonly string[];
}

export const corsPlugin = fp(
  async (app: FastifyInstance, options: CorsPluginOptions) => {
    const isAllowed = originAllowList(options.allowOrigins);
    await app.register(cors, {
      origin: (origin, callback) => callback(null, isAllowed(origin)),
      methods: ['GET', 'HEAD', 'POST'],
      allowedHeaders: ['content-type', INGEST_KEY_HEADER],
      // Not CORS-safelisted, so hidden from pages unless exposed: the SDK backs off for at
      // least Retry-After after a 429.
      exposedHeaders: ['retry-after', REFUSED_EVENTS_HEADER],
      // Browsers may cache the preflight for a day: beacons should not pay for it each time.
      maxAge: 86_400,
    });
  },
  { fastify: '5.x', name: 'pulse-cors' },
);
