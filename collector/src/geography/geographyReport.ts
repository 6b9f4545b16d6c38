/**
 * `GET /api/v1/geography?app=`: the app's experience by country, from the series that carry
 * `country` with geography on (`pulse_page_views_total`, `pulse_page_score`,
 * `pulse_web_vital_rating_total`): page views, median page score and the share of good
 * ratings per vital, for each country with series of its own, `__other__` and `__unknown__`.
 * Figures since the collector started, as the summary's totals are.
 */
import { Type, type Static } from '@sinclair/typebox';
import { histogramQuantile } from '../dashboard/histogramQuantile.js';
import { sumHistograms, sumScalars, type RegistryReading } from '../dashboard/registryReading.js';
import { UNKNOWN_COUNTRY } from './countryCode.js';
import { OTHER } from '../series/metrics.js';

export const GEOGRAPHY_SERIES = [
  'pulse_page_views_total',
  'pulse_page_score',
  'pulse_web_vital_rating_total',
] as const;

const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const;

const Share = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]);

export const CountryFiguresSchema = Type.Object({
  /** An ISO 3166-1 alpha-2 code, `__other__` (past the app's slots) or `__unknown__`. */
  country: Type.String(),
  pageViews: Type.Number(),
  /** Scored page views, and their median score (null when none). */
  scored: Type.Number(),
  medianScore: Type.Union([Type.Number(), Type.Null()]),
  /** Share of good ratings per vital; null where the vital was never rated. */
  // Written out rather than built from VITALS, so the type names every vital.
  goodShare: Type.Object(
    { LCP: Share, INP: Share, CLS: Share, FCP: Share, TTFB: Share },
    { additionalProperties: false },
  ),
});

export const GeographySchema = Type.Object({
  app: Type.String(),
  /** False when the collector runs without `--country-header`: no country is recorded. */
  enabled: Type.Boolean(),
  /** Most page views first; `__other__` and `__unknown__` after the countries. */
  countries: Type.Array(CountryFiguresSchema),
});

export type CountryFigures = Static<typeof CountryFiguresSchema>;
export type Geography = Static<typeof GeographySchema>;

/** Named countries first, by page views; then `__other__`, then `__unknown__`. */
const placeOf = (country: string) => (country === UNKNOWN_COUNTRY ? 2 : country === OTHER ? 1 : 0);

export function geographyReport(reading: RegistryReading, app: string): Geography {
  const views = sumScalars(reading, 'pulse_page_views_total', ['country'], { app });
  const scores = sumHistograms(reading, 'pulse_page_score', ['country'], { app });
  const ratings = sumScalars(
    reading,
    'pulse_web_vital_rating_total',
    ['country', 'metric', 'rating'],
    { app },
  );
  const countries = new Set<string>();
  for (const group of [...views.values(), ...scores.values(), ...ratings.values()]) {
    // Without geography the families have no `country` label: nothing to break down.
    if (group.labels.country !== undefined) countries.add(group.labels.country);
  }
  const rated = (country: string, metric: string, good: boolean) => {
    let total = 0;
    for (const { labels, value } of ratings.values()) {
      if (labels.country !== country || labels.metric !== metric) continue;
      if (!good || labels.rating === 'good') total += value;
    }
    return total;
  };
  const figures = [...countries].map((country): CountryFigures => {
    const score = [...scores.values()].find((group) => group.labels.country === country);
    const pageViews = [...views.values()].find((group) => group.labels.country === country);
    const goodShare = Object.fromEntries(
      VITALS.map((metric) => {
        const all = rated(country, metric, false);
        return [metric, all > 0 ? rated(country, metric, true) / all : null];
      }),
    ) as CountryFigures['goodShare'];
    return {
      country,
      pageViews: pageViews?.value ?? 0,
      scored: score?.count ?? 0,
      medianScore:
        score === undefined || score.count === 0 ? null : histogramQuantile(0.5, score.buckets),
      goodShare,
    };
  });
  figures.sort(
    (a, b) =>
      placeOf(a.country) - placeOf(b.country) ||
      b.pageViews - a.pageViews ||
      a.country.localeCompare(b.country),
  );
  return { app, enabled: true, countries: figures };
}
