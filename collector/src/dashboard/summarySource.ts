/**
 * Where the dashboard's summary comes from. The plugin knows only this interface; one module per
 * source implements it:
 *
 * - registrySource.ts: this collector's own registry, with a bounded local history for ranges
 *   (the default: nothing to install, one replica's view).
 * - promqlSource.ts: PromQL over a Prometheus-compatible query API (`--prometheus-url`), the
 *   whole fleet's view.
 *
 * Both hand their series to the same `summarize()`, so the page shows the same layout and the
 * same figures computed the same way whichever answers.
 */
import type { RangeName } from './summaryRanges.js';
import type { Summary } from './summarySchema.js';

export interface SummarySource {
  /** `collector` or `prometheus`, as the summary's `range.source` says. */
  readonly kind: Summary['range']['source'];
  /** The ranges this source can answer, shortest first. */
  readonly ranges: readonly RangeName[];
  /** The summary over `range`, ending now. Throws {@link SourceUnavailableError} when it cannot. */
  summary(range: RangeName): Promise<Summary>;
  close(): Promise<void>;
}

/**
 * The source could not answer (query engine unreachable, refused the credentials, timed out):
 * the endpoint answers 502 with this message rather than a figure it does not have.
 */
export class SourceUnavailableError extends Error {
  override name = 'SourceUnavailableError';
}
