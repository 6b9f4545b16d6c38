/**
 * How much counters grew over a window, written so that Prometheus and VictoriaMetrics (and every
 * engine with PromQL's selectors, offset, set operators and `resets()`) give the same number.
 *
 * `increase()` does not: PromQL's extrapolates from the first and last samples in the window to
 * its edges and never counts the first sample of a series born inside it, while MetricsQL's
 * counts from the last sample before the window, counts a new series from zero, and does not
 * extrapolate. On a route with a page view a minute, or over a window in which a replica
 * started, the two differ by most of the answer. This form uses only what both engines define
 * alike, per series:
 *
 * - alive at the window's start and not reset in it: last value in the window less the last
 *   value before it (`offset`), an exact count;
 * - born in the window (no sample in the 5 minutes before it), or restarted between the last
 *   sample before the window and the first in it (the window's smallest value is below the one
 *   before it: `resets()` sees only the window's own samples), and not reset in it: its last
 *   value, since Pulse's counters start at zero. Without this, a restart at the window's start
 *   counted the new process's value less the old one's, a negative count; with windows a scrape
 *   interval long, tiling a chart, every restart falls there;
 * - reset in the window (a replica restarted): `increase()`, where the engines still differ by the
 *   extrapolation (about a scrape interval's worth of the window; docs/SCALING.md).
 *
 * Counts over windows that tile a range add up to the count over the range, so the dashboard's
 * charts and figures agree with each other as well.
 */

/** Seconds as a PromQL duration: `900s`. */
export const duration = (seconds: number) => `${Math.round(seconds)}s`;

/**
 * How far before a window a series must have a sample to count as alive at its start: Prometheus'
 * default lookback, and more than any scrape interval in use.
 */
const LOOKBACK = '5m';

/**
 * `sum by (<by>)` of how much the series of `selector` grew over the window before: `seconds`, or
 * a duration as PromQL writes it (`'5m'`, or Grafana's `'$__range'`, for the shipped rules and
 * panels, which are written out from this function).
 */
export function windowIncrease(
  selector: string,
  seconds: number | string,
  by: readonly string[],
): string {
  const window = typeof seconds === 'number' ? duration(seconds) : seconds;
  const last = `last_over_time(${selector}[${window}])`;
  // The last value before the window, kept only if the counter did not go below it since.
  const before =
    `(last_over_time(${selector}[${LOOKBACK}] offset ${window})` +
    ` <= min_over_time(${selector}[${window}]))`;
  const reset = `(resets(${selector}[${window}]) > 0)`;
  return (
    `sum${by.length === 0 ? '' : ` by (${by.join(', ')})`} (` +
    `((${last} - ${before}) unless ${reset})` +
    ` or ((${last} unless ${before}) unless ${reset})` +
    ` or (increase(${selector}[${window}]) and ${reset}))`
  );
}
