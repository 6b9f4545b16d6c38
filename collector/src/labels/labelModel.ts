/**
 * Which label values get series of their own: the collector's defence against cardinality
 * squatting and inflation. Every `app`, `route` and custom event `name` comes from the internet,
 * and each distinct value is a set of time series held by the collector and by Prometheus.
 *
 * - **One ceiling.** Every admitted value reserves the most series it can ever make (`costs`);
 *   the sum of reservations never passes `seriesCeiling`. So the ceiling, not the number of
 *   apps or routes, bounds the collector's memory and the size of `/metrics`.
 * - **Evidence, not arrival order.** A new value is admitted once it was sent from
 *   `admitAfterClients` distinct client networks (clientNetwork.ts) within the evidence
 *   window, or at once when the operator pinned it (`pinnedApps`, `pinnedRoutes`,
 *   `pinnedNames`). Until then (counted as pending), and past a cap or the ceiling (counted as
 *   overflow), it collapses into `__other__`.
 *   One client inventing values admits none of them; a real route, sent by many browsers, is
 *   admitted within its first few page views.
 * - **Eviction of the idle.** Values nothing has sent for `labelIdleTimeout` are evicted, their
 *   series removed and their reservation returned, so real values find room again after a
 *   flood. Pinned values stay. Values that keep arriving are never pushed out by newer ones.
 *
 * Routes and names of an app that is not admitted collapse with it: `__other__` has no routes.
 * With an allow-list of apps (`pinnedApps`), beacons of other apps are refused at ingest.
 */
import { LabelEvidence } from './labelEvidence.js';
import type { Slot } from './topValues.js';
import {
  RankedLabels,
  type RankedLabelEvents,
  type RankedScope,
  type ScopeLabels,
} from './rankedLabels.js';
import { normaliseName, normaliseRoute } from './labels.js';
import { OTHER, type CappedLabel, type RankedLabel } from '../series/metrics.js';

export interface LabelModelOptions {
  /** Most series the admitted values may make together. */
  seriesCeiling: number;
  /** Distinct client networks a value must be sent from before it is admitted. */
  admitAfterClients: number;
  /** Milliseconds without a sighting after which a value is evicted. */
  labelIdleTimeout: number;
  /** Milliseconds within which the networks behind a new value must be seen. */
  evidenceWindow: number;
  /** Values waiting for evidence kept at most. */
  evidenceCapacity: number;
  /** Per-scope caps: apps overall, routes and names per app. */
  appCap: number;
  routeCap: number;
  eventNameCap: number;
  /** Apps admitted from the start; when not empty, the only apps accepted at all. */
  pinnedApps: readonly string[];
  /** Route templates admitted from the start for every admitted app. */
  pinnedRoutes: readonly string[];
  /** Custom event and timing names admitted from the start for every admitted app. */
  pinnedNames: readonly string[];
}

/** The most series one admitted value can make (seriesHandles.ts computes them). */
export interface LabelCosts {
  /** An app's own series, its `__other__` route and name included. */
  app: number;
  route: number;
  name: number;
}

/** What the model tells the rest of the collector. */
export interface LabelModelEvents {
  /** A value collapsed into `__other__` past a cap or the ceiling (counted per occurrence). */
  overflow(label: CappedLabel): void;
  /** A value collapsed into `__other__` while it waits for evidence (counted per occurrence). */
  pending(label: CappedLabel): void;
  admitted(label: CappedLabel): void;
  /** A value was evicted: its series must go. `app` is the value itself when `label` is app. */
  evicted(label: CappedLabel, app: string, value: string): void;
  /** What the ranked labels of the diagnosis (release, target, script, fingerprint) tell. */
  ranked: RankedLabelEvents;
}

/**
 * One beacon as the model sees it: who sent it, when, and how many values never seen before it
 * may still start collecting evidence for. The address is read only for a value not admitted
 * yet, so the common case (every value admitted) never computes it; a fastify request fits.
 */
export interface Sighting {
  readonly client: { readonly ip: string };
  readonly now: number;
  fresh: number;
}

