/**
 * Label values as the collector records them: routes and custom names normalised, so that one
 * page template or one business event is one value however a client spells it. Which values
 * then get series of their own is the label model's decision (labelModel.ts).
 */

// Defence in depth behind the SDK's own route normalisation: a route function that returns
// raw paths, or an old or hostile client, must not turn every id into its own series.
const NUMERIC_SEGMENT = /^\d+$/;
const UUID_SEGMENT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_SEGMENT = /^(?=.*\d)[0-9a-f]{16,}$/i;

/**
 * Route as a label: repeated and trailing slashes removed, and path segments that are plainly
 * ids (all digits, uuids, long hex hashes) replaced by `:id`, as the SDK does.
 */
export function normaliseRoute(route: string): string {
  const segments = route
    .split('/')
    .map((segment) =>
      NUMERIC_SEGMENT.test(segment) || UUID_SEGMENT.test(segment) || HEX_SEGMENT.test(segment)
        ? ':id'
        : segment,
    );
  const joined = segments.filter((segment, i) => segment !== '' || i === 0).join('/');
  return joined === '' ? '/' : joined;
}

/** Custom names as labels: surrounding spaces dropped, inner runs of spaces made one. */
export function normaliseName(name: string): string {
  return name.trim().replace(/ {2,}/g, ' ') || '_';
}
