import type { CollectorOptions } from '../../../collector/src/options.js';

/**
 * How the bench runs the collector: its defaults (label caps, series ceiling, admission), but
 * for two things the bench's single client would otherwise trip over.
 *
 * - The per-client rate limit is off: every beacon comes from 127.0.0.1, and it is meant for one
 *   browser per address (the `collector-rate-limited` server measures what it costs).
 * - A new app, route or name is admitted on the first sighting (`admitAfterClients: 1`) instead
 *   of after five distinct client networks: the load's one address stands in for the many
 *   browsers that admit a production collector's values within their first page views. After
 *   the warm-up every beacon then takes the path of admitted values, which is the steady state
 *   being measured. Pinning the load's values, as an operator would, cannot reach the ceiling:
 *   pinned routes and names are reserved for every admitted app and for `__other__` too, so
 *   pinning app `bench` with its 100 routes and 50 names needs 2 x 36,331 series and the
 *   collector refuses to start (LabelCeilingError, 72,662 > 50,000); pinning the routes and
 *   names alone leaves `__other__` holding 36,331 and no room to admit the app.
 */
export const benchCollectorOptions = {
  rateLimit: false,
  admitAfterClients: 1,
} satisfies Partial<CollectorOptions>;