/**
 * New values one beacon may start collecting evidence for: its app, its route and a couple of
 * names. Without it, one beacon with hundreds of invented names would flush the evidence table
 * (and with it the first sightings of real new values) in a few requests.
 */
export const NEW_VALUES_PER_BEACON = 4;

export const sightingOf = (client: { readonly ip: string }, now: number): Sighting => ({
  client,
  now,
  fresh: NEW_VALUES_PER_BEACON,
});

/** The label values to record a beacon under. */
export interface LabelModel {
  /** Whether beacons of this app are accepted at all (false only outside an allow-list). */
  accepts(app: string): boolean;
  /** The admitted app, or `__other__`. */
  app(app: string, sighting: Sighting): string;
  /** `app` is what `app()` returned. */
  route(app: string, route: string, sighting: Sighting): string;
  name(app: string, name: string, sighting: Sighting): string;
  /**
   * The scope of a ranked label (rankedLabels.ts): `app` is what `app()` returned; for targets,
   * `route` what `route()` returned, and the metric. Keep it while its app and route are
   * admitted.
   */
  scope<H>(label: RankedLabel, labels: ScopeLabels): RankedScope<H>;
  /**
   * The slot of a ranked label's value in `scope` (`slot.value` is what to record it under),
   * adding `weight` to its rank.
   */
  ranked<H>(scope: RankedScope<H>, value: string, weight: number, sighting: Sighting): Slot<H>;
  /** The values of a ranked label with series of their own in `scope`. */
  held(label: RankedLabel, scope: ScopeLabels): string[];
  /** Evicts values idle since before `now - labelIdleTimeout`. */
  sweep(now: number): void;
  /** Series reserved by the admitted values now. */
  readonly reserved: number;
}

interface Admitted {
  lastSeen: number;
  pinned: boolean;
}

interface AppState extends Admitted {
  routes: Map<string, Admitted>;
  names: Map<string, Admitted>;
}

/** A collector configuration whose pinned values alone do not fit under the ceiling. */
export class LabelCeilingError extends Error {
  override name = 'LabelCeilingError';
}

