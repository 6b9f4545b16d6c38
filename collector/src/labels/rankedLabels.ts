/**
 * The labels the diagnosis adds: `release` (per app), `target` (the culprit of a poor vital,
 * per app, route and metric), `script` (what blocked the main thread, per app) and
 * `fingerprint` (an error group, per app). Each scope keeps a few values with series of their
 * own, the heaviest by recent weight (topValues.ts); the rest are `__other__`.
 *
 * Like apps, routes and names (labelModel.ts), a value takes a slot only on evidence: sent from
 * `admitAfterClients` distinct client networks, through the same bounded evidence table and the
 * same per-beacon allowance of new values. The slots of every scope are reserved under the
 * series ceiling with the app or route that owns the scope (seriesHandles.ts `labelCosts`), so
 * these labels never take the ceiling by surprise; scopes exist only for admitted apps and
 * routes, and go with them.
 */
import type { LabelEvidence } from './labelEvidence.js';
import { TopValues } from './topValues.js';
import { OTHER, type RankedLabel } from '../series/metrics.js';
import type { Sighting } from './labelModel.js';

/** Values with series of their own per scope, for each ranked label. */
export const RANKED_SLOTS: Readonly<Record<RankedLabel, number>> = {
  // The newest release, the one before it (to compare with), and one more for a rollback.
  release: 3,
  target: 5,
  script: 10,
  fingerprint: 10,
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

interface Scope {
  label: RankedLabel;
  labels: ScopeLabels;
  app: string;
  route?: string;
  values: TopValues;
}

export class RankedLabels {
  private readonly scopes = new Map<string, Scope>();
  private lastDecay: number | undefined;

  constructor(
    private readonly evidence: LabelEvidence,
    private readonly admitAfterClients: number,
    private readonly events: RankedLabelEvents,
  ) {}

  /**
   * The value to record `raw` under in the scope `labels` (an admitted app, and for targets an
   * admitted route and a metric), adding `weight` to its rank.
   */
  value(
    label: RankedLabel,
    labels: ScopeLabels,
    raw: string,
    weight: number,
    sighting: Sighting,
  ): string {
    const app = labels.app!;
    if (app === OTHER) return OTHER;
    const key = `${label}\u0000${Object.values(labels).join('\u0000')}`;
    let scope = this.scopes.get(key);
    if (scope === undefined) {
      const slots = RANKED_SLOTS[label];
      const values = new TopValues(slots, slots * TRACKED_PER_SLOT);
      scope = { label, labels, app, route: labels.route, values };
      this.scopes.set(key, scope);
    }
    const standing = scope.values.add(raw, weight, sighting.now, () =>
      this.proven(`${key}\u0000${raw}`, sighting),
    );
    switch (standing.state) {
      case 'holds':
        return raw;
      case 'admitted':
        if (standing.displaced !== undefined) {
          this.events.retired(label, labels, standing.displaced);
        }
        this.events.admitted(label, labels, raw, scope.values.firstSeen(raw)!);
        return raw;
      case 'pending':
        this.events.pending(label);
        return OTHER;
      case 'outweighed':
        this.events.overflow(label);
        return OTHER;
    }
  }

  /** The values of the scope `labels` with series of their own. */
  held(label: RankedLabel, labels: ScopeLabels): string[] {
    const key = `${label}\u0000${Object.values(labels).join('\u0000')}`;
    return this.scopes.get(key)?.values.held() ?? [];
  }

  /** Decays every weight to `now` and retires values idle since before `idleBefore`. */
  sweep(now: number, idleBefore: number): void {
    const factor =
      this.lastDecay === undefined ? 1 : 0.5 ** ((now - this.lastDecay) / WEIGHT_HALF_LIFE_MS);
    this.lastDecay = now;
    for (const [key, scope] of this.scopes) {
      for (const value of scope.values.decay(factor, idleBefore)) {
        this.events.retired(scope.label, scope.labels, value);
      }
      if (scope.values.isEmpty()) this.scopes.delete(key);
    }
  }

  /**
   * Forgets the scopes of an evicted app (or of one of its routes). Their series go with the
   * app's or route's, so nothing is retired one by one.
   */
  drop(app: string, route?: string): void {
    for (const [key, scope] of this.scopes) {
      if (scope.app === app && (route === undefined || scope.route === route)) {
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
