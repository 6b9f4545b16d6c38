/**
 * The labels the diagnosis adds: `release` (per app), `target` (the culprit of a poor vital,
 * per app, route and metric), `script` (what blocked the main thread, per app) and
 * `fingerprint` (an error group, per app); and, with geography on, `country` (per app, by page
 * views; `__unknown__` is recorded as itself and takes no slot); and `event` (a socket.io event
 * name, per app, by messages). Each scope keeps a few values with series of their own, the
 * heaviest by recent weight (topValues.ts); the rest are `__other__`.
 *
 * Like apps, routes and names (labelModel.ts), a value takes a slot only on evidence: sent from
 * `admitAfterClients` distinct client networks, through the same bounded evidence table and the
 * same per-beacon allowance of new values. The slots of every scope are reserved under the
 * series ceiling with the app or route that owns the scope (seriesHandles.ts `labelCosts`), so
 * these labels never take the ceiling by surprise; scopes exist only for admitted apps and
 * routes, and go with them.
 */
import type { LabelEvidence } from './labelEvidence.js';
import { TopValues, type Slot } from './topValues.js';
import { OTHER, type RankedLabel } from '../series/metrics.js';
import type { Sighting } from './labelModel.js';

/** Values with series of their own per scope, for each ranked label. */
export const RANKED_SLOTS: Readonly<Record<RankedLabel, number>> = {
  // The newest release, the one before it (to compare with), and one more for a rollback.
  release: 3,
  target: 5,
  script: 10,
  fingerprint: 10,
  // Where most page views come from; each country is a copy of a route's page views, ratings
  // and scores (docs/GEOGRAPHY.md), so a few more would cost a lot under the ceiling.
  country: 10,
  // socket.io event names of an app with delivery tracking (recordMessages.ts), by messages.
  event: 10,
};

/** Values tracked per scope, holders included: enough that a heavy value is never missed. */
const TRACKED_PER_SLOT = 4;

/**
 * Weights halve in this time: a culprit fixed, or a release rolled out of, gives up its slot
 * to current values within the hour, while one that keeps arriving keeps it.
 */
export const WEIGHT_HALF_LIFE_MS = 15 * 60_000;

/** The labels of a scope: what its values' series share. */
export type ScopeLabels = Readonly<Record<string, string>>;

export interface RankedLabelEvents {
  /** A value recorded as `__other__` while it waits for evidence (counted per occurrence). */
  pending(label: RankedLabel): void;
  /** A value recorded as `__other__` because every holder outweighs it (counted per occurrence). */
  overflow(label: RankedLabel): void;
  /** A value took a slot; `firstSeen` (ms) is when its scope first tracked it. */
  admitted(label: RankedLabel, scope: ScopeLabels, value: string, firstSeen: number): void;
  /** A value lost its slot (displaced, idle, or its scope went): its series must go. */
  retired(label: RankedLabel, scope: ScopeLabels, value: string): void;
}

/**
 * One scope of a ranked label: its values and their ranking. Callers keep it (one per app, or per
 * app, route and metric) so a sighting costs no key building; it lives as long as the app or
 * route that owns it (`RankedLabels.drop`). `H` is what its caller keeps per value (`Slot`).
 */
export class RankedScope<H = unknown> {
  /** The slot of every value without one of its own. */
  readonly other: Slot<H> = { value: OTHER, handle: undefined };

  constructor(
    readonly label: RankedLabel,
    readonly labels: ScopeLabels,
    /** The scope's key in the evidence table. */
    readonly key: string,
    /** Null for a scope under `__other__`, where every value collapses. */
    readonly values: TopValues<H> | null,
  ) {}
}

export class RankedLabels {
  private readonly scopes = new Map<string, RankedScope>();
  private lastDecay: number | undefined;

  constructor(
    private readonly evidence: LabelEvidence,
    private readonly admitAfterClients: number,
    private readonly events: RankedLabelEvents,
  ) {}

  /**
   * The scope `labels` of `label` (an admitted app, and for targets an admitted route and a
   * metric), made on first use.
   */
  scope<H>(label: RankedLabel, labels: ScopeLabels): RankedScope<H> {
    const key = `${label}\u0000${Object.values(labels).join('\u0000')}`;
    let scope = this.scopes.get(key);
    if (scope === undefined) {
      // `__other__` stands for apps not admitted: it has no scopes of its own to fill.
      if (labels.app === OTHER) return new RankedScope<H>(label, labels, key, null);
      const slots = RANKED_SLOTS[label];
      scope = new RankedScope(label, labels, key, new TopValues(slots, slots * TRACKED_PER_SLOT));
      this.scopes.set(key, scope);
    }
    // Handles are their caller's: the one caller that keeps this scope says what they are.
    return scope as RankedScope<H>;
  }

  /**
   * The slot to record `raw` under in `scope` (its own, or the scope's `__other__`), adding
   * `weight` to its rank.
   */
  value<H>(scope: RankedScope<H>, raw: string, weight: number, sighting: Sighting): Slot<H> {
    const { values, label, labels } = scope;
    if (values === null) return scope.other;
    const entry = values.entry(raw, sighting.now);
    // Most sightings are of a value that holds its slot: no evidence callback made for them.
    if (values.weighHeld(entry, weight, sighting.now)) return entry;
    const standing = values.weigh(entry, weight, sighting.now, () =>
      this.proven(`${scope.key}\u0000${raw}`, sighting),
    );
    switch (standing.state) {
      case 'holds':
        return entry;
      case 'admitted':
        if (standing.displaced !== undefined) {
          this.events.retired(label, labels, standing.displaced);
        }
        this.events.admitted(label, labels, raw, values.firstSeen(raw)!);
        return entry;
      case 'pending':
        this.events.pending(label);
        return scope.other;
      case 'outweighed':
        this.events.overflow(label);
        return scope.other;
    }
  }

  /** The values of the scope `labels` with series of their own. */
  held(label: RankedLabel, labels: ScopeLabels): string[] {
    return this.scope(label, labels).values?.held() ?? [];
  }

  /** Decays every weight to `now` and retires values idle since before `idleBefore`. */
  sweep(now: number, idleBefore: number): void {
    const factor =
      this.lastDecay === undefined ? 1 : 0.5 ** ((now - this.lastDecay) / WEIGHT_HALF_LIFE_MS);
    this.lastDecay = now;
    // Scopes stay, even empty: callers keep them, and they go with their app or route.
    for (const scope of this.scopes.values()) {
      for (const value of scope.values!.decay(factor, idleBefore)) {
        this.events.retired(scope.label, scope.labels, value);
      }
    }
  }

  /**
   * Forgets the scopes of an evicted app (or of one of its routes). Their series go with the
   * app's or route's, so nothing is retired one by one.
   */
  drop(app: string, route?: string): void {
    for (const [key, scope] of this.scopes) {
      if (scope.labels.app === app && (route === undefined || scope.labels.route === route)) {
        this.scopes.delete(key);
      }
    }
  }

  /** Whether the value keyed `key` has its evidence; asked once per sighting until it has. */
  private proven(key: string, sighting: Sighting): boolean {
    if (this.admitAfterClients <= 1) return true;
    if (!this.evidence.admits(key, sighting)) return false;
    this.evidence.forget(key);
    return true;
  }
}
