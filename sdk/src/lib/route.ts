import type { PulseConfig } from '../types.js';

/**
 * Path segments that identify one thing rather than a kind of page: numbers; hex ids with or
 * without dashes (UUIDs, commit hashes, ObjectIds, also dates); long lowercase ids (cuid); long
 * mixed-case tokens (base64url, nanoid); anything with an `@` (an e-mail address is personal
 * data). They become `:id`, so `/orders/81723` and `/orders/81724` are one route and no id
 * reaches a metric label. Ids and tokens must contain a digit, and long tokens mixed case, so
 * words and lowercase slugs (`/blog/top-10-laptops-2024`) stay as they are.
 */
const ID_SEGMENT =
  /^(\d+|.*@.*|(?=\D*\d)([\dA-Fa-f-]{8,}|[\da-z]{20,}|(?=.*[a-z])(?=.*[A-Z])[\w-]{16,}))$/;

/** Longest route sent; label values beyond this are noise and cost bytes on every beacon. */
const MAX_ROUTE = 100;

/** Turns a path (or hash path) into a route: no query, no fragment, ids replaced by `:id`. */
export const normaliseRoute = (path: string): string =>
  (
    path
      .split(/[?#]/)[0]!
      .split('/')
      .map((segment) => (ID_SEGMENT.test(segment) ? ':id' : segment))
      .join('/') || '/'
  ).slice(0, MAX_ROUTE);

/**
 * The current route: the app's template when it gives one, else the normalised path, or for
 * hash routers the path inside the fragment (`#/products/42` → `/products/:id`).
 */
export const currentRoute = (mode: PulseConfig['route']): string =>
  normaliseRoute(
    (typeof mode == 'function' && mode()) ||
      (mode == 'hash' ? location.hash.replace(/^#!?/, '') : location.pathname),
  );
