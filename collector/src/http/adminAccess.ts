/**
 * Who may use the admin listener, and what its responses tell a browser.
 *
 * The admin listener serves the read side (dashboard, `/api/*`, `/metrics`), which names apps and
 * routes and describes the process. It binds to loopback by default; wherever it is reachable by
 * others (a pod IP that Prometheus scrapes, a host port behind a VPN), `adminToken` guards it.
 * The token is accepted as `Authorization: Bearer <token>` (Prometheus' `authorization`
 * setting, curl, Grafana) or as the password of HTTP Basic authentication with any user name,
 * which lets a person open the dashboard in a browser: the 401 asks the browser to prompt.
 *
 * Every answer carries headers that keep the dashboard's data in its own window: a Content
 * Security Policy that loads only the collector's own files and forbids framing, `nosniff`, no
 * referrer, and no caching by shared caches.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { secretMatcher } from './secretMatcher.js';

/**
 * The dashboard's own scripts and styles only, its API on the same origin, and no framing. The
 * page sets element styles through the CSSOM (uPlot does too), which `style-src` does not govern.
 */
export const ADMIN_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': ADMIN_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
} as const;

/** The token in an `Authorization` header: a Bearer token, or a Basic password. */
export function presentedToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const [scheme = '', credentials = ''] = authorization.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === 'bearer') return credentials;
  if (scheme.toLowerCase() !== 'basic') return undefined;
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

export interface AdminAccessOptions {
  /** When set, every admin request must present it. */
  adminToken?: string;
}

export const adminAccess = fp(
  async (app: FastifyInstance, options: AdminAccessOptions) => {
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(SECURITY_HEADERS);
      done();
    });
    if (options.adminToken === undefined) return;
    const isToken = secretMatcher(options.adminToken);
    app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
      const token = presentedToken(request.headers.authorization);
      if (token !== undefined && isToken(token)) return done();
      reply
        .code(401)
        .header('www-authenticate', 'Basic realm="pulse", charset="UTF-8"')
        .header('cache-control', 'no-store')
        .send({ error: 'Unauthorized', message: 'the admin token is required' });
    });
  },
  { fastify: '5.x', name: 'pulse-admin-access' },
);
