/**
 * The `country` label of a beacon's series, with geography on. The countries of an app are
 * ranked by the page views they start (labels/rankedLabels.ts): the heaviest
 * `RANKED_SLOTS.country` keep series of their own and the rest are `__other__`, so however many
 * countries the visitors come from, an app's routes have at most that many copies of their
 * page-view series, and the label model reserves them (seriesHandles.ts `labelCosts`).
 * `__unknown__` (no header, an untrusted peer, no assigned code) is recorded as itself without
 * a slot: a page view from nowhere known never pushes out a real country, nor hides as one.
 */
import type { LabelModel, Sighting } from '../labels/labelModel.js';
import type { RankedScope } from '../labels/rankedLabels.js';
import { UNKNOWN_COUNTRY } from '../geography/countryCode.js';
import { LazyMap } from './lazyMap.js';

export class CountryRanking {
  /** Each app's ranking scope, kept while the app is admitted. */
  private readonly scopes: LazyMap<string, RankedScope<undefined>>;

  constructor(private readonly labels: LabelModel) {
    this.scopes = new LazyMap((app) => labels.scope('country', { app }));
  }

  /**
   * The label value of `country` (an assigned code or `__unknown__`) in the admitted `app`,
   * adding `views` page views to its rank.
   */
  label(app: string, country: string, views: number, sighting: Sighting): string {
    if (country === UNKNOWN_COUNTRY) return country;
    return this.labels.ranked(this.scopes.get(app), country, views, sighting).value;
  }

  /** Drops the scope of an evicted app: the label model dropped its ranking. */
  forget(app: string): void {
    this.scopes.delete(app);
  }
}