export function createLabelModel(
  options: LabelModelOptions,
  costs: LabelCosts,
  events: LabelModelEvents,
): LabelModel {
  const apps = new Map<string, AppState>();
  const evidence = new LabelEvidence(
    options.evidenceCapacity,
    options.admitAfterClients,
    options.evidenceWindow,
  );
  const allowList = new Set(options.pinnedApps);
  const pinnedRoutes = [...new Set(options.pinnedRoutes.map(normaliseRoute))];
  const pinnedNames = [...new Set(options.pinnedNames.map(normaliseName))];
  /** What admitting an app reserves: itself, and the routes and names pinned for every app. */
  const appCost = costs.app + pinnedRoutes.length * costs.route + pinnedNames.length * costs.name;
  const ranked = new RankedLabels(evidence, options.admitAfterClients, events.ranked);
  let reserved = 0;

  const reserve = (cost: number) => {
    if (reserved + cost > options.seriesCeiling) return false;
    reserved += cost;
    return true;
  };

  /** Adds an app whose reservation was made. */
  const addApp = (app: string, now: number, pinned: boolean): void => {
    const pinnedValue = () => ({ lastSeen: now, pinned: true });
    const state: AppState = {
      lastSeen: now,
      pinned,
      routes: new Map(pinnedRoutes.map((route) => [route, pinnedValue()])),
      names: new Map(pinnedNames.map((name) => [name, pinnedValue()])),
    };
    apps.set(app, state);
  };

  // `__other__` and the pinned apps hold their reservations from the start. `__other__` has no
  // routes or names of its own (they collapse with it), so it reserves the app's own series only.
  const pinnedCost = costs.app + appCost * allowList.size;
  if (pinnedCost > options.seriesCeiling) {
    throw new LabelCeilingError(
      `the pinned apps, routes and names need ${pinnedCost} series, ` +
        `more than the series ceiling of ${options.seriesCeiling}`,
    );
  }
  reserve(costs.app);
  apps.set(OTHER, { lastSeen: 0, pinned: true, routes: new Map(), names: new Map() });
  for (const app of allowList) {
    reserve(appCost);
    addApp(app, 0, true);
  }

  /**
   * A value not admitted yet: admitted if its evidence (or nothing, when pinned) suffices and it
   * fits under its cap and the ceiling; otherwise `__other__`, counted.
   */
  const consider = (
    label: CappedLabel,
    key: string,
    admitted: Map<string, Admitted>,
    cap: number,
    cost: number,
    sighting: Sighting,
  ): boolean => {
    // On one client's word (`admitAfterClients` 1) nothing waits in the evidence table to flush.
    if (options.admitAfterClients > 1 && !evidence.admits(key, sighting)) {
      events.pending(label);
      return false;
    }
    if (admitted.size >= cap || !reserve(cost)) {
      events.overflow(label);
      return false;
    }
    evidence.forget(key);
    events.admitted(label);
    return true;
  };

  /** The admitted value for `raw` in `values`, trying it as sent, then normalised. */
  const lookup = (values: Map<string, Admitted>, raw: string, normalise: (v: string) => string) => {
    const found = values.get(raw);
    if (found !== undefined) return raw;
    const normalised = normalise(raw);
    return values.has(normalised) ? normalised : undefined;
  };

  const perApp =
    (label: 'route' | 'name', cap: number, cost: number, normalise: (v: string) => string) =>
    (app: string, raw: string, sighting: Sighting): string => {
      const state = apps.get(app);
      if (state === undefined || app === OTHER) return OTHER;
      const values = label === 'route' ? state.routes : state.names;
      const known = lookup(values, raw, normalise);
      if (known !== undefined) {
        values.get(known)!.lastSeen = sighting.now;
        return known;
      }
      const value = normalise(raw);
      const key = `${label}\u0000${app}\u0000${value}`;
      if (!consider(label, key, values, cap, cost, sighting)) return OTHER;
      values.set(value, { lastSeen: sighting.now, pinned: false });
      return value;
    };

  const evictIdle = (
    label: 'route' | 'name',
    app: string,
    values: Map<string, Admitted>,
    cost: number,
    cutoff: number,
  ) => {
    for (const [value, admitted] of values) {
      if (admitted.pinned || admitted.lastSeen >= cutoff) continue;
      values.delete(value);
      reserved -= cost;
      if (label === 'route') ranked.drop(app, value);
      events.evicted(label, app, value);
    }
  };

  return {
    accepts: (app) => allowList.size === 0 || allowList.has(app),

    app(app, sighting) {
      const state = apps.get(app);
      if (state !== undefined) {
        state.lastSeen = sighting.now;
        return app;
      }
      if (allowList.size > 0) return OTHER;
      // Apps are taken as sent: the schema allows no characters that would need normalising.
      // `__other__` is among the apps but not under the cap.
      const cap = options.appCap + 1;
      if (!consider('app', `app\u0000${app}`, apps, cap, appCost, sighting)) return OTHER;
      addApp(app, sighting.now, false);
      return app;
    },

    route: perApp('route', options.routeCap, costs.route, normaliseRoute),
    name: perApp('name', options.eventNameCap, costs.name, normaliseName),

    sweep(now) {
      const cutoff = now - options.labelIdleTimeout;
      for (const [app, state] of apps) {
        if (!state.pinned && state.lastSeen < cutoff) {
          apps.delete(app);
          reserved -= appCost + (state.routes.size - pinnedRoutes.length) * costs.route;
          reserved -= (state.names.size - pinnedNames.length) * costs.name;
          ranked.drop(app);
          events.evicted('app', app, app);
          continue;
        }
        evictIdle('route', app, state.routes, costs.route, cutoff);
        evictIdle('name', app, state.names, costs.name, cutoff);
      }
      ranked.sweep(now, cutoff);
      evidence.sweep(now);
    },

    scope: (label, labels) => ranked.scope(label, labels),
    ranked: (scope, value, weight, sighting) => ranked.value(scope, value, weight, sighting),
    held: (label, scope) => ranked.held(label, scope),

    get reserved() {
      return reserved;
    },
  };
}
