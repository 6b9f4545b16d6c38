/// <reference lib="dom" />
/**
 * The "Countries" section, from `GET /api/v1/geography?app=`: the app's page views by country
 * (geography on: docs/GEOGRAPHY.md), each with its median score and the share of good ratings
 * per vital, so a region whose users suffer stands out. `__other__` gathers the countries past
 * the app's slots, `__unknown__` the page views no trusted proxy placed.
 */
import type { CountryFigures, Geography } from '../../geography/geographyReport.js';
import { element, table } from './elements.js';
import { formatCount, formatScore, formatShare, scoreBand } from './format.js';

const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const;
/** Good shares at or above this read good, below half poor (as the web-vitals p75 bands). */
const GOOD_SHARE = 0.75;

/** English country names from the browser's own data; the code where it has none. */
const regionNames = (() => {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  } catch {
    return undefined;
  }
})();

export function countryName(country: string): string {
  if (country === '__other__') return 'Other countries';
  if (country === '__unknown__') return 'Unknown';
  const name = regionNames?.of(country);
  return name === undefined ? country : `${name} (${country})`;
}

function shareCell(share: number | null): HTMLElement {
  if (share === null) return element('span', 'detail', '–');
  const band = share >= GOOD_SHARE ? 'good' : share >= 0.5 ? 'needs-improvement' : 'poor';
  return element('span', band, formatShare(share));
}

function row(figures: CountryFigures): (Node | string)[] {
  const score =
    figures.medianScore === null
      ? element('span', 'detail', 'none scored')
      : element(
          'span',
          scoreBand(figures.medianScore),
          formatScore(figures.medianScore),
          element('small', 'detail', `${formatCount(figures.scored)} scored`),
        );
  return [
    countryName(figures.country),
    formatCount(figures.pageViews),
    score,
    ...VITALS.map((metric) => shareCell(figures.goodShare[metric])),
  ];
}

export function countriesContent(geography: Geography): HTMLElement[] {
  if (geography.countries.length === 0) {
    return [element('p', 'detail', 'No page views with a country yet.')];
  }
  return [
    table(
      'countries',
      ['Country', 'Page views', 'Median score', ...VITALS.map((metric) => `${metric} good`)],
      geography.countries.map(row),
    ),
  ];
}
