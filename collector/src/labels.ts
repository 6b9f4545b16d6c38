/**
 * Bounded label values. Every value that reaches a Prometheus label comes from the internet,
 * and each distinct value is a new time series held forever by the collector and Prometheus.
 * So values are normalised, then admitted first-come up to a cap (apps overall, routes and
 * custom names per app); later values collapse into `__other__`, and each collapse is counted
 * in `pulse_label_overflow_total{label}`. Memory is bounded by
 * `(appCap + 1) * (routeCap + eventNameCap)` short strings, whatever clients send.
 */
import { LazyMap } from './lazyMap.js';
import { OTHER, type CappedLabel } from './metrics.js';

export interface LabelCapsOptions {
  appCap: number;
  routeCap: number;
  eventNameCap: number;
}

/** The normalised, capped value to use for each capped label. */
export interface LabelCaps {
  app(app: string): string;
  /** `app` is the value `app()` returned, so an app over the cap shares `__other__`'s routes. */
  route(app: string, route: string): string;
  name(app: string, name: string): string;
}

/** A set of admitted values that stops growing at `cap`. */
class CappedSet {
  private readonly values = new Set<string>();
  constructor(private readonly cap: number) {}

  /** True when `value` was admitted before. */
  has(value: string): boolean {
    return this.values.has(value);
  }

  /** The value itself if admitted (now or before), else undefined. */
  admit(value: string): string | undefined {
    if (this.values.has(value)) return value;
    if (this.values.size >= this.cap) return undefined;
    this.values.add(value);
    return value;
  }
}

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

/** Creates the label caps of one collector; `overflow` is told of every collapse. */
export function createLabelCaps(
  options: LabelCapsOptions,
  overflow: (label: CappedLabel) => void,
): LabelCaps {
  const apps = new CappedSet(options.appCap);

  const capped = (label: CappedLabel, set: CappedSet, value: string) => {
    const admitted = set.admit(value);
    if (admitted !== undefined) return admitted;
    overflow(label);
    return OTHER;
  };

  // One capped set per app; only apps already admitted (or `__other__`) get one, so the map is
  // bounded too. Admitted values are normalised, and normalising is idempotent: a value found
  // among them needs no normalising (the common case, since the SDK sends normalised routes).
  const perAppLabel = (label: CappedLabel, cap: number, normalise: (value: string) => string) => {
    const setsByApp = new LazyMap<string, CappedSet>(() => new CappedSet(cap));
    return (app: string, value: string) => {
      const set = setsByApp.get(app);
      return set.has(value) ? value : capped(label, set, normalise(value));
    };
  };

  return {
    app: (app) => capped('app', apps, app),
    route: perAppLabel('route', options.routeCap, normaliseRoute),
    name: perAppLabel('name', options.eventNameCap, normaliseName),
  };
}
