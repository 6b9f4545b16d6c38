import type { PulseConfig } from '../types.js';

/**
 * Path segments that name one thing rather than a kind of page become `:id`: all digits; eight
 * characters or more with a digit among them (UUIDs, hex hashes, ObjectIds, base64 tokens, dates,
 * and slugs such as `iphone-15-pro`, which are instances of a template too); anything of 32
 * characters or more (tokens without digits); anything with an `@` (an e-mail address is personal
 * data). So `/orders/81723` and `/orders/81724` are one route and no id reaches a metric label,
 * while words (`/products`, `/checkout`) stay.
 */
const ID_SEGMENT = /^\d+$|^(?=\D*\d).{8,}$|^.{32,}$|@/;

/** Longest route sent; label values beyond this are noise and cost bytes on every beacon. */
const MAX_ROUTE = 100;

/**
 * Characters the collector refuses in routes: anything but printable ASCII, and `"`, `<`, `>`,
 * backslash, backtick, `{`, `}` (`!-z|~` is printable ASCII without those braces; `?` and `#`
 * never get here). Browsers escape most of them in paths, but not in fragments (hash routers)
 * nor in templates an app returns.
 */
const ROUTE_INVALID = /[^!-z|~]|["<>\\`]/g;

/**
 * Turns a path (or hash path) into a route: no query, no fragment, ids replaced by `:id`,
 * characters outside the collector's route charset replaced by `_`.
 */
export const normaliseRoute = (path: string): string =>
  (
    path
      .split(/[?#]/)[0]!
      .split('/')
      .map((segment) => (ID_SEGMENT.test(segment) ? ':id' : segment))
      .join('/')
      .replace(ROUTE_INVALID, '_') || '/'
  ).slice(0, MAX_ROUTE);

/**
 * The current route: the app's template when it gives one, else the normalised path, or for
 * hash routers the path inside the fragment (`#/products/42` → `/products/:id`).
 */
export const currentRoute = (mode: PulseConfig['route']): string =>
  normaliseRoute(
    (typeof mode == 'function' && mode()) ||
      (mode == 'hash' ? location.hash.slice(1) : location.pathname),
  );
